"""Headcounts, composition shares and area counts: pure functions of the household arrays.

Person counts are real persons (simulated persons times stratum weights).  The registered
stock counts persons as recorded at registration (建档立卡 records), so that stock and flows
satisfy ``registered[t] = registered[t-1] - exits[t] + newly_poor[t] + returns[t]`` exactly.
"""

from __future__ import annotations

import numpy as np

from sim.jit import kernel
from sim.processes.labour import persons_without_labour
from sim.state import Disability, Households, Illness, Registration, Stratum


def by_stratum(h: Households, mask: np.ndarray, persons: np.ndarray) -> np.ndarray:
    """Exact simulated person counts under ``mask`` by stratum (whole numbers in float64)."""
    return _count_by_stratum(h.stratum, mask, persons)


@kernel
def _count_by_stratum(stratum, mask, persons):
    counts = np.zeros(3)
    for i in range(mask.size):
        if mask[i]:
            counts[stratum[i]] += persons[i]
    return counts


def weighted(counts: np.ndarray, stratum_weight: np.ndarray) -> float:
    """Real persons from per-stratum simulated counts."""
    return float(np.dot(counts, stratum_weight))


def registered_counts(h: Households) -> np.ndarray:
    """Recorded persons of registered-poor households, by stratum."""
    return by_stratum(h, h.reg == Registration.POOR, h.reg_size)


def cohort_counts(h: Households) -> np.ndarray:
    """Recorded persons of the initial register (stratum REGISTERED) still registered, by stratum."""
    return by_stratum(h, (h.reg == Registration.POOR) & (h.stratum == Stratum.REGISTERED), h.reg_size)


def composition(h: Households) -> dict[str, float]:
    """Person-weighted composition shares of the registered poor (seed 000's three shares)."""
    mask = (h.reg == Registration.POOR) & (h.size > 0)
    size = h.size[mask].astype(np.float64)
    w = h.weight[mask] * size
    total = float(w.sum()) or 1.0
    affected = (h.illness[mask] != Illness.NONE) | (h.disability[mask] != Disability.NONE)
    without = persons_without_labour(h)[mask] / size
    elder = h.n_elder[mask] / size
    return {
        "share_illness_disability": float(np.dot(w, affected)) / total,
        "share_no_labour": float(np.dot(w, without)) / total,
        "share_aged_65_plus": float(np.dot(w, elder)) / total,
    }


def village_totals(h: Households, n_villages: int) -> tuple[np.ndarray, np.ndarray]:
    """(residents, registered recorded persons) per village, real persons."""
    return _village_totals(h.village, h.weight, h.size, h.reg, h.reg_size, n_villages)


@kernel
def _village_totals(village, weight, size, reg, reg_size, n_villages):
    residents, registered = np.zeros(n_villages), np.zeros(n_villages)
    for i in range(village.size):
        residents[village[i]] += weight[i] * size[i]
        if reg[i] == Registration.POOR:
            registered[village[i]] += weight[i] * reg_size[i]
    return residents, registered


def incidence_below(residents: np.ndarray, registered: np.ndarray, threshold: float) -> np.ndarray:
    """Areas whose registered-poor incidence (recorded persons / residents) is below ``threshold``."""
    incidence = np.divide(registered, residents, out=np.zeros(residents.size), where=residents > 0)
    return incidence < threshold


def true_poor_persons(h: Households) -> float:
    """Real persons living in truly poor households."""
    return _persons_where(h.true_poor, h.weight, h.size)


def monitored_persons(h: Households) -> float:
    """Real persons in monitored households (防止返贫监测对象)."""
    return _persons_where(h.monitored, h.weight, h.size)


@kernel
def _persons_where(mask, weight, size):
    total = 0.0
    for i in range(mask.size):
        if mask[i]:
            total += weight[i] * size[i]
    return total
