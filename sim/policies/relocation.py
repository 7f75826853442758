"""Poverty-relief relocation (易地扶贫搬迁) with follow-up support.

Sources: seed 000 "26.03万农村贫困人口易地扶贫搬迁" over 2016-2020, "2018年底前,完成6.29万
贫困人口易地扶贫搬迁安置点建设任务", "实现易地扶贫搬迁群众全部入住" (2019) and "每户至少有1人
就业" for relocated households with labour; seed 003 targets harsh places with small villages.
A yearly quota of persons in eligible villages moves, neediest households first.  A move makes
the dwelling safe, cuts farm income (land is further away: ``dynamics.income.relocated_farm_multiplier``)
and brings the job the seed promises: a mover whose main worker has full labour capacity and no
wage job takes a local wage job at the resettlement site with chance ``jobs_for_movers``.  Later,
follow-up support (后续扶持, seed 002 "确保搬迁群众稳得住、有就业", "吸引搬迁群众在园区就业")
finds such a job each year with chance ``follow_up_jobs`` for a relocated target household without
one, relocation near towns raises local job finding (``dynamics.employment``), workshops take
relocated households first and open to them, and follow-up services are paid each year.
"""

from __future__ import annotations

import dataclasses
import enum

import numpy as np

from sim.context import lever_key_one, lever_salt
from sim.jit import kernel
from sim.policies.base import Effect, YearContext, allocate, need_score, served
from sim.schema import YearMap, share, spec, yuan
from sim.state import MARKET_WAGE_JOB, Households, Job
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "relocation"


class Eligibility(enum.Enum):
    """Which target households may be relocated."""

    DEEP_VILLAGE = "deep_village"  # living in a deep-poverty village
    UNSAFE_HOUSING = "unsafe_housing"  # living in unsafe housing anywhere
    DEEP_OR_UNSAFE = "deep_or_unsafe"


@dataclasses.dataclass
class Params:
    """Relocation lever parameters."""

    enabled: bool
    quota_persons_by_year: YearMap = spec(
        0.0, 1e8, "persons", Text("persons moved in each listed year", "所列各年搬迁人数")
    )
    eligibility: Eligibility = spec(doc=Text("which target households may be relocated", "哪些目标户可以搬迁"))
    cost_per_person: float = yuan(Text("one-off relocation cost", "一次性搬迁成本"), unit="yuan/person")
    follow_up_per_household: float = yuan(
        Text("follow-up support while a target household", "作为目标户期间的后续扶持"), unit="yuan/household/yr"
    )
    jobs_for_movers: float = share(
        Text(
            "chance a mover with full labour and no wage job is given a local job on moving",
            "搬迁时全劳动力且无工资性就业者获安排本地就业的概率",
        )
    )
    follow_up_jobs: float = share(
        Text(
            "yearly chance follow-up finds such a job for a relocated household without one",
            "后续扶持每年为尚无就业的搬迁户找到此类工作的概率",
        )
    )


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Move this year's quota; pay one-off costs and follow-up support."""
    if not params.enabled:
        return Effect()
    quota = float(params.quota_persons_by_year.get(ctx.year, 0.0))
    among = served(h, ctx, NAME)
    if quota > 0.0:
        eligible = _eligible(among, h.place, ELIGIBILITY_CODE[params.eligibility])
        moving = allocate(eligible, need_score(h, among), ctx.u_alloc, h.weight * h.size, quota, among=among)
    else:  # no quota this year (the moves ended in 2020): nobody moves, follow-up goes on
        moving = np.zeros(among.size, np.bool_)
    # "每户至少有1人就业": the resettlement site's job (workshop, park, services) is a local wage job;
    # later years' follow-up keeps finding one ("确保搬迁群众稳得住、有就业").
    intensity = ctx.intensity(NAME)
    relocated_year, housing_safe, job, followed = _settle(
        among, moving, h.place, h.labour, ctx.u_alloc, lever_salt(NAME), ctx.year,
        (params.jobs_for_movers * intensity, params.follow_up_jobs * intensity),
    )  # fmt: skip
    movers, follow_up = among[moving], among[followed]
    cost = (
        float(np.sum(h.weight[movers] * h.size[movers])) * params.cost_per_person
        + float(np.sum(h.weight[follow_up])) * params.follow_up_per_household
    )
    return Effect({"relocated_year": relocated_year, "housing_safe": housing_safe, "job": job}, cost)


#: Kernel codes of :class:`Eligibility`: bit 1 a deep-poverty village, bit 2 unsafe housing.
ELIGIBILITY_CODE = {Eligibility.DEEP_VILLAGE: 1, Eligibility.UNSAFE_HOUSING: 2, Eligibility.DEEP_OR_UNSAFE: 3}


@kernel
def _eligible(among, place, code):
    """Which target households of ``among`` are not yet relocated and qualify under eligibility ``code``."""
    eligible = np.zeros(among.size, np.bool_)
    for j in range(among.size):
        i = among[j]
        qualifies = ((code & 1) != 0 and place.deep_village[i]) or ((code & 2) != 0 and not place.housing_safe[i])
        eligible[j] = qualifies and place.relocated_year[i] == 0
    return eligible


@kernel
def _settle(among, moving, place, labour, u_alloc, salt, year, job_shares):
    """Movers' new year and safe dwelling; local jobs for movers and followed-up households; who is followed up.

    ``among`` are the target households (ascending indices) and ``moving`` which of them move
    this year; the follow-up flags returned are aligned with ``among`` too.  ``job_shares`` is
    (chance a mover gets a job, yearly chance follow-up finds one), each already times the
    lever's intensity; the chance is drawn with the lever's key.
    """
    for_movers, for_follow_up = job_shares
    relocated_year, housing_safe = place.relocated_year.copy(), place.housing_safe.copy()
    job, follow_up = labour.job.copy(), np.zeros(among.size, np.bool_)
    for j in range(among.size):
        i = among[j]
        if moving[j]:
            relocated_year[i] = year
            housing_safe[i] = True
        follow_up[j] = relocated_year[i] > 0 and not moving[j]
        if not (moving[j] or follow_up[j]):
            continue
        can_take = labour.n_labour_full[i] > 0 and not MARKET_WAGE_JOB[job[i]]
        share = for_movers if moving[j] else for_follow_up
        if can_take and lever_key_one(u_alloc[i], salt) < share:
            job[i] = Job.LOCAL_WAGE
    return relocated_year, housing_safe, job, follow_up


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.PLACEMENT,
        withdrawable=True,
        dose=("quota_persons_by_year",),
        title=Text("Relocation", "易地扶贫搬迁"),
    )
)
