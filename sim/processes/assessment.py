"""True poverty assessment: income below the line, or a failed guarantee (两不愁三保障).

Seed 000 requires "不愁吃、不愁穿,义务教育、基本医疗和住房安全有保障" and income above the
current standard (现行标准), whose figure is external (2,300 yuan/yr at 2010 prices, indexed).
A household is truly poor if its per-capita income, transfers included, is below the line;
or if its dwelling is unsafe; or if its out-of-pocket medical spending exceeds a share of its
income and pushes its net income below the line (basic medical care not guaranteed).
Compulsory education and drinking water are assumed guaranteed (no household state carries
them yet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.context import Effect, YearContext
from sim.state import Households

if TYPE_CHECKING:
    from sim.config import RegistrationRules


def total_income(h: Households) -> np.ndarray:
    """Household income including every transfer (yuan, float64)."""
    return h.inc_farm.astype(np.float64) + h.inc_wage + h.inc_property + h.inc_pension + h.inc_dibao + h.inc_guarantee


def own_income(h: Households) -> np.ndarray:
    """Household income without guarantee transfers (低保, 特困, 兜底 top-ups)."""
    return h.inc_farm.astype(np.float64) + h.inc_wage + h.inc_property + h.inc_pension


def guarantee_failed(h: Households, income: np.ndarray, rules: RegistrationRules, line: float) -> np.ndarray:
    """Housing unsafe, or medical spending that impoverishes (因病致贫).

    Medical care counts as not guaranteed when out-of-pocket spending is catastrophic (above a
    share of income) *and* pushes income net of it below the line.
    """
    catastrophic = h.med_oop > rules.catastrophic_medical_share * np.maximum(income, 1.0)
    impoverishing = (income - h.med_oop) / np.maximum(h.size, 1) < line
    return ~h.housing_safe | (catastrophic & impoverishing)


def step(h: Households, rules: RegistrationRules, ctx: YearContext) -> Effect:
    """Per-capita income and true poverty status of every household."""
    income = total_income(h)
    size = h.size
    income_pc = income / np.maximum(size, 1)
    poor = ((income_pc < ctx.poverty_line) | guarantee_failed(h, income, rules, ctx.poverty_line)) & (size > 0)
    return Effect({"income_pc": income_pc.astype(np.float32), "true_poor": poor})
