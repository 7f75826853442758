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
from sim.jit import kernel
from sim.state import Disability, Households, Illness

if TYPE_CHECKING:
    from sim.config import HealthRates


def illness_step(h: Households, rates: HealthRates, u: np.ndarray) -> Effect:
    """One year of illness transitions driven by uniforms ``u``."""
    recover_chronic = 1.0 - rates.p_chronic_recovery
    return Effect(
        {
            "illness": _illness(
                h.illness,
                h.index_band,
                h.size,
                u,
                rates.p_major_onset.as_array(),
                rates.p_chronic_onset.as_array(),
                rates.p_chronic_to_major,
                recover_chronic,
                rates.p_major_recovery,
                rates.p_major_to_chronic,
            )
        }
    )


@kernel
def _illness(ill, band, size, u, p_major, p_chronic, p_chronic_to_major, recover_chronic, p_recover, p_to_chronic):
    new = ill.copy()
    for i in range(ill.size):
        x, state = u[i], ill[i]
        if size[i] == 0:
            new[i] = Illness.NONE
        elif state == Illness.NONE:
            b = band[i]
            if x < p_major[b]:
                new[i] = Illness.MAJOR
            elif x < p_major[b] + p_chronic[b]:
                new[i] = Illness.CHRONIC
        elif state == Illness.CHRONIC:
            if x < p_chronic_to_major:
                new[i] = Illness.MAJOR
            elif x >= recover_chronic:
                new[i] = Illness.NONE
        elif x < p_recover:
            new[i] = Illness.NONE
        elif x < p_recover + p_to_chronic:
            new[i] = Illness.CHRONIC
    return new


def disability_step(h: Households, rates: HealthRates, u: np.ndarray) -> Effect:
    """One year of disability onset and worsening driven by uniforms ``u``."""
    return Effect(
        {
            "disability": _disability(
                h.disability,
                h.index_band,
                h.size,
                u,
                rates.p_severe_disability_onset.as_array(),
                rates.p_moderate_disability_onset.as_array(),
                rates.p_moderate_to_severe,
            )
        }
    )


@kernel
def _disability(dis, band, size, u, p_severe, p_moderate, p_moderate_to_severe):
    new = dis.copy()
    for i in range(dis.size):
        x = u[i]
        if size[i] == 0:
            new[i] = Disability.NONE
        elif dis[i] == Disability.NONE:
            b = band[i]
            if x < p_severe[b]:
                new[i] = Disability.SEVERE
            elif x < p_severe[b] + p_moderate[b]:
                new[i] = Disability.MODERATE
        elif dis[i] == Disability.MODERATE and x < p_moderate_to_severe:
            new[i] = Disability.SEVERE
    return new
