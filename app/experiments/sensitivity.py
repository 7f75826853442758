"""Global sensitivity: which uncertain parameters move the outcomes planners read.

``python3 run.py +experiment=sensitivity`` varies every parameter of ``conf/uncertainty/<name>.yaml``
over its range with SALib (Morris elementary effects by default, or Sobol indices) while the levers
stay as the configuration sets them, and measures the outcomes:

- ``register_left_at_deadline``: share of the initial register still registered at the deadline;
- ``campaign_returns_share``: registered returns / exits over the campaign years;
- ``fallbacks_after``: mean persons truly poor again among the exited, yearly, after the deadline;
- ``returns_after``: registered returns after the deadline, persons;
- ``ever_monitored_share``: persons ever monitored by the last year / all exited persons at the deadline
  (earlier cohorts included, as published shares count them);
- ``cost_total``: yuan spent on every lever over the whole run.

All samples run with the configuration's seed (common random numbers), so an index measures the
parameter's effect, not noise.  Outputs: ``sensitivity.csv`` (one row per outcome and parameter
with the indices and their confidence), ``samples.csv`` (each sample's values and outcomes),
``sensitivity.md`` and ``sensitivity.png``.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from analysis.files import save_figure, write_text
from app.experiments.targets import campaign_years, total, values
from app.experiments.uncertain import (
    Evaluator,
    Uncertain,
    UncertaintyExperiment,
    config_at,
    load,
    points_from_units,
    resolved_config,
    workers_for,
)
from sim.config import RunConfig
from sim.schema import spec
from sim.text import Text

#: Files the experiment writes (recorded before writing, for a clean failure).
OUTPUTS = ("sensitivity.csv", "samples.csv", "sensitivity.md", "sensitivity.png")


class Method(enum.Enum):
    """SALib's method: Morris elementary effects (screening) or Sobol variance indices."""

    MORRIS = "morris"
    SOBOL = "sobol"


@dataclasses.dataclass
class Settings(UncertaintyExperiment):
    """Sensitivity settings (``conf/experiment/sensitivity.yaml``)."""

    method: Method = spec(doc=Text("morris or sobol", "morris 或 sobol"))
    samples: int = spec(
        2,
        100000,
        "samples",
        Text(
            "Morris trajectories, or Sobol's base sample size (a power of 2)",
            "Morris 轨迹数，或 Sobol 基础样本量（2 的幂）",
        ),
    )
    levels: int = spec(2, 100, "levels", Text("grid levels of a Morris trajectory", "Morris 轨迹的网格层数"))
    sample_seed: int = spec(
        0, 2**32 - 1, "seed", Text("seed of the sampling design (not of the model)", "抽样设计的随机种子（不是模型的）")
    )


def outcomes(table: pd.DataFrame, config: RunConfig) -> dict[str, float]:
    """The outcomes of one run (means over its replicates)."""
    campaign = campaign_years(config)
    start, deadline, end = campaign[0], campaign[-1], config.region.end_year
    stock = config.region.registered_poor_persons
    exits = total(table, "exits", start, deadline)
    found = {
        "register_left_at_deadline": values(table, "cohort_registered", deadline) / stock,
        "campaign_returns_share": total(table, "returns", start, deadline) / np.maximum(exits, 1.0),
    }
    if end > deadline:
        found["fallbacks_after"] = total(table, "fallbacks", deadline + 1, end) / (end - deadline)
        found["returns_after"] = total(table, "returns", deadline + 1, end)
        exited = values(table, "exited_persons", deadline)
        found["ever_monitored_share"] = values(table, "ever_monitored", end) / np.maximum(exited, 1.0)
    found["cost_total"] = total(table, "cost_total", start, end)
    return {name: float(np.mean(v)) for name, v in found.items()}


def _problem(parameters: list[Uncertain]) -> dict:
    return {
        "num_vars": len(parameters),
        "names": [p.key for p in parameters],
        "bounds": [[0.0, 1.0]] * len(parameters),
    }


def design(settings: Settings, parameters: list[Uncertain]) -> np.ndarray:
    """Sample points in the unit cube (rows), as SALib lays them out for the method."""
    problem = _problem(parameters)
    if settings.method is Method.MORRIS:
        from SALib.sample import morris as sampler

        return sampler.sample(problem, settings.samples, num_levels=settings.levels, seed=settings.sample_seed)
    from SALib.sample import sobol as sampler

    return sampler.sample(problem, settings.samples, calc_second_order=False, seed=settings.sample_seed)


def indices(settings: Settings, parameters: list[Uncertain], units: np.ndarray, results: pd.DataFrame) -> pd.DataFrame:
    """Sensitivity indices of each outcome to each parameter."""
    problem = _problem(parameters)
    rows = []
    for outcome in results.columns:
        y = results[outcome].to_numpy(dtype=float)
        if settings.method is Method.MORRIS:
            from SALib.analyze import morris as analyser

            found = analyser.analyze(problem, units, y, num_levels=settings.levels, seed=settings.sample_seed)
            for i, p in enumerate(parameters):
                rows.append(
                    (outcome, p.key, "mu_star", found["mu_star"][i], found["mu_star_conf"][i], found["sigma"][i])
                )
        else:
            from SALib.analyze import sobol as analyser

            found = analyser.analyze(problem, y, calc_second_order=False, seed=settings.sample_seed)
            for i, p in enumerate(parameters):
                rows.append((outcome, p.key, "S1", found["S1"][i], found["S1_conf"][i], math.nan))
                rows.append((outcome, p.key, "ST", found["ST"][i], found["ST_conf"][i], math.nan))
    return pd.DataFrame(rows, columns=["outcome", "parameter", "index", "value", "confidence", "sigma"])


def analyse(settings: Settings, overrides: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the design; return the indices and the samples (parameter values and outcomes)."""
    resolved = resolved_config(settings, overrides)
    parameters = load(settings.uncertainty, resolved)
    units = design(settings, parameters)
    points = points_from_units(parameters, units)
    bar = tqdm(total=len(points), desc="sensitivity", unit="run", leave=False)
    with Evaluator(resolved, workers_for(settings.workers)) as evaluator, bar:
        tables = evaluator.tables(points, done=bar.update)
    config = config_at(resolved, {})
    results = pd.DataFrame([outcomes(t, config) for t in tables])
    samples = pd.concat([pd.DataFrame(points), results], axis=1)
    return indices(settings, parameters, units, results), samples


def report(settings: Settings, table: pd.DataFrame) -> str:
    """``sensitivity.md``: for each outcome, the parameters ranked by their main index."""
    morris = settings.method is Method.MORRIS
    main = "mu_star" if morris else "ST"
    design_size = f"{settings.samples} {'trajectories' if morris else 'base samples'}"
    meaning = "mu* (mean absolute elementary effect over the whole range)" if morris else "total Sobol"
    lines = [
        "# Sensitivity",
        "",
        f"Method: {settings.method.value} ({design_size}); parameters varied over the ranges of",
        f"conf/uncertainty/{settings.uncertainty}.yaml, levers as configured, common random numbers.",
        f"Index: {meaning} with its 95 % confidence half-width; the largest index of each outcome is listed first.",
        "",
    ]
    for outcome, rows in table[table["index"] == main].groupby("outcome", sort=False):
        lines += [f"## {outcome}", "", "| parameter | index | confidence |", "|---|---:|---:|"]
        for _, r in rows.sort_values("value", ascending=False).iterrows():
            lines.append(f"| {r['parameter']} | {r['value']:.4g} | {r['confidence']:.2g} |")
        lines.append("")
    return "\n".join(lines)


def figure(settings: Settings, table: pd.DataFrame):
    """One panel per outcome: each parameter's main index, scaled to the outcome's largest."""
    import matplotlib.pyplot as plt

    main = "mu_star" if settings.method is Method.MORRIS else "ST"
    chosen = table[table["index"] == main]
    outcomes_ = list(dict.fromkeys(chosen["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes_), figsize=(3.0 * len(outcomes_), 3.6), sharey=True)
    for ax, outcome in zip(np.atleast_1d(axes), outcomes_, strict=True):
        rows = chosen[chosen["outcome"] == outcome]
        largest = max(float(rows["value"].max()), 1e-300)
        ax.barh(range(len(rows)), rows["value"] / largest, xerr=rows["confidence"] / largest, color="#6baed6")
        ax.set_title(outcome, fontsize=8)
        ax.set_xlim(0, 1.3)
    np.atleast_1d(axes)[0].set_yticks(range(len(rows)), [k.split(".")[-1] for k in rows["parameter"]], fontsize=7)
    fig.suptitle(f"Sensitivity ({main}, relative to each outcome's largest)")
    fig.tight_layout()
    return fig


def execute(experiment: Settings, overrides: list[str], run_dir: Path) -> list[Path]:
    """Run the design and write the indices, samples, report and plot."""
    table, samples = analyse(experiment, overrides)
    plot = run_dir / "sensitivity.png"
    save_figure(figure(experiment, table), plot)
    return [
        write_text(run_dir / "sensitivity.csv", table.to_csv(index=False, float_format="%.6g", lineterminator="\n")),
        write_text(run_dir / "samples.csv", samples.to_csv(index=False, float_format="%.6g", lineterminator="\n")),
        write_text(run_dir / "sensitivity.md", report(experiment, table)),
        plot,
    ]
