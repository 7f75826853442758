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

from sim.jit import kernel
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
    monitored, clear, wait, households = _monitor(
        h.size,
        h.weight,
        h.reg,
        h.true_poor,
        h.monitored,
        h.monitor_clear,
        h.risk_wait,
        h.income_pc,
        h.income_pc_prev,
        h.med_oop,
        ctx.u_monitor,
        params.threshold_ratio * ctx.poverty_line,
        params.large_expense_share,
        1.0 - params.income_drop_share,
        params.hardship_ratio * ctx.poverty_line,
        params.lag_years,
        params.p_detect,
        params.years_to_clear,
    )
    cost = households * params.cost_per_household
    return Effect({"monitored": monitored, "monitor_clear": clear, "risk_wait": wait}, cost)


@kernel
def _monitor(
    size,
    weight,
    reg,
    true_poor,
    monitored,
    monitor_clear,
    risk_wait,
    income_pc,
    income_pc_prev,
    med_oop,
    u,
    line,
    expense_share,
    kept_share,
    hardship_line,
    lag_years,
    p_detect,
    years_to_clear,
):
    """New monitoring flags and counters, and the real households monitored."""
    n = size.size
    new, clear, wait = np.zeros(n, np.bool_), np.zeros(n, np.uint8), np.zeros(n, np.uint8)
    households = 0.0
    for i in range(n):
        if size[i] == 0:
            continue
        pc = np.float64(income_pc[i])
        expense = med_oop[i] > expense_share * pc * size[i]
        dropped = income_pc_prev[i] > 0 and pc < kept_share * income_pc_prev[i]
        at_risk = pc < line or ((expense or dropped) and pc < hardship_line) or true_poor[i]
        at_risk = at_risk and reg[i] != Registration.POOR
        if monitored[i]:
            count = 0 if at_risk else monitor_clear[i] + 1
            if at_risk or count < years_to_clear:
                new[i], clear[i] = True, count
        elif at_risk:
            waiting = risk_wait[i] + 1
            if waiting > lag_years and u[i] < p_detect:
                new[i] = True
            else:
                wait[i] = min(waiting, 255)
        if new[i]:
            households += weight[i]
    return new, clear, wait, households
