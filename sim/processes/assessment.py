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
from sim.jit import kernel
from sim.state import Households

if TYPE_CHECKING:
    from sim.config import RegistrationRules


def total_income(h: Households) -> np.ndarray:
    """Household income including every transfer (yuan, float64)."""
    return h.inc_farm.astype(np.float64) + h.inc_wage + h.inc_property + h.inc_pension + h.inc_dibao + h.inc_guarantee


@kernel
def guarantee_failed_one(housing_safe, med_oop, income, size, catastrophic_share, line):
    """Housing unsafe, or medical spending that impoverishes (因病致贫) one household.

    Medical care counts as not guaranteed when out-of-pocket spending is catastrophic (above a
    share of income) *and* pushes income net of it below the line.
    """
    if not housing_safe:
        return True
    catastrophic = med_oop > catastrophic_share * max(income, 1.0)
    return catastrophic and (income - med_oop) / max(size, 1) < line


def step(h: Households, rules: RegistrationRules, ctx: YearContext) -> Effect:
    """Per-capita income and true poverty status of every household."""
    income_pc, poor = _assess(
        h.size,
        h.housing_safe,
        h.med_oop,
        *h.own_income_columns(),
        h.inc_dibao,
        h.inc_guarantee,
        rules.catastrophic_medical_share,
        ctx.poverty_line,
    )
    return Effect({"income_pc": income_pc, "true_poor": poor})


@kernel
def _assess(size, housing_safe, med_oop, farm, wage, prop, pension, dibao, guarantee, catastrophic_share, line):
    n = size.size
    income_pc, poor = np.empty(n, np.float32), np.zeros(n, np.bool_)
    for i in range(n):
        income = np.float64(farm[i]) + wage[i] + prop[i] + pension[i] + dibao[i] + guarantee[i]
        per_capita = income / max(size[i], 1)
        income_pc[i] = per_capita
        if size[i] > 0:
            poor[i] = per_capita < line or guarantee_failed_one(
                housing_safe[i], np.float64(med_oop[i]), income, size[i], catastrophic_share, line
            )
    return income_pc, poor
