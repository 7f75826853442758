"""The context a yearly process or lever reads, and the effect it returns.

Processes and levers are pure: they read a :class:`YearContext` and the household arrays and
return an :class:`Effect` (new arrays by field name, plus yuan spent).  The model folds the
effects into the state in the declared order of the year.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np


@dataclasses.dataclass(frozen=True)
class YearContext:
    """Values of one simulated year that levers and processes read."""

    year: int
    poverty_line: float  # yuan/person/yr
    dibao_standard_published: float  # yuan/person/yr, the region's published standard
    pension_per_month: float  # yuan/person/month
    income_index: float  # nominal market-income index, 1.0 in the year before the start
    medical_index: float  # nominal medical-price index, 1.0 in the year before the start
    mean_income: float  # region's mean rural income per person in the year before the start
    intensity: dict[str, float]  # share of poverty-era support kept, by lever (transition)
    u_alloc: np.ndarray  # uniform tie-break keys for allocation, one per household
    u_target: np.ndarray  # uniforms for take-up and targeting errors, one per household
    u_monitor: np.ndarray  # uniforms for discovery by monitoring, one per household
    medical_ratios: Any  # sim.config.MedicalRatios of the region

    def lever_key(self, salt: int) -> np.ndarray:
        """A uniform key per household for one lever, decorrelated from other levers' keys.

        Derived from ``u_alloc`` (fractional part of a multiple by a large odd number), so it
        costs no extra draws and stays identical under every policy mix.  Kernels compute the
        same key as ``frac(u_alloc * lever_key_multiplier(salt))``.
        """
        return np.modf(self.u_alloc * lever_key_multiplier(salt))[0]


def lever_key_multiplier(salt: int) -> float:
    """The multiplier whose product with ``u_alloc`` gives a lever's key (see ``lever_key``)."""
    return 7919.0 + 104729.0 * salt


@dataclasses.dataclass
class Effect:
    """What a lever or process changed: new arrays by field name, and yuan spent."""

    updates: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    cost: float = 0.0
