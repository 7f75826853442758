"""Basic pension for rural residents (城乡居民基本养老保险) and contribution payment (代缴).

Sources: seed 000 raises the minimum basic pension "2018年提高至每人每月98元" and has the
government pay "最低档次标准的养老保险费" for 兜底, 低保 and 特困 people; seed 002 keeps
"按照最低缴费档次" for 低保, 特困 and monitored people.  The pension level is the region's
schedule (``region.pension_minimum_per_month``).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext
from sim.schema import check_range
from sim.state import Households


@dataclasses.dataclass
class Params:
    """Pension lever parameters."""

    enabled: bool
    pension_multiplier: float  # scenario scaling of the published minimum pension
    contribution_paid_per_adult: float  # yuan/yr paid (代缴) for 低保/特困 working-age members

    def __post_init__(self) -> None:
        check_range(self.pension_multiplier, "pension_multiplier", 0.0, 10.0)
        check_range(self.contribution_paid_per_adult, "contribution_paid_per_adult", 0.0)


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Pay the basic pension to every member aged 65+; pay contributions for assisted adults."""
    if not params.enabled:
        return Effect()
    yearly = ctx.pension_per_month * 12.0 * params.pension_multiplier
    pension = (h.n_elder * yearly).astype(np.float32)
    assisted = h.dibao | h.tekun
    contributions = float(np.sum(h.weight * h.n_adult * assisted)) * params.contribution_paid_per_adult
    cost = float(np.sum(h.weight * pension)) + contributions
    return Effect({"inc_pension": pension}, cost)
