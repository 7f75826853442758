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
    needs_full_labour: bool,
    priority_mask: np.ndarray | None = None,
    priority_bonus: float = 0.0,
    keep_incumbents: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Allocate ``capacity`` placed jobs of type ``job`` by need; return (new job array, placed).

    Need is minus last year's per-capita income, raised by ``priority_bonus`` yuan for
    households under ``priority_mask``.  With ``keep_incumbents`` (posts, workshops) current
    holders keep their slot first and holders not kept fall back to farming; without it
    (yearly placement quotas) the capacity is all new placements of households not already in
    a market wage job.
    """
    if priority_mask is None:
        priority_mask = np.zeros(h.n, dtype=bool)
    eligible, incumbent, need = _pool(
        h.job,
        h.n_labour_full,
        h.n_labour_partial,
        target_group(h, ctx, lever),
        h.income_pc_prev,
        priority_mask,
        float(priority_bonus),
        int(job),
        needs_full_labour,
        keep_incumbents,
    )
    capacity = capacity * ctx.intensity.get(lever, 1.0)
    holders = allocate(
        eligible, need, ctx.u_alloc, h.weight, capacity, incumbent=incumbent if keep_incumbents else None
    )
    return _assign(h.job, holders, incumbent, h.n_labour_full, h.n_labour_partial, int(job)), holders


@kernel
def _pool(job, n_full, n_partial, group, income_pc_prev, priority_mask, bonus, job_code, needs_full, keep_incumbents):
    """Eligible households, current holders and need score for one placement lever."""
    n = job.size
    eligible, incumbent, need = np.zeros(n, np.bool_), np.zeros(n, np.bool_), np.empty(n)
    for i in range(n):
        need[i] = -np.float64(income_pc_prev[i]) + (bonus if priority_mask[i] else 0.0)
        incumbent[i] = keep_incumbents and job[i] == job_code
        labour = n_full[i] > 0 if needs_full else n_full[i] + n_partial[i] > 0
        eligible[i] = group[i] and labour and (incumbent[i] or not MARKET_WAGE_JOB[job[i]])
    return eligible, incumbent, need


@kernel
def _assign(job, holders, incumbent, n_full, n_partial, job_code):
    """New jobs: holders take the placed job; released incumbents farm if they have labour."""
    new = job.copy()
    for i in range(job.size):
        if holders[i]:
            new[i] = job_code
        elif incumbent[i]:
            new[i] = Job.FARMING if n_full[i] + n_partial[i] > 0 else Job.NONE
    return new
