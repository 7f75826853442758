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
from sim.schema import spec, yuan
from sim.state import Households, Job
from sim.steps import Lever, Phase, register_lever

NAME = "public_posts"


@dataclasses.dataclass
class Params:
    """Public-welfare post lever parameters."""

    enabled: bool
    capacity: float = spec(0.0, 1e8, "posts", "posts in the region (real units)")
    wage_per_year: float = yuan("paid by the programme per post", high=1e6, unit="yuan/post/yr")
    monitored_priority: float = yuan("per-capita income a monitored household is moved up the queue", high=1e6)


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Fill public-welfare posts for this year; the wage is counted as a cost here."""
    if not params.enabled:
        return Effect()
    updates, holders = place(
        h, ctx, NAME, Job.PUBLIC_POST, params.capacity, params.wage_per_year, False, h.monitored,
        params.monitored_priority,
    )  # fmt: skip
    return Effect(updates, float(np.sum(h.weight[holders])) * params.wage_per_year)


LEVER = register_lever(Lever(NAME, Params, apply, Phase.PLACEMENT, withdrawable=True, dose=("capacity",)))
