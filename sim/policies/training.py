"""Vocational training (职业培训) that raises job finding for a few years.

Sources: seed 000 "每年对有意愿的贫困劳动力至少开展1次免费职业培训" and training rates of
80% (2018) and 100% (2019) among willing, untransferred labour; seed 000 "每人1500元的创业培训
补贴" is the cost proxy.  Each year a share ``coverage`` of target households with labour and
no wage job train; the effect on job finding lasts ``effect_years``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.jit import kernel
from sim.policies.base import Effect, YearContext, keyed_share
from sim.schema import check, check_range, check_share
from sim.state import MARKET_WAGE_JOB, Households

NAME = "training"
KEY_SALT = 1  # lever-key salt (see YearContext.lever_key)


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
    drawn = keyed_share(h, ctx, NAME, KEY_SALT, params.coverage)
    until, trained = _train(
        drawn, h.n_labour_full, h.n_labour_partial, h.job, h.weight, h.trained_until, ctx.year + params.effect_years - 1
    )
    return Effect({"trained_until": until}, trained * params.cost_per_trainee)


@kernel
def _train(drawn, n_full, n_partial, job, weight, trained_until, until_year):
    """New last-effective years of training for drawn workers open to training, and the real households trained."""
    until = trained_until.copy()
    trained = 0.0
    for i in range(drawn.size):
        if drawn[i] and n_full[i] + n_partial[i] > 0 and not MARKET_WAGE_JOB[job[i]]:
            until[i] = until_year
            trained += weight[i]
    return until, trained


def finding_multiplier(h: Households, params: Params, year: int) -> np.ndarray:
    """Job-finding multiplier of each household in ``year`` (1 where untrained or disabled)."""
    if not params.enabled:
        return np.ones(h.n)
    return np.where(h.trained_until >= year, params.finding_multiplier, 1.0)
