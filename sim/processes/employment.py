"""Job loss and job finding of the main worker in the labour market (before placement levers).

Seed 000 sets employment-rate targets for able and willing registered labour (80% in 2018,
100% in 2019); market rates themselves are assumptions in ``conf/dynamics/default.yaml``.
One uniform per household per year decides loss (for job holders) or finding (for others);
finding scales with skill, training (the ``finding_multiplier`` column the training lever
sets), relocation near towns and this year's labour demand (``labour_demand``, below 1 in a
labour-market shock year: :mod:`sim.processes.shocks`).  Households without labour have no job; partial labourers
can farm or hold a workshop job, not a market wage job.  A household whose labour is tied to home
(:func:`sim.state.cannot_migrate`: a carer, or only the partly able) finds no migrant job: that is
who seed 000's near-home jobs (扶贫车间, 公益岗位, "就近就地就业") are for.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.rng import uniform32_at
from sim.schema import check, kernel_scalars, share, spec
from sim.state import MARKET_WAGE_JOB, SEEKING_JOB, Households, Job, cannot_migrate
from sim.steps import Draw, DrawKind, Phase, Process, register_process
from sim.text import Text

FARMING, LOCAL_WAGE, MIGRANT = int(Job.FARMING), int(Job.LOCAL_WAGE), int(Job.MIGRANT)


@dataclasses.dataclass
class Params:
    """Yearly job loss and finding of the main worker (``dynamics.employment``)."""

    p_loss_local_wage: float = share(Text("chance a local wage job ends in a year", "本地工资性工作一年内结束的概率"))
    p_loss_migrant: float = share(Text("chance a migrant job ends in a year", "外出务工工作一年内结束的概率"))
    p_loss_workshop: float = share(Text("chance a workshop job ends in a year", "帮扶车间工作一年内结束的概率"))
    p_find_local_wage: float = share(
        Text(
            "yearly chance a full labourer without a wage job finds a local one",
            "无工资性工作的全劳动力每年找到本地工作的概率",
        )
    )
    p_find_migrant: float = share(
        Text(
            "yearly chance a full labourer without a wage job finds a migrant one",
            "无工资性工作的全劳动力每年找到外出务工工作的概率",
        )
    )
    skill_elasticity: float = spec(
        0.0,
        5.0,
        "elasticity",
        Text("finding probability scales with skill ** elasticity", "就业概率随 技能 ** 弹性 变化"),
    )
    relocated_local_multiplier: float = spec(
        0.0, 10.0, "multiple", Text("relocation near towns raises local finding", "靠近城镇的搬迁提高本地就业概率")
    )

    def __post_init__(self) -> None:
        check(
            self.p_find_local_wage + self.p_find_migrant <= 1.0,
            "p_find_migrant",
            "at most 1 - p_find_local_wage",
            self.p_find_migrant,
        )


def step(h: Households, rates: Params, ctx: YearContext) -> Effect:
    """New job of each household's main worker."""
    p_loss = np.zeros(len(Job))
    p_loss[[Job.LOCAL_WAGE, Job.MIGRANT, Job.WORKSHOP]] = (
        rates.p_loss_local_wage,
        rates.p_loss_migrant,
        rates.p_loss_workshop,
    )
    u = ctx.draws["u_employment"]
    return Effect(
        {"job": _transitions(h.members, h.health, h.labour, h.place, h.shocks, u, p_loss, kernel_scalars(rates))}
    )


@kernel
def _transitions(members, health, labour, place, shocks, u, p_loss, rates):
    job = labour.job
    new = job.copy()
    unit_elasticity = rates.skill_elasticity == 1.0
    for i in range(job.size):
        old, x = job[i], uniform32_at(u, i)
        if labour.n_labour_full[i] + labour.n_labour_partial[i] == 0:
            new[i] = Job.NONE
            continue
        current = FARMING if x < p_loss[old] or old == Job.NONE else int(old)
        if labour.n_labour_full[i] == 0:
            if MARKET_WAGE_JOB[current]:
                current = FARMING
        elif SEEKING_JOB[old]:
            # Placed workers (posts, workshops) stay placed; the placement levers decide their slots.
            skill = np.float64(labour.skill[i])
            # skill ** 1 is skill exactly: the default elasticity skips the power, a third of the loop's time
            scale = (skill if unit_elasticity else skill**rates.skill_elasticity) * labour.finding_multiplier[i]
            scale *= shocks.labour_demand[i]
            relocated = place.relocated_year[i] > 0
            p_local = rates.p_find_local_wage * scale * (rates.relocated_local_multiplier if relocated else 1.0)
            p_either = p_local + rates.p_find_migrant * scale
            if x >= p_either and p_either <= 0.95:  # no job found whoever may migrate: skip who is tied
                new[i] = current
                continue
            tied = cannot_migrate(
                labour.n_labour_full[i], labour.n_labour_partial[i], health.illness[i], health.disability[i],
                members.n_child[i], members.n_adult[i],
            )  # fmt: skip
            p_migrant = 0.0 if tied else rates.p_find_migrant * scale
            total = p_local + p_migrant
            if total > 0.95:
                shrink = 0.95 / total
                p_local, p_migrant = p_local * shrink, p_migrant * shrink
            if x < p_local:
                current = LOCAL_WAGE
            elif x < p_local + p_migrant:
                current = MIGRANT
        new[i] = current
    return new


PROCESS = register_process(
    Process(
        "employment",
        Phase.LABOUR,
        step,
        config="employment",
        params=Params,
        draws=(Draw("u_employment", "employment", DrawKind.UNIFORM32),),
        after=("labour",),
    )
)
