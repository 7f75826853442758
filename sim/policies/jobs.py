"""Shared mechanics of the placement levers: who can take a placed job, and the assignment.

Placement levers move a worker of a target household into work.  Workshops (扶贫车间) and
transfer employment (转移就业) fill the household's *main* job (``job``); a public-welfare post
(公益岗位) is a *side* job (``side_job``) a member holds beside the main job and the farm.  They
never displace a worker from a market wage job.  Who can leave home for migrant work is one
formula, :func:`sim.state.cannot_migrate`; :func:`tied_to_home` applies it to the served
households.  Every function here works on ascending household indices (a subset of
:func:`sim.policies.base.served`), never on the whole population, except where a job's current
holders outside the target group must leave it.
"""

from __future__ import annotations

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


def tied_to_home(h: Households, among: np.ndarray) -> np.ndarray:
    """Which households of ``among`` have labour that cannot leave home (carers, the partly able)."""
    return _tied(h.members, h.health, h.labour, among)


@kernel
def _tied(members, health, labour, among):
    tied = np.zeros(among.size, np.bool_)
    for j in range(among.size):
        i = among[j]
        tied[j] = _tied_at(members, health, labour, i)
    return tied


def side_job_queue(
    h: Households, among: np.ndarray, closed_to: Job, monitored_bonus: float, tied_bonus: float
) -> tuple[np.ndarray, np.ndarray]:
    """The households of ``among`` whose main job is not ``closed_to``, and the yuan per person each moves up the queue.

    The bonus is ``monitored_bonus`` if monitored plus ``tied_bonus`` if tied to home.
    """
    return _side_job_queue(
        h.members, h.health, h.labour, h.monitored, among, int(closed_to), monitored_bonus, tied_bonus
    )


@kernel
def _side_job_queue(members, health, labour, monitored, among, closed_to, monitored_bonus, tied_bonus):
    is_open = np.zeros(among.size, np.bool_)
    for j in range(among.size):
        is_open[j] = labour.job[among[j]] != closed_to
    opened = among[is_open]
    bonus = np.empty(opened.size)
    for j in range(opened.size):
        i = opened[j]
        tied = _tied_at(members, health, labour, i)
        bonus[j] = monitored_bonus * np.float64(monitored[i]) + tied_bonus * np.float64(tied)
    return opened, bonus


def near_home_queue(h: Households, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The households of ``among`` tied to home or relocated (who near-home jobs are for), and which were relocated."""
    return _near_home_queue(h.members, h.health, h.labour, h.relocated_year, among)


@kernel
def _near_home_queue(members, health, labour, relocated_year, among):
    is_open, relocated = np.zeros(among.size, np.bool_), np.zeros(among.size, np.bool_)
    for j in range(among.size):
        i = among[j]
        relocated[j] = relocated_year[i] > 0
        is_open[j] = relocated[j] or _tied_at(members, health, labour, i)
    return among[is_open], relocated[is_open]


def place(
    h: Households,
    ctx: YearContext,
    lever: str,
    job: Job,
    capacity: float,
    wage: float,
    needs_full_labour: bool,
    among: np.ndarray,
    priority: np.ndarray | None = None,
    priority_bonus: float = 0.0,
    keep_incumbents: bool = True,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Allocate ``capacity`` placed main jobs of type ``job`` by need; return (column updates, placed indices).

    ``among`` are the ascending indices of the target households the job is open to.  Need is
    minus last year's per-capita income without guarantee transfers (a household the guarantee
    tops up still needs the work), raised by ``priority_bonus`` yuan where ``priority`` (aligned
    with ``among``) is set.  Only those with the labour the job needs are eligible.  With
    ``keep_incumbents`` (workshops) current holders keep their slot first while eligible, and
    every other holder falls back to farming; without it (yearly placement quotas) the capacity
    is all new placements of households not already in a market wage job.  Holders of a placed
    job are paid ``wage`` (the ``placed_wage`` column the income process reads); a market job
    (``wage`` < 0) pays the market wage instead.
    """
    if priority is None:
        priority = np.zeros(among.size, np.bool_)
    eligible, incumbent, need = _pool(
        h.labour, among, h.own_income_pc, priority, float(priority_bonus), int(job), needs_full_labour, keep_incumbents
    )
    capacity = capacity * ctx.intensity(lever)
    chosen = allocate(
        eligible, need, ctx.u_alloc, h.weight, capacity, incumbent=incumbent if keep_incumbents else None, among=among
    )
    holders = among[chosen]
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
    need_bonus: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Allocate ``capacity`` side jobs among the target households ``among`` (ascending indices) with any labour.

    Current holders keep their side job while eligible ("以岗聘任、在岗领补"); every other
    holder leaves it ("有序退岗", seed 002).  Vacancies go by need: minus last year's per-capita
    income without guarantee transfers and without the side job's pay, plus ``need_bonus``
    (yuan per person, aligned with ``among``).  Returns (column updates, holders' indices).
    """
    eligible, incumbent, need = _side_pool(h.members, h.labour, among, h.own_income_pc, need_bonus, int(side_job))
    capacity = capacity * ctx.intensity(lever)
    chosen = allocate(eligible, need, ctx.u_alloc, h.weight, capacity, incumbent=incumbent, among=among)
    holders = among[chosen]
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
def _side_pool(members, labour, among, own_income_pc, need_bonus, code):
    """Eligible households, current holders and need score for one side-job lever (aligned with ``among``)."""
    k = among.size
    eligible, incumbent, need = np.zeros(k, np.bool_), np.zeros(k, np.bool_), np.empty(k)
    for j in range(k):
        i = among[j]
        holds = labour.side_job[i] == code
        own_pc = np.float64(own_income_pc[i])
        if holds:
            own_pc -= labour.side_wage[i] / max(members.size[i], 1)
        need[j] = -own_pc + need_bonus[j]
        eligible[j] = labour.n_labour_full[i] + labour.n_labour_partial[i] > 0
        eligible[j] = eligible[j] and (holds or labour.side_job[i] == SideJob.NONE)
        incumbent[j] = holds
    return eligible, incumbent, need


@kernel
def _pool(labour, among, own_income_pc, priority, bonus, job_code, needs_full, keep_incumbents):
    """Eligible households, current holders and need score for one placement lever (aligned with ``among``)."""
    job, n_full, n_partial = labour.job, labour.n_labour_full, labour.n_labour_partial
    k = among.size
    eligible, incumbent, need = np.zeros(k, np.bool_), np.zeros(k, np.bool_), np.empty(k)
    for j in range(k):
        i = among[j]
        need[j] = -np.float64(own_income_pc[i]) + (bonus if priority[j] else 0.0)
        incumbent[j] = keep_incumbents and job[i] == job_code
        has_labour = n_full[i] > 0 if needs_full else n_full[i] + n_partial[i] > 0
        eligible[j] = has_labour and (incumbent[j] or not MARKET_WAGE_JOB[job[i]])
    return eligible, incumbent, need


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
