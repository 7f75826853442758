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
from sim.policies.base import Effect, YearContext, served
from sim.processes.medical import out_of_pocket_one, tiers
from sim.schema import share, yuan
from sim.state import Households, Registration
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "health_insurance"


@dataclasses.dataclass
class Params:
    """Health lever parameters (ratios themselves are region data: ``region.medical``)."""

    enabled: bool
    oop_cap_share: float = share(
        Text(
            "cap on the out-of-pocket share of gross spending for the target group",
            "目标人群医疗自付费用占总费用比例的上限",
        )
    )
    premium_subsidy_per_person: float = yuan(
        Text("individual premium paid for the group", "为该人群代缴的个人保费"), unit="yuan/person/yr"
    )


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Recompute out-of-pocket spending of the target group under the poverty tiers."""
    if not params.enabled:
        return Effect()
    new_oop, savings, persons = _poverty_tiers(
        served(h, ctx, NAME), h.identity, h.members, h.registration, h.monitoring, h.money,
        tiers(ctx.region.medical, ctx.medical_index, poor=True), params.oop_cap_share, ctx.intensity(NAME),
    )  # fmt: skip
    return Effect({"med_oop": new_oop}, savings + persons * params.premium_subsidy_per_person)


@kernel
def _poverty_tiers(among, identity, members, registration, monitoring, money, tier, cap_share, kept):
    """New out-of-pocket spending, insurer savings (yuan) and covered persons (real units) of ``among``."""
    new_oop = money.med_oop.copy()
    savings, persons = 0.0, 0.0
    for i in among:
        gross, general = np.float64(money.med_gross[i]), np.float64(money.med_oop[i])
        poor_oop = min(out_of_pocket_one(gross, tier), cap_share * gross)
        if registration.reg[i] == Registration.EXITED and not monitoring.monitored[i]:
            poor_oop = kept * poor_oop + (1.0 - kept) * general
        new_oop[i] = min(poor_oop, general)
        savings += identity.weight[i] * (general - np.float64(new_oop[i]))
        persons += identity.weight[i] * members.size[i]
    return new_oop, savings, persons


LEVER = register_lever(
    Lever(NAME, Params, apply, Phase.MEDICAL, withdrawable=True, title=Text("Health insurance", "医疗保障"))
)
