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

from sim.jit import kernel
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
    total, cost = _guarantee(
        target_group(h, ctx, NAME),
        h.disability,
        h.n_labour_full,
        h.size,
        h.weight,
        *h.own_income_columns(),
        h.inc_dibao,
        params.disability_living_subsidy_per_month * 12.0,
        params.severe_care_subsidy_per_month * 12.0,
        params.top_up_ratio_to_line * ctx.poverty_line,
    )
    return Effect({"inc_guarantee": total}, cost)


@kernel
def _guarantee(group, disability, n_full, size, weight, farm, wage, prop, pension, dibao, living, care, target_pc):
    """Yearly subsidies plus top-up per household (float32) and their cost in yuan."""
    total = np.zeros(group.size, np.float32)
    cost = 0.0
    for i in range(group.size):
        if not group[i]:
            continue
        subsidy = 0.0
        if disability[i] != Disability.NONE:
            subsidy += living
        if disability[i] == Disability.SEVERE:
            subsidy += care
        top_up = 0.0
        if n_full[i] == 0:
            income = np.float64(farm[i]) + wage[i] + prop[i] + pension[i] + dibao[i] + subsidy
            top_up = max(target_pc * max(size[i], 1) - income, 0.0)
        total[i] = subsidy + top_up
        cost += weight[i] * np.float64(total[i])
    return total, cost
