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
from sim.state import Households, Job

if TYPE_CHECKING:
    from sim.config import IncomeParams


def step(
    h: Households, params: IncomeParams, ctx: YearContext, z_farm: np.ndarray, placed_wages: dict[int, float]
) -> Effect:
    """Farm, wage and property income of each household this year (yuan)."""
    level = ctx.mean_income * ctx.income_index
    full = h.n_labour_full.astype(np.float64)
    units = full + params.partial_labour_unit * h.n_labour_partial
    main_units = np.where(full > 0, 1.0, params.partial_labour_unit)
    wage_job = h.job >= Job.LOCAL_WAGE
    farm_units = np.where(wage_job, np.maximum(units - main_units, 0.0), units)
    farm_units = farm_units + params.elder_farm_unit * h.n_elder

    shock = np.exp(params.sigma_farm_shock * z_farm - 0.5 * params.sigma_farm_shock**2)
    place = np.where(h.deep_village, params.deep_village_farm_multiplier, 1.0)
    place = place * np.where(h.relocated_year > 0, params.relocated_farm_multiplier, 1.0)
    skill = h.skill.astype(np.float64)
    farm = farm_units * params.farm_per_labour_unit * level * skill * place * shock

    wage = np.zeros(h.n)
    wage = np.where(h.job == Job.LOCAL_WAGE, params.wage_local * level * skill, wage)
    wage = np.where(h.job == Job.MIGRANT, params.wage_migrant * level * skill, wage)
    for kind, yearly in placed_wages.items():
        wage = np.where(h.job == kind, yearly, wage)

    prop = params.other_income_per_person * level * skill * h.size
    return Effect(
        {
            "inc_farm": farm.astype(np.float32),
            "inc_wage": wage.astype(np.float32),
            "inc_property": prop.astype(np.float32),
        }
    )
