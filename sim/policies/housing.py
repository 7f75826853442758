"""Dilapidated-house renovation (农村危房改造) for the target group.

Sources: seed 000 "2018年,完成农村危房改造6万户" and "再完成农村危房改造5.5万户" (2019), for
four priority groups including the registered poor; seed 002 "农村低收入人口住房安全保障率
100%".  Each year a quota of target households with unsafe dwellings is renovated, neediest
first; the dwelling becomes safe (安全住房 is one of the 三保障).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext, allocate, need_score, served
from sim.schema import YearMap, spec, yuan
from sim.state import Households
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "housing"


@dataclasses.dataclass
class Params:
    """Housing-renovation lever parameters."""

    enabled: bool
    quota_households_by_year: YearMap = spec(
        0.0, 1e8, "households", Text("renovations in each listed year", "所列各年的改造户数")
    )
    quota_after_listed: float = spec(
        0.0,
        1e8,
        "households/yr",
        Text("renovations per year after the last listed year", "最后所列年份之后每年的改造户数"),
    )
    cost_per_household: float = yuan(Text("public subsidy per renovation", "每户改造的公共补助"), unit="yuan/household")


def quota(params: Params, year: int) -> float:
    """Renovations available in ``year`` (real households)."""
    listed = params.quota_households_by_year
    if year in listed:
        return float(listed[year])
    if listed and year > max(listed):
        return params.quota_after_listed
    return 0.0


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Renovate this year's quota of unsafe dwellings in the target group."""
    if not params.enabled:
        return Effect()
    among = served(h, ctx, NAME)
    eligible = ~h.housing_safe[among]
    capacity = quota(params, ctx.year) * ctx.intensity(NAME)
    chosen = among[allocate(eligible, need_score(h, among), ctx.u_alloc, h.weight, capacity, among=among)]
    cost = float(np.sum(h.weight[chosen])) * params.cost_per_household
    housing_safe = h.housing_safe.copy()
    housing_safe[chosen] = True
    return Effect({"housing_safe": housing_safe}, cost)


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.PLACEMENT,
        withdrawable=True,
        after=("relocation",),
        dose=("quota_households_by_year", "quota_after_listed"),
        title=Text("Housing renovation", "危房改造"),
    )
)
