"""Illness onset and recovery, and disability onset, of the index member.

Seed 000 puts "因病、因残致贫比例达到72%" among the registered poor; the seeds give no onset
rates, so the yearly transition probabilities are assumptions in ``conf/dynamics/default.yaml``.
Illness moves between none, chronic and major; disability only worsens.  Each process uses
its own stream and one uniform per household per year, and neither reads any policy state,
so illness and disability histories are identical under every policy mix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.context import Effect
from sim.state import Disability, Households, Illness

if TYPE_CHECKING:
    from sim.config import HealthRates


def illness_step(h: Households, rates: HealthRates, u: np.ndarray) -> Effect:
    """One year of illness transitions driven by uniforms ``u``."""
    band = h.index_band.astype(np.intp)
    p_chronic = rates.p_chronic_onset.as_array()[band]
    p_major = rates.p_major_onset.as_array()[band]
    ill = h.illness
    new = ill.copy()
    none = ill == Illness.NONE
    new[none & (u < p_major)] = Illness.MAJOR
    new[none & (u >= p_major) & (u < p_major + p_chronic)] = Illness.CHRONIC
    chronic = ill == Illness.CHRONIC
    new[chronic & (u < rates.p_chronic_to_major)] = Illness.MAJOR
    new[chronic & (u >= 1.0 - rates.p_chronic_recovery)] = Illness.NONE
    major = ill == Illness.MAJOR
    new[major & (u < rates.p_major_recovery)] = Illness.NONE
    to_chronic = (u >= rates.p_major_recovery) & (u < rates.p_major_recovery + rates.p_major_to_chronic)
    new[major & to_chronic] = Illness.CHRONIC
    new[h.size == 0] = Illness.NONE
    return Effect({"illness": new})


def disability_step(h: Households, rates: HealthRates, u: np.ndarray) -> Effect:
    """One year of disability onset and worsening driven by uniforms ``u``."""
    band = h.index_band.astype(np.intp)
    p_severe = rates.p_severe_disability_onset.as_array()[band]
    p_moderate = rates.p_moderate_disability_onset.as_array()[band]
    dis = h.disability
    new = dis.copy()
    none = dis == Disability.NONE
    new[none & (u < p_severe)] = Disability.SEVERE
    new[none & (u >= p_severe) & (u < p_severe + p_moderate)] = Disability.MODERATE
    new[(dis == Disability.MODERATE) & (u < rates.p_moderate_to_severe)] = Disability.SEVERE
    new[h.size == 0] = Disability.NONE
    return Effect({"disability": new})
