"""Public-welfare posts (公益岗位, incl. ecological forest rangers 生态护林员): part-time work beside farming.

Sources: seed 000 "提供2万个护林员岗位,带动6.5万贫困人口增收脱贫" and "多方开发就业公益性岗位";
seed 002 posts for exited people under "按需设岗、以岗聘任、在岗领补、有序退岗" and against
"泛福利化".  A post is a *side job* (``side_job``): a member of a target household holds it beside
the household's farm and main job, paid ``wage_per_year``, and it takes a quarter of a labourer's
farm time (``dynamics.income.side_job_labour_unit``).  It is for those who cannot go out to work:
households whose main worker is a migrant are not eligible, and households whose labour is tied
to home (carers, the partly able: :func:`sim.state.cannot_migrate`) and monitored
households move up the queue.  Incumbents keep their post while eligible; vacancies go to the
neediest by income without the post.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.policies.base import Effect, YearContext, served
from sim.policies.jobs import place_side_job
from sim.schema import spec, yuan
from sim.state import Households, Job, SideJob
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "public_posts"


@dataclasses.dataclass
class Params:
    """Public-welfare post lever parameters."""

    enabled: bool
    capacity: float = spec(
        0.0, 1e8, "posts", Text("posts in the region (real units)", "本地区的公益性岗位数（实际单位）")
    )
    wage_per_year: float = yuan(
        Text("paid by the programme per post", "项目为每个岗位支付的金额"), high=1e6, unit="yuan/post/yr"
    )
    monitored_priority: float = yuan(
        Text("per-capita income a monitored household is moved up the queue", "被监测家庭优先排队的人均收入线"),
        high=1e6,
    )
    tied_priority: float = yuan(
        Text(
            "per-capita income a household whose labour cannot leave home is moved up the queue",
            "劳动力无法离家的家庭优先排队的人均收入线",
        ),
        high=1e6,
    )


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Fill public-welfare posts for this year; the wage is counted as a cost here."""
    if not params.enabled:
        return Effect()
    updates, holders = place_side_job(
        h,
        ctx,
        NAME,
        SideJob.PUBLIC_POST,
        params.capacity,
        params.wage_per_year,
        served(h, ctx, NAME),
        Job.MIGRANT,
        params.monitored_priority,
        params.tied_priority,
    )
    return Effect(updates, float(np.sum(h.weight[holders])) * params.wage_per_year)


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.PLACEMENT,
        withdrawable=True,
        dose=("capacity",),
        title=Text("Public-welfare posts", "公益岗位"),
    )
)
