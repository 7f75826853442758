"""Labour capacity derived from age bands and the index member's health.

Working-age members (16-64) are labourers; members 0-15 and 65+ have no labour capacity,
as in the registration records, which is how seed 000's "无劳动能力者占比47%" counts persons.
A working-age index member with a major illness or severe disability has no labour capacity;
with a chronic illness or moderate disability, partial capacity.
"""

from __future__ import annotations

import numpy as np

from sim.context import Effect
from sim.jit import kernel
from sim.state import PERSONS, Band, Disability, Households, Illness
from sim.steps import Phase, Process, register_process


def step(h: Households, params: None = None, ctx: object = None) -> Effect:
    """Full and partial labourers per household."""
    full, partial = _labour(h.members, h.health)
    return Effect({"n_labour_full": full, "n_labour_partial": partial})


@kernel
def _labour(members, health):
    n = members.n_adult.size
    full, partial = members.n_adult.copy(), np.zeros(n, dtype=PERSONS)
    for i in range(n):
        if health.index_band[i] != Band.ADULT or members.n_adult[i] == 0:
            continue
        if health.illness[i] == Illness.MAJOR or health.disability[i] == Disability.SEVERE:
            full[i] -= 1
        elif health.illness[i] == Illness.CHRONIC or health.disability[i] == Disability.MODERATE:
            full[i] -= 1
            partial[i] = 1
    return full, partial


def persons_without_labour(h: Households) -> np.ndarray:
    """Members without labour capacity: children, elders and incapacitated adults (int32)."""
    return h.size - h.n_labour_full - h.n_labour_partial


PROCESS = register_process(Process("labour", Phase.LABOUR, step))
