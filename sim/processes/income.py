"""Market incomes: farming, wages, property and private transfers.

Levels are multiples of the region's mean rural income per person in the year before the
start (``region.rural_income_per_capita``), grown at ``region.income_growth``, so a region
file carries its own income level.  The multiples are assumptions in
``conf/dynamics/default.yaml``.  The main worker's job pays a wage (a placed job pays the
``placed_wage`` its lever set); the other labour units farm, and elders farm small plots.  A side
job (a public-welfare post, 公益岗位) pays its ``side_wage`` on top and takes ``side_job_labour_unit``
of a labour unit from farming: seed 000 and seed 002 describe posts as part-time work near home
("就近就地", "按需设岗") held beside the household's farm.  Farm
income carries a yearly log-normal shock private to the household (weather, prices: seed 003
"十年九旱"), and loses the share an area disaster destroys in a struck village (``farm_loss``,
written by :mod:`sim.processes.shocks`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.rng import normals32_of
from sim.schema import kernel_scalars, share, spec
from sim.state import Households, Job, SideJob
from sim.steps import Draw, DrawKind, Phase, Process, register_process
from sim.text import Text


def _multiple(doc: str, high: float = 100.0) -> object:
    return spec(0.0, high, "x mean rural income per person", doc)


@dataclasses.dataclass
class Params:
    """Market incomes as multiples of the region's mean rural income per person (``dynamics.income``)."""

    farm_per_labour_unit: float = _multiple(Text("yearly farm income per full labourer", "每个全劳动力的年农业收入"))
    partial_labour_unit: float = share(Text("labour units of a partial labourer", "半劳动力的劳动单位"))
    wage_local: float = _multiple(Text("yearly wage of a local job at skill 1", "技能为 1 时本地工作的年工资"))
    wage_migrant: float = _multiple(
        Text(
            "yearly wage of a migrant job at skill 1, net of living costs away",
            "技能为 1 时外出务工的年工资，扣除在外生活费用",
        )
    )
    wage_floor_local: float = _multiple(
        Text(
            "lowest yearly pay of a local wage job (minimum wage), whatever the skill",
            "本地工资性工作的最低年收入（最低工资），与技能无关",
        )
    )
    wage_floor_migrant: float = _multiple(
        Text("lowest yearly migrant pay net of living costs away", "外出务工扣除在外生活费用后的最低年收入")
    )
    elder_farm_unit: float = share(
        Text(
            "labour units an elder member farms (small plots; not labour capacity)",
            "老年成员耕作的劳动单位（小块土地；不算劳动能力）",
        )
    )
    other_income_per_person: float = _multiple(
        Text(
            "property, dividends and private transfers per member, by skill",
            "每个成员的财产性收入、分红和私人转移，按技能",
        )
    )
    sigma_farm_shock: float = spec(
        0.0, 3.0, "log sd", Text("sd of the yearly log farm shock", "农业年冲击对数的标准差")
    )
    deep_village_farm_multiplier: float = spec(
        0.0, 2.0, "multiple", Text("farm productivity in deep-poverty villages", "深度贫困村的农业生产率")
    )
    relocated_farm_multiplier: float = spec(
        0.0, 2.0, "multiple", Text("farm income kept after relocation", "搬迁后保留的农业收入")
    )
    side_job_labour_unit: float = share(
        Text("labour units a side job (public-welfare post) takes from farming", "兼职（公益性岗位）占用的农业劳动单位")
    )


def step(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Farm, wage and property income of each household this year (yuan)."""
    level = ctx.mean_income * ctx.income_index
    farm, wage, prop = _incomes(
        h.members, h.labour, h.place, h.shocks, normals32_of(ctx.draws["z_farm"], h.n), level, kernel_scalars(params)
    )
    return Effect({"inc_farm": farm, "inc_wage": wage, "inc_property": prop})


@kernel
def _incomes(members, labour, place, shocks, z_farm, level, p):
    job = labour.job
    n = job.size
    farm, wage, prop = np.empty(n, np.float32), np.empty(n, np.float32), np.empty(n, np.float32)
    sigma = p.sigma_farm_shock
    shock_mean = -0.5 * sigma * sigma
    for i in range(n):
        full = np.float64(labour.n_labour_full[i])
        units = full + p.partial_labour_unit * labour.n_labour_partial[i]
        if job[i] >= Job.LOCAL_WAGE:
            units = max(units - (1.0 if full > 0 else p.partial_labour_unit), 0.0)
        if labour.side_job[i] != SideJob.NONE:
            units = max(units - p.side_job_labour_unit, 0.0)
        units += p.elder_farm_unit * members.n_elder[i]
        factor = p.deep_village_farm_multiplier if place.deep_village[i] else 1.0
        if place.relocated_year[i] > 0:
            factor *= p.relocated_farm_multiplier
        s = np.float64(labour.skill[i])
        shock = np.exp(sigma * z_farm[i] + shock_mean) * (1.0 - shocks.farm_loss[i])
        farm[i] = units * p.farm_per_labour_unit * level * s * factor * shock
        if job[i] == Job.LOCAL_WAGE:
            wage[i] = max(p.wage_local * s, p.wage_floor_local) * level
        elif job[i] == Job.MIGRANT:
            wage[i] = max(p.wage_migrant * s, p.wage_floor_migrant) * level
        elif job[i] == Job.WORKSHOP:
            wage[i] = labour.placed_wage[i]
        else:
            wage[i] = 0.0
        wage[i] += labour.side_wage[i]
        prop[i] = p.other_income_per_person * level * s * members.size[i]
    return farm, wage, prop


PROCESS = register_process(
    Process(
        "income",
        Phase.INCOME,
        step,
        config="income",
        params=Params,
        draws=(Draw("z_farm", "income", DrawKind.NORMAL32),),
    )
)
