"""Medical spending and out-of-pocket costs after the general insurance tiers.

Spending levels are assumptions in ``conf/dynamics/default.yaml``; reimbursement ratios are
region data (``region.medical``; Henan's 85% outpatient ratio for the poor is from seed 000
"报销比例提高到85%").  Every household gets the general tiers here (basic medical insurance
and critical-illness insurance); the health lever recomputes the target group's costs under
the poverty tiers with :func:`out_of_pocket`.  Thresholds apply per household per year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.context import Effect, YearContext
from sim.state import Households, Illness

if TYPE_CHECKING:
    from sim.config import MedicalCosts, MedicalRatios


def gross_spending(h: Households, costs: MedicalCosts, medical_index: float, z: np.ndarray) -> np.ndarray:
    """Gross yearly medical spending (yuan, float64)."""
    index_cost = np.select(
        [h.illness == Illness.CHRONIC, h.illness == Illness.MAJOR], [costs.chronic_mean, costs.major_mean], 0.0
    )
    shock = np.exp(costs.sigma * z - 0.5 * costs.sigma**2)
    return (costs.per_person_base * h.size + index_cost * shock) * medical_index


def out_of_pocket(
    gross: np.ndarray, size: np.ndarray, ratios: MedicalRatios, medical_index: float, poor: bool
) -> np.ndarray:
    """Out-of-pocket spending after basic, critical-illness and (for the poor) further tiers."""
    basic = ratios.basic_ratio_poor if poor else ratios.basic_ratio
    threshold = (ratios.critical_threshold_poor if poor else ratios.critical_threshold) * medical_index
    remaining = gross * (1.0 - basic)
    remaining = remaining - ratios.critical_ratio * np.maximum(remaining - threshold, 0.0)
    if poor:
        remaining = remaining - ratios.supplementary_ratio * np.maximum(remaining - threshold, 0.0)
        assistance = np.minimum(ratios.assistance_ratio * remaining, ratios.assistance_cap * medical_index)
        remaining = remaining - assistance
    return np.maximum(remaining, 0.0)


def step(h: Households, costs: MedicalCosts, ratios: MedicalRatios, ctx: YearContext, z: np.ndarray) -> Effect:
    """Gross spending and general-tier out-of-pocket spending of every household."""
    gross = gross_spending(h, costs, ctx.medical_index, z)
    oop = out_of_pocket(gross, h.size, ratios, ctx.medical_index, poor=False)
    return Effect({"med_gross": gross.astype(np.float32), "med_oop": np.minimum(oop, gross).astype(np.float32)})
