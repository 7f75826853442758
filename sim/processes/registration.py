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
from sim.processes.assessment import guarantee_failed, own_income
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


def persons_by_stratum(h: Households, mask: np.ndarray, persons: np.ndarray) -> np.ndarray:
    """Exact count of simulated ``persons`` in households under ``mask``, by stratum."""
    return np.bincount(h.stratum[mask], weights=persons[mask], minlength=3)


def step(
    h: Households, rules: RegistrationRules, ctx: YearContext, u: np.ndarray, p_detect_monitored: float
) -> tuple[Effect, Flows]:
    """Update registration status; return the new arrays and the year's flows."""
    alive = h.size > 0
    registered = h.reg == Registration.POOR
    deceased = registered & ~alive
    exits = registered & alive & ~h.true_poor & (u < rules.p_verify_exit)
    own = own_income(h)
    developed = (own / np.maximum(h.size, 1) >= ctx.poverty_line) & ~guarantee_failed(h, own, rules, ctx.poverty_line)

    wait = np.where(h.true_poor & ~registered & alive, h.poor_wait.astype(np.int32) + 1, 0)
    eligible = h.true_poor & ~registered & alive & (wait > rules.lag_years)
    p_never = np.where(h.monitored, max(rules.p_detect_new, p_detect_monitored), rules.p_detect_new)
    p_exited = np.where(h.monitored, max(rules.p_detect_return, p_detect_monitored), rules.p_detect_return)
    newly = eligible & (h.reg == Registration.NEVER) & (u < p_never)
    # Inclusion error (识别不准): a non-poor household just above the line is registered.
    near_line = h.income_pc < (1.0 + rules.false_registration_band) * ctx.poverty_line
    never = (h.reg == Registration.NEVER) & alive & ~h.true_poor
    newly |= never & near_line & (u < rules.p_false_registration)
    returns = eligible & (h.reg == Registration.EXITED) & (u < p_exited)

    reg = h.reg.copy()
    reg[exits] = Registration.EXITED
    reg[deceased] = Registration.NEVER
    reg[newly | returns] = Registration.POOR
    reg_size = np.where(newly | returns, h.size, h.reg_size)
    reg_size = np.where(deceased, 0, reg_size).astype(np.uint8)
    wait = np.where(newly | returns, 0, wait)

    recorded, size = h.reg_size, h.size
    flows = Flows(
        exits_development=persons_by_stratum(h, exits & developed, recorded),
        exits_guarantee=persons_by_stratum(h, exits & ~developed, recorded),
        exits_deceased=persons_by_stratum(h, deceased, recorded),
        newly_poor=persons_by_stratum(h, newly, size),
        returns=persons_by_stratum(h, returns, size),
    )
    update = {
        "reg": reg,
        "reg_size": reg_size,
        "poor_wait": np.minimum(wait, 255).astype(np.uint8),
        "monitored": h.monitored & ~(newly | returns),
    }
    return Effect(update), flows
