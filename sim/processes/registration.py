"""Registration dynamics (建档立卡): identification, exit (脱贫) and return (返贫).

Seed 000: households enter when eligible and leave when they reach the standard ("将符合条件
的贫困人口及时纳入,将达到脱贫标准的…按时退出"), removal household by household (逐户销号),
no exits on paper ("数字脱贫"), and the exit must be stable ("确保…稳定脱贫").  Exits therefore
follow true status: a registered household that is not truly poor this year (income and the
guarantees, 两不愁三保障) exits if its exit is *stable* and verification passes.  A household
that clears the line by itself (income without guarantee transfers above the line, the basic
guarantees met) is *developed*; its exit is stable when its per-capita income is at least
``exit_income_margin`` above the line, or it has not been truly poor in ``exit_stable_years``
consecutive assessments.  A household that is out of poverty only through 低保 or other
transfers is stable only once covered for good by the guarantee (兜底: seed 000 lifts those who
"无法依靠产业就业帮扶脱贫" by "兜底保障"; the deadline push's cover secures its income), because
a yearly allowance reviewed every year is no stable exit.  Verification passes with probability
``p_verify_exit``, or the higher effort the deadline push publishes (``verification_effort``).
The exit route is *development* for a developed household, else *guarantee* (兜底).  A
registered household whose members have all died is removed
(自然减少, ``exits_deceased``).  A truly poor household outside the register is identified
after ``lag_years`` with a yearly probability (higher when monitored: the monitoring lever
publishes its detection probability): as *newly poor* if it was never registered, as a
*return* if it had exited; missing it is the exclusion error.  The inclusion error registers
a non-poor household near the line with a small yearly probability.  Once the deadline push
publishes ``register_closed`` (from its deadline year), never-registered households are no longer
added; returns still are.  In the deadline year (``final_verification``) a developed household is
stable at once.  Stocks and flows count
persons as recorded at registration, so the accounting identity holds exactly.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.rng import uniform32_at
from sim.schema import kernel_scalars, share, spec
from sim.state import N_STRATA, ExitRoute, Households, Registration, guarantee_failed, own_income, rows_where
from sim.steps import Draw, DrawKind, Phase, Process, register_process
from sim.text import Text

#: The register's flows, then true fallbacks, in the rows of the kernel's count table; each is a ``counts`` entry.
FLOWS = ("exits_development", "exits_guarantee", "exits_deceased", "newly_poor", "returns", "new_fallbacks")


@dataclasses.dataclass
class Params:
    """Identification, exit and return rules of the registration system (``dynamics.registration``)."""

    p_verify_exit: float = share(
        Text(
            "an eligible exit passes verification (逐户销号) this year",
            "符合条件的退出户当年通过核验（逐户销号）的概率",
        )
    )
    exit_income_margin: float = spec(
        0.0,
        10.0,
        "share above the line",
        Text(
            "income this far above the line counts as a stable exit at once", "收入高出贫困线这一比例即立即算作稳定脱贫"
        ),
    )
    exit_stable_years: int = spec(
        1, 10, "years", Text("or this many consecutive assessments not truly poor", "或连续这么多次评估不属于真实贫困")
    )
    p_detect_new: float = share(
        Text(
            "a truly poor, never-registered household is identified, per year", "从未建档的真实贫困家庭每年被识别的概率"
        )
    )
    p_detect_return: float = share(
        Text("a truly poor exited household is re-registered, per year", "已退出的真实贫困家庭每年被重新纳入的概率")
    )
    lag_years: int = spec(
        0,
        10,
        "years",
        Text("years a household must be poor before identification can happen", "家庭须贫困多少年才可能被识别"),
    )
    p_false_registration: float = share(
        Text(
            "inclusion error: a non-poor household near the line is registered, per year",
            "纳入错误：接近贫困线的非贫困家庭每年被建档的概率",
        )
    )
    false_registration_band: float = spec(
        0.0,
        10.0,
        "share above the line",
        Text("inclusion errors arise below (1 + band) x line", "纳入错误出现在（1 + 区间）× 贫困线以下"),
    )
    catastrophic_medical_share: float = spec(
        0.0,
        10.0,
        "share of income",
        Text(
            "out-of-pocket medical spending above this share fails 基本医疗", "医疗自付费用超过此比例即“基本医疗”未保障"
        ),
    )


class YearRule(NamedTuple):
    """The year's values the register kernel reads besides the rules."""

    year: int
    line: float  # yuan/person/yr
    p_detect_monitored: float  # published by the monitoring lever (0 without it)
    p_verify_exit: float  # the rules' verification, or the deadline push's higher effort
    register_closed: bool  # published by the deadline push from its deadline year: no new households
    final_verification: bool  # published by the deadline push in its deadline year: developed = stable


def step(h: Households, rules: Params, ctx: YearContext) -> Effect:
    """Update registration status; count the year's flows by stratum."""
    published = ctx.published
    year = YearRule(
        ctx.year,
        ctx.poverty_line,
        float(published.get("p_detect_monitored", 0.0)),
        max(rules.p_verify_exit, float(published.get("verification_effort", 0.0))),
        bool(published.get("register_closed", 0.0)),
        bool(published.get("final_verification", 0.0)),
    )
    u = ctx.draws["u_registration"]
    reg, reg_size, above, exit_year, exit_route, fallback_year, flows = _exits(
        h.identity, h.members, h.status, h.registration, h.assistance, h.place, h.money, u,
        kernel_scalars(rules), year,
    )  # fmt: skip
    wait, monitored = _entries(
        h.identity, h.members, h.status, h.registration, h.monitoring, u, kernel_scalars(rules), year,
        (reg, reg_size), flows,
    )  # fmt: skip
    update = {
        "reg": reg,
        "reg_size": reg_size,
        "poor_wait": wait,
        "above_line_years": above,
        "exit_year": exit_year,
        "exit_route": exit_route,
        "fallback_year": fallback_year,
        "monitored": monitored,
    }
    return Effect(update, counts=dict(zip(FLOWS, flows, strict=True)))


@kernel
def _exits(identity, members, status, registration, assistance, place, money, u, rules, year):
    """Exits and dead-out removals of registered households; years above the line and fallbacks for everyone.

    A household that has exited and is truly poor for the first time since that exit falls back
    this year (``fallback_year``, whether or not it is found and re-registered); an exit clears it.
    Returns the new registration arrays and the flow table (rows as in ``FLOWS``, columns by
    stratum) with the exit rows filled.
    """
    reg, reg_size = registration.reg, registration.reg_size
    n = reg.size
    new_reg, new_size, above = reg.copy(), reg_size.copy(), np.zeros(n, np.uint8)
    exit_year, exit_route = registration.exit_year.copy(), registration.exit_route.copy()
    fallback_year = registration.fallback_year.copy()
    flows = np.zeros((len(FLOWS), N_STRATA), np.float64)
    line = year.line
    margin_line = (1.0 + rules.exit_income_margin) * line
    # Years above the line for everyone, and who falls back or is registered, in a loop with no
    # branch (which the compiler vectorises); only those go on to the second loop.
    attended = np.empty(n, np.uint8)  # bit 0: registered, 1: falls back
    for i in range(n):
        size, true_poor = members.size[i], status.true_poor[i]
        above[i] = min(registration.above_line_years[i] + 1, 255) if (size > 0) & (not true_poor) else 0
        falls_back = (size > 0) & true_poor & (exit_year[i] > 0) & (fallback_year[i] == 0)
        attended[i] = np.uint8(reg[i] == Registration.POOR) + 2 * np.uint8(falls_back)
    for i in rows_where(attended):
        s, size, true_poor = identity.stratum[i], members.size[i], status.true_poor[i]
        if attended[i] & 2:
            fallback_year[i] = year.year
            flows[5, s] += size
        if reg[i] != Registration.POOR:
            continue
        if size == 0:
            flows[2, s] += reg_size[i]
            new_reg[i], new_size[i] = Registration.NEVER, 0
            continue
        if true_poor:
            continue
        own = own_income(money, i)
        developed = own / size >= line and not guarantee_failed(
            place.housing_safe[i], np.float64(money.med_oop[i]), own, size, rules.catastrophic_medical_share, line
        )
        # Stable: secured by 兜底 for good, or developed well above the line or for consecutive assessments.
        stable = assistance.guaranteed[i]
        if developed:
            stable = stable or year.final_verification or status.income_pc[i] >= margin_line
            stable = stable or above[i] >= rules.exit_stable_years
        if stable and uniform32_at(u, i) < year.p_verify_exit:
            flows[0 if developed else 1, s] += reg_size[i]
            new_reg[i], exit_year[i], fallback_year[i] = Registration.EXITED, year.year, 0
            exit_route[i] = ExitRoute.DEVELOPMENT if developed else ExitRoute.GUARANTEE
    return new_reg, new_size, above, exit_year, exit_route, fallback_year, flows


@kernel
def _entries(identity, members, status, registration, monitoring, u, rules, year, register, flows):
    """Identification of newly poor and returning households and the inclusion error.

    ``register`` is the (reg, reg_size) pair after exits, updated in place; ``flows`` gets the
    entry rows.  Returns the new waiting counters and monitoring flags (an entrant leaves monitoring).
    """
    new_reg, new_size = register
    reg = registration.reg
    n = reg.size
    new_wait, new_monitored = np.zeros(n, np.uint8), monitoring.monitored.copy()
    near_line = (1.0 + rules.false_registration_band) * year.line
    # Most households are neither truly poor nor near the line a false registration needs: they
    # only keep a waiting count of 0.  A branch-free pass (which vectorises) finds the others.
    candidate = np.empty(n, np.bool_)
    for i in range(n):
        state = reg[i]
        near = (state == Registration.NEVER) & (status.income_pc[i] < near_line)
        candidate[i] = (state != Registration.POOR) & (members.size[i] != 0) & (status.true_poor[i] | near)
    for i in rows_where(candidate):
        s, size, state = identity.stratum[i], members.size[i], reg[i]
        true_poor = status.true_poor[i]
        wait = registration.poor_wait[i] + 1 if true_poor else 0
        enters = False
        if state == Registration.NEVER and year.register_closed:
            pass  # the campaign's register takes no new households after its deadline
        elif true_poor and wait > rules.lag_years:
            p_base = rules.p_detect_new if state == Registration.NEVER else rules.p_detect_return
            p = max(p_base, year.p_detect_monitored) if monitoring.monitored[i] else p_base
            enters = uniform32_at(u, i) < p
        elif state == Registration.NEVER and not true_poor:
            # inclusion error (识别不准)
            enters = status.income_pc[i] < near_line and uniform32_at(u, i) < rules.p_false_registration
        if enters:
            flows[3 if state == Registration.NEVER else 4, s] += size
            new_reg[i], new_size[i], new_monitored[i], wait = Registration.POOR, size, False, 0
        new_wait[i] = min(wait, 255)
    return new_wait, new_monitored


PROCESS = register_process(
    Process(
        "registration",
        Phase.REGISTRATION,
        step,
        config="registration",
        params=Params,
        draws=(Draw("u_registration", "registration", DrawKind.UNIFORM32),),
        counts=FLOWS,
    )
)
