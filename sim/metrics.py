"""Headcounts, composition shares and area counts: pure functions of the household arrays.

Person counts are real persons (simulated persons times stratum weights).  The registered
stock counts persons as recorded at registration (建档立卡 records), so that stock and flows
satisfy ``registered[t] = registered[t-1] - exits[t] + newly_poor[t] + returns[t]`` exactly.
"""

from __future__ import annotations

import numpy as np

from sim.processes.labour import persons_without_labour
from sim.state import Disability, Households, Illness, Registration, Stratum


def by_stratum(h: Households, mask: np.ndarray, persons: np.ndarray) -> np.ndarray:
    """Exact simulated person counts under ``mask`` by stratum (whole numbers in float64)."""
    return np.bincount(h.stratum[mask], weights=persons[mask].astype(np.float64), minlength=3)


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
    alive = h.size > 0
    residents = np.bincount(h.village, weights=h.weight * (h.size * alive), minlength=n_villages)
    poor = h.reg == Registration.POOR
    registered = np.bincount(h.village, weights=h.weight * (h.reg_size * poor), minlength=n_villages)
    return residents, registered


def incidence_below(residents: np.ndarray, registered: np.ndarray, threshold: float) -> np.ndarray:
    """Areas whose registered-poor incidence (recorded persons / residents) is below ``threshold``."""
    incidence = np.divide(registered, residents, out=np.zeros(residents.size), where=residents > 0)
    return incidence < threshold


def true_poor_persons(h: Households) -> float:
    """Real persons living in truly poor households."""
    return float(np.sum((h.weight * h.size)[h.true_poor]))


def monitored_persons(h: Households) -> float:
    """Real persons in monitored households (防止返贫监测对象)."""
    return float(np.sum((h.weight * h.size)[h.monitored]))
