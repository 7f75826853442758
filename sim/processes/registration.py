"""Registration dynamics (建档立卡): identification, exit (脱贫) and return (返贫).

Seed 000: households enter when eligible and leave when they reach the standard ("将符合条件
的贫困人口及时纳入,将达到脱贫标准的…按时退出"), removal household by household (逐户销号),
no exits on paper ("数字脱贫").  Exits therefore follow true status: a registered household
that is not truly poor this year exits if verification passes.  The exit route is
*development* when its income without guarantee transfers is already above the line, else
*guarantee* (兜底).  A registered household whose members have all died is removed
(自然减少, ``exits_deceased``).  A truly poor household outside the register is identified
after ``lag_years`` with a yearly probability (higher when monitored: the monitoring lever
publishes its detection probability): as *newly poor* if it was never registered, as a
*return* if it had exited; missing it is the exclusion error.  The inclusion error registers
a non-poor household near the line with a small yearly probability.  Stocks and flows count
persons as recorded at registration, so the accounting identity holds exactly.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.schema import kernel_scalars, share, spec
from sim.state import ExitRoute, Households, Registration, guarantee_failed, own_income
from sim.steps import Draw, DrawKind, Phase, Process, register_process

#: The register's flows, in the rows of the kernel's count table; each is a ``counts`` entry.
FLOWS = ("exits_development", "exits_guarantee", "exits_deceased", "newly_poor", "returns")


@dataclasses.dataclass
class Params:
    """Identification, exit and return rules of the registration system (``dynamics.registration``)."""

    p_verify_exit: float = share("an eligible exit passes verification (逐户销号) this year")
    p_detect_new: float = share("a truly poor, never-registered household is identified, per year")
    p_detect_return: float = share("a truly poor exited household is re-registered, per year")
    lag_years: int = spec(0, 10, "years", "years a household must be poor before identification can happen")
    p_false_registration: float = share("inclusion error: a non-poor household near the line is registered, per year")
    false_registration_band: float = spec(
        0.0, 10.0, "share above the line", "inclusion errors arise below (1 + band) x line"
    )
    catastrophic_medical_share: float = spec(
        0.0, 10.0, "share of income", "out-of-pocket medical spending above this share fails 基本医疗"
    )


class YearRule(NamedTuple):
    """The year's values the register kernel reads besides the rules."""

    year: int
    line: float  # yuan/person/yr
    p_detect_monitored: float  # published by the monitoring lever (0 without it)


def step(h: Households, rules: Params, ctx: YearContext) -> Effect:
    """Update registration status; count the year's flows by stratum."""
    year = YearRule(ctx.year, ctx.poverty_line, float(ctx.published.get("p_detect_monitored", 0.0)))
    reg, reg_size, wait, exit_year, exit_route, monitored, flows = _register(
        h.identity, h.members, h.status, h.registration, h.monitoring, h.place, h.money,
        ctx.draws["u_registration"], kernel_scalars(rules), year,
    )  # fmt: skip
    update = {
        "reg": reg,
        "reg_size": reg_size,
        "poor_wait": wait,
        "exit_year": exit_year,
        "exit_route": exit_route,
        "monitored": monitored,
    }
    return Effect(update, counts=dict(zip(FLOWS, flows, strict=True)))


@kernel
def _register(identity, members, status, registration, monitoring, place, money, u, rules, year):
    """New registration arrays and flows (rows as in ``FLOWS``, columns by stratum)."""
    reg, reg_size = registration.reg, registration.reg_size
    n = reg.size
    new_reg, new_size, new_wait = reg.copy(), reg_size.copy(), np.zeros(n, np.uint8)
    exit_year, exit_route = registration.exit_year.copy(), registration.exit_route.copy()
    new_monitored = monitoring.monitored.copy()
    flows = np.zeros((5, 3), np.float64)
    line = year.line
    near_line = (1.0 + rules.false_registration_band) * line
    for i in range(n):
        s, size, state = identity.stratum[i], members.size[i], reg[i]
        alive, true_poor = size > 0, status.true_poor[i]
        if state == Registration.POOR:
            if not alive:
                flows[2, s] += reg_size[i]
                new_reg[i], new_size[i] = Registration.NEVER, 0
            elif not true_poor and u[i] < rules.p_verify_exit:
                own = own_income(money, i)
                failed = guarantee_failed(
                    place.housing_safe[i],
                    np.float64(money.med_oop[i]),
                    own,
                    size,
                    rules.catastrophic_medical_share,
                    line,
                )
                developed = own / size >= line and not failed
                flows[0 if developed else 1, s] += reg_size[i]
                new_reg[i], exit_year[i] = Registration.EXITED, year.year
                exit_route[i] = ExitRoute.DEVELOPMENT if developed else ExitRoute.GUARANTEE
            continue
        if not alive:
            continue
        wait = registration.poor_wait[i] + 1 if true_poor else 0
        enters = False
        if true_poor and wait > rules.lag_years:
            p_base = rules.p_detect_new if state == Registration.NEVER else rules.p_detect_return
            p = max(p_base, year.p_detect_monitored) if monitoring.monitored[i] else p_base
            enters = u[i] < p
        elif state == Registration.NEVER and not true_poor:
            enters = status.income_pc[i] < near_line and u[i] < rules.p_false_registration  # inclusion error (识别不准)
        if enters:
            flows[3 if state == Registration.NEVER else 4, s] += size
            new_reg[i], new_size[i], new_monitored[i], wait = Registration.POOR, size, False, 0
        new_wait[i] = min(wait, 255)
    return new_reg, new_size, new_wait, exit_year, exit_route, new_monitored, flows


PROCESS = register_process(
    Process(
        "registration",
        Phase.REGISTRATION,
        step,
        config="registration",
        params=Params,
        draws=(Draw("u_registration", "registration", DrawKind.UNIFORM32),),
    )
)
