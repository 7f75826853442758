"""Follow-up support of exited households (跟踪帮扶, 脱贫不脱政策).

Seed 000: "对已脱贫人口加强跟踪监测管理,确保稳定脱贫" and exited households keep the policies
(脱贫不脱政策); during the campaign, households that fell back were mostly supported rather than
re-registered (returns were "几万人" in 2018 and "数千人" in 2019 against 10-13 million exits a
year: ``../shared/REAL_OUTCOMES.md``, external).  Each year, an exited household whose income
with every transfer so far is below the line is found by the follow-up visits with probability
``p_find`` (times the lever's transition intensity) and its income is topped up to
``top_up_ratio_to_line`` times the line (帮扶 and temporary assistance, 临时救助).  A household
the visits miss stays truly poor and may be re-registered as a return.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.context import lever_key_one, lever_salt
from sim.jit import kernel
from sim.policies.base import Effect, YearContext, programme_indices
from sim.schema import share, spec
from sim.state import Households, Registration, total_income
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "follow_up"


@dataclasses.dataclass
class Params:
    """Follow-up lever parameters."""

    enabled: bool
    p_find: float = share(
        Text(
            "an exited household below the line is found by follow-up visits, per year",
            "收入低于标准的已脱贫户每年经回访被发现的概率",
        )
    )
    top_up_ratio_to_line: float = spec(
        0.0, 10.0, "x poverty line", Text("income a found household is topped up to", "被发现家庭的收入补足标准")
    )


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Top up the exited households below the line that the follow-up finds."""
    p_find = params.p_find * ctx.intensity(NAME) if params.enabled else 0.0
    if p_find == 0.0:
        return Effect()
    inc_guarantee, cost = _follow_up(
        programme_indices(h, ctx)[1],
        h.identity,
        h.members,
        h.registration,
        h.money,
        ctx.u_alloc,
        lever_salt(NAME),
        p_find,
        ctx.poverty_line,
        params.top_up_ratio_to_line * ctx.poverty_line,
    )
    return Effect({"inc_guarantee": inc_guarantee}, cost)


@kernel
def _follow_up(programme, identity, members, registration, money, u_alloc, salt, p_find, line, target_pc):
    """Guarantee income with the follow-up top-up (float32) and its cost in yuan.

    ``programme`` are the ascending indices of the households the programmes know (registered,
    monitored or exited, with members); the exited among them are followed up.
    """
    size = members.size
    inc_guarantee = money.inc_guarantee.copy()
    cost = 0.0
    for i in programme:
        if registration.reg[i] != Registration.EXITED:
            continue
        income = total_income(money, i)
        if income / size[i] >= line or lever_key_one(u_alloc[i], salt) >= p_find:
            continue
        inc_guarantee[i] = np.float32(money.inc_guarantee[i] + max(target_pc * size[i] - income, 0.0))
        cost += identity.weight[i] * (np.float64(inc_guarantee[i]) - money.inc_guarantee[i])
    return inc_guarantee, cost


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.TRANSFERS,
        withdrawable=True,
        after=("deadline_push",),
        dose=("p_find",),
        title=Text("Follow-up support", "后续帮扶"),
    )
)
