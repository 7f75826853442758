"""Vocational training (职业培训) that raises job finding for a few years.

Sources: seed 000 "每年对有意愿的贫困劳动力至少开展1次免费职业培训" and training rates of
80% (2018) and 100% (2019) among willing, untransferred labour; seed 000 "每人1500元的创业培训
补贴" is the cost proxy.  Each year a share ``coverage`` of target households with labour and
no wage job train; the effect on job finding lasts ``effect_years``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext, labour_units, target_group
from sim.policies.jobs import in_market_wage_job
from sim.schema import check, check_range, check_share
from sim.state import Households

NAME = "training"


@dataclasses.dataclass
class Params:
    """Training lever parameters."""

    enabled: bool
    coverage: float  # share of eligible households trained per year
    finding_multiplier: float  # multiplier on job-finding probabilities while effective
    effect_years: int
    cost_per_trainee: float  # yuan

    def __post_init__(self) -> None:
        check_share(self.coverage, "coverage")
        check_range(self.finding_multiplier, "finding_multiplier", 1.0, 10.0)
        check(1 <= self.effect_years <= 20, "effect_years", "a whole number in [1, 20]", self.effect_years)
        check_range(self.cost_per_trainee, "cost_per_trainee", 0.0)


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Train this year's cohort; the trained are those whose lever key is below coverage."""
    if not params.enabled:
        return Effect()
    eligible = target_group(h, ctx, NAME) & (labour_units(h) > 0) & ~in_market_wage_job(h)
    coverage = params.coverage * ctx.intensity.get(NAME, 1.0)
    trained = eligible & (ctx.lever_key(1) < coverage)
    until = np.where(trained, np.int16(ctx.year + params.effect_years - 1), h.trained_until).astype(np.int16)
    return Effect({"trained_until": until}, float(np.sum(h.weight[trained])) * params.cost_per_trainee)


def finding_multiplier(h: Households, params: Params, year: int) -> np.ndarray:
    """Job-finding multiplier of each household in ``year`` (1 where untrained or disabled)."""
    if not params.enabled:
        return np.ones(h.n)
    return np.where(h.trained_until >= year, params.finding_multiplier, 1.0)
