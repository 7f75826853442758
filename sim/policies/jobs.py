"""Shared mechanics of the placement levers: who can take a placed job, and the assignment.

Placement levers move a worker of a target household into work.  Workshops (扶贫车间) and
transfer employment (转移就业) fill the household's *main* job (``job``); a public-welfare post
(公益岗位) is a *side* job (``side_job``) a member holds beside the main job and the farm.  They
never displace a worker from a market wage job.  Who can leave home for migrant work is one
formula, :func:`sim.state.cannot_migrate`; :func:`tied_to_home` applies it to every household.
"""

from __future__ import annotations

import numpy as np

from sim.jit import kernel
from sim.policies.base import YearContext, allocate, target_group
from sim.state import MARKET_WAGE_JOB, Households, Job, SideJob, cannot_migrate


def tied_to_home(h: Households) -> np.ndarray:
    """Households whose labour cannot leave home for migrant work (carers, the partly able)."""
    return _tied(h.members, h.health, h.labour)


@kernel
def _tied(members, health, labour):
    n = labour.job.size
    tied = np.zeros(n, np.bool_)
    for i in range(n):
        tied[i] = cannot_migrate(
            labour.n_labour_full[i], labour.n_labour_partial[i], health.illness[i], health.disability[i],
            members.n_child[i], members.n_adult[i],
        )  # fmt: skip
    return tied


def queue_bonus(h: Households, monitored_bonus: float, tied_bonus: float) -> np.ndarray:
    """Yuan per person a household moves up a queue: ``monitored_bonus`` if monitored, ``tied_bonus`` if tied."""
    return _queue_bonus(h.members, h.health, h.labour, h.monitored, float(monitored_bonus), float(tied_bonus))


@kernel
def _queue_bonus(members, health, labour, monitored, monitored_bonus, tied_bonus):
    tied = _tied(members, health, labour)
    bonus = np.empty(tied.size)
    for i in range(tied.size):  # a loop of its own, without branches, so that it is vectorised
        bonus[i] = monitored_bonus * np.float64(monitored[i]) + tied_bonus * np.float64(tied[i])
    return bonus


def place(
    h: Households,
    ctx: YearContext,
    lever: str,
    job: Job,
    capacity: float,
    wage: float,
    needs_full_labour: bool,
    priority_mask: np.ndarray | None = None,
    priority_bonus: float = 0.0,
    keep_incumbents: bool = True,
    open_to: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Allocate ``capacity`` placed main jobs of type ``job`` by need; return (column updates, placed).

    Need is minus last year's per-capita income without guarantee transfers (a household the
    guarantee tops up still needs the work), raised by ``priority_bonus`` yuan for
    households under ``priority_mask``.  Only target households under ``open_to`` (all when
    None) with the labour the job needs are eligible.  With ``keep_incumbents`` (workshops)
    current holders keep their slot first while eligible, and holders not kept fall back to
    farming; without it (yearly placement quotas) the capacity is all new placements of
    households not already in a market wage job.  Holders of a placed job are paid ``wage`` (the
    ``placed_wage`` column the income process reads); a market job (``wage`` < 0) pays the market
    wage instead.
    """
    group = target_group(h, ctx, lever)
    if open_to is not None:
        group = group & open_to
    if priority_mask is None:
        priority_mask = np.zeros(h.n, dtype=bool)
    eligible, incumbent, need = _pool(
        h.labour, group, h.own_income_pc, priority_mask, float(priority_bonus), int(job), needs_full_labour,
        keep_incumbents,
    )  # fmt: skip
    capacity = capacity * ctx.intensity(lever)
    holders = allocate(
        eligible, need, ctx.u_alloc, h.weight, capacity, incumbent=incumbent if keep_incumbents else None
    )
    new_job, placed_wage = _assign(h.labour, holders, incumbent, int(job), wage)
    return {"job": new_job, "placed_wage": placed_wage}, holders


def place_side_job(
    h: Households,
    ctx: YearContext,
    lever: str,
    side_job: SideJob,
    capacity: float,
    wage: float,
    open_to: np.ndarray,
    need_bonus: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Allocate ``capacity`` side jobs among target households under ``open_to`` with any labour.

    Current holders keep their side job while eligible ("以岗聘任、在岗领补"); holders who are
    no longer eligible leave it ("有序退岗", seed 002).  Vacancies go by need: minus last year's
    per-capita income without guarantee transfers and without the side job's pay, plus
    ``need_bonus`` (yuan per person).
    """
    group = target_group(h, ctx, lever) & open_to
    eligible, incumbent, need = _side_pool(h.members, h.labour, group, h.own_income_pc, need_bonus, int(side_job))
    holders = allocate(eligible, need, ctx.u_alloc, h.weight, capacity * ctx.intensity(lever), incumbent=incumbent)
    side, side_wage = _assign_side(h.labour, holders, incumbent, int(side_job), max(wage, 0.0))
    return {"side_job": side, "side_wage": side_wage}, holders


@kernel
def _assign_side(labour, holders, incumbent, code, wage):
    """New side jobs and their pay: holders take the side job; incumbents not kept leave it."""
    side, side_wage = labour.side_job.copy(), labour.side_wage.copy()
    for i in range(side.size):
        if holders[i]:
            side[i], side_wage[i] = code, wage
        elif incumbent[i]:
            side[i], side_wage[i] = SideJob.NONE, 0.0
    return side, side_wage


@kernel
def _side_pool(members, labour, group, own_income_pc, need_bonus, code):
    """Eligible households, current holders and need score for one side-job lever."""
    n = labour.job.size
    eligible, incumbent, need = np.zeros(n, np.bool_), np.zeros(n, np.bool_), np.empty(n)
    for i in range(n):
        holds = labour.side_job[i] == code
        own_pc = np.float64(own_income_pc[i])
        if holds:
            own_pc -= labour.side_wage[i] / max(members.size[i], 1)
        need[i] = -own_pc + need_bonus[i]
        eligible[i] = group[i] and labour.n_labour_full[i] + labour.n_labour_partial[i] > 0
        eligible[i] = eligible[i] and (holds or labour.side_job[i] == SideJob.NONE)
        incumbent[i] = holds
    return eligible, incumbent, need


@kernel
def _pool(labour, group, own_income_pc, priority_mask, bonus, job_code, needs_full, keep_incumbents):
    """Eligible households, current holders and need score for one placement lever."""
    job, n_full, n_partial = labour.job, labour.n_labour_full, labour.n_labour_partial
    n = job.size
    eligible, incumbent, need = np.zeros(n, np.bool_), np.zeros(n, np.bool_), np.empty(n)
    for i in range(n):
        need[i] = -np.float64(own_income_pc[i]) + (bonus if priority_mask[i] else 0.0)
        incumbent[i] = keep_incumbents and job[i] == job_code
        has_labour = n_full[i] > 0 if needs_full else n_full[i] + n_partial[i] > 0
        eligible[i] = group[i] and has_labour and (incumbent[i] or not MARKET_WAGE_JOB[job[i]])
    return eligible, incumbent, need


@kernel
def _assign(labour, holders, incumbent, job_code, wage):
    """New jobs and placed wages: holders take the placed job; released incumbents farm if they can."""
    new, placed_wage = labour.job.copy(), labour.placed_wage.copy()
    for i in range(new.size):
        if holders[i]:
            new[i] = job_code
            placed_wage[i] = max(wage, 0.0)
        elif incumbent[i]:
            new[i] = Job.FARMING if labour.n_labour_full[i] + labour.n_labour_partial[i] > 0 else Job.NONE
            placed_wage[i] = 0.0
    return new, placed_wage
