"""True poverty assessment: income below the line, or a failed guarantee (两不愁三保障).

Seed 000 requires "不愁吃、不愁穿,义务教育、基本医疗和住房安全有保障" and income above the
current standard (现行标准), whose figure is external (2,300 yuan/yr at 2010 prices, indexed).
It also keeps each household's per-capita income without guarantee transfers (``own_income_pc``),
which the job levers read next year as need.  A household is truly poor if its per-capita
income, transfers included, is below the line; or if its dwelling is unsafe; or if its
out-of-pocket medical spending exceeds a share of its income and pushes its net income below
the line (basic medical care not guaranteed).  Compulsory education and drinking water are
assumed guaranteed (no household state carries them yet).  The rule's parameter (the
catastrophic share) belongs to the registration rules.
"""

from __future__ import annotations

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.processes.registration import Params as RegistrationRules
from sim.state import Households, guarantee_failed, own_income, total_income
from sim.steps import Phase, Process, register_process


def per_capita_income(h: Households) -> np.ndarray:
    """Per-capita income with every transfer (float32), as the assessment computes it."""
    return _assess(h.members, h.place, h.money, 0.0, 0.0)[0]


def own_per_capita_income(h: Households) -> np.ndarray:
    """Per-capita income without guarantee transfers (float32)."""
    return _assess(h.members, h.place, h.money, 0.0, 0.0)[2]


def step(h: Households, rules: RegistrationRules, ctx: YearContext) -> Effect:
    """Per-capita income and true poverty status of every household."""
    income_pc, poor, own_pc = _assess(h.members, h.place, h.money, rules.catastrophic_medical_share, ctx.poverty_line)
    return Effect({"income_pc": income_pc, "true_poor": poor, "own_income_pc": own_pc})


@kernel
def _assess(members, place, money, catastrophic_share, line):
    n = members.size.size
    income_pc, poor, own_pc = np.empty(n, np.float32), np.zeros(n, np.bool_), np.empty(n, np.float32)
    for i in range(n):
        size = members.size[i]
        income = total_income(money, i)
        per_capita = income / max(size, 1)
        income_pc[i] = per_capita
        own_pc[i] = own_income(money, i) / max(size, 1)
        if size > 0:
            poor[i] = per_capita < line or guarantee_failed(
                place.housing_safe[i], np.float64(money.med_oop[i]), income, size, catastrophic_share, line
            )
    return income_pc, poor, own_pc


PROCESS = register_process(
    Process("assessment", Phase.ASSESSMENT, step, config="registration", params=RegistrationRules)
)
