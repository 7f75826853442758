"""Poverty-alleviation workshops (扶贫车间): main jobs near home for those who cannot go out.

Sources: seed 000 "支持扶贫企业、农民专业合作社和扶贫车间吸纳更多贫困人口就近就业"; seed 002
continues preferential policies and favours workshops that hire relocated people.  A workshop job
is the household's main job, open to target households whose labour is tied to home (carers and
the partly able, :func:`sim.state.cannot_migrate`) and to relocated households (the
workshops sit by the resettlement sites); whoever can migrate earns more away.  No job counts are
in the seeds: capacity and wage defaults are assumptions (``conf/policy/workshops/default.yaml``).
Relocated households come first, then need.
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

NAME = "workshops"


@dataclasses.dataclass
class Params:
    """Workshop lever parameters."""

    enabled: bool
    capacity: float = spec(
        0.0,
        1e8,
        "jobs",
        Text("workshop jobs for target households (real units)", "面向目标户的帮扶车间岗位（实际单位）"),
    )
    wage_per_year: float = yuan(
        Text("paid by the employer per job", "雇主为每个岗位支付的工资"), high=1e6, unit="yuan/job/yr"
    )
    subsidy_per_job: float = yuan(
        Text("public subsidy to the workshop per job", "对车间每个岗位的公共补贴"), high=1e6, unit="yuan/job/yr"
    )
    relocated_priority: float = yuan(
        Text("per-capita income a relocated household is moved up the queue", "搬迁户优先排队的人均收入线"), high=1e6
    )


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Fill workshop jobs for this year; the public subsidy is the cost."""
    if not params.enabled:
        return Effect()
    updates, holders = place(
        h, ctx, NAME, Job.WORKSHOP, params.capacity, params.wage_per_year, False, served(h, ctx, NAME),
        OpenTo.NEAR_HOME, params.relocated_priority,
    )  # fmt: skip
    return Effect(updates, float(np.sum(h.weight[holders])) * params.subsidy_per_job)


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.PLACEMENT,
        withdrawable=True,
        after=("relocation", "public_posts"),
        dose=("capacity",),
        title=Text("Workshops", "扶贫车间"),
    )
)
