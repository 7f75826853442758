"""Public-welfare posts (公益岗位, incl. ecological forest rangers 生态护林员).

Sources: seed 000 "提供2万个护林员岗位,带动6.5万贫困人口增收脱贫"; seed 002 posts for exited
people under "按需设岗、以岗聘任、在岗领补、有序退岗" and against "泛福利化".  A post is open to
partial labourers (it is often the only job they can hold); incumbents keep their post while
eligible; vacancies go to the neediest target households.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext
from sim.policies.jobs import place
from sim.schema import check_range
from sim.state import Households, Job

NAME = "public_posts"


@dataclasses.dataclass
class Params:
    """Public-welfare post lever parameters."""

    enabled: bool
    capacity: float  # posts in the region (real units)
    wage_per_year: float  # yuan/post/yr, paid by the programme
    monitored_priority: float  # yuan of per-capita income a monitored household is moved up

    def __post_init__(self) -> None:
        check_range(self.capacity, "capacity", 0.0)
        check_range(self.wage_per_year, "wage_per_year", 0.0)
        check_range(self.monitored_priority, "monitored_priority", 0.0)


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Fill public-welfare posts for this year; the wage is counted as a cost here."""
    if not params.enabled:
        return Effect()
    job, holders = place(h, ctx, NAME, Job.PUBLIC_POST, params.capacity, False, h.monitored, params.monitored_priority)
    return Effect({"job": job}, float(np.sum(h.weight[holders])) * params.wage_per_year)
