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
from sim.schema import share, spec, yuan
from sim.state import MARKET_WAGE_JOB, Households
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "training"


@dataclasses.dataclass
class Params:
    """Training lever parameters."""

    enabled: bool
    coverage: float = share(Text("share of eligible households trained per year", "每年接受培训的符合条件家庭比例"))
    finding_multiplier: float = spec(
        1.0,
        10.0,
        "multiple",
        Text("multiplier on job-finding probabilities while effective", "培训有效期间就业概率的倍数"),
    )
    effect_years: int = spec(1, 20, "years", Text("years a training raises job finding", "培训提高就业概率的年数"))
    cost_per_trainee: float = yuan(Text("cost per trainee", "每名学员的费用"), high=1e6, unit="yuan/trainee")


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Train this year's cohort (lever key below coverage); set next year's job-finding multiplier."""
    if not params.enabled:
        return Effect()
    drawn = keyed_share(h, ctx, NAME, params.coverage)  # ascending indices
    until, multiplier, trained = _train(
        drawn, h.identity, h.labour, ctx.year + params.effect_years - 1, ctx.year + 1, params.finding_multiplier
    )
    return Effect({"trained_until": until, "finding_multiplier": multiplier}, trained * params.cost_per_trainee)


@kernel
def _train(drawn, identity, labour, until_year, next_year, finding_multiplier):
    """New last-effective years, next year's finding multipliers, and the real households trained.

    ``drawn`` are the ascending indices of this year's cohort; earlier cohorts keep their multiplier
    while their training lasts, so the multipliers are a pass over every household.
    """
    until = labour.trained_until.copy()
    trained = 0.0
    for i in drawn:
        if labour.n_labour_full[i] + labour.n_labour_partial[i] > 0 and not MARKET_WAGE_JOB[labour.job[i]]:
            until[i] = until_year
            trained += identity.weight[i]
    multiplier = np.ones(until.size, np.float32)
    for i in range(until.size):
        if until[i] >= next_year:
            multiplier[i] = finding_multiplier
    return until, multiplier, trained


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.PLACEMENT,
        withdrawable=True,
        dose=("coverage",),
        title=Text("Skills training", "技能培训"),
    )
)
