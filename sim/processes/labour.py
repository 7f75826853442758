"""Labour capacity derived from age bands and the index member's health.

Working-age members (16-64) are labourers; members 0-15 and 65+ have no labour capacity,
as in the registration records, which is how seed 000's "无劳动能力者占比47%" counts persons.
A working-age index member with a major illness or severe disability has no labour capacity;
with a chronic illness or moderate disability, partial capacity.
"""

from __future__ import annotations

import numpy as np

from sim.context import Effect
from sim.state import Band, Disability, Households, Illness


def impairment(h: Households) -> tuple[np.ndarray, np.ndarray]:
    """(index adult without capacity, index adult with partial capacity) masks."""
    adult_index = (h.index_band == Band.ADULT) & (h.n_adult > 0)
    none = adult_index & ((h.illness == Illness.MAJOR) | (h.disability == Disability.SEVERE))
    partial = adult_index & ~none & ((h.illness == Illness.CHRONIC) | (h.disability == Disability.MODERATE))
    return none, partial


def step(h: Households) -> Effect:
    """Full and partial labourers per household."""
    none, partial = impairment(h)
    full = h.n_adult.astype(np.int32) - none - partial
    return Effect({"n_labour_full": np.maximum(full, 0).astype(np.uint8), "n_labour_partial": partial.astype(np.uint8)})


def persons_without_labour(h: Households) -> np.ndarray:
    """Members without labour capacity: children, elders and incapacitated adults (int32)."""
    return h.size - h.n_labour_full - h.n_labour_partial
