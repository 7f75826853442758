"""Basic pension for rural residents (城乡居民基本养老保险) and contribution payment (代缴).

Sources: seed 000 raises the minimum basic pension "2018年提高至每人每月98元" and has the
government pay "最低档次标准的养老保险费" for 兜底, 低保 and 特困 people; seed 002 keeps
"按照最低缴费档次" for 低保, 特困 and monitored people.  The pension level is the region's
schedule (``region.pension_minimum_per_month``).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.jit import kernel
from sim.policies.base import Effect, YearContext
from sim.schema import spec, yuan
from sim.state import Households
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "pension"


@dataclasses.dataclass
class Params:
    """Pension lever parameters."""

    enabled: bool
    pension_multiplier: float = spec(
        0.0,
        10.0,
        "multiple",
        Text("scenario scaling of the published minimum pension", "按情景调整已公布的基础养老金最低标准"),
    )
    contribution_paid_per_adult: float = yuan(
        Text("paid (代缴) for 低保/特困 working-age members", "为低保、特困劳动年龄成员代缴"), unit="yuan/person/yr"
    )


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Pay the basic pension to every member aged 65+; pay contributions for assisted adults."""
    if not params.enabled:
        return Effect()
    yearly = ctx.pension_per_month * 12.0 * params.pension_multiplier
    pension, paid, assisted_adults = _pensions(h.identity, h.members, h.assistance, yearly)
    return Effect({"inc_pension": pension}, paid + assisted_adults * params.contribution_paid_per_adult)


@kernel
def _pensions(identity, members, assistance, yearly):
    """Pension per household (float32), yuan paid, and real working-age members assisted."""
    n_elder = members.n_elder
    pension = np.empty(n_elder.size, np.float32)
    paid, assisted_adults = 0.0, 0.0
    for i in range(n_elder.size):
        pension[i] = n_elder[i] * yearly
    # The sums in household order, with no branch: an unassisted household adds exactly 0
    for i in range(n_elder.size):
        paid += identity.weight[i] * np.float64(pension[i])
        assisted = assistance.dibao[i] | assistance.tekun[i]
        assisted_adults += identity.weight[i] * members.n_adult[i] * (1.0 if assisted else 0.0)
    return pension, paid, assisted_adults


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.TRANSFERS,
        dose=("pension_multiplier",),
        title=Text("Basic pension", "城乡居民基本养老保险"),
    )
)
