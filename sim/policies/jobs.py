"""Shared mechanics of the placement levers: who can take a placed job, and the assignment.

Placement levers move a worker of a target household into work.  Workshops (扶贫车间) and
transfer employment (转移就业) fill the household's *main* job (``job``); a public-welfare post
(公益岗位) is a *side* job (``side_job``) a member holds beside the main job and the farm.  They
never displace a worker from a market wage job.  Who can leave home for migrant work is one
formula, :func:`sim.state.cannot_migrate`; the pools apply it to the served households
(:class:`OpenTo`).  Every function here works on ascending household indices (a subset of
:func:`sim.policies.base.served`), never on the whole population, except where a job's current
holders outside the target group must leave it.
"""

from __future__ import annotations

import enum

import numpy as np

from sim.jit import inline, kernel
from sim.policies.base import YearContext, allocate
from sim.state import MARKET_WAGE_JOB, Households, Job, SideJob, cannot_migrate

# Plain ints: numba cannot choose between an IntEnum member and a column's value in one selection
NO_JOB, FARMING, NO_SIDE_JOB = int(Job.NONE), int(Job.FARMING), int(SideJob.NONE)


@inline
def _tied_at(members, health, labour, i):  # pragma: no cover - compiled
    """:func:`sim.state.cannot_migrate` for household ``i`` of the column groups."""
    return cannot_migrate(
        labour.n_labour_full[i], labour.n_labour_partial[i], health.illness[i], health.disability[i],
        members.n_child[i], members.n_adult[i],
    )  # fmt: skip


class OpenTo(enum.IntEnum):
    """Which of the served households a placed main job is open to (tied to home: :func:`sim.state.cannot_migrate`)."""

    CAN_LEAVE = 0  # those whose labour can leave home: migrant placements (转移就业)
    NEAR_HOME = 1  # those tied to home, and the relocated: near-home jobs (扶贫车间, "就近就地就业")


def place(
    h: Households,
    ctx: YearContext,
    lever: str,
    job: Job,
    capacity: float,
    wage: float,
    needs_full_labour: bool,
    among: np.ndarray,
    open_to: OpenTo,
    relocated_bonus: float = 0.0,
    keep_incumbents: bool = True,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Allocate ``capacity`` placed main jobs of type ``job`` by need; return (column updates, placed indices).

    ``among`` are the ascending indices of the target households; the job is open to those of
    them ``open_to`` names.  Need is minus last year's per-capita income without guarantee
    transfers (a household the guarantee tops up still needs the work), raised by
    ``relocated_bonus`` yuan for a relocated household of a near-home job.  Only those with the
    labour the job needs are eligible.  With ``keep_incumbents`` (workshops) current holders keep
    their slot first while eligible, and every other holder falls back to farming; without it
    (yearly placement quotas) the capacity is all new placements of households not already in a
    market wage job.  Holders of a placed job are paid ``wage`` (the ``placed_wage`` column the
    income process reads); a market job (``wage`` < 0) pays the market wage instead.
    """
    opened, eligible, incumbent, need = _pool(
        h.members, h.health, h.labour, h.place, h.status, among, int(open_to), float(relocated_bonus),
        (int(job), needs_full_labour, keep_incumbents),
    )  # fmt: skip
    capacity = capacity * ctx.intensity(lever)
    chosen = allocate(
        eligible, need, ctx.u_alloc, h.weight, capacity, incumbent=incumbent if keep_incumbents else None, among=opened
    )
    holders = opened[chosen]
    new_job, placed_wage = _assign(h.labour, holders, int(job), wage, keep_incumbents)
    return {"job": new_job, "placed_wage": placed_wage}, holders


def place_side_job(
    h: Households,
    ctx: YearContext,
    lever: str,
    side_job: SideJob,
    capacity: float,
    wage: float,
    among: np.ndarray,
    closed_to: Job,
    monitored_bonus: float,
    tied_bonus: float,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Allocate ``capacity`` side jobs among the target households ``among`` (ascending indices) with any labour.

    The side job is closed to households whose main job is ``closed_to``.  Current holders keep
    their side job while eligible ("以岗聘任、在岗领补"); every other holder leaves it
    ("有序退岗", seed 002).  Vacancies go by need: minus last year's per-capita income without
    guarantee transfers and without the side job's pay, plus ``monitored_bonus`` yuan per person
    for a monitored household and ``tied_bonus`` for one whose labour is tied to home.  Returns
    (column updates, holders' indices).
    """
    opened, eligible, incumbent, need = _side_pool(
        h.members, h.health, h.labour, h.monitored, h.own_income_pc, among, int(closed_to), float(monitored_bonus),
        float(tied_bonus), int(side_job),
    )  # fmt: skip
    capacity = capacity * ctx.intensity(lever)
    chosen = allocate(eligible, need, ctx.u_alloc, h.weight, capacity, incumbent=incumbent, among=opened)
    holders = opened[chosen]
    side, side_wage = _assign_side(h.labour, holders, int(side_job), max(wage, 0.0))
    return {"side_job": side, "side_wage": side_wage}, holders


@kernel
def _assign_side(labour, holders, code, wage):
    """New side jobs and their pay: every holder of side job ``code`` leaves it, then ``holders`` take it."""
    n = labour.side_job.size
    side, side_wage = np.empty(n, labour.side_job.dtype), np.empty(n, labour.side_wage.dtype)
    for i in range(n):  # the only pass over every household: holders outside the target group leave
        leaves = labour.side_job[i] == code  # by selection, with no branch, so the pass vectorises
        side[i] = NO_SIDE_JOB if leaves else labour.side_job[i]
        side_wage[i] = 0.0 if leaves else labour.side_wage[i]
    for i in holders:
        side[i], side_wage[i] = code, wage
    return side, side_wage


@kernel
def _side_pool(members, health, labour, monitored, own_income_pc, among, closed_to, monitored_bonus, tied_bonus, code):
    """The households of ``among`` the side job is open to, and their eligibility, holders and need (aligned)."""
    is_open = np.zeros(among.size, np.bool_)
    for j in range(among.size):
        is_open[j] = labour.job[among[j]] != closed_to
    opened = among[is_open]
    k = opened.size
    eligible, incumbent, need = np.zeros(k, np.bool_), np.zeros(k, np.bool_), np.empty(k)
    for j in range(k):
        i = opened[j]
        tied = _tied_at(members, health, labour, i)
        bonus = monitored_bonus * np.float64(monitored[i]) + tied_bonus * np.float64(tied)
        holds = labour.side_job[i] == code
        own_pc = np.float64(own_income_pc[i])
        if holds:
            own_pc -= labour.side_wage[i] / max(members.size[i], 1)
        need[j] = -own_pc + bonus
        eligible[j] = labour.n_labour_full[i] + labour.n_labour_partial[i] > 0
        eligible[j] = eligible[j] and (holds or labour.side_job[i] == SideJob.NONE)
        incumbent[j] = holds
    return opened, eligible, incumbent, need


@kernel
def _pool(members, health, labour, place, status, among, open_to, relocated_bonus, placement):
    """The households of ``among`` the job is open to, and their eligibility, holders and need (aligned).

    ``placement`` is (the job's code, whether it needs full labour, whether holders keep it).
    """
    job_code, needs_full, keep_incumbents = placement
    job, n_full, n_partial = labour.job, labour.n_labour_full, labour.n_labour_partial
    relocated_year, own_income_pc = place.relocated_year, status.own_income_pc
    near_home = open_to == OpenTo.NEAR_HOME
    is_open = np.zeros(among.size, np.bool_)
    for j in range(among.size):
        i = among[j]
        tied = _tied_at(members, health, labour, i)
        is_open[j] = (tied | (relocated_year[i] > 0)) if near_home else not tied
    opened = among[is_open]
    k = opened.size
    eligible, incumbent, need = np.zeros(k, np.bool_), np.zeros(k, np.bool_), np.empty(k)
    for j in range(k):
        i = opened[j]
        moved_up = near_home and relocated_year[i] > 0
        need[j] = -np.float64(own_income_pc[i]) + (relocated_bonus if moved_up else 0.0)
        incumbent[j] = keep_incumbents and job[i] == job_code
        has_labour = n_full[i] > 0 if needs_full else n_full[i] + n_partial[i] > 0
        eligible[j] = has_labour and (incumbent[j] or not MARKET_WAGE_JOB[job[i]])
    return opened, eligible, incumbent, need


@kernel
def _assign(labour, holders, job_code, wage, keep_incumbents):
    """New jobs and placed wages: ``holders`` take the job.

    With ``keep_incumbents`` every current holder is released first (to farming if they can), so
    holders outside the target group leave it.
    """
    new, placed_wage = labour.job.copy(), labour.placed_wage.copy()
    if keep_incumbents:
        for i in range(new.size):  # holders outside the target group leave too (by selection: no branch)
            leaves = new[i] == job_code
            released = FARMING if labour.n_labour_full[i] + labour.n_labour_partial[i] > 0 else NO_JOB
            new[i] = released if leaves else new[i]
            placed_wage[i] = 0.0 if leaves else placed_wage[i]
    for i in holders:
        new[i] = job_code
        placed_wage[i] = max(wage, 0.0)
    return new, placed_wage
