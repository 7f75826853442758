"""Dilapidated-house renovation (农村危房改造) for the target group.

Sources: seed 000 "2018年,完成农村危房改造6万户" and "再完成农村危房改造5.5万户" (2019), for
four priority groups including the registered poor; seed 002 "农村低收入人口住房安全保障率
100%".  Each year a quota of target households with unsafe dwellings is renovated, neediest
first; the dwelling becomes safe (安全住房 is one of the 三保障).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext, allocate, need_score, target_group
from sim.schema import check_range
from sim.state import Households

NAME = "housing"


@dataclasses.dataclass
class Params:
    """Housing-renovation lever parameters."""

    enabled: bool
    quota_households_by_year: dict[str, float]  # year -> households
    quota_after_listed: float  # households per year after the last listed year
    cost_per_household: float  # yuan, public subsidy per renovation

    def __post_init__(self) -> None:
        for year, value in self.quota_households_by_year.items():
            check_range(value, f"quota_households_by_year.{year}", 0.0)
        check_range(self.quota_after_listed, "quota_after_listed", 0.0)
        check_range(self.cost_per_household, "cost_per_household", 0.0)


def quota(params: Params, year: int) -> float:
    """Renovations available in ``year`` (real households)."""
    listed = {int(y): v for y, v in params.quota_households_by_year.items()}
    if str(year) in params.quota_households_by_year:
        return float(params.quota_households_by_year[str(year)])
    if listed and year > max(listed):
        return params.quota_after_listed
    return 0.0


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Renovate this year's quota of unsafe dwellings in the target group."""
    if not params.enabled:
        return Effect()
    eligible = target_group(h, ctx, NAME) & ~h.housing_safe
    chosen = allocate(
        eligible, need_score(h), ctx.u_alloc, h.weight, quota(params, ctx.year) * ctx.intensity.get(NAME, 1.0)
    )
    cost = float(np.sum(h.weight[chosen])) * params.cost_per_household
    return Effect({"housing_safe": h.housing_safe | chosen}, cost)
