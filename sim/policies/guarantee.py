"""Guarantee transfers (兜底) for households without labour capacity, and disability subsidies.

Sources: seed 000 "兜底保障" for those who cannot escape poverty through industry or jobs,
and "困难残疾人生活补贴和重度残疾人护理补贴" fully implemented for the poor disabled; seed 002
keeps 兜底 policies stable in the transition.  The comprehensive guarantee tops up the income
of target households without a full labourer to a multiple of the poverty line; the subsidy
amounts are not in the seeds (see ``conf/policy/guarantee/default.yaml``).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext, target_group
from sim.schema import check_range
from sim.state import Disability, Households

NAME = "guarantee"


@dataclasses.dataclass
class Params:
    """兜底 lever parameters."""

    enabled: bool
    top_up_ratio_to_line: float  # top-up target, multiple of the poverty line; 0 = no top-up
    disability_living_subsidy_per_month: float  # yuan/month, 困难残疾人生活补贴
    severe_care_subsidy_per_month: float  # yuan/month, 重度残疾人护理补贴

    def __post_init__(self) -> None:
        check_range(self.top_up_ratio_to_line, "top_up_ratio_to_line", 0.0, 10.0)
        check_range(self.disability_living_subsidy_per_month, "disability_living_subsidy_per_month", 0.0)
        check_range(self.severe_care_subsidy_per_month, "severe_care_subsidy_per_month", 0.0)


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Pay disability subsidies and top up incomes of target households without labour."""
    if not params.enabled:
        return Effect()
    group = target_group(h, ctx, NAME)
    disabled = group & (h.disability != Disability.NONE)
    subsidy = np.where(disabled, params.disability_living_subsidy_per_month * 12.0, 0.0)
    subsidy += np.where(group & (h.disability == Disability.SEVERE), params.severe_care_subsidy_per_month * 12.0, 0.0)

    size = np.maximum(h.size, 1)
    income = (h.inc_farm + h.inc_wage + h.inc_property + h.inc_pension + h.inc_dibao).astype(np.float64)
    income += subsidy
    target = params.top_up_ratio_to_line * ctx.poverty_line * size
    no_labour = h.n_labour_full == 0
    top_up = np.where(group & no_labour, np.maximum(target - income, 0.0), 0.0)

    total = (subsidy + top_up).astype(np.float32)
    return Effect({"inc_guarantee": total}, float(np.sum(h.weight * total)))
