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
from sim.state import Households, Registration

__all__ = ["Effect", "YearContext", "allocate", "keyed_share", "need_score", "target_group"]


def target_group(h: Households, ctx: YearContext, lever: str) -> np.ndarray:
    """Households the poverty programmes serve this year.

    Registered poor and monitored households always; exited households (脱贫不脱政策) while
    the transition regime keeps the lever (intensity > 0).
    """
    return _target_group(h.registration, h.monitoring, h.members, ctx.intensity(lever) > 0.0)


@kernel
def _target_group(registration, monitoring, members, include_exited):
    reg = registration.reg
    group = np.zeros(reg.size, np.bool_)
    for i in range(reg.size):
        served = (
            reg[i] == Registration.POOR or monitoring.monitored[i] or (include_exited and reg[i] == Registration.EXITED)
        )
        group[i] = served and members.size[i] > 0
    return group


def keyed_share(h: Households, ctx: YearContext, lever: str, share: float) -> np.ndarray:
    """Target households of ``lever`` whose lever key is below ``share`` times the lever's intensity."""
    share = share * ctx.intensity(lever)
    return _key_below(target_group(h, ctx, lever), ctx.u_alloc, lever_salt(lever), share)


@kernel
def _key_below(group, u_alloc, salt, share):
    chosen = np.zeros(group.size, np.bool_)
    for i in range(group.size):
        chosen[i] = group[i] and lever_key_one(u_alloc[i], salt) < share
    return chosen


def allocate(
    eligible: np.ndarray,
    need: np.ndarray,
    tie_break: np.ndarray,
    weight: np.ndarray,
    capacity: float,
    incumbent: np.ndarray | None = None,
) -> np.ndarray:
    """Give capacity-limited slots to eligible households, highest need first.

    Incumbents who are still eligible keep their slot first (orderly exit, 有序退岗); the
    rest go by descending ``need``, ties broken by ``tie_break`` (a uniform key drawn for
    every household every year, so the order never depends on array position).  Each
    household takes ``weight`` real slots; the last one is taken only if it fits.

    Returns:
        Boolean mask of households that hold a slot.
    """
    chosen = np.zeros(eligible.shape, dtype=bool)
    remaining = float(capacity)
    if incumbent is not None:
        remaining = _take(eligible & incumbent, need, tie_break, weight, remaining, chosen)
    _take(eligible & ~chosen, need, tie_break, weight, remaining, chosen)
    return chosen


def _take(mask, need, tie_break, weight, remaining, chosen) -> float:
    """Mark the highest-priority households under ``mask`` that fit in ``remaining``; return what is left.

    The result is exactly that of sorting them by (need descending, tie-break ascending) and
    taking the longest prefix that fits, but only the households near the cut are sorted: the
    top ``remaining // max weight`` surely fit and the ranks past ``remaining // min weight + 1``
    can never be reached, so one partition finds both bounds (ties at a bound are kept).
    """
    idx, negative_need, total, w_min, w_max = _gather(mask, need, weight)
    if idx.size == 0 or remaining <= 0:
        return remaining
    if total <= remaining + 1e-9:  # everyone fits: no ordering needed
        chosen[idx] = True
        return remaining - total
    k_high = min(idx.size, int(remaining / w_min) + 1)
    k_low = min(k_high, int((remaining + 1e-9) / w_max))
    bounds = np.partition(negative_need, sorted({max(k_low - 1, 0), k_high - 1}))
    lower = bounds[k_low - 1] if k_low > 0 else -np.inf
    sure_weight, candidates = _take_sure(idx, negative_need, lower, bounds[k_high - 1], weight, chosen)
    remaining -= sure_weight
    order = candidates[np.lexsort((tie_break[candidates], -need[candidates]))]
    cumulative = np.cumsum(weight[order])
    n_fit = int(np.searchsorted(cumulative, remaining + 1e-9, side="right"))
    chosen[order[:n_fit]] = True
    return remaining - (float(cumulative[n_fit - 1]) if n_fit else 0.0)


@kernel
def _gather(mask, need, weight):
    """Indices under ``mask``, their negated need, and the sum, min and max of their weights."""
    idx = np.flatnonzero(mask)
    negative_need = np.empty(idx.size)
    total, w_min, w_max = 0.0, np.inf, 0.0
    for j in range(idx.size):
        i = idx[j]
        negative_need[j] = -need[i]
        total += weight[i]
        w_min, w_max = min(w_min, weight[i]), max(w_max, weight[i])
    return idx, negative_need, total, w_min, w_max


@kernel
def _take_sure(idx, negative_need, lower, upper, weight, chosen):
    """Mark households ranked surely inside the capacity; return their weight and those near the cut."""
    sure_weight = 0.0
    near_cut = np.zeros(idx.size, np.bool_)
    for j in range(idx.size):
        if negative_need[j] < lower:
            chosen[idx[j]] = True
            sure_weight += weight[idx[j]]
        else:
            near_cut[j] = negative_need[j] <= upper
    return sure_weight, idx[near_cut]


def need_score(h: Households) -> np.ndarray:
    """Priority by need: the lower last year's per-capita income, the higher the score."""
    return -h.income_pc_prev.astype(np.float64)
