"""The 2021-2025 transition regime: keep policies (四个不摘) or withdraw them.

Source: seed 002 "四个不摘" and its warnings against "急刹车" and "一撤了之"; the transition
years (2021-2025) are external to the seeds.  The regime gives each lever an *intensity*:
the share of poverty-era support it keeps for exited households and of its capacity.  Keep
(the default and ``none``) is 1 every year; ``withdraw`` drops the listed levers to 0 in the
start year; ``phased`` steps them down linearly over ``phase_years``.  Registered-poor and
monitored households keep support whatever the regime (兜底 stays stable).
"""

from __future__ import annotations

import dataclasses
import enum

from sim.schema import check

NAME = "transition"


class Mode(enum.Enum):
    """Transition regime."""

    KEEP = "keep"
    WITHDRAW = "withdraw"
    PHASED = "phased"


@dataclasses.dataclass
class Params:
    """Transition-regime parameters (values in ``conf/policy/transition/``)."""

    enabled: bool
    mode: Mode
    start_year: int
    phase_years: int
    withdrawn: list[str]

    def __post_init__(self) -> None:
        check(1900 < self.start_year < 2200, "start_year", "a year in (1900, 2200)", self.start_year)
        check(1 <= self.phase_years <= 20, "phase_years", "a whole number in [1, 20]", self.phase_years)


def intensity(params: Params, year: int, lever: str) -> float:
    """Share of poverty-era support lever ``lever`` keeps in ``year`` (0..1)."""
    if not params.enabled or params.mode is Mode.KEEP or year < params.start_year:
        return 1.0
    if lever not in params.withdrawn:
        return 1.0
    if params.mode is Mode.WITHDRAW:
        return 0.0
    return max(0.0, 1.0 - (year - params.start_year + 1) / params.phase_years)
