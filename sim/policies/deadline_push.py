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
  topped up to ``top_up_ratio_to_line`` times the line.  The cover stays after the household
  exits (seed 002 keeps 兜底 stable: "兜底保障…保持稳定") and is never withdrawn; the top-up is
  zero once the household's own income and 低保 reach the target.  Registration counts a
  household that cannot clear the line by itself as stably out of poverty only once it is
  covered, so the guarantee route of exit grows toward the deadline as seed 000 expects.

The deadline year is the region's (``region.deadline_year``); without the push
(``policy/deadline_push=none``) exits follow incomes and the rules' verification alone.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.jit import kernel
from sim.policies.base import Effect, YearContext
from sim.schema import share, spec, year
from sim.state import Households, Registration, own_income, total_income
from sim.steps import Lever, Phase, register_lever

NAME = "deadline_push"


@dataclasses.dataclass
class Params:
    """Deadline-push lever parameters."""

    enabled: bool
    deadline_year: int = year("the year by which the register is to be cleared")
    ramp_years: int = spec(1, 20, "years", "years of the push, the deadline year included")
    effort_at_deadline: float = share("chance a stable exit passes verification in the deadline year")
    top_up_ratio_to_line: float = spec(0.0, 10.0, "x poverty line", "income a covered household is topped up to")


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


def publish(params: Params, when: int) -> dict[str, float]:
    """The push's verification effort this year."""
    return {"verification_effort": verification_effort(params, when)}


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Cover registered households that cannot clear the line by development; top up every covered one."""
    share_covered = progress(params, ctx.year)
    if share_covered == 0.0:
        return Effect()
    guaranteed, inc_guarantee, cost = _cover(
        h.identity, h.members, h.registration, h.assistance, h.money, ctx.lever_key(NAME),
        (share_covered, params.top_up_ratio_to_line * ctx.poverty_line, ctx.poverty_line),
    )  # fmt: skip
    return Effect({"guaranteed": guaranteed, "inc_guarantee": inc_guarantee}, cost)


@kernel
def _cover(identity, members, registration, assistance, money, key, this_year):
    """New cover flags, guarantee income with the top-up (float32) and the top-up's cost in yuan.

    ``this_year`` is (share of uncovered households taken in this year, target income per person, line).
    """
    share_covered, target_pc, poverty_line = this_year
    size = members.size
    n = size.size
    guaranteed = assistance.guaranteed.copy()
    inc_guarantee = money.inc_guarantee.copy()
    cost = 0.0
    for i in range(n):
        if size[i] == 0:
            continue
        own = own_income(money, i)
        if registration.reg[i] == Registration.POOR and own / size[i] < poverty_line and key[i] < share_covered:
            guaranteed[i] = True
        if not guaranteed[i]:
            continue
        income = total_income(money, i)
        top_up = max(target_pc * size[i] - income, 0.0)
        if top_up > 0.0:
            inc_guarantee[i] = np.float32(money.inc_guarantee[i] + top_up)
            cost += identity.weight[i] * (np.float64(inc_guarantee[i]) - money.inc_guarantee[i])
    return guaranteed, inc_guarantee, cost


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.TRANSFERS,
        after=("guarantee",),
        publish=publish,
        publishes=("verification_effort",),
        dose=("effort_at_deadline", "top_up_ratio_to_line"),
    )
)
