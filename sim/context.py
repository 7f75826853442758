"""The context a yearly step reads, and the effect it returns.

Every step of a year, process or lever, is pure: it reads the household arrays, its parameter
block and a :class:`YearContext`, and returns an :class:`Effect` (new arrays by column name,
yuan spent, counts for the metrics, area updates).  The model folds the effects into the state
in the declared order of the year (:mod:`sim.steps`).

The context carries the year's published values (poverty line, standards, price indices), the
year's random numbers for the whole population (declared by the steps that use them), and the
values levers publish for other steps (:data:`PUBLISHED`): the only way a lever's settings reach
a process other than through household columns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from sim.jit import inline, kernel
from sim.rng import name_hash


class YearValues(NamedTuple):
    """The year's published scalars, as kernels take them."""

    year: int
    poverty_line: float  # yuan/person/yr
    dibao_standard_published: float  # yuan/person/yr, the region's published 低保 standard
    pension_per_month: float  # yuan/person/month, basic pension minimum
    income_index: float  # nominal market-income index, 1.0 in the year before the start
    medical_index: float  # nominal medical-price index, 1.0 in the year before the start
    mean_income: float  # region's mean rural income per person in the year before the start


#: Values a lever may publish for other steps (``Lever.publish``), with what they mean.
PUBLISHED: dict[str, str] = {
    "intensity": "share of poverty-era support each lever keeps this year, by lever name (transition regime)",
    "p_detect_monitored": "yearly chance that a monitored household's poverty is found (monitoring)",
    "verification_effort": "yearly chance that a stable exit passes verification, if above the rules' (deadline push)",
    "register_closed": "1 from the deadline year on: the register takes no new households (deadline push)",
    "final_verification": "1 in the deadline year: a developed household counts as stably out at once (deadline push)",
}


@dataclasses.dataclass(frozen=True)
class YearContext:
    """What every step of one simulated year reads besides the households and its parameters."""

    values: YearValues
    draws: Mapping[str, Any]  # the year's random numbers by draw name (whole population)
    published: Mapping[str, Any]  # values levers publish (keys in PUBLISHED)
    region: Any  # sim.region.RegionConfig
    areas: Any = None  # sim.population.Areas: area layout and this year's poverty status
    #: What steps derive from the state and share within the year (the programmes' target indices,
    #: :func:`sim.policies.base.served`), kept with the arrays it was derived from.
    memo: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def __getattr__(self, name: str) -> Any:
        """The year's scalars by name (``ctx.year``, ``ctx.poverty_line``, ...)."""
        if name in YearValues._fields:
            return getattr(self.values, name)
        raise AttributeError(name)

    @property
    def u_alloc(self) -> np.ndarray:
        """Uniform tie-break keys for allocation, one per household (float64)."""
        return self.draws["u_alloc"]

    @property
    def u_target(self) -> np.uint64 | np.ndarray:
        """Float32 uniforms for take-up and targeting errors: a source for ``rng.uniform32_at(draw, i)``."""
        return self.draws["u_target"]

    @property
    def u_monitor(self) -> np.uint64 | np.ndarray:
        """Float32 uniforms for discovery by monitoring: a source for ``rng.uniform32_at(draw, i)``."""
        return self.draws["u_monitor"]

    def intensity(self, lever: str) -> float:
        """Share of poverty-era support ``lever`` keeps this year (1 unless the transition withdraws it)."""
        return float(self.published.get("intensity", {}).get(lever, 1.0))

    def lever_key(self, lever: str) -> np.ndarray:
        """A uniform key per household for one lever, derived from ``u_alloc`` and the lever's name.

        Keys cost no extra draws and stay identical under every policy mix; the keys of two
        levers are independent (:func:`lever_key_one`).
        """
        return lever_keys(self.u_alloc, lever_salt(lever))


def lever_salt(name: str) -> np.uint64:
    """A lever's random-key salt, derived from its name; a test checks that no two collide."""
    return np.uint64(name_hash(name))


@inline
def lever_key_one(u, salt):
    """Household key for one lever: the 53 bits of ``u`` mixed with ``salt`` (splitmix64), in [0, 1).

    Different salts give keys that are independent for practical purposes, and the same
    household gets the same key under every policy mix (``u`` is drawn for everyone).
    """
    z = np.uint64(u * 9007199254740992.0) ^ salt  # 2**53
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return np.float64(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@kernel
def lever_keys(u_alloc, salt):
    """:func:`lever_key_one` for every household."""
    keys = np.empty(u_alloc.size)
    for i in range(u_alloc.size):
        keys[i] = lever_key_one(u_alloc[i], salt)
    return keys


@dataclasses.dataclass
class Effect:
    """What a step changed: new household arrays by column name, yuan spent, counts and area flags.

    ``counts`` holds exact per-stratum person counts (float64 arrays of whole numbers, one entry
    per :class:`sim.state.Stratum`) that metrics read by name; ``areas`` holds new area arrays.
    """

    updates: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    cost: float = 0.0
    counts: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    areas: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
