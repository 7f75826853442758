"""Ageing, mortality and births of household members.

Rates are assumptions documented in ``conf/dynamics/default.yaml`` (the seeds give none).
The index member (whose health the household record carries) is drawn on its own; other
members die, age and are born by exact binomial draws per age band (one uniform per member;
the number of draws depends on demography alone, never on policy, so draws stay common
across scenarios).  When the index member dies, the index passes to a working-age member if any,
else an elder, else a child, with no illness or disability.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.context import Effect
from sim.rng import binomial_counts
from sim.state import Band, Households, Illness

if TYPE_CHECKING:
    from sim.config import DemographyRates


def step(h: Households, rates: DemographyRates, rng: np.random.Generator) -> Effect:
    """Advance members one year; return new band counts, sizes and index-member state."""
    alive = h.size > 0
    band = h.index_band.astype(np.intp)
    p_death = rates.p_death.as_array()
    u_death, u_age = rng.random(h.n), rng.random(h.n)
    p_index = p_death[band] * np.where(h.illness == Illness.MAJOR, rates.death_multiplier_major_illness, 1.0)
    index_dies = alive & (u_death < p_index)

    others = [h.n_child.astype(np.int32), h.n_adult.astype(np.int32), h.n_elder.astype(np.int32)]
    for b in Band:
        others[b] = np.maximum(others[b] - (alive & (band == b)), 0)
        others[b] = others[b] - binomial_counts(rng, others[b], float(p_death[b]))
    to_adult = binomial_counts(rng, others[Band.CHILD], rates.p_child_to_adult)
    to_elder = binomial_counts(rng, others[Band.ADULT], rates.p_adult_to_elder)
    births = binomial_counts(rng, others[Band.ADULT], rates.p_birth_per_adult)
    child = others[Band.CHILD] + births - to_adult
    adult = others[Band.ADULT] + to_adult - to_elder
    elder = others[Band.ELDER] + to_elder

    p_age = np.array([rates.p_child_to_adult, rates.p_adult_to_elder, 0.0])
    survives = alive & ~index_dies
    new_band = np.where(survives & (u_age < p_age[band]), band + 1, band)
    child = child + (survives & (new_band == Band.CHILD))
    adult = adult + (survives & (new_band == Band.ADULT))
    elder = elder + (survives & (new_band == Band.ELDER))
    successor = np.where(adult > 0, Band.ADULT, np.where(elder > 0, Band.ELDER, Band.CHILD))
    new_band = np.where(index_dies, successor, new_band)
    return Effect(
        {
            "n_child": child.astype(np.uint8),
            "n_adult": adult.astype(np.uint8),
            "n_elder": elder.astype(np.uint8),
            "size": (child + adult + elder).astype(np.int32),
            "index_band": new_band.astype(np.uint8),
            "illness": np.where(index_dies, Illness.NONE, h.illness).astype(np.uint8),
            "disability": np.where(index_dies, 0, h.disability).astype(np.uint8),
        }
    )
