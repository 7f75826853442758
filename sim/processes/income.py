"""Market incomes: farming, wages, property and private transfers.

Levels are multiples of the region's mean rural income per person in the year before the
start (``region.rural_income_per_capita``), grown at ``region.income_growth``, so a region
file carries its own income level.  The multiples are assumptions in
``conf/dynamics/default.yaml``.  The main worker's job pays a wage; the other labour units
farm, and elders farm small plots.  Farm income carries a yearly log-normal shock (drought,
prices: seed 003 "十年九旱").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.state import Households, Job

if TYPE_CHECKING:
    from sim.config import IncomeParams


def step(
    h: Households, params: IncomeParams, ctx: YearContext, z_farm: np.ndarray, placed_wages: dict[int, float]
) -> Effect:
    """Farm, wage and property income of each household this year (yuan)."""
    level = ctx.mean_income * ctx.income_index
    wage_by_job = np.full(len(Job), -1.0)  # -1: the job pays no fixed placed wage
    for kind, yearly in placed_wages.items():
        wage_by_job[kind] = yearly
    farm, wage, prop = _incomes(
        h.n_labour_full,
        h.n_labour_partial,
        h.n_elder,
        h.size,
        h.job,
        h.skill,
        h.deep_village,
        h.relocated_year,
        z_farm,
        wage_by_job,
        level,
        params.partial_labour_unit,
        params.elder_farm_unit,
        params.sigma_farm_shock,
        params.deep_village_farm_multiplier,
        params.relocated_farm_multiplier,
        params.farm_per_labour_unit,
        params.wage_local,
        params.wage_migrant,
        params.wage_floor_local,
        params.wage_floor_migrant,
        params.other_income_per_person,
    )
    return Effect({"inc_farm": farm, "inc_wage": wage, "inc_property": prop})


@kernel
def _incomes(
    n_full,
    n_partial,
    n_elder,
    size,
    job,
    skill,
    deep_village,
    relocated_year,
    z_farm,
    wage_by_job,
    level,
    partial_unit,
    elder_unit,
    sigma,
    deep_multiplier,
    relocated_multiplier,
    farm_per_unit,
    wage_local,
    wage_migrant,
    floor_local,
    floor_migrant,
    other_per_person,
):
    n = job.size
    farm, wage, prop = np.empty(n, np.float32), np.empty(n, np.float32), np.empty(n, np.float32)
    shock_mean = -0.5 * sigma * sigma
    for i in range(n):
        full = np.float64(n_full[i])
        units = full + partial_unit * n_partial[i]
        if job[i] >= Job.LOCAL_WAGE:
            units = max(units - (1.0 if full > 0 else partial_unit), 0.0)
        units += elder_unit * n_elder[i]
        place = deep_multiplier if deep_village[i] else 1.0
        if relocated_year[i] > 0:
            place *= relocated_multiplier
        s = np.float64(skill[i])
        shock = np.exp(sigma * z_farm[i] + shock_mean)
        farm[i] = units * farm_per_unit * level * s * place * shock
        if job[i] == Job.LOCAL_WAGE:
            wage[i] = max(wage_local * s, floor_local) * level
        elif job[i] == Job.MIGRANT:
            wage[i] = max(wage_migrant * s, floor_migrant) * level
        else:
            wage[i] = max(wage_by_job[job[i]], 0.0)
        prop[i] = other_per_person * level * s * size[i]
    return farm, wage, prop
