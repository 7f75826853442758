"""What the command line prints for a reader: the yearly table, a sweep's summary and ``--describe``.

Every heading and unit comes from :mod:`analysis.i18n` in the language of ``output.lang``
(``lang=zh`` on the command line): persons in full or in 万人, money in billion yuan or 亿元.
Tables fit the terminal: columns that do not fit move to a further block under the same years
(or labels), never past the right edge.  With several replicates each cell is the mean and the
half-width of its 95 % Student-t interval (``12,345 ±210``).

``--describe [key]`` lists each lever (by its planner name) and every parameter under ``key`` with
its unit, allowed range, meaning and the value the configuration gives it, from the parameters'
declarations (:func:`sim.schema.spec`), so the list is never a hand-written copy.
"""

from __future__ import annotations

import enum
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import i18n
from analysis.i18n import say
from analysis.stats import t_interval
from sim import metrics, steps
from sim.config import RunConfig
from sim.schema import ConfigError, parameter, to_plain

#: The quantities a sweep's summary shows per job: (metric, how, period) as in analysis.tables.
SUMMARY = (
    ("true_poor_years_run", "true_poor", "run"),
    ("returns", "returns", "transition"),
    ("new_fallbacks", "new_fallbacks", "transition"),
    ("cost_total_run", "cost_total", "run"),
)


def terminal_width() -> int:
    """Columns of the terminal (80 when output is not a terminal)."""
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def _display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if ord(c) >= 0x1100 and not 0xFF61 <= ord(c) <= 0xFFDC else 1 for c in text)


def _pad(text: str, width: int, left: bool = False) -> str:
    space = " " * max(0, width - _display_width(text))
    return text + space if left else space + text


def fit(rows: list[list[str]], header: list[str], keep: int = 1, width: int | None = None) -> str:
    """A text table whose lines fit ``width``: the first ``keep`` columns repeat in every block of the rest."""
    width = width or terminal_width()
    cells = [header, *rows]
    widths = [max(_display_width(row[i]) for row in cells) for i in range(len(header))]
    fixed = sum(widths[:keep]) + 2 * keep
    blocks, current, used = [], [], fixed
    for column in range(keep, len(header)):
        need = widths[column] + 2
        if current and used + need > width:
            blocks.append(current)
            current, used = [], fixed
        current.append(column)
        used += need
    if current:
        blocks.append(current)
    text = []
    for block in blocks:
        columns = [*range(keep), *block]
        for row in cells:
            line = "  ".join(_pad(row[c], widths[c], left=c < keep) for c in columns)
            text.append(line.rstrip())
        text.append("")
    return "\n".join(text).rstrip() + "\n"


def _unit_of(metric: str) -> str:
    found = next((m for m in metrics.metrics() if m.name == metric), None)
    return found.unit if found is not None else ""


def _cell(values: np.ndarray, unit: str, lang: str) -> str:
    """Mean and, with two or more values, the half-width of the t interval, in the reader's units."""
    mean, low, high = t_interval(values)
    text = i18n.amount(mean, unit, lang, with_unit=False)
    if len(values) >= 2 and np.isfinite(low) and high > low:
        text += " ±" + i18n.amount((high - low) / 2, unit, lang, with_unit=False)
    return text


def _heading(metric: str, unit: str, lang: str) -> str:
    unit_name = i18n.scale(unit, lang)[1] if unit in ("persons", "yuan") else say(f"unit.{unit}", lang)
    return f"{i18n.metric_name(metric, lang)} ({unit_name})"


def yearly_table(table: pd.DataFrame, label: str, lang: str = i18n.DEFAULT, width: int | None = None) -> str:
    """The printed yearly table of one run: planner names, the reader's units, intervals over replicates."""
    chosen = [m for m in metrics.table_names() if m in set(table["metric"])]
    replicates = table["replicate"].nunique()
    years = sorted(int(y) for y in table["year"].unique())
    groups = {key: part["value"].to_numpy() for key, part in table.groupby(["metric", "year"], sort=False)}
    header = [say("col.year", lang), *(_heading(m, _unit_of(m), lang) for m in chosen)]
    rows = []
    for year in years:
        row = [str(year)]
        for metric in chosen:
            values = groups.get((metric, year))
            row.append("–" if values is None else _cell(values, _unit_of(metric), lang))
        rows.append(row)
    title = say("console.yearly", lang, label=label, replicates=replicates)
    if replicates >= 2:
        title += "\n" + say("console.interval", lang)
    return f"\n{title}\n" + fit(rows, header, width=width)


def finished_results(folders: Sequence[Path]) -> list[tuple[str, pd.DataFrame, dict]]:
    """(label, results, manifest) of every finished job folder (its manifest written), in the sweep's order."""
    found = []
    for folder in folders:
        manifest_path, results = Path(folder) / "manifest.json", Path(folder) / "results.csv"
        if not (manifest_path.is_file() and results.is_file()):
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        found.append((manifest.get("label") or Path(folder).name, pd.read_csv(results), manifest))
    return found


def _per_replicate(table: pd.DataFrame, metric: str, first: int, last: int) -> np.ndarray:
    chosen = table[(table["metric"] == metric) & table["year"].between(first, last)]
    return chosen.groupby("replicate")["value"].sum().to_numpy()


def sweep_summary(folders: Sequence[Path], lang: str = i18n.DEFAULT, width: int | None = None) -> str:
    """One table for a whole sweep: per job, the period totals a planner compares first."""
    jobs = finished_results(folders)
    if not jobs:
        return ""
    header, rows = [say("col.scenario", lang)], []
    periods = {}
    for label, table, manifest in jobs:
        config = manifest["config"]
        first, last = int(config["region"]["start_year"]), int(config["region"]["end_year"])
        transition = int(config["policy"]["transition"]["start_year"])
        row = [label]
        for _name, metric, period in SUMMARY:
            start = first if period == "run" else transition
            periods[period] = f"{start}-{last}"
            unit = "yuan" if metric == "cost_total" else "persons"
            values = _per_replicate(table, metric, start, last)
            row.append(_cell(values, unit, lang) if len(values) else "–")
        rows.append(row)
    for name, metric, period in SUMMARY:
        unit = (
            "person_years" if name.startswith("true_poor_years") else ("yuan" if metric == "cost_total" else "persons")
        )
        header.append(f"{i18n.quantity_name(name, lang)} {periods.get(period, '')} ({i18n.scale(unit, lang)[1]})")
    replicates = sorted({table["replicate"].nunique() for _label, table, _m in jobs})
    title = say("console.sweep", lang, jobs=len(jobs), replicates="/".join(map(str, replicates)))
    if max(replicates) >= 2:
        title += "\n" + say("console.interval", lang)
    return f"\n{title}\n" + fit(rows, header, width=width)


# --- --describe -----------------------------------------------------------------------------------


def _leaves(data, prefix: str = ""):
    """(dotted key, value) of every leaf of a plain configuration; year-keyed maps are leaves."""
    if isinstance(data, dict) and data and not all(isinstance(k, int) or str(k).isdigit() for k in data):
        for key, value in data.items():
            yield from _leaves(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, data


def _value_text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)


def describe(config: RunConfig, key: str = "", lang: str = i18n.DEFAULT) -> str:
    """Every lever and parameter under ``key`` (all when empty): unit, allowed range, meaning, value.

    Raises:
        ConfigError: ``key`` names nothing (one line with the allowed top-level keys).
    """
    plain = to_plain(config)
    prefix = key.strip(".")
    if prefix and "." not in prefix and prefix in {lever.name for lever in steps.levers()}:
        prefix = f"policy.{prefix}"
    leaves = [(k, v) for k, v in _leaves(plain) if not prefix or k == prefix or k.startswith(prefix + ".")]
    if not leaves:
        tops = sorted({k.split(".")[0] for k, _ in _leaves(plain)} | {lever.name for lever in steps.levers()})
        raise ConfigError(f"--describe: got {key!r}; allowed: a key or the start of one, e.g. {', '.join(tops)}")
    lines, section = [], None
    for name, value in leaves:
        head = ".".join(name.split(".")[:2]) if name.startswith("policy.") else name.split(".")[0]
        if head != section:
            section = head
            title = head
            if head.startswith("policy."):
                lever = head.removeprefix("policy.")
                title = f"{head}: {i18n.lever_name(lever, lang)}"
            lines.append(f"\n{title}")
        try:
            found = parameter(RunConfig, name)
        except ConfigError:
            found = None
        rule, kind = (found.spec, found.type) if found is not None else (None, None)
        unit = i18n.unit_name(rule.unit, lang) if rule is not None and rule.unit else ""
        allowed = ""
        if rule is not None and (rule.low is not None or rule.high is not None):
            low = "-inf" if rule.low is None else f"{rule.low:g}"
            high = "inf" if rule.high is None else f"{rule.high:g}"
            allowed = f"[{low}, {high}]"
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            allowed = " | ".join(str(member.value) for member in kind)
        facts = " · ".join(part for part in (unit, allowed) if part)
        meaning = rule.doc(lang) if rule is not None and rule.doc is not None else ""
        lines.append(f"  {name} = {_value_text(value)}" + (f"   ({facts})" if facts else ""))
        if meaning:
            lines.append(f"      {meaning}")
    return "\n".join(lines).lstrip("\n") + "\n"


def language_or_default(value: str | None) -> str:
    """A language the catalogue has (``en`` when not given)."""
    return i18n.check_lang(value) if value else i18n.DEFAULT


__all__ = ["describe", "fit", "sweep_summary", "terminal_width", "yearly_table"]
