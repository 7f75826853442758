"""Organised transfer employment (转移就业, 劳务输出/劳务协作).

Sources: seed 000 employment-rate targets for registered labour able and willing to work
(2018 80%, 2019 100%) and "春风行动"; seed 002 labour cooperation and labour-export services
for resettlement sites.  Each year up to ``placements_per_year`` main workers with full labour
capacity in target households are placed into migrant jobs, neediest first.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext
from sim.policies.jobs import place
from sim.schema import check_range
from sim.state import Households, Job

NAME = "transfer_employment"


@dataclasses.dataclass
class Params:
    """Transfer-employment lever parameters."""

    enabled: bool
    placements_per_year: float  # workers newly placed per year (real units)
    cost_per_placement: float  # yuan: transport and placement-service subsidy

    def __post_init__(self) -> None:
        check_range(self.placements_per_year, "placements_per_year", 0.0)
        check_range(self.cost_per_placement, "cost_per_placement", 0.0)


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Place this year's quota of target-household workers into migrant jobs."""
    if not params.enabled:
        return Effect()
    job, placed = place(
        h, ctx, NAME, Job.MIGRANT, params.placements_per_year, needs_full_labour=True, keep_incumbents=False
    )
    return Effect({"job": job}, float(np.sum(h.weight[placed])) * params.cost_per_placement)
