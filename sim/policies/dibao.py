"""Minimum living allowance (低保) with 单人保, grace period (渐退期) and 特困 support.

Sources: seed 000 "确保每年农村低保标准高于脱贫线" (standard above the exit line) and 低保 for
those "完全丧失劳动能力和部分丧失劳动能力且无法依靠产业就业帮扶脱贫"; seed 002 "继续落实'低保
渐退期'政策", "刚性支出扣除", "就业成本扣除" and 单人保 for severely disabled and seriously ill
members of low-income families.  Amounts and durations the seeds omit are parameters whose
defaults in ``conf/policy/dibao/default.yaml`` say where they come from.

The means test compares assessed per-capita income (market income and pension, less medical
spending if rigid expenditure is deducted, less the work-cost disregard) with the standard;
the benefit fills the gap (补差).  One uniform per household per year decides take-up and
targeting errors, so the same household is excluded under every scenario with the same rates.
"""

from __future__ import annotations

import dataclasses
import enum

import numpy as np

from sim.policies.base import Effect, YearContext, labour_units
from sim.schema import check, check_range, check_share
from sim.state import Disability, Households, Illness, Registration


class StandardMode(enum.Enum):
    """How the 低保 standard is set."""

    ABSOLUTE = "absolute"  # the region's published schedule
    RELATIVE = "relative"  # a multiple of the poverty line


class SinglePersonScope(enum.Enum):
    """Who may enrol a severely ill or disabled member alone (单人保)."""

    NONE = "none"
    REGISTERED = "registered"  # low-income registered-poor and exited households (poverty-era rule)
    LOW_INCOME = "low_income"  # any low-income household (seed 002 extension)


@dataclasses.dataclass
class Params:
    """低保 lever parameters."""

    enabled: bool
    standard_mode: StandardMode
    standard_ratio_to_line: float  # used when standard_mode is relative
    require_no_full_labour: bool  # 兜底 is for households without full labour capacity
    deduct_medical: bool  # rigid-expenditure deduction (刚性支出扣除)
    work_cost_disregard: float  # share of wages not counted (就业成本扣除)
    take_up: float  # eligible households that apply and are enrolled
    p_exclusion_error: float  # eligible households wrongly refused
    p_inclusion_error: float  # ineligible households near the standard wrongly enrolled
    inclusion_band: float  # ... if assessed income is below (1 + band) x standard
    grace_years: int  # 渐退期: years benefits continue after income rises above the standard
    grace_benefit_share: float  # share of last benefit paid during the grace period
    single_person_scope: SinglePersonScope
    low_income_ratio: float  # low-income household: assessed income below ratio x standard
    tekun_enabled: bool  # 特困 support for members with no working-age supporter
    tekun_ratio_to_standard: float  # 特困 basic living standard as a multiple of 低保

    def __post_init__(self) -> None:
        check_range(self.standard_ratio_to_line, "standard_ratio_to_line", 0.0, 10.0)
        for name in ("work_cost_disregard", "take_up", "p_exclusion_error", "p_inclusion_error", "grace_benefit_share"):
            check_share(getattr(self, name), name)
        check_range(self.inclusion_band, "inclusion_band", 0.0, 10.0)
        check(0 <= self.grace_years <= 10, "grace_years", "a whole number in [0, 10]", self.grace_years)
        check_range(self.low_income_ratio, "low_income_ratio", 1.0, 10.0)
        check_range(self.tekun_ratio_to_standard, "tekun_ratio_to_standard", 0.0, 10.0)


def standard(params: Params, ctx: YearContext) -> float:
    """The 低保 standard in yuan/person/yr this year."""
    if params.standard_mode is StandardMode.RELATIVE:
        return ctx.poverty_line * params.standard_ratio_to_line
    return ctx.dibao_standard_published


def assessed_income_pc(h: Households, params: Params) -> np.ndarray:
    """Per-capita income as the means test counts it (float64)."""
    size = np.maximum(h.size, 1)
    income = h.inc_farm + h.inc_property + h.inc_pension + h.inc_wage * (1.0 - params.work_cost_disregard)
    if params.deduct_medical:
        income = income - h.med_oop
    return np.maximum(income.astype(np.float64), 0.0) / size


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Enrol households in 特困, 低保 or 单人保 and pay them this year."""
    if not params.enabled:
        return Effect()
    std = standard(params, ctx)
    alive = h.size > 0
    assessed = assessed_income_pc(h, params)
    size = h.size
    u = ctx.u_target

    tekun = _tekun_eligible(h, params, assessed, std) & (u < params.take_up) & alive
    tekun_benefit = np.where(tekun, np.maximum(params.tekun_ratio_to_standard * std - assessed, 0.0) * size, 0.0)

    eligible = (assessed < std) & alive & ~tekun
    if params.require_no_full_labour:
        eligible &= h.n_labour_full == 0
    p_in = params.take_up * (1.0 - params.p_exclusion_error)
    near = alive & ~eligible & ~tekun & (assessed < std * (1.0 + params.inclusion_band))
    enrolled = (eligible & (u < p_in)) | (near & (u < params.p_inclusion_error))
    gap_benefit = np.where(enrolled, np.maximum(std - assessed, 0.0) * size, 0.0)

    grace = h.dibao & ~enrolled & ~tekun & (h.dibao_grace > 0) & alive
    last_benefit = h.inc_dibao.astype(np.float64)
    grace_benefit = np.where(grace, last_benefit * params.grace_benefit_share, 0.0)
    grace_left = np.where(enrolled, params.grace_years, np.where(grace, h.dibao_grace - 1, 0))

    single = _single_person(h, params, assessed, std) & ~enrolled & ~grace & ~tekun & (u < p_in)
    single_benefit = np.where(single, std, 0.0)

    benefit = (tekun_benefit + gap_benefit + grace_benefit + single_benefit).astype(np.float32)
    on_dibao = (enrolled | grace | single) & (benefit > 0)
    cost = float(np.sum(h.weight * benefit))
    return Effect(
        {
            "inc_dibao": benefit,
            "dibao": on_dibao,
            "tekun": tekun & (benefit > 0),
            "dibao_grace": grace_left.astype(np.uint8),
        },
        cost,
    )


def _tekun_eligible(h: Households, params: Params, assessed: np.ndarray, std: float) -> np.ndarray:
    """No working-age supporter, and elderly or severely disabled, and income below 特困 line."""
    if not params.tekun_enabled:
        return np.zeros(h.n, dtype=bool)
    no_supporter = (h.n_adult == 0) | (labour_units(h) == 0) & (h.n_adult == 1) & (h.index_band == 1)
    dependent = (h.n_elder > 0) | (h.disability == Disability.SEVERE)
    return no_supporter & dependent & (assessed < params.tekun_ratio_to_standard * std)


def _single_person(h: Households, params: Params, assessed: np.ndarray, std: float) -> np.ndarray:
    """Households that may enrol one severely ill or disabled member alone (单人保)."""
    if params.single_person_scope is SinglePersonScope.NONE:
        return np.zeros(h.n, dtype=bool)
    severe = (h.illness == Illness.MAJOR) | (h.disability == Disability.SEVERE)
    low_income = assessed < params.low_income_ratio * std
    if params.single_person_scope is SinglePersonScope.REGISTERED:
        low_income &= (h.reg == Registration.POOR) | (h.reg == Registration.EXITED)
    return severe & low_income & (h.size > 1)
