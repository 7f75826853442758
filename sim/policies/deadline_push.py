"""The campaign's deadline push (攻坚): rising exit verification and the guarantee for those left.

Seed 000 sets a deadline ("到2020年…确保…建档立卡农村贫困人口稳定脱贫") and says how those who
cannot reach it by development are lifted: "为完全丧失劳动能力和部分丧失劳动能力且无法依靠产业
就业帮扶脱贫的贫困人口提供兜底保障", "应扶尽扶、应保尽保".  The push is a lever a planner sets, not
a target the model reads:

- *progress*: the push builds over its last ``ramp_years`` years, the deadline year included:
  progress is k / ``ramp_years`` in the k-th of them, 0 before and 1 from the deadline on;
- *verification effort*: the chance that a stable exit passes verification is
  ``effort_at_deadline`` times the progress up to the deadline (published as
  ``verification_effort``; registration uses it where it exceeds its own rate);
- *guarantee cover*: each year, a registered household whose own income (without guarantee
  transfers) cannot clear the line is covered by the guarantee for good (``guaranteed``) with
  probability equal to the progress, so those the development push does not lift are taken in
  step by step and all of them by the deadline ("应保尽保"); every covered household's income is
  topped up to ``top_up_ratio_to_line`` times the line.
- *basic guarantees secured* (三保障, unless ``secures_basic_guarantees`` is false): with the same
  probability a registered household whose dwelling is unsafe has it renovated at
  ``renovation_cost_per_household`` (seed 000 "开展危房改造清零行动", "全面完成贫困户危房改造
  任务"), and medical assistance pays the out-of-pocket costs that would push its income below
  the line (seed 000 "实施扶贫医疗救助", "医疗救助等政策对贫困家庭全覆盖"); this acts in the year
  only and covers no income for good.
- *the final verification*: in the deadline year a household that clears the line by itself with
  its guarantees met counts as stably out at once (published ``final_verification``), without a
  second year above the line ("应退尽退").
- *the register closes* from the deadline year: households truly poor for the first time are
  no longer added to the register (建档立卡 ends with the campaign); they are left to monitoring
  (seed 002 "边缘易致贫户"), while exited households that fall back are still found and
  re-registered (返贫).

The cover stays after the household exits (seed 002 keeps 兜底 stable: "兜底保障…保持稳定") and
is never withdrawn; the top-up is zero once the household's own income and 低保 reach the
target.  Registration counts a household that cannot clear the line by itself as stably out of
poverty only once it is covered, so the guarantee route of exit grows toward the deadline as
seed 000 expects.

The deadline year is the region's (``region.deadline_year``); without the push
(``policy/deadline_push=none``) exits follow incomes and the rules' verification alone.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.context import lever_key_one, lever_salt
from sim.jit import kernel
from sim.policies.base import Effect, YearContext
from sim.schema import share, spec, year, yuan
from sim.state import Households, Registration, own_income, total_income
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "deadline_push"


@dataclasses.dataclass
class Params:
    """Deadline-push lever parameters."""

    enabled: bool
    deadline_year: int = year(Text("the year by which the register is to be cleared", "建档立卡清零的年份"))
    ramp_years: int = spec(
        1, 20, "years", Text("years of the push, the deadline year included", "攻坚冲刺的年数，含清零年份")
    )
    effort_at_deadline: float = share(
        Text("chance a stable exit passes verification in the deadline year", "稳定脱贫户在清零年份通过核验的概率")
    )
    top_up_ratio_to_line: float = spec(
        0.0, 10.0, "x poverty line", Text("income a covered household is topped up to", "兜底户的收入补足标准")
    )
    secures_basic_guarantees: bool
    renovation_cost_per_household: float = yuan(
        Text("renovating a covered household's unsafe dwelling", "兜底户危房改造"), unit="yuan/household"
    )


def progress(params: Params, when: int) -> float:
    """How far the push has come in year ``when``: k / ramp_years in its k-th year, 1 from the deadline."""
    if not params.enabled:
        return 0.0
    done = (when - (params.deadline_year - params.ramp_years)) / params.ramp_years
    return min(max(done, 0.0), 1.0)


def verification_effort(params: Params, when: int) -> float:
    """Chance a stable exit passes verification in year ``when`` under the push (0 after the deadline)."""
    if when > params.deadline_year:
        return 0.0
    return params.effort_at_deadline * progress(params, when)


def final_verification(params: Params, when: int) -> bool:
    """Whether ``when`` is the deadline year, when every developed household counts as stably out."""
    return params.enabled and when == params.deadline_year


def register_closed(params: Params, when: int) -> bool:
    """Whether the register takes no new households in year ``when``: from the deadline year on."""
    return params.enabled and when >= params.deadline_year


def publish(params: Params, when: int) -> dict[str, float]:
    """The push's verification effort this year, and whether the register is closed to new households."""
    return {
        "verification_effort": verification_effort(params, when),
        "register_closed": float(register_closed(params, when)),
        "final_verification": float(final_verification(params, when)),
    }


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Cover registered households that cannot clear the line by development; top up every covered one."""
    share_covered = progress(params, ctx.year)
    if share_covered == 0.0:
        return Effect()
    guaranteed, inc_guarantee, housing_safe, med_oop, cost = _cover(
        h.identity, h.members, h.registration, h.assistance, h.money, h.place, ctx.u_alloc, lever_salt(NAME),
        (share_covered, params.top_up_ratio_to_line * ctx.poverty_line, ctx.poverty_line,
         params.secures_basic_guarantees, params.renovation_cost_per_household),
    )  # fmt: skip
    updates = {
        "guaranteed": guaranteed,
        "inc_guarantee": inc_guarantee,
        "housing_safe": housing_safe,
        "med_oop": med_oop,
    }
    return Effect(updates, cost)


@kernel
def _cover(identity, members, registration, assistance, money, place, u_alloc, salt, this_year):
    """New cover flags, guarantee income (float32), dwellings, out-of-pocket costs and the cost in yuan.

    ``this_year`` is (share of uncovered households taken in this year, target income per person,
    line, whether basic guarantees are secured, renovation cost per household).  Registered
    households taken in this year also have an unsafe dwelling renovated and the out-of-pocket
    costs that would take them below the line paid.
    """
    share_covered, target_pc, poverty_line, secures, renovation_cost = this_year
    size = members.size
    n = size.size
    guaranteed = assistance.guaranteed.copy()
    inc_guarantee = money.inc_guarantee.copy()
    housing_safe, med_oop = place.housing_safe.copy(), money.med_oop.copy()
    cost = 0.0
    for i in range(n):
        if size[i] == 0:
            continue
        taken_in = registration.reg[i] == Registration.POOR and lever_key_one(u_alloc[i], salt) < share_covered
        if not (guaranteed[i] or taken_in):
            continue  # neither covered before nor taken in now: most households
        if taken_in and own_income(money, i) / size[i] < poverty_line:
            guaranteed[i] = True
        oop = np.float64(money.med_oop[i])
        income = total_income(money, i)
        top_up = max(target_pc * size[i] - income, 0.0) if guaranteed[i] else 0.0
        if top_up > 0.0:
            inc_guarantee[i] = np.float32(money.inc_guarantee[i] + top_up)
            cost += identity.weight[i] * (np.float64(inc_guarantee[i]) - money.inc_guarantee[i])
            income += top_up
        if not (taken_in and secures):
            continue  # covered earlier and no longer registered: the income guarantee only
        if not housing_safe[i]:
            housing_safe[i] = True
            cost += identity.weight[i] * renovation_cost
        kept = max(income - poverty_line * size[i], 0.0)
        if oop > kept:
            med_oop[i] = np.float32(kept)
            cost += identity.weight[i] * (oop - np.float64(med_oop[i]))
    return guaranteed, inc_guarantee, housing_safe, med_oop, cost


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.TRANSFERS,
        after=("guarantee",),
        publish=publish,
        publishes=("verification_effort", "register_closed", "final_verification"),
        dose=("effort_at_deadline", "top_up_ratio_to_line"),
        title=Text("Deadline push", "脱贫攻坚收官冲刺"),
    )
)
