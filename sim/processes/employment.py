"""Job loss and job finding of the main worker in the labour market (before placement levers).

Seed 000 sets employment-rate targets for able and willing registered labour (80% in 2018,
100% in 2019); market rates themselves are assumptions in ``conf/dynamics/default.yaml``.
One uniform per household per year decides loss (for job holders) or finding (for others);
finding scales with skill, training and relocation near towns.  Households without labour
have no job; partial labourers can farm or hold a post or workshop job, not a market wage job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.context import Effect
from sim.jit import kernel
from sim.state import MARKET_WAGE_JOB, SEEKING_JOB, Households, Job

if TYPE_CHECKING:
    from sim.config import EmploymentRates


FARMING, LOCAL_WAGE, MIGRANT = int(Job.FARMING), int(Job.LOCAL_WAGE), int(Job.MIGRANT)


def step(h: Households, rates: EmploymentRates, u: np.ndarray, finding_multiplier: np.ndarray) -> Effect:
    """New job of each household's main worker."""
    p_loss = np.zeros(len(Job))
    p_loss[[Job.LOCAL_WAGE, Job.MIGRANT, Job.WORKSHOP]] = (
        rates.p_loss_local_wage,
        rates.p_loss_migrant,
        rates.p_loss_workshop,
    )
    job = _transitions(
        h.job,
        h.n_labour_full,
        h.n_labour_partial,
        h.skill,
        h.relocated_year,
        u,
        finding_multiplier,
        p_loss,
        rates.skill_elasticity,
        rates.p_find_local_wage,
        rates.p_find_migrant,
        rates.relocated_local_multiplier,
    )
    return Effect({"job": job})


@kernel
def _transitions(
    job,
    n_full,
    n_partial,
    skill,
    relocated_year,
    u,
    finding_multiplier,
    p_loss,
    elasticity,
    p_local_base,
    p_migrant_base,
    relocated_multiplier,
):
    new = job.copy()
    for i in range(job.size):
        old, x = job[i], u[i]
        if n_full[i] + n_partial[i] == 0:
            new[i] = Job.NONE
            continue
        current = FARMING if x < p_loss[old] or old == Job.NONE else int(old)
        if n_full[i] == 0:
            if MARKET_WAGE_JOB[current]:
                current = FARMING
        elif SEEKING_JOB[old]:
            # Placed workers (posts, workshops) stay placed; the placement levers decide their slots.
            scale = np.float64(skill[i]) ** elasticity * finding_multiplier[i]
            p_local = p_local_base * scale * (relocated_multiplier if relocated_year[i] > 0 else 1.0)
            p_migrant = p_migrant_base * scale
            total = p_local + p_migrant
            if total > 0.95:
                shrink = 0.95 / total
                p_local, p_migrant = p_local * shrink, p_migrant * shrink
            if x < p_local:
                current = LOCAL_WAGE
            elif x < p_local + p_migrant:
                current = MIGRANT
        new[i] = current
    return new
