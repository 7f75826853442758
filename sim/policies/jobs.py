"""Shared mechanics of the placement levers: who can take a placed job, and the assignment.

Placement levers (public-welfare posts, workshops, transfer employment) move the main worker
of a target household into a job.  They never displace a worker from a market wage job.
"""

from __future__ import annotations

import numpy as np

from sim.policies.base import YearContext, allocate, labour_units, need_score, target_group
from sim.state import MARKET_WAGE_JOB, Households, Job


def in_market_wage_job(h: Households) -> np.ndarray:
    """Main worker holds a local or migrant wage job."""
    return MARKET_WAGE_JOB[h.job]


def place(
    h: Households,
    ctx: YearContext,
    lever: str,
    job: Job,
    capacity: float,
    needs_full_labour: bool,
    priority_bonus: np.ndarray | None = None,
    keep_incumbents: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Allocate ``capacity`` placed jobs of type ``job`` by need; return (new job array, placed).

    With ``keep_incumbents`` (posts, workshops) current holders keep their slot first and
    holders not kept fall back to farming; without it (yearly placement quotas) the capacity
    is all new placements of households not already in a market wage job.
    """
    units = labour_units(h)
    labour = h.n_labour_full > 0 if needs_full_labour else units > 0
    group = target_group(h, ctx, lever)
    incumbent = (h.job == job) if keep_incumbents else np.zeros(h.n, dtype=bool)
    eligible = group & labour & (incumbent | ~in_market_wage_job(h))
    need = need_score(h)
    if priority_bonus is not None:
        need = need + priority_bonus
    capacity = capacity * ctx.intensity.get(lever, 1.0)
    holders = allocate(eligible, need, ctx.u_alloc, h.weight, capacity, incumbent=incumbent)
    new_job = h.job.copy()
    released = incumbent & ~holders
    new_job[released] = np.where(units[released] > 0, Job.FARMING, Job.NONE)
    new_job[holders] = job
    return new_job, holders
