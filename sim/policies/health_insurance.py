"""Health-poverty measures (健康扶贫): preferential insurance tiers and an out-of-pocket cap.

Sources: seed 000 enrols all poor people in "基本医疗保险、大病保险、大病补充医疗保险和医疗救助"
and raises outpatient chronic/major-disease reimbursement "报销比例提高到85%"; seed 002 returns
to "三重保障" and adjusts the extraordinary measures gradually, keeping benefits for 低保, 特困
and monitored people.  Everyone gets the general tiers in the medical process; this lever
recomputes out-of-pocket spending for the target group under the poverty tiers (with medical
assistance and a cap on the out-of-pocket share) and pays individual premiums.  Exited
households get a blend of the two regimes weighted by the transition intensity.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext, target_group
from sim.processes.medical import out_of_pocket
from sim.schema import check_range, check_share
from sim.state import Households, Registration

NAME = "health_insurance"


@dataclasses.dataclass
class Params:
    """Health lever parameters (ratios themselves are region data: ``region.medical``)."""

    enabled: bool
    oop_cap_share: float  # cap on out-of-pocket share of gross spending for the target group
    premium_subsidy_per_person: float  # yuan/person/yr individual premium paid for the group

    def __post_init__(self) -> None:
        check_share(self.oop_cap_share, "oop_cap_share")
        check_range(self.premium_subsidy_per_person, "premium_subsidy_per_person", 0.0)


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Recompute out-of-pocket spending of the target group under the poverty tiers."""
    if not params.enabled:
        return Effect()
    group = target_group(h, ctx, NAME)
    gross = h.med_gross.astype(np.float64)
    poor_oop = out_of_pocket(gross, h.size, ctx.medical_ratios, ctx.medical_index, poor=True)
    poor_oop = np.minimum(poor_oop, params.oop_cap_share * gross)
    general = h.med_oop.astype(np.float64)
    exited = h.reg == Registration.EXITED
    full = group & ~(exited & ~h.monitored)
    kept = ctx.intensity.get(NAME, 1.0)
    blended = np.where(full, poor_oop, kept * poor_oop + (1.0 - kept) * general)
    new_oop = np.where(group, np.minimum(blended, general), general).astype(np.float32)
    premiums = float(np.sum(h.weight[group] * h.size[group])) * params.premium_subsidy_per_person
    savings = float(np.sum(h.weight * (general - new_oop)))
    return Effect({"med_oop": new_oop}, savings + premiums)
