"""Shared mechanics of the placement levers: who can take a placed job, and the assignment.

Placement levers (public-welfare posts, workshops, transfer employment) move the main worker
of a target household into a job.  They never displace a worker from a market wage job.
"""

from __future__ import annotations

import numpy as np

from sim.jit import kernel
from sim.policies.base import YearContext, allocate, target_group
from sim.state import MARKET_WAGE_JOB, Households, Job


def place(
    h: Households,
    ctx: YearContext,
    lever: str,
    job: Job,
    capacity: float,
    wage: float,
    needs_full_labour: bool,
    priority_mask: np.ndarray | None = None,
    priority_bonus: float = 0.0,
    keep_incumbents: bool = True,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Allocate ``capacity`` placed jobs of type ``job`` by need; return (column updates, placed).

    Need is minus last year's per-capita income, raised by ``priority_bonus`` yuan for
    households under ``priority_mask``.  With ``keep_incumbents`` (posts, workshops) current
    holders keep their slot first and holders not kept fall back to farming; without it
    (yearly placement quotas) the capacity is all new placements of households not already in
    a market wage job.  Holders of a placed job are paid ``wage`` (the ``placed_wage`` column
    the income process reads); a market job (``wage`` < 0) pays the market wage instead.
    """
    if priority_mask is None:
        priority_mask = np.zeros(h.n, dtype=bool)
    eligible, incumbent, need = _pool(
        h.labour, target_group(h, ctx, lever), h.income_pc_prev, priority_mask, float(priority_bonus),
        int(job), needs_full_labour, keep_incumbents,
    )  # fmt: skip
    capacity = capacity * ctx.intensity(lever)
    holders = allocate(
        eligible, need, ctx.u_alloc, h.weight, capacity, incumbent=incumbent if keep_incumbents else None
    )
    new_job, placed_wage = _assign(h.labour, holders, incumbent, int(job), wage)
    return {"job": new_job, "placed_wage": placed_wage}, holders


@kernel
def _pool(labour, group, income_pc_prev, priority_mask, bonus, job_code, needs_full, keep_incumbents):
    """Eligible households, current holders and need score for one placement lever."""
    job, n_full, n_partial = labour.job, labour.n_labour_full, labour.n_labour_partial
    n = job.size
    eligible, incumbent, need = np.zeros(n, np.bool_), np.zeros(n, np.bool_), np.empty(n)
    for i in range(n):
        need[i] = -np.float64(income_pc_prev[i]) + (bonus if priority_mask[i] else 0.0)
        incumbent[i] = keep_incumbents and job[i] == job_code
        has_labour = n_full[i] > 0 if needs_full else n_full[i] + n_partial[i] > 0
        eligible[i] = group[i] and has_labour and (incumbent[i] or not MARKET_WAGE_JOB[job[i]])
    return eligible, incumbent, need


@kernel
def _assign(labour, holders, incumbent, job_code, wage):
    """New jobs and placed wages: holders take the placed job; released incumbents farm if they can."""
    new, placed_wage = labour.job.copy(), labour.placed_wage.copy()
    for i in range(new.size):
        if holders[i]:
            new[i] = job_code
            placed_wage[i] = max(wage, 0.0)
        elif incumbent[i]:
            new[i] = Job.FARMING if labour.n_labour_full[i] + labour.n_labour_partial[i] > 0 else Job.NONE
            placed_wage[i] = 0.0
    return new, placed_wage
