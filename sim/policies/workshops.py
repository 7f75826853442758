"""Poverty-alleviation workshops (扶贫车间): jobs near home.

Sources: seed 000 names 扶贫车间 among employment measures; seed 002 continues preferential
policies and favours workshops that hire relocated people.  No job counts are in the seeds:
capacity and wage defaults are assumptions (``conf/policy/workshops/default.yaml``).  Relocated
households come first, then need.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext
from sim.policies.jobs import place
from sim.schema import check_range
from sim.state import Households, Job

NAME = "workshops"


@dataclasses.dataclass
class Params:
    """Workshop lever parameters."""

    enabled: bool
    capacity: float  # workshop jobs for target households (real units)
    wage_per_year: float  # yuan/job/yr, paid by the employer
    subsidy_per_job: float  # yuan/job/yr public subsidy to the workshop
    relocated_priority: float  # yuan of per-capita income a relocated household is moved up

    def __post_init__(self) -> None:
        for name in ("capacity", "wage_per_year", "subsidy_per_job", "relocated_priority"):
            check_range(getattr(self, name), name, 0.0)


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Fill workshop jobs for this year; the public subsidy is the cost."""
    if not params.enabled:
        return Effect()
    job, holders = place(
        h, ctx, NAME, Job.WORKSHOP, params.capacity, False, h.relocated_year > 0, params.relocated_priority
    )
    return Effect({"job": job}, float(np.sum(h.weight[holders])) * params.subsidy_per_job)
