"""Lever response: what each lever buys at 0, 0.5, 1 and 2 times its dose, with common random numbers.

``python3 run.py +experiment=lever_response [overrides]`` runs the configuration (the baseline
unless a scenario is given) once as it is and once per lever and multiple: at 0 the lever is
switched off (its ``none`` option, an exact no-op); at any other multiple every parameter the
lever declares as its dose (:attr:`sim.steps.Lever.dose`: capacity, quota, coverage or amount)
is multiplied, each listed year of a year-keyed quota alike, and clipped to the parameter's
declared range (the table says where).  A lever that declares no dose is only switched off.
Every run keeps the configuration's seed, so replicate r of each run shares its random numbers
with replicate r of the reference, and each change is a paired difference.

For each lever and multiple the table gives the paired change against the configuration as it
is, with a Student-t 95 % interval over replicates, of: exits in the campaign years; the truly
poor in the deadline year and in the last year; person-years of true poverty over the run;
registered returns and new true fallbacks after the deadline; public spending over the run; and
the cost per person-year out of true poverty (extra spending over person-years of true poverty
avoided, when any are avoided).  Outputs: ``lever_response.csv``, ``lever_response.md`` and
``lever_response.png``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from analysis.files import save_figure, write_text
from analysis.stats import t_interval
from app.experiments import ExperimentConfig
from app.experiments.targets import campaign_years, total, values
from app.experiments.uncertain import Evaluator, config_at, lookup, resolved_config, workers_for
from sim import steps
from sim.config import RunConfig
from sim.schema import check, parameter, spec
from sim.text import Text

OUTPUTS = ("lever_response.csv", "lever_response.md", "lever_response.png")

#: Outcomes measured per replicate: name, what it is (the period is filled in from the configuration).
OUTCOMES = (
    ("exits_campaign", "exits {campaign}"),
    ("true_poor_deadline", "truly poor {deadline}"),
    ("true_poor_last", "truly poor {last}"),
    ("true_poor_person_years", "true-poor person-years {run}"),
    ("returns_after", "returns {after}"),
    ("new_fallbacks_after", "new fallbacks {after}"),
    ("cost", "cost {run}, yuan"),
    ("own_cost", "the lever's own cost {run}, yuan"),
)


@dataclasses.dataclass
class Settings(ExperimentConfig):
    """Lever-response settings (the experiment block)."""

    multiples: list[float] = spec(
        0.0,
        100.0,
        "x dose",
        Text("multiples of each lever's dose to run (1 is the reference)", "各政策剂量的倍数（1 为参照）"),
    )
    workers: int | None = spec(
        1, 1024, "processes", Text("worker processes; null = one per core", "工作进程数；null 表示每核一个")
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        check(
            len(self.multiples) > 0 and len(set(self.multiples)) == len(self.multiples),
            "experiment.multiples",
            "a list of distinct multiples",
            self.multiples,
        )


@dataclasses.dataclass(frozen=True)
class Dose:
    """One run of the experiment: a lever at a multiple of its dose, and the overridden values."""

    lever: str
    multiple: float
    point: dict  # config key -> value, as the Evaluator sets them
    clipped: tuple[str, ...] = ()  # dose parameters held at their declared bound


def _scaled(value, multiple: float, low: float | None, high: float | None) -> tuple[object, bool]:
    """``value`` (a number, a year mapping or a by-year schedule) times ``multiple``, within [low, high]."""
    if isinstance(value, dict) and "by_year" in value:
        by_year, clipped = _scaled(value["by_year"], multiple, low, high)
        return {**value, "by_year": by_year}, clipped
    if isinstance(value, dict):
        pairs = {k: _scaled(v, multiple, low, high) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(c for _, c in pairs.values())
    raw = float(value) * multiple
    bounded = min(max(raw, low if low is not None else -np.inf), high if high is not None else np.inf)
    return (round(bounded) if isinstance(value, int) and not isinstance(value, bool) else bounded), bounded != raw


def doses(resolved: dict, multiples: list[float]) -> list[Dose]:
    """Every lever that acts on households at every multiple but 1 (the reference run)."""
    found = []
    for lever in steps.levers():
        if lever.apply is None or not lookup(resolved, f"policy.{lever.name}.enabled"):
            continue
        for multiple in multiples:
            if multiple == 1.0:
                continue
            if multiple == 0.0:
                found.append(Dose(lever.name, multiple, {f"policy.{lever.name}.enabled": False}))
                continue
            if not lever.dose:
                continue
            point, clipped = {}, []
            for name in lever.dose:
                key = f"policy.{lever.name}.{name}"
                rule = parameter(RunConfig, key).spec
                low, high = (rule.low, rule.high) if rule is not None else (None, None)
                point[key], was_clipped = _scaled(lookup(resolved, key), multiple, low, high)
                if was_clipped:
                    clipped.append(name)
            found.append(Dose(lever.name, multiple, point, tuple(clipped)))
    return found


def outcomes(table: pd.DataFrame, config: RunConfig, lever: str | None = None) -> dict[str, np.ndarray]:
    """Each outcome of one run, one value per replicate (``own_cost``: spending on ``lever``, if given)."""
    campaign = campaign_years(config)
    start, deadline, last = campaign[0], campaign[-1], config.region.end_year
    after = (deadline + 1, last) if last > deadline else (last + 1, last)
    return {
        "exits_campaign": total(table, "exits", start, deadline),
        "true_poor_deadline": values(table, "true_poor", deadline),
        "true_poor_last": values(table, "true_poor", last),
        "true_poor_person_years": total(table, "true_poor", start, last),
        "returns_after": total(table, "returns", *after) if after[0] <= last else np.zeros(0),
        "new_fallbacks_after": total(table, "new_fallbacks", *after) if after[0] <= last else np.zeros(0),
        "cost": total(table, "cost_total", start, last),
        "own_cost": total(table, f"cost_{lever}", start, last) if lever else np.zeros(0),
    }


def response(reference: dict[str, np.ndarray], changed: dict[str, np.ndarray], dose: Dose) -> list[dict]:
    """Rows of the table for one dose: each outcome's paired change with its interval."""
    rows = []
    base = {"lever": dose.lever, "multiple": dose.multiple, "clipped": " ".join(dose.clipped)}
    for name, _ in OUTCOMES:
        if changed[name].size == 0 or reference[name].size == 0:
            continue
        mean, low, high = t_interval(changed[name] - reference[name])
        rows.append({**base, "outcome": name, "change": mean, "low": low, "high": high})
    avoided = reference["true_poor_person_years"] - changed["true_poor_person_years"]
    extra = changed["cost"] - reference["cost"]
    if avoided.mean() > 0:
        ratio = float(extra.mean() / avoided.mean())
        note = ""
    else:
        ratio, note = np.nan, "no person-years avoided"
    rows.append(
        {
            **base,
            "outcome": "cost_per_person_year_avoided",
            "change": ratio,
            "low": np.nan,
            "high": np.nan,
            "note": note,
        }
    )
    return rows


def labels(config: RunConfig) -> dict[str, str]:
    """Outcome names as a planner reads them, with their periods."""
    campaign = campaign_years(config)
    last = config.region.end_year
    periods = {
        "campaign": f"{campaign[0]}-{campaign[-1]}",
        "deadline": str(campaign[-1]),
        "last": str(last),
        "run": f"{campaign[0]}-{last}",
        "after": f"{campaign[-1] + 1}-{last}",
    }
    found = {name: text.format(**periods) for name, text in OUTCOMES}
    found["cost_per_person_year_avoided"] = "yuan per person-year out of true poverty"
    return found


def analyse(settings: Settings, overrides: list[str]) -> tuple[pd.DataFrame, RunConfig]:
    """Run the reference and every dose; return the table of paired changes."""
    resolved = resolved_config(settings, overrides)
    config = config_at(resolved, {})
    planned = doses(resolved, settings.multiples)
    points = [{}] + [d.point for d in planned]
    bar = tqdm(total=len(points), desc="lever response", unit="run", leave=False)
    with Evaluator(resolved, workers_for(settings.workers)) as evaluator, bar:
        tables = evaluator.tables(points, done=bar.update)
    rows = []
    for dose, table in zip(planned, tables[1:], strict=True):
        rows.extend(response(outcomes(tables[0], config, dose.lever), outcomes(table, config, dose.lever), dose))
    reference = outcomes(tables[0], config)
    for name, values_ in reference.items():  # the reference's own levels, for scale
        if values_.size:
            mean, low, high = t_interval(values_)
            rows.append(
                {"lever": "reference", "multiple": 1.0, "outcome": name, "change": mean, "low": low, "high": high}
            )
    table = pd.DataFrame(rows, columns=["lever", "multiple", "clipped", "outcome", "change", "low", "high", "note"])
    return table.fillna({"clipped": "", "note": ""}), config


def _cell(row: pd.Series, yuan: bool = False) -> str:
    if not np.isfinite(row["change"]):
        return row["note"] or "-"
    scale, unit = (1e8, " 亿") if yuan else (1.0, "")
    text = f"{row['change'] / scale:+,.0f}{unit}" if not yuan else f"{row['change'] / scale:+,.1f}{unit}"
    if np.isfinite(row["low"]) and np.isfinite(row["high"]):
        low, high = row["low"] / scale, row["high"] / scale
        text += f" [{low:,.1f}, {high:,.1f}]" if yuan else f" [{low:,.0f}, {high:,.0f}]"
    return text


def report(table: pd.DataFrame, config: RunConfig, settings: Settings) -> str:
    """``lever_response.md``: one row per lever and multiple, the paired changes with intervals."""
    names = labels(config)
    shown = [name for name, _ in OUTCOMES if name in set(table["outcome"])] + ["cost_per_person_year_avoided"]
    lines = [
        "# Lever response",
        "",
        f"{config.region.name}, scenario {config.scenario_name}, population.scale={config.population.scale:g}, "
        f"{settings.replicates} replicates with common random numbers. Each lever at k times its dose (0 = "
        "switched off); each cell is the paired change against the configuration as it is (persons, or "
        "yuan in 亿 = 100 million), with its 95 % interval over replicates.",
        "",
        "| lever | k | " + " | ".join(names[n] for n in shown) + " |",
        "|---|---:|" + "---:|" * len(shown),
    ]
    changes = table[table["lever"] != "reference"]
    for (lever, multiple), rows in changes.groupby(["lever", "multiple"], sort=False):
        by_outcome = rows.set_index("outcome")
        cells = []
        for name in shown:
            if name not in by_outcome.index:
                cells.append("-")
            elif name == "cost_per_person_year_avoided":
                value = by_outcome.loc[name, "change"]
                cells.append(f"{value:,.0f}" if np.isfinite(value) else by_outcome.loc[name, "note"])
            else:
                cells.append(_cell(by_outcome.loc[name], yuan=name in ("cost", "own_cost")))
        clipped = rows["clipped"].iloc[0]
        mark = f" (clipped: {clipped})" if clipped else ""
        lines.append(f"| {lever}{mark} | {multiple:g} | " + " | ".join(cells) + " |")
    reference = table[table["lever"] == "reference"].set_index("outcome")
    levels = ", ".join(f"{names[n]} {reference.loc[n, 'change']:,.0f}" for n in reference.index)
    no_dose = [lv.name for lv in steps.levers() if lv.apply is not None and not lv.dose]
    lines += ["", f"Reference levels: {levels}."]
    if no_dose:
        lines.append(f"Levers that declare no dose (switched off only): {', '.join(no_dose)}.")
    return "\n".join(lines) + "\n"


def figure(table: pd.DataFrame, config: RunConfig):
    """One panel per outcome: each lever's paired change against its multiple of the dose."""
    import matplotlib.pyplot as plt

    names = labels(config)
    changes = table[(table["lever"] != "reference") & (table["outcome"] != "cost_per_person_year_avoided")]
    shown = list(dict.fromkeys(changes["outcome"]))
    fig, axes = plt.subplots(2, (len(shown) + 1) // 2, figsize=(4.2 * ((len(shown) + 1) // 2), 7.5))
    axes = np.atleast_1d(axes).ravel()
    colours = plt.get_cmap("tab20")
    for ax, outcome in zip(axes, shown, strict=False):
        rows = changes[changes["outcome"] == outcome]
        for i, (lever, line) in enumerate(rows.groupby("lever", sort=False)):
            line = pd.concat([line, pd.DataFrame([{"multiple": 1.0, "change": 0.0, "low": 0.0, "high": 0.0}])])
            line = line.sort_values("multiple")
            ax.plot(line["multiple"], line["change"], marker="o", markersize=3, color=colours(i % 20), label=lever)
            ax.fill_between(line["multiple"], line["low"], line["high"], color=colours(i % 20), alpha=0.12)
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_title(names[outcome], fontsize=9)
        ax.set_xlabel("multiple of the dose")
        ax.grid(alpha=0.3)
    for ax in axes[len(shown) :]:
        ax.axis("off")
    axes[0].legend(fontsize=6, ncol=2)
    fig.suptitle(f"Lever response, {config.region.name} (paired change against the configuration as it is)")
    fig.tight_layout()
    return fig


def execute(experiment: Settings, overrides: list[str], run_dir: Path) -> list[Path]:
    """Run every lever at every multiple and write the table, its report and the figure."""
    table, config = analyse(experiment, overrides)
    plot = run_dir / "lever_response.png"
    save_figure(figure(table, config), plot)
    return [
        write_text(run_dir / "lever_response.csv", table.to_csv(index=False, float_format="%.6g", lineterminator="\n")),
        write_text(run_dir / "lever_response.md", report(table, config, experiment)),
        plot,
    ]
