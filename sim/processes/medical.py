"""Medical spending and out-of-pocket costs after the general insurance tiers.

Spending levels are assumptions in ``conf/dynamics/default.yaml``; reimbursement ratios are
region data (``region.medical``; Henan's 85% outpatient ratio for the poor is from seed 000
"报销比例提高到85%").  Every household gets the general tiers here (basic medical insurance
and critical-illness insurance); the health lever recomputes the target group's costs under
the poverty tiers with :func:`out_of_pocket_one`.  Thresholds apply per household per year.
Injuries from area disasters add to gross spending (``shock_medical``, :mod:`sim.processes.shocks`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import inline, kernel
from sim.rng import normals32_of
from sim.schema import kernel_scalars, spec, yuan
from sim.state import Households, Illness
from sim.steps import Draw, DrawKind, Phase, Process, register_process
from sim.text import Text


@dataclasses.dataclass
class Params:
    """Gross medical spending, yuan/yr at the year before the start (``dynamics.medical``)."""

    per_person_base: float = yuan(Text("routine spending of every member", "每个成员的日常支出"), unit="yuan/person/yr")
    chronic_mean: float = yuan(
        Text("mean yearly spending of a chronically ill index member", "慢性病户主的年均医疗支出"), unit="yuan/yr"
    )
    major_mean: float = yuan(
        Text("mean yearly spending of a seriously ill index member", "大病户主的年均医疗支出"), unit="yuan/yr"
    )
    sigma: float = spec(0.0, 3.0, "log sd", Text("sd of the log spending shock", "支出冲击对数的标准差"))
    growth: float = spec(
        -0.5, 1.0, "share/yr", Text("nominal yearly growth of medical prices", "医疗价格的名义年增长率")
    )


def tiers(ratios: Any, medical_index: float, poor: bool) -> np.ndarray:
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


@inline
def out_of_pocket_one(gross, tier):
    """Out-of-pocket spending of one household after basic, critical-illness and further tiers."""
    remaining = gross * (1.0 - tier[0])
    remaining -= tier[2] * max(remaining - tier[1], 0.0)
    remaining -= tier[3] * max(remaining - tier[1], 0.0)
    remaining -= min(tier[4] * remaining, tier[5])
    return max(remaining, 0.0)


def step(h: Households, costs: Params, ctx: YearContext) -> Effect:
    """Gross spending and general-tier out-of-pocket spending of every household."""
    tier = tiers(ctx.region.medical, ctx.medical_index, poor=False)
    # Only an ill index member's spending is random: the normals of the others are never made.
    ill = np.flatnonzero(h.illness != Illness.NONE)
    z_ill = normals32_of(ctx.draws["z_medical"], h.n, ill)
    gross, oop = _spending(h.members, h.health, h.shocks, ill, z_ill, kernel_scalars(costs), ctx.medical_index, tier)
    return Effect({"med_gross": gross, "med_oop": oop})


@kernel
def _spending(members, health, shocks, ill, z_ill, costs, medical_index, tier):
    """Gross and out-of-pocket spending; ``z_ill`` holds the normals of the ill households ``ill``.

    Every household's spending without illness comes first, in a loop with no call and no
    branch (which the compiler vectorises); then the ill households' spending replaces theirs.
    """
    n = members.size.size
    gross, oop = np.empty(n, np.float32), np.empty(n, np.float32)
    base, tiers_of_year = costs.per_person_base, (tier[0], tier[1], tier[2], tier[3], tier[4], tier[5])
    for i in range(n):
        g = (base * members.size[i] + 0.0) * medical_index  # the ill households' sum with no illness cost
        g += shocks.shock_medical[i]  # disaster injuries (sim.processes.shocks), already at this year's prices
        gross[i] = g
        oop[i] = min(out_of_pocket_one(g, tiers_of_year), g)
    sigma = costs.sigma
    shock_mean = -0.5 * sigma * sigma
    for k in range(ill.size):
        i = ill[k]
        index_cost = costs.chronic_mean if health.illness[i] == Illness.CHRONIC else costs.major_mean
        illness_cost = 0.0
        if index_cost != 0.0:
            illness_cost = index_cost * np.exp(sigma * z_ill[k] + shock_mean)
        g = (base * members.size[i] + illness_cost) * medical_index
        g += shocks.shock_medical[i]
        gross[i] = g
        oop[i] = min(out_of_pocket_one(g, tiers_of_year), g)
    return gross, oop


PROCESS = register_process(
    Process(
        "medical",
        Phase.MEDICAL,
        step,
        config="medical",
        params=Params,
        draws=(Draw("z_medical", "medical", DrawKind.NORMAL32),),
    )
)
