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

from sim.jit import kernel
from sim.policies.base import Effect, YearContext, target_group
from sim.processes.medical import out_of_pocket_one, tiers
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
    new_oop, savings, persons = _poverty_tiers(
        target_group(h, ctx, NAME),
        h.reg,
        h.monitored,
        h.weight,
        h.size,
        h.med_gross,
        h.med_oop,
        tiers(ctx.medical_ratios, ctx.medical_index, poor=True),
        params.oop_cap_share,
        ctx.intensity.get(NAME, 1.0),
    )
    return Effect({"med_oop": new_oop}, savings + persons * params.premium_subsidy_per_person)


@kernel
def _poverty_tiers(group, reg, monitored, weight, size, med_gross, med_oop, tier, cap_share, kept):
    """New out-of-pocket spending, insurer savings (yuan) and covered persons (real units)."""
    new_oop = med_oop.copy()
    savings, persons = 0.0, 0.0
    for i in range(group.size):
        if not group[i]:
            continue
        gross, general = np.float64(med_gross[i]), np.float64(med_oop[i])
        poor_oop = min(out_of_pocket_one(gross, tier), cap_share * gross)
        if reg[i] == Registration.EXITED and not monitored[i]:
            poor_oop = kept * poor_oop + (1.0 - kept) * general
        new_oop[i] = min(poor_oop, general)
        savings += weight[i] * (general - np.float64(new_oop[i]))
        persons += weight[i] * size[i]
    return new_oop, savings, persons
