"""What every policy lever shares: the target group, keyed coverage and priority allocation.

A lever is a module with a ``Params`` dataclass (``enabled: false`` is its ``none`` option),
a pure ``apply(h, params, ctx) -> Effect`` and its ``LEVER`` declaration.  ``apply`` never
mutates ``h``; it returns the arrays it changes and the yuan it spent.  Capacity-limited
levers allocate slots with :func:`allocate`, by an explicit priority rule and never by array
order.
"""

from __future__ import annotations

import numpy as np

from sim.context import Effect, YearContext, lever_key_one, lever_salt
from sim.jit import kernel
from sim.state import Households, Registration, rows_where

__all__ = [
    "Effect",
    "YearContext",
    "allocate",
    "keyed_share",
    "need_score",
    "programme_indices",
    "served",
    "target_group",
]


def served(h: Households, ctx: YearContext, lever: str) -> np.ndarray:
    """Ascending indices of the households ``lever`` serves this year (its target group).

    Registered poor and monitored households always; exited households (脱贫不脱政策) while
    the transition regime keeps the lever (intensity > 0).  Only a sixth of the population is
    ever served, so the levers work on these indices rather than on every household.
    """
    core, with_exited = programme_indices(h, ctx)
    return with_exited if ctx.intensity(lever) > 0.0 else core


def programme_indices(h: Households, ctx: YearContext) -> tuple[np.ndarray, np.ndarray]:
    """Ascending indices of the registered poor and monitored households, and of those plus the exited.

    Found in one pass and kept in the year's context with the three columns they derive from:
    steps never write into a column's array in place (they return new arrays), so while the
    same arrays are in the state the indices hold; a step that changes registration, monitoring
    or a household's size replaces an array, and the next call finds the indices anew.
    """
    arrays = (h.reg, h.monitored, h.size)
    kept = ctx.memo.get("programme_indices")
    if kept is None or any(a is not b for a, b in zip(kept[0], arrays, strict=True)):
        kept = (arrays, _programme_indices(*arrays))
        ctx.memo["programme_indices"] = kept
    return kept[1]


@kernel
def _programme_indices(reg, monitored, size):
    """Two passes (a count, then the indices) so that no population-sized temporary is made.

    Both with no branch: the count vectorises, and each index is written at the next free place
    whether or not it is kept (the place moves on only when it is), into one spare slot at the end.
    """
    n_core, n_all = 0, 0
    for i in range(reg.size):
        core = (size[i] > 0) & ((reg[i] == Registration.POOR) | monitored[i])
        n_core += core
        n_all += core | ((size[i] > 0) & (reg[i] == Registration.EXITED))
    core_idx, all_idx = np.empty(n_core + 1, np.int64), np.empty(n_all + 1, np.int64)
    j, k = 0, 0
    for i in range(reg.size):
        core = (size[i] > 0) & ((reg[i] == Registration.POOR) | monitored[i])
        kept = core | ((size[i] > 0) & (reg[i] == Registration.EXITED))
        core_idx[j], all_idx[k] = i, i
        j += core
        k += kept
    return core_idx[:n_core], all_idx[:n_all]


def target_group(h: Households, ctx: YearContext, lever: str) -> np.ndarray:
    """:func:`served` as a mask over every household."""
    group = np.zeros(h.n, np.bool_)
    group[served(h, ctx, lever)] = True
    return group


def keyed_share(h: Households, ctx: YearContext, lever: str, share: float) -> np.ndarray:
    """Ascending indices of the served households whose lever key is below ``share`` times the lever's intensity."""
    share = share * ctx.intensity(lever)
    among = served(h, ctx, lever)
    return _key_below(among, ctx.u_alloc, lever_salt(lever), share)


@kernel
def _key_below(among, u_alloc, salt, share):
    """The households of ``among`` whose key is below ``share``, in order."""
    below = np.empty(among.size, np.bool_)
    for j in range(among.size):
        below[j] = lever_key_one(u_alloc[among[j]], salt) < share
    return among[rows_where(below)]


def allocate(
    eligible: np.ndarray,
    need: np.ndarray,
    tie_break: np.ndarray,
    weight: np.ndarray,
    capacity: float,
    incumbent: np.ndarray | None = None,
    among: np.ndarray | None = None,
) -> np.ndarray:
    """Give capacity-limited slots to eligible households, highest need first.

    Incumbents who are still eligible keep their slot first (orderly exit, 有序退岗); the
    rest go by descending ``need``, ties broken by ``tie_break`` (a uniform key drawn for
    every household every year, so the order never depends on array position).  Each
    household takes ``weight`` real slots; the last one is taken only if it fits.

    With ``among`` (ascending household indices) ``eligible``, ``need`` and ``incumbent`` are
    aligned with it while ``tie_break`` and ``weight`` stay whole columns, read through it, so a
    lever that serves most households copies no column to allocate.

    Returns:
        Boolean mask (aligned with ``eligible``) of those that hold a slot.
    """
    if incumbent is None:  # nobody holds a slot: the incumbents' round takes nothing
        incumbent = np.zeros(eligible.shape, np.bool_)
    if among is None:  # every household, in order: the one compiled version levers use serves this too
        among = np.arange(eligible.size)
    return _allocate(eligible, need, tie_break, weight, float(capacity), incumbent, among)


@kernel
def _allocate(eligible, need, tie_break, weight, capacity, incumbent, among):
    """:func:`allocate`: the incumbents' round, then everyone else's, in one compiled call."""
    chosen = np.zeros(eligible.size, np.bool_)
    remaining = _take(eligible & incumbent, need, tie_break, weight, capacity, chosen, among)
    _take(eligible & ~chosen, need, tie_break, weight, remaining, chosen, among)
    return chosen


@kernel  # a call from _allocate, not inlined: its two rounds share one copy of the code
def _take(mask, need, tie_break, weight, remaining, chosen, among):  # pragma: no cover - compiled
    """Mark the highest-priority households under ``mask`` that fit in ``remaining``; return what is left.

    The result is exactly that of sorting them by (need descending, tie-break ascending) and
    taking the longest prefix that fits, but only the households near the cut are sorted: the
    top ``remaining // max weight`` surely fit and the ranks past ``remaining // min weight + 1``
    can never be reached, so one partition finds both bounds (ties at a bound are kept).  The
    sort is two stable sorts (by tie-break, then by need), the order ``numpy.lexsort`` gives.
    """
    idx = np.flatnonzero(mask)
    negative_need = np.empty(idx.size)
    total, w_min, w_max = 0.0, np.inf, 0.0
    for j in range(idx.size):
        negative_need[j] = -need[idx[j]]
        w = weight[among[idx[j]]]
        total += w
        w_min, w_max = min(w_min, w), max(w_max, w)
    if idx.size == 0 or remaining <= 0:
        return remaining
    if total <= remaining + 1e-9:  # everyone fits: no ordering needed
        chosen[idx] = True
        return remaining - total
    k_high = min(idx.size, int(remaining / w_min) + 1)
    k_low = min(k_high, int((remaining + 1e-9) / w_max))
    first, last = max(k_low - 1, 0), k_high - 1
    bounds = np.partition(negative_need, np.array([first, last]) if first < last else np.array([last]))
    lower = bounds[k_low - 1] if k_low > 0 else -np.inf
    upper = bounds[k_high - 1]
    # Households ranked surely inside the capacity are taken; those near the cut are ordered
    near_cut, sure_weight = np.zeros(idx.size, np.bool_), 0.0
    for j in range(idx.size):
        if negative_need[j] < lower:
            chosen[idx[j]] = True
            sure_weight += weight[among[idx[j]]]
        else:
            near_cut[j] = negative_need[j] <= upper
    remaining -= sure_weight
    candidates = idx[near_cut]
    m = candidates.size
    ties, negated, weights = np.empty(m), np.empty(m), np.empty(m)
    for j in range(m):
        i = candidates[j]
        household = among[i]
        ties[j], negated[j], weights[j] = tie_break[household], -need[i], weight[household]
    by_tie = np.argsort(ties, kind="mergesort")
    order = by_tie[np.argsort(negated[by_tie], kind="mergesort")]
    cumulative = np.cumsum(weights[order])
    n_fit = np.searchsorted(cumulative, remaining + 1e-9, side="right")
    chosen[candidates[order[:n_fit]]] = True
    return remaining - (cumulative[n_fit - 1] if n_fit > 0 else 0.0)


def need_score(h: Households, among: np.ndarray) -> np.ndarray:
    """Priority by need of the households ``among``: the lower last year's per-capita income, the higher."""
    return -h.income_pc_prev[among].astype(np.float64)
