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
from sim.state import Households, Job, cannot_migrate, is_market_wage_job, is_seeking_job
from sim.steps import Draw, DrawKind, Phase, Process, register_process
from sim.text import Text

NONE, FARMING, LOCAL_WAGE, MIGRANT, WORKSHOP = (
    int(Job.NONE),
    int(Job.FARMING),
    int(Job.LOCAL_WAGE),
    int(Job.MIGRANT),
    int(Job.WORKSHOP),
)


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
    u = ctx.draws["u_employment"]
    return Effect({"job": _transitions(h.members, h.health, h.labour, h.place, h.shocks, u, kernel_scalars(rates))})


@kernel
def _transitions(members, health, labour, place, shocks, u, rates):
    """Every household's next job, chosen by selection among the outcomes (no branch, no lookup).

    So the loop vectorises (about 3x faster than branching on the job); each outcome's test is
    the one the branches would make, so results are the same.
    """
    job = labour.job
    n = job.size
    new = np.empty(n, job.dtype)
    # skill ** elasticity, made before the loop (a power is dear, and skill ** 1 is skill exactly)
    finding_skill = np.empty(n)
    if rates.skill_elasticity == 1.0:
        for i in range(n):
            finding_skill[i] = np.float64(labour.skill[i])
    else:
        for i in range(n):
            finding_skill[i] = np.float64(labour.skill[i]) ** rates.skill_elasticity
    loss_local, loss_migrant, loss_workshop = rates.p_loss_local_wage, rates.p_loss_migrant, rates.p_loss_workshop
    find_local, find_migrant = rates.p_find_local_wage, rates.p_find_migrant
    relocated_local = rates.relocated_local_multiplier
    for i in range(n):
        old, x = np.int64(job[i]), uniform32_at(u, i)
        n_full, n_partial = labour.n_labour_full[i], labour.n_labour_partial[i]
        p_loss = loss_workshop if old == WORKSHOP else 0.0
        p_loss = loss_local if old == LOCAL_WAGE else (loss_migrant if old == MIGRANT else p_loss)
        kept = FARMING if (x < p_loss) | (old == NONE) else old
        # Only partial labour: no market wage job
        partial_only = FARMING if is_market_wage_job(kept) else kept
        # A full labourer open to the market finds a job with chances scaled by skill, training,
        # relocation and labour demand; placed workers (posts, workshops) stay placed.
        scale = finding_skill[i] * labour.finding_multiplier[i] * shocks.labour_demand[i]
        p_local = find_local * scale * (relocated_local if place.relocated_year[i] > 0 else 1.0)
        tied = cannot_migrate(
            n_full, n_partial, health.illness[i], health.disability[i], members.n_child[i], members.n_adult[i]
        )
        p_migrant = 0.0 if tied else find_migrant * scale
        total = p_local + p_migrant
        shrink = 0.95 / max(total, 0.95)  # no more than a 0.95 chance of finding a job
        if total > 0.95:
            p_local, p_migrant = p_local * shrink, p_migrant * shrink
        found = LOCAL_WAGE if x < p_local else (MIGRANT if x < p_local + p_migrant else kept)
        with_full = found if is_seeking_job(old) else kept
        new[i] = NONE if n_full + n_partial == 0 else (partial_only if n_full == 0 else with_full)
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
