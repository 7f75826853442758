"""Registration dynamics (建档立卡): identification, exit (脱贫) and return (返贫).

Seed 000: households enter when eligible and leave when they reach the standard ("将符合条件
的贫困人口及时纳入,将达到脱贫标准的…按时退出"), removal household by household (逐户销号),
no exits on paper ("数字脱贫").  Exits therefore follow true status: a registered household
that is not truly poor this year exits if verification passes.  The exit route is
*development* when its income without guarantee transfers is already above the line, else
*guarantee* (兜底).  A registered household whose members have all died is removed
(自然减少, ``exits_deceased``).  A truly poor household outside the register is identified
after ``lag_years`` with a yearly probability (higher when monitored): as *newly poor* if it
was never registered, as a *return* if it had exited; missing it is the exclusion error.  The
inclusion error registers a non-poor household near the line with a small yearly probability.
Stocks and flows count persons as recorded at registration, so the accounting identity holds
exactly.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.processes.assessment import guarantee_failed_one
from sim.state import Households, Registration

if TYPE_CHECKING:
    from sim.config import RegistrationRules


@dataclasses.dataclass
class Flows:
    """Simulated persons (as recorded) moving in or out of the register, by stratum.

    Each field is an exact integer count per :class:`sim.state.Stratum` (float64 holding
    whole numbers); multiply by the stratum weights for real persons.
    """

    exits_development: np.ndarray
    exits_guarantee: np.ndarray
    exits_deceased: np.ndarray
    newly_poor: np.ndarray
    returns: np.ndarray

    @property
    def exits(self) -> np.ndarray:
        """All removals from the register."""
        return self.exits_development + self.exits_guarantee + self.exits_deceased


FLOW_FIELDS = ("exits_development", "exits_guarantee", "exits_deceased", "newly_poor", "returns")


def step(
    h: Households, rules: RegistrationRules, ctx: YearContext, u: np.ndarray, p_detect_monitored: float
) -> tuple[Effect, Flows]:
    """Update registration status; return the new arrays and the year's flows."""
    reg, reg_size, wait, monitored, flows = _register(
        h.stratum,
        h.size,
        h.reg,
        h.reg_size,
        h.poor_wait,
        h.monitored,
        h.true_poor,
        h.income_pc,
        h.housing_safe,
        h.med_oop,
        *h.own_income_columns(),
        u,
        ctx.poverty_line,
        rules.p_verify_exit,
        rules.lag_years,
        rules.p_detect_new,
        rules.p_detect_return,
        p_detect_monitored,
        rules.false_registration_band,
        rules.p_false_registration,
        rules.catastrophic_medical_share,
    )
    update = {"reg": reg, "reg_size": reg_size, "poor_wait": wait, "monitored": monitored}
    return Effect(update), Flows(**dict(zip(FLOW_FIELDS, flows, strict=True)))


@kernel
def _register(
    stratum,
    size,
    reg,
    reg_size,
    poor_wait,
    monitored,
    true_poor,
    income_pc,
    housing_safe,
    med_oop,
    farm,
    wage,
    prop,
    pension,
    u,
    line,
    p_verify_exit,
    lag_years,
    p_detect_new,
    p_detect_return,
    p_detect_monitored,
    false_band,
    p_false,
    catastrophic_share,
):
    """New registration arrays and flows (rows as in ``FLOW_FIELDS``, columns by stratum)."""
    n = size.size
    new_reg, new_size, new_wait = reg.copy(), reg_size.copy(), np.zeros(n, np.uint8)
    new_monitored = monitored.copy()
    flows = np.zeros((5, 3), np.float64)
    near_line = (1.0 + false_band) * line
    for i in range(n):
        s, alive, state = stratum[i], size[i] > 0, reg[i]
        if state == Registration.POOR:
            if not alive:
                flows[2, s] += reg_size[i]
                new_reg[i], new_size[i] = Registration.NEVER, 0
            elif not true_poor[i] and u[i] < p_verify_exit:
                own = np.float64(farm[i]) + wage[i] + prop[i] + pension[i]
                failed = guarantee_failed_one(
                    housing_safe[i], np.float64(med_oop[i]), own, size[i], catastrophic_share, line
                )
                developed = own / size[i] >= line and not failed
                flows[0 if developed else 1, s] += reg_size[i]
                new_reg[i] = Registration.EXITED
            continue
        if not alive:
            continue
        wait = poor_wait[i] + 1 if true_poor[i] else 0
        enters = False
        if true_poor[i] and wait > lag_years:
            p_base = p_detect_new if state == Registration.NEVER else p_detect_return
            p = max(p_base, p_detect_monitored) if monitored[i] else p_base
            enters = u[i] < p
        elif state == Registration.NEVER and not true_poor[i]:
            enters = income_pc[i] < near_line and u[i] < p_false  # inclusion error (识别不准)
        if enters:
            flows[3 if state == Registration.NEVER else 4, s] += size[i]
            new_reg[i], new_size[i], new_monitored[i], wait = Registration.POOR, size[i], False, 0
        new_wait[i] = min(wait, 255)
    return new_reg, new_size, new_wait, new_monitored, flows
