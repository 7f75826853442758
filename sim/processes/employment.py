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
from sim.state import MARKET_WAGE_JOB, SEEKING_JOB, Households, Job

if TYPE_CHECKING:
    from sim.config import EmploymentRates


def step(h: Households, rates: EmploymentRates, u: np.ndarray, finding_multiplier: np.ndarray) -> Effect:
    """New job of each household's main worker."""
    job = h.job.copy()
    labour = h.n_labour_full.astype(np.int32) + h.n_labour_partial
    full = h.n_labour_full > 0
    loss = {
        Job.LOCAL_WAGE: rates.p_loss_local_wage,
        Job.MIGRANT: rates.p_loss_migrant,
        Job.WORKSHOP: rates.p_loss_workshop,
    }
    for kind, p in loss.items():
        job[(h.job == kind) & (u < p)] = Job.FARMING
    job[(labour > 0) & (job == Job.NONE)] = Job.FARMING
    job[~full & MARKET_WAGE_JOB[job]] = Job.FARMING

    # Placed workers (posts, workshops) stay placed; the placement levers decide their slots.
    seeking = full & SEEKING_JOB[h.job]
    scale = np.power(h.skill.astype(np.float64), rates.skill_elasticity) * finding_multiplier
    p_local = rates.p_find_local_wage * scale * np.where(h.relocated_year > 0, rates.relocated_local_multiplier, 1.0)
    p_migrant = rates.p_find_migrant * scale
    total = p_local + p_migrant
    shrink = np.where(total > 0.95, 0.95 / np.maximum(total, 1e-12), 1.0)
    p_local, p_migrant = p_local * shrink, p_migrant * shrink
    job[seeking & (u < p_local)] = Job.LOCAL_WAGE
    job[seeking & (u >= p_local) & (u < p_local + p_migrant)] = Job.MIGRANT
    job[labour == 0] = Job.NONE
    return Effect({"job": job})
