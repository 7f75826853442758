"""Organised transfer employment (转移就业, 劳务输出/劳务协作).

Sources: seed 000 employment-rate targets for registered labour able and willing to work
(2018 80%, 2019 100%) and "春风行动"; seed 002 labour cooperation and labour-export services
for resettlement sites.  Each year up to ``placements_per_year`` main workers with full labour
capacity in target households that can leave home (not carers: :func:`sim.state.cannot_migrate`)
are placed into migrant jobs, neediest first.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext, served
from sim.policies.jobs import OpenTo, place
from sim.schema import spec, yuan
from sim.state import Households, Job
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "transfer_employment"


@dataclasses.dataclass
class Params:
    """Transfer-employment lever parameters."""

    enabled: bool
    placements_per_year: float = spec(
        0.0, 1e8, "workers/yr", Text("workers newly placed per year (real units)", "每年新转移就业的劳动者（实际单位）")
    )
    cost_per_placement: float = yuan(
        Text("transport and placement-service subsidy", "交通和就业服务补贴"), high=1e6, unit="yuan/placement"
    )


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Place this year's quota of target-household workers into migrant jobs (paid the market wage)."""
    if not params.enabled:
        return Effect()
    updates, placed = place(
        h, ctx, NAME, Job.MIGRANT, params.placements_per_year, -1.0, needs_full_labour=True,
        among=served(h, ctx, NAME), open_to=OpenTo.CAN_LEAVE, keep_incumbents=False,
    )  # fmt: skip
    return Effect(updates, float(np.sum(h.weight[placed])) * params.cost_per_placement)


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.PLACEMENT,
        withdrawable=True,
        after=("workshops",),
        dose=("placements_per_year",),
        title=Text("Transfer employment", "转移就业"),
    )
)
