"""Medical spending and out-of-pocket costs after the general insurance tiers.

Spending levels are assumptions in ``conf/dynamics/default.yaml``; reimbursement ratios are
region data (``region.medical``; Henan's 85% outpatient ratio for the poor is from seed 000
"报销比例提高到85%").  Every household gets the general tiers here (basic medical insurance
and critical-illness insurance); the health lever recomputes the target group's costs under
the poverty tiers with :func:`out_of_pocket_one`.  Thresholds apply per household per year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.state import Households, Illness

if TYPE_CHECKING:
    from sim.config import MedicalCosts, MedicalRatios


def tiers(ratios: MedicalRatios, medical_index: float, poor: bool) -> np.ndarray:
    """Tier parameters for :func:`out_of_pocket_one`: basic, threshold, critical, supplementary, assistance, cap."""
    return np.array(
        [
            ratios.basic_ratio_poor if poor else ratios.basic_ratio,
            (ratios.critical_threshold_poor if poor else ratios.critical_threshold) * medical_index,
            ratios.critical_ratio,
            ratios.supplementary_ratio if poor else 0.0,
            ratios.assistance_ratio if poor else 0.0,
            ratios.assistance_cap * medical_index if poor else 0.0,
        ]
    )


@kernel
def out_of_pocket_one(gross, tier):
    """Out-of-pocket spending of one household after basic, critical-illness and further tiers."""
    remaining = gross * (1.0 - tier[0])
    remaining -= tier[2] * max(remaining - tier[1], 0.0)
    remaining -= tier[3] * max(remaining - tier[1], 0.0)
    remaining -= min(tier[4] * remaining, tier[5])
    return max(remaining, 0.0)


def step(h: Households, costs: MedicalCosts, ratios: MedicalRatios, ctx: YearContext, z: np.ndarray) -> Effect:
    """Gross spending and general-tier out-of-pocket spending of every household."""
    gross, oop = _spending(
        h.size,
        h.illness,
        z,
        costs.per_person_base,
        costs.chronic_mean,
        costs.major_mean,
        costs.sigma,
        ctx.medical_index,
        tiers(ratios, ctx.medical_index, poor=False),
    )
    return Effect({"med_gross": gross, "med_oop": oop})


@kernel
def _spending(size, illness, z, per_person, chronic_mean, major_mean, sigma, medical_index, tier):
    n = size.size
    gross, oop = np.empty(n, np.float32), np.empty(n, np.float32)
    shock_mean = -0.5 * sigma * sigma
    for i in range(n):
        index_cost = 0.0
        if illness[i] == Illness.CHRONIC:
            index_cost = chronic_mean
        elif illness[i] == Illness.MAJOR:
            index_cost = major_mean
        g = (per_person * size[i] + index_cost * np.exp(sigma * z[i] + shock_mean)) * medical_index
        gross[i] = g
        oop[i] = min(out_of_pocket_one(g, tier), g)
    return gross, oop
