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

from sim import steps
from sim.schema import ConfigError, spec, year
from sim.steps import Lever, register_lever
from sim.text import Text

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
    mode: Mode = spec(
        doc=Text(
            "keep: support kept; phased: stepped down; withdraw: withdrawn at once",
            "keep：保持；phased：逐步退出；withdraw：立即撤出",
        )
    )
    start_year: int = year(Text("first year of the regime", "该制度的第一年"))
    phase_years: int = spec(
        1, 20, "years", Text("years over which phased support steps down to zero", "分阶段扶持逐步减为零的年数")
    )
    withdrawn: list[str] | None = spec(
        doc=Text(
            "levers withdrawn; null = every lever declared withdrawable", "撤出的政策；null = 所有声明为可撤出的政策"
        )
    )


def intensity(params: Params, year: int, lever: str) -> float:
    """Share of poverty-era support lever ``lever`` keeps in ``year`` (0..1)."""
    if not params.enabled or params.mode is Mode.KEEP or year < params.start_year:
        return 1.0
    if lever not in params.withdrawn:
        return 1.0
    if params.mode is Mode.WITHDRAW:
        return 0.0
    return max(0.0, 1.0 - (year - params.start_year + 1) / params.phase_years)


def publish(params: Params, year: int) -> dict[str, dict[str, float]]:
    """Each lever's intensity this year."""
    return {"intensity": {name: intensity(params, year, name) for name in steps.withdrawable()}}


def complete(params: Params) -> None:
    """Resolve ``withdrawn: null`` to every withdrawable lever; refuse names that are not."""
    allowed = steps.withdrawable()
    if params.withdrawn is None:
        params.withdrawn = list(allowed)
    for i, name in enumerate(params.withdrawn):
        if name not in allowed:
            raise ConfigError(f"withdrawn[{i}]: got {name!r}; allowed: {', '.join(allowed)}")


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        None,
        None,
        default_option="keep",
        publish=publish,
        publishes=("intensity",),
        complete=complete,
        title=Text("Policies after 2020", "过渡期政策"),
    )
)
