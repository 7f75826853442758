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
from sim.text import Text

#: Hydra's composition is process-global (``GlobalHydra``): one at a time across the page's threads.
COMPOSE_LOCK = threading.Lock()


@dataclasses.dataclass(frozen=True)
class Control:
    """One setting on the page: a configuration key or config group, and its title."""

    key: str  # dotted key (``policy.dibao.grace_years``) or config group (``policy/transition``)
    title: Text
    #: What a config group's option does (a parameter's meaning is its declaration's, ``sim.schema.spec``).
    group_meaning: Text | None = None

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

    def meaning(self, lang: str = "en") -> str:
        """One line in ``lang`` saying what the parameter is (what the options do, for a config group)."""
        if self.is_group:
            return self.group_meaning(lang) if self.group_meaning is not None else ""
        rule = self.parameter.spec
        return rule.doc(lang) if rule is not None and rule.doc is not None else ""

    def label(self, lang: str = "en") -> str:
        """Title with the unit, unless the title already says it."""
        from analysis.i18n import unit_name

        title = self.title(lang)
        unit = unit_name(self.unit, lang)
        return f"{title} ({unit})" if unit and self.unit not in title.lower() and unit not in title else title

    def allowed_in(self, lang: str = "en") -> str:
        """The allowed values in ``lang`` (Chinese: the choices or the range, the rest as the command line says)."""
        if lang != "zh":
            return self.allowed
        if self.choices:
            return "以下之一：" + "、".join(self.choices)
        rule = self.parameter.spec
        if rule is None or (rule.low is None and rule.high is None) or self.parameter.type not in (int, float):
            return self.allowed
        low = "-inf" if rule.low is None else f"{rule.low:g}"
        high = "inf" if rule.high is None else f"{rule.high:g}"
        kind = "整数" if self.parameter.type is int else "数"
        return f"[{low}, {high}]之间的{kind}"

    def hint(self, lang: str = "en") -> str:
        """What the parameter is, in ``lang``."""
        return self.meaning(lang)


@dataclasses.dataclass(frozen=True)
class Section:
    """Controls of one policy module, shown together."""

    title: Text
    controls: tuple[Control, ...]


#: The key levers of each policy module, in the order the page shows them: the key, the title in
#: English and Chinese, and the meaning in Chinese (the English meaning is the parameter's own).
LEVERS = (
    Section(
        Text("Minimum allowance (低保) and its taper", "农村低保及其渐退"),
        (
            Control(
                "policy.dibao.standard_mode",
                Text("Standard: published or relative to the line", "低保标准：公布标准或相对贫困线"),
            ),
            Control("policy.dibao.standard_ratio_to_line", Text("Standard in relative mode", "相对模式下的低保标准")),
            Control("policy.dibao.grace_years", Text("Grace period after income rises (渐退期)", "收入提高后的渐退期")),
            Control(
                "policy.dibao.grace_benefit_share",
                Text("Share of the benefit paid in the grace period", "渐退期内发放的低保比例"),
            ),
            Control(
                "policy.dibao.work_cost_disregard",
                Text("Share of wages not counted (就业成本扣除)", "不计入收入的工资比例（就业成本扣除）"),
            ),
        ),
    ),
    Section(
        Text("Public-welfare posts (公益岗位)", "公益岗位"),
        (Control("policy.public_posts.capacity", Text("Post capacity", "岗位数量")),),
    ),
    Section(
        Text("Relocation (易地扶贫搬迁)", "易地扶贫搬迁"),
        (Control("policy.relocation.quota_persons_by_year", Text("Relocation quota by year", "各年搬迁人数指标")),),
    ),
    Section(
        Text("Health insurance", "医疗保障"),
        (
            Control(
                "region.medical.basic_ratio_poor",
                Text("Reimbursement ratio of the registered poor", "建档立卡贫困人口报销比例"),
            ),
            Control(
                "policy.health_insurance.oop_cap_share",
                Text("Out-of-pocket cap, share of income", "自付费用上限（占收入比例）"),
            ),
        ),
    ),
    Section(
        Text("Monitoring (防止返贫监测)", "防止返贫监测"),
        (
            Control(
                "policy/monitoring",
                Text("Return-to-poverty monitoring", "防止返贫监测"),
                Text(
                    "whether return-to-poverty monitoring runs (none: it does not)",
                    "是否开展防止返贫监测（none：不开展）",
                ),
            ),
            Control("policy.monitoring.threshold_ratio", Text("Monitoring threshold", "监测线")),
            Control("policy.monitoring.lag_years", Text("Discovery lag", "发现滞后")),
            Control(
                "policy.monitoring.p_detect",
                Text("Yearly chance a household at risk is found", "风险家庭每年被发现的概率"),
            ),
        ),
    ),
    Section(
        Text("Shocks (灾害, 疫情) pinned to a year", "指定年份的冲击（灾害、疫情）"),
        (
            Control(
                "dynamics.shocks.disaster.pinned", Text("Disasters: year and counties struck", "灾害：年份和受灾县数")
            ),
            Control(
                "dynamics.shocks.labour_market.pinned_years", Text("Labour-market shock years", "劳动力市场冲击年份")
            ),
            Control(
                "dynamics.shocks.labour_market.migrant_job_loss",
                Text("Migrant jobs lost in a shock year", "冲击年份外出务工岗位损失比例"),
            ),
        ),
    ),
    Section(
        Text("2021-2025 regime and the deadline push", "2021-2025年过渡期与收官冲刺"),
        (
            Control(
                "policy/transition",
                Text("Support for exited households from 2021", "2021年起对已脱贫家庭的帮扶"),
                Text(
                    "keep: support kept; phased: stepped down; withdraw: withdrawn at once",
                    "keep：保持；phased：逐步退出；withdraw：立即撤出",
                ),
            ),
            Control(
                "policy/deadline_push",
                Text("Push toward the 2020 deadline", "2020年收官冲刺"),
                Text(
                    "whether the push toward the 2020 deadline runs (none: it does not)",
                    "是否开展脱贫攻坚收官冲刺（none：不开展）",
                ),
            ),
        ),
    ),
)

#: How much to simulate: sample scale, replicates and seed.
RUN_SETTINGS = Section(
    Text("Sample, replicates and seed", "抽样、重复次数与随机种子"),
    (
        Control("population.scale", Text("Real households per simulated household", "每个模拟家庭代表的实际户数")),
        Control("replicates", Text("Replicates", "重复次数")),
        Control("seed", Text("Seed", "随机种子")),
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
