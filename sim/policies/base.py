"""What every policy lever shares: the year context, the target group, priority allocation.

A lever is a module with a ``Params`` dataclass (``enabled: false`` is its ``none`` option)
and a pure ``apply(h, params, ctx) -> Effect``.  ``apply`` never mutates ``h``; it returns
the arrays it changes and the yuan it spent.  Capacity-limited levers allocate slots with
:func:`allocate`, by an explicit priority rule and never by array order.
"""

from __future__ import annotations

import numpy as np

from sim.context import Effect, YearContext
from sim.state import Households, Registration

__all__ = ["Effect", "YearContext", "allocate", "labour_units", "need_score", "target_group"]


def target_group(h: Households, ctx: YearContext, lever: str) -> np.ndarray:
    """Households the poverty programmes serve this year.

    Registered poor and monitored households always; exited households (脱贫不脱政策) while
    the transition regime keeps the lever (intensity > 0).
    """
    group = (h.reg == Registration.POOR) | h.monitored
    if ctx.intensity.get(lever, 1.0) > 0.0:
        group = group | (h.reg == Registration.EXITED)
    return group & (h.size > 0)


def labour_units(h: Households) -> np.ndarray:
    """Full labourers plus partial labourers (int32)."""
    return h.n_labour_full.astype(np.int32) + h.n_labour_partial


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
        keep_idx = np.flatnonzero(eligible & incumbent)
        remaining = _take(keep_idx, need, tie_break, weight, remaining, chosen)
    open_idx = np.flatnonzero(eligible & ~chosen)
    _take(open_idx, need, tie_break, weight, remaining, chosen)
    return chosen


def _take(idx, need, tie_break, weight, remaining, chosen) -> float:
    """Mark the highest-priority households of ``idx`` that fit in ``remaining``; return what is left."""
    if idx.size == 0 or remaining <= 0:
        return remaining
    w = weight[idx]
    total = float(w.sum())
    if total <= remaining + 1e-9:  # everyone fits: no ordering needed
        chosen[idx] = True
        return remaining - total
    # Only the top k can fit; partition to them first (keeping every tie at the threshold, so
    # the result is exactly that of a full sort), then sort that subset.
    k = min(idx.size, int(remaining / float(w.min())) + 1)
    if k < idx.size:
        negative_need = -need[idx]
        threshold = np.partition(negative_need, k - 1)[k - 1]
        idx = idx[negative_need <= threshold]
    order = idx[np.lexsort((tie_break[idx], -need[idx]))]
    cumulative = np.cumsum(weight[order])
    n_fit = int(np.searchsorted(cumulative, remaining + 1e-9, side="right"))
    chosen[order[:n_fit]] = True
    return remaining - (float(cumulative[n_fit - 1]) if n_fit else 0.0)


def need_score(h: Households) -> np.ndarray:
    """Priority by need: the lower last year's per-capita income, the higher the score."""
    return -h.income_pc_prev.astype(np.float64)
