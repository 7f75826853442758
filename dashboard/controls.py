"""The dashboard's controls, declared once: which settings a planner moves and how they become overrides.

Each :class:`Control` names a configuration key (``policy.dibao.grace_years``) or a config group
(``policy/transition``) and the title a planner reads.  Everything else is derived: the unit,
the valid range and the meaning come from the parameter's declaration (:func:`sim.schema.spec`
on its dataclass field), the choices of an enum or a config group from the enum or the group's
options, and the current value from the configuration the chosen region and scenario compose.
A control whose value differs from that configuration becomes one command-line override, so
every value the page sends is validated exactly as ``python3 run.py`` validates it.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
import threading
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from app.compose import UsageError, compose_dict, group_options, load_config
from sim.config import RunConfig
from sim.schema import Parameter, YearSchedule, parameter

#: Hydra's composition is process-global (``GlobalHydra``): one at a time across the page's threads.
COMPOSE_LOCK = threading.Lock()


@dataclasses.dataclass(frozen=True)
class Control:
    """One setting on the page: a configuration key or config group, and its title."""

    key: str  # dotted key (``policy.dibao.grace_years``) or config group (``policy/transition``)
    title: str

    @property
    def is_group(self) -> bool:
        """Whether the control chooses an option of a config group."""
        return "/" in self.key

    @functools.cached_property
    def parameter(self) -> Parameter | None:
        """The declared parameter behind a key (None for a config group)."""
        return None if self.is_group else parameter(RunConfig, self.key)

    @property
    def choices(self) -> list[str]:
        """Allowed values of a choice (group options or enum values); empty for a typed-in value."""
        if self.is_group:
            return group_options(self.key)
        tp = self.parameter.type
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return [member.value for member in tp]
        return []

    @property
    def unit(self) -> str:
        """The parameter's unit ('' for a choice)."""
        rule = self.parameter.spec if self.parameter is not None else None
        return rule.unit if rule is not None else ""

    @property
    def allowed(self) -> str:
        """The allowed values in the command line's words."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        rule = self.parameter.spec
        if typing.get_origin(self.parameter.type) is list:
            (item,) = typing.get_args(self.parameter.type)
            if dataclasses.is_dataclass(item):
                fields = ", ".join(f"{f.name}: …" for f in dataclasses.fields(item))
                return f"a list of {{{fields}}} (fields may be left out), or [] for none"
            each = rule.allowed(item is int) if rule is not None and rule.low is not None else "a value"
            return f"a list, each {each}, or [] for none"
        whole = self.parameter.type is int
        text = rule.allowed(whole) if rule is not None else f"a {'whole ' if whole else ''}number"
        if self.parameter.type is not int and self.parameter.type is not float:
            text += " for each listed year, as {year: value, ...}"
        elif self.key.startswith("policy.") and self.unit != "year":  # lever parameters may change by year
            text += "; or by year, {by_year: {year: value, ...}}"
        return text

    @property
    def meaning(self) -> str:
        """One line saying what the parameter is (the group's options for a config group)."""
        if self.is_group:
            return f"the option of config group {self.key} (conf/{self.key}/)"
        rule = self.parameter.spec
        if rule is not None and rule.doc:
            return rule.doc
        return (self.parameter.type.__doc__ or "").strip().splitlines()[0] if self.choices else ""

    def label(self) -> str:
        """Title with the unit, unless the title already says it."""
        return f"{self.title} ({self.unit})" if self.unit and self.unit not in self.title.lower() else self.title


@dataclasses.dataclass(frozen=True)
class Section:
    """Controls of one policy module, shown together."""

    title: str
    controls: tuple[Control, ...]


#: The key levers of each policy module, in the order the page shows them.
LEVERS = (
    Section(
        "Minimum allowance (低保) and its taper",
        (
            Control("policy.dibao.standard_mode", "Standard: published or relative to the line"),
            Control("policy.dibao.standard_ratio_to_line", "Standard in relative mode"),
            Control("policy.dibao.grace_years", "Grace period after income rises (渐退期)"),
            Control("policy.dibao.grace_benefit_share", "Share of the benefit paid in the grace period"),
            Control("policy.dibao.work_cost_disregard", "Share of wages not counted (就业成本扣除)"),
        ),
    ),
    Section("Public-welfare posts (公益岗位)", (Control("policy.public_posts.capacity", "Post capacity"),)),
    Section(
        "Relocation (易地扶贫搬迁)", (Control("policy.relocation.quota_persons_by_year", "Relocation quota by year"),)
    ),
    Section(
        "Health insurance",
        (
            Control("region.medical.basic_ratio_poor", "Reimbursement ratio of the registered poor"),
            Control("policy.health_insurance.oop_cap_share", "Out-of-pocket cap, share of income"),
        ),
    ),
    Section(
        "Monitoring (防止返贫监测)",
        (
            Control("policy/monitoring", "Return-to-poverty monitoring"),
            Control("policy.monitoring.threshold_ratio", "Monitoring threshold"),
            Control("policy.monitoring.lag_years", "Discovery lag"),
            Control("policy.monitoring.p_detect", "Yearly chance a household at risk is found"),
        ),
    ),
    Section(
        "Shocks (灾害, 疫情) pinned to a year",
        (
            Control("dynamics.shocks.disaster.pinned", "Disasters: year and counties struck"),
            Control("dynamics.shocks.labour_market.pinned_years", "Labour-market shock years"),
            Control("dynamics.shocks.labour_market.migrant_job_loss", "Migrant jobs lost in a shock year"),
        ),
    ),
    Section(
        "2021-2025 regime and the deadline push",
        (
            Control("policy/transition", "Support for exited households from 2021"),
            Control("policy/deadline_push", "Push toward the 2020 deadline"),
        ),
    ),
)

#: How much to simulate: sample scale, replicates and seed.
RUN_SETTINGS = Section(
    "Sample, replicates and seed",
    (
        Control("population.scale", "Real households per simulated household"),
        Control("replicates", "Replicates"),
        Control("seed", "Seed"),
    ),
)

CONTROLS = tuple(control for section in (*LEVERS, RUN_SETTINGS) for control in section.controls)


def value_text(value: Any) -> str:
    """A configured value as the command line writes it (``150000``, ``0.85``, ``{2018: 62900}``)."""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, YearSchedule):
        growth = f", growth_after: {value_text(value.growth_after)}" if value.growth_after else ""
        return f"{{by_year: {value_text(value.by_year)}{growth}}}"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {value_text(v)}" for k, v in value.items()) + "}"
    if dataclasses.is_dataclass(value):
        return value_text({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, float) and math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _attribute(config: RunConfig, key: str) -> Any:
    value = config
    for name in key.split("."):
        value = getattr(value, name)
    return value


def current_values(region: str, scenario: str) -> dict[str, str]:
    """Every control's value in the configuration ``region`` and ``scenario`` compose (as text).

    Raises:
        UsageError: the region or scenario cannot be composed (the command line's message).
    """
    chosen = [f"region={region}", f"scenario={scenario}"]
    with COMPOSE_LOCK:
        config = load_config(chosen)
        groups = compose_dict(chosen, with_hydra=True).hydra.runtime.choices
    return {c.key: str(groups[c.key]) if c.is_group else value_text(_attribute(config, c.key)) for c in CONTROLS}


def overrides(values: Mapping[str, str], defaults: Mapping[str, str]) -> list[str]:
    """Command-line overrides for the controls whose value differs from the scenario's, in page order."""
    changed = []
    for control in CONTROLS:
        text = str(values.get(control.key, defaults[control.key])).strip()
        if text != defaults[control.key]:
            changed.append(f"{control.key}={text}")
    return changed


def _is_setting(override: str) -> bool:
    return override.partition("=")[0] in {c.key for c in RUN_SETTINGS.controls}


def lever_overrides(chosen: Sequence[str]) -> list[str]:
    """The overrides that change policy (those of the sample, replicates and seed left out)."""
    return [o for o in chosen if not _is_setting(o)]


def setting_overrides(chosen: Sequence[str]) -> list[str]:
    """The overrides of the sample, replicates and seed."""
    return [o for o in chosen if _is_setting(o)]


def configure(region: str, scenario: str, chosen: Sequence[str]) -> RunConfig:
    """The validated configuration of the page's settings, as ``run.py region=.. scenario=.. <chosen>``.

    Raises:
        UsageError: a bad value (the command line's one-line message, naming the key).
    """
    with COMPOSE_LOCK:
        return load_config([f"region={region}", f"scenario={scenario}", *chosen])


def offending_key(message: str) -> str | None:
    """The control a one-line error message names, if any (the key before the first colon)."""
    key = message.partition(":")[0].strip()
    for control in CONTROLS:
        if key == control.key or key.startswith(control.key + "."):
            return control.key
    return None


__all__ = [
    "CONTROLS",
    "LEVERS",
    "RUN_SETTINGS",
    "Control",
    "Section",
    "UsageError",
    "configure",
    "current_values",
    "lever_overrides",
    "offending_key",
    "overrides",
    "setting_overrides",
    "value_text",
]
