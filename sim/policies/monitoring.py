"""Return-to-poverty monitoring (防止返贫动态监测) of at-risk households.

Source: seed 002 monitors "脱贫不稳定户、边缘易致贫户" and households in hardship from "大额刚性
支出" or sharp income falls, with income and expenditure among the monitored variables, and
asks to "合理确定防贫监测标准" (no number); seed 000 "对已脱贫人口加强跟踪监测管理".  From
``start_year`` a household is flagged when its per-capita income is below ``threshold_ratio``
times the poverty line, when out-of-pocket medical spending exceeds ``large_expense_share`` of
its income, or when its income falls by more than ``income_drop_share``, these two only
when income is below ``hardship_ratio`` times the line (seed 002: "导致基本生活出现严重困难"); discovery has
probability ``p_detect`` a year once a household has been at risk for more than
``lag_years``.  A flag clears after ``years_to_clear`` years above the line.
Registered-poor households are served by the registration system instead.  Monitored
households get priority for posts, the poverty health tiers and faster detection.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext
from sim.schema import check, check_range, check_share
from sim.state import Households, Registration

NAME = "monitoring"


@dataclasses.dataclass
class Params:
    """Monitoring lever parameters."""

    enabled: bool
    start_year: int
    threshold_ratio: float  # monitoring line as a multiple of the poverty line
    large_expense_share: float  # out-of-pocket medical / income that flags a household
    income_drop_share: float  # yearly fall in per-capita income that flags a household
    hardship_ratio: float  # expense and drop flags count only below this multiple of the line
    p_detect: float  # an at-risk household is discovered in a year
    lag_years: int  # years a household must be at risk before it can be discovered
    years_to_clear: int  # years above the monitoring line before the flag is removed
    cost_per_household: float  # yuan/yr administration and visits per monitored household

    def __post_init__(self) -> None:
        check(1900 < self.start_year < 2200, "start_year", "a year in (1900, 2200)", self.start_year)
        check_range(self.threshold_ratio, "threshold_ratio", 0.0, 10.0)
        check_range(self.large_expense_share, "large_expense_share", 0.0, 10.0)
        check_share(self.income_drop_share, "income_drop_share")
        check_range(self.hardship_ratio, "hardship_ratio", 0.0, 20.0)
        check_share(self.p_detect, "p_detect")
        check(0 <= self.lag_years <= 10, "lag_years", "a whole number in [0, 10]", self.lag_years)
        check(0 <= self.years_to_clear <= 10, "years_to_clear", "a whole number in [0, 10]", self.years_to_clear)
        check_range(self.cost_per_household, "cost_per_household", 0.0)


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Flag newly at-risk households and clear recovered ones (after the poverty assessment)."""
    if not params.enabled or ctx.year < params.start_year:
        return Effect()
    line = params.threshold_ratio * ctx.poverty_line
    income_pc = h.income_pc.astype(np.float64)
    size = np.maximum(h.size, 1)
    expense = h.med_oop > params.large_expense_share * income_pc * size
    dropped = (h.income_pc_prev > 0) & (income_pc < (1.0 - params.income_drop_share) * h.income_pc_prev)
    hardship = income_pc < params.hardship_ratio * ctx.poverty_line
    at_risk = (income_pc < line) | ((expense | dropped) & hardship)
    at_risk = (at_risk | h.true_poor) & (h.size > 0) & (h.reg != Registration.POOR)
    waiting = np.where(at_risk & ~h.monitored, h.risk_wait.astype(np.int32) + 1, 0)
    newly = at_risk & ~h.monitored & (waiting > params.lag_years) & (ctx.u_monitor < params.p_detect)
    clear_count = np.where(h.monitored & ~at_risk, h.monitor_clear + 1, 0)
    cleared = h.monitored & (clear_count >= params.years_to_clear) & ~at_risk
    monitored = (h.monitored | newly) & ~cleared & (h.size > 0)
    cost = float(np.sum(h.weight[monitored])) * params.cost_per_household
    return Effect(
        {
            "monitored": monitored,
            "monitor_clear": np.where(monitored, clear_count, 0).astype(np.uint8),
            "risk_wait": np.where(monitored, 0, np.minimum(waiting, 255)).astype(np.uint8),
        },
        cost,
    )
