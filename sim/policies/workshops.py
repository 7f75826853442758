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
from sim.schema import spec, yuan
from sim.state import Households, Job
from sim.steps import Lever, Phase, register_lever

NAME = "workshops"


@dataclasses.dataclass
class Params:
    """Workshop lever parameters."""

    enabled: bool
    capacity: float = spec(0.0, 1e8, "jobs", "workshop jobs for target households (real units)")
    wage_per_year: float = yuan("paid by the employer per job", high=1e6, unit="yuan/job/yr")
    subsidy_per_job: float = yuan("public subsidy to the workshop per job", high=1e6, unit="yuan/job/yr")
    relocated_priority: float = yuan("per-capita income a relocated household is moved up the queue", high=1e6)


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Fill workshop jobs for this year; the public subsidy is the cost."""
    if not params.enabled:
        return Effect()
    updates, holders = place(
        h, ctx, NAME, Job.WORKSHOP, params.capacity, params.wage_per_year, False, h.relocated_year > 0,
        params.relocated_priority,
    )  # fmt: skip
    return Effect(updates, float(np.sum(h.weight[holders])) * params.subsidy_per_job)


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.PLACEMENT,
        withdrawable=True,
        after=("relocation", "public_posts"),
        dose=("capacity",),
    )
)
