"""The uncertain parameters (``conf/uncertainty/``) and runs at chosen values of them, in parallel.

``conf/uncertainty/<name>.yaml`` lists the behavioural and administrative parameters whose values
the seeds do not give: each with its config key, a plausible range and the range's source.  Levers
a planner chooses (switches, quotas, standards, deadlines) are not listed: calibration and
sensitivity analysis vary only what is uncertain.

A point is a value per listed parameter.  :class:`Evaluator` runs the experiment's configuration
at many points on a process pool; every point keeps the configuration's seed, so all points share
common random numbers and the results do not depend on the number of workers or on the order in
which points finish.
"""

from __future__ import annotations

import copy
import dataclasses
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pandas as pd
import yaml
from omegaconf import OmegaConf

from app.compose import CONF_DIR, UsageError, compose_dict
from app.experiments import ExperimentConfig
from app.runner import run
from sim.config import RunConfig, from_mapping
from sim.schema import ConfigError, build, check, spec
from sim.text import Text

UNCERTAINTY_DIR = CONF_DIR / "uncertainty"


@dataclasses.dataclass
class UncertaintyExperiment(ExperimentConfig):
    """Settings every experiment over the uncertain parameters has (calibration, sensitivity)."""

    uncertainty: str = spec(
        doc=Text("file of conf/uncertainty/ with the parameters to vary", "conf/uncertainty/ 中列出待变动参数的文件")
    )
    workers: int | None = spec(
        1, 1024, "processes", Text("worker processes; null = one per core", "工作进程数；null 表示每核一个")
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        check(self.uncertainty in available(), "experiment.uncertainty", ", ".join(available()), self.uncertainty)


@dataclasses.dataclass
class Uncertain:
    """One uncertain parameter: its config key, plausible range and the range's source."""

    key: str
    low: float = spec(-1e12, 1e12, doc=Text("lowest plausible value", "最低合理值"))
    high: float = spec(-1e12, 1e12, doc=Text("highest plausible value", "最高合理值"))
    source: str = spec(
        doc=Text(
            "where the range comes from (seed phrase, external figure or assumption)",
            "范围的来源（文件原文、外部数据或假设）",
        )
    )
    integer: bool = spec(doc=Text("whole numbers only (year counts)", "仅限整数（年数）"), default=False)

    def __post_init__(self) -> None:
        check(self.low < self.high, "high", f"a number above low={self.low:g}", self.high)
        check(bool(self.source.strip()), "source", "a non-empty source", self.source)

    def value(self, unit: float) -> float | int:
        """The parameter's value at ``unit`` in [0, 1] along its range."""
        raw = self.low + min(max(unit, 0.0), 1.0) * (self.high - self.low)
        return round(raw) if self.integer else float(raw)

    def unit(self, value: float) -> float:
        """Where ``value`` lies along the range, clipped to [0, 1]."""
        return min(max((value - self.low) / (self.high - self.low), 0.0), 1.0)


def available() -> list[str]:
    """Names of the uncertainty files."""
    return sorted(p.stem for p in UNCERTAINTY_DIR.glob("*.yaml"))


def _entries(name: str, seen: tuple[str, ...] = ()) -> list[dict]:
    """The entries of ``conf/uncertainty/<name>.yaml``, those of the files it ``include``s first."""
    path = UNCERTAINTY_DIR / f"{name}.yaml"
    if not isinstance(name, str) or not path.is_file() or name in seen:
        what = "experiment.uncertainty" if not seen else f"{seen[-1]}.yaml: include"
        allowed = ", ".join(n for n in available() if n not in seen)
        raise UsageError(f"{what}: got {name!r}; allowed: {allowed}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries = data["parameters"]
        included = data.get("include", [])
        if not isinstance(entries, list) or not isinstance(included, list):
            raise TypeError
    except (yaml.YAMLError, KeyError, TypeError, AttributeError):
        raise UsageError(f"{path.name}: parameters: got no list; allowed: a list of key/low/high/source") from None
    return [entry for other in included for entry in _entries(other, (*seen, name))] + entries


def load(name: str, resolved: dict) -> list[Uncertain]:
    """The parameters of ``conf/uncertainty/<name>.yaml``, each checked against the resolved config.

    A file may ``include`` other files of the folder: their parameters come first.
    """
    entries = _entries(name)
    found = []
    for i, entry in enumerate(entries):
        try:
            parameter = build(Uncertain, entry, f"uncertainty.parameters[{i}]")
        except ConfigError as err:
            raise UsageError(str(err)) from None
        current = lookup(resolved, parameter.key)
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise UsageError(
                f"uncertainty.parameters[{i}].key: got {parameter.key!r}; allowed: a numeric key of the run config"
            )
        found.append(parameter)
    keys = [p.key for p in found]
    if len(set(keys)) != len(keys) or not keys:
        raise UsageError(f"uncertainty.parameters: got {keys}; allowed: at least one key, each once")
    return found


def lookup(data: dict, key: str) -> Any:
    """The value at a dotted ``key`` of a nested mapping (None if absent)."""
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def with_values(resolved: dict, point: dict[str, float]) -> dict:
    """A copy of the resolved config with the point's values set."""
    data = copy.deepcopy(resolved)
    for key, value in point.items():
        *path, last = key.split(".")
        node = data
        for part in path:
            node = node[part]
        node[last] = value
    return data


def resolved_config(settings: ExperimentConfig, overrides: list[str]) -> dict:
    """The experiment's run configuration as a resolved mapping, without the experiment block.

    ``overrides`` are the user's, applied last; ``replicates`` is the experiment's.
    """
    resolved = OmegaConf.to_container(compose_dict([*overrides, f"replicates={settings.replicates}"]), resolve=True)
    resolved.pop("experiment", None)
    return resolved


def config_at(resolved: dict, point: dict[str, float]) -> RunConfig:
    """The validated run configuration at ``point``."""
    return from_mapping(with_values(resolved, point))


def _table_at(resolved: dict, point: dict[str, float]) -> pd.DataFrame:
    return run(config_at(resolved, point)).table


def workers_for(requested: int | None) -> int:
    """Worker processes: the requested number, or one per core."""
    return requested if requested else (os.cpu_count() or 1)


class Evaluator:
    """Runs one resolved configuration at many points on a pool of worker processes."""

    def __init__(self, resolved: dict, workers: int) -> None:
        """Hold the resolved configuration; the pool starts on entering the context."""
        self.resolved = resolved
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Evaluator:
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def tables(self, points: Sequence[dict[str, float]], done: Callable[[int], None] | None = None) -> list:
        """Results tables at ``points``, in the order given (``done(1)`` after each)."""
        if self._pool is None:
            results = (_table_at(self.resolved, point) for point in points)
        else:
            futures = [self._pool.submit(_table_at, self.resolved, point) for point in points]
            results = (future.result() for future in futures)
        found = []
        for table in results:
            found.append(table)
            if done:
                done(1)
        return found


def points_from_units(parameters: Sequence[Uncertain], units: Iterable[Sequence[float]]) -> list[dict[str, float]]:
    """Points from coordinates in the unit cube."""
    return [{p.key: p.value(u) for p, u in zip(parameters, row, strict=True)} for row in units]


def rounded(parameters: Sequence[Uncertain], point: dict[str, float]) -> dict[str, float]:
    """The point with each value as a calibration file writes it (4 significant digits)."""
    return {p.key: point[p.key] if p.integer else float(f"{point[p.key]:.4g}") for p in parameters}


def parameters_text(parameters: Sequence[Uncertain], point: dict[str, float], note: str) -> str:
    """Text of a calibration file (``conf/calibration/`` format) holding ``point``."""
    lines = ["# @package _global_", *(f"# {line}" for line in note.splitlines())]
    tree: dict[str, Any] = {}
    for parameter in parameters:
        *parents, last = parameter.key.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = point[parameter.key]
    lines.extend(_yaml_lines(tree, parameters, ""))
    return "\n".join(lines) + "\n"


def _yaml_lines(tree: dict, parameters: Sequence[Uncertain], prefix: str, indent: int = 0) -> list[str]:
    ranges = {p.key: p for p in parameters}
    lines = []
    for key, value in tree.items():
        full = f"{prefix}{key}"
        pad = "  " * indent
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines.extend(_yaml_lines(value, parameters, f"{full}.", indent + 1))
        else:
            p = ranges[full]
            lines.append(f"{pad}{key}: {value}  # calibrated in [{p.low:g}, {p.high:g}] ({p.source})")
    return lines
