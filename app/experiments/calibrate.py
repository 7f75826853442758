"""Calibration: fit the uncertain parameters to what the campaign planned and what happened.

``python3 run.py +experiment=calibrate_henan`` searches the ranges of ``conf/uncertainty/<name>.yaml``
for the values whose runs best meet the targets of :mod:`app.experiments.targets` (the region's
planned exits, village and county exits and composition; published returns, monitoring coverage and
elimination and the guarantee share).  The search is scipy's differential evolution: bounded,
derivative-free (a run's statistics are step functions of its parameters at any finite population),
seeded, and it scores a whole generation of candidates at once, which :class:`Evaluator` spreads over
the machine's cores.  Every candidate runs the same replicates with the same seed (common random
numbers), so the objective is repeatable and differences between candidates are not noise.

Outputs, in the experiment's folder: ``calibrated.yaml`` (the values, in the format of
``conf/calibration/``: copy it there to make it the default), ``fit.csv`` and ``fit.md`` (each
target, its band and source, the simulated mean, the replicates' range, the error and pass/fail),
``fit.png`` (simulated against target) and ``trace.csv`` (the best objective after each generation).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution
from tqdm import tqdm

from analysis.files import save_figure, write_text
from app.experiments import targets as fit_targets
from app.experiments.uncertain import (
    Evaluator,
    Uncertain,
    UncertaintyExperiment,
    config_at,
    load,
    lookup,
    parameters_text,
    points_from_units,
    resolved_config,
    rounded,
    workers_for,
)
from sim.schema import spec
from sim.text import Text

#: Files the experiment writes (recorded before writing, for a clean failure).
OUTPUTS = ("calibrated.yaml", "fit.csv", "fit.md", "fit.png", "trace.csv")


@dataclasses.dataclass
class Settings(UncertaintyExperiment):
    """Calibration settings (``conf/experiment/calibrate_*.yaml``)."""

    region: str = spec(
        doc=Text("region option the calibration fits (conf/region/)", "校准拟合的地区选项（conf/region/）")
    )
    start_from: str = spec(
        doc=Text(
            "calibration option the search starts from (conf/calibration/; prior = none)",
            "搜索起点的校准选项（conf/calibration/；prior 表示无）",
        )
    )
    generations: int = spec(
        0,
        1000,
        "generations",
        Text("generations of differential evolution after the initial population", "初始种群之后的差分进化代数"),
    )
    population_per_parameter: int = spec(
        1, 100, "candidates", Text("candidates per generation, per parameter", "每代每个参数的候选数")
    )
    search_seed: int = spec(
        0, 2**32 - 1, "seed", Text("seed of the search (not of the model)", "搜索的随机种子（不是模型的）")
    )
    targets: fit_targets.TargetSettings = spec(doc=Text("published ranges the fit aims at", "拟合所针对的公布范围"))


class _Search:
    """The objective over the unit cube, scored a generation at a time."""

    def __init__(self, evaluator: Evaluator, parameters: list[Uncertain], found, bar: tqdm) -> None:
        self.evaluator, self.parameters, self.found, self.bar = evaluator, parameters, found, bar
        self.trace: list[tuple[int, int, float]] = []
        self.evaluations = 0

    def objectives(self, units: np.ndarray) -> np.ndarray:
        """Objective of each column of ``units`` (scipy's vectorised call: one column per candidate)."""
        points = points_from_units(self.parameters, np.atleast_2d(units.T))
        tables = self.evaluator.tables(points, done=self.bar.update)
        self.evaluations += len(points)
        return np.array([fit_targets.objective(fit_targets.fit(t, self.found)) for t in tables])

    def generation_done(self, intermediate_result) -> None:
        """Record and show the best objective after each generation."""
        self.trace.append((len(self.trace) + 1, self.evaluations, float(intermediate_result.fun)))
        self.bar.set_postfix(objective=f"{intermediate_result.fun:.3f}")
        self.bar.write(f"generation {len(self.trace)}: best objective {intermediate_result.fun:.4f}")


@dataclasses.dataclass
class Calibration:
    """What a calibration found."""

    region: str
    parameters: list[Uncertain]
    best: dict[str, float]  # the calibrated values, rounded as calibrated.yaml writes them
    fits: list[fit_targets.Fit]  # at the calibrated values
    trace: list[tuple[int, int, float]]  # (generation, evaluations so far, best objective)
    start_objective: float  # at the values the configuration started from


def calibrate(settings: Settings, overrides: list[str]) -> Calibration:
    """Search the parameters' ranges for the values that best meet the targets."""
    chosen = [f"region={settings.region}", f"calibration={settings.start_from}"]
    resolved = resolved_config(settings, [*chosen, *overrides])
    parameters = load(settings.uncertainty, resolved)
    config = config_at(resolved, {})
    found = fit_targets.targets(config, settings.targets)
    start = np.array([p.unit(float(lookup(resolved, p.key))) for p in parameters])
    n = len(parameters)
    population = settings.population_per_parameter * n
    total = population * (settings.generations + 1) + 2
    with Evaluator(resolved, workers_for(settings.workers)) as evaluator:
        bar = tqdm(total=total, desc="calibrate", unit="run", leave=False)
        search = _Search(evaluator, parameters, found, bar)
        start_objective = float(search.objectives(start[:, None])[0])
        result = differential_evolution(
            search.objectives,
            bounds=[(0.0, 1.0)] * n,
            x0=start,
            popsize=settings.population_per_parameter,
            maxiter=settings.generations,
            seed=settings.search_seed,
            polish=False,
            init="sobol" if population & (population - 1) == 0 else "latinhypercube",
            updating="deferred",
            vectorized=True,
            integrality=[p.integer for p in parameters],
            callback=search.generation_done,
            tol=0.0,
        )
        best_units = result.x if result.fun <= start_objective else start
        best = rounded(parameters, points_from_units(parameters, [best_units])[0])
        table = evaluator.tables([best], done=bar.update)[0]
        bar.close()
    fits = fit_targets.fit(table, found)
    return Calibration(config.region.name, parameters, best, fits, search.trace, start_objective)


def fit_texts(fits: list, objective: float, start_objective: float) -> tuple[str, str]:
    """``fit.csv`` and ``fit.md``."""
    frame = pd.DataFrame([dataclasses.asdict(f) for f in fits])
    csv = frame.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    passed = sum(f.passed for f in fits)
    lines = [
        "# Calibration fit",
        "",
        f"{passed} of {len(fits)} targets met; objective {objective:.4f}"
        f" (at the starting values: {start_objective:.4f}).",
        "Each band comes from the region file or a published figure (source column); the simulated value",
        "is the mean over common-random-number replicates, with their range. A miss is reported, not hidden.",
        "",
        "| target | band | simulated | replicates | error (half-widths) | result | source |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for f in fits:
        band = f"[{_number(f.low)}, {_number(f.high)}]"
        spread = f"{_number(f.replicate_min)} .. {_number(f.replicate_max)}"
        lines.append(
            f"| {f.target} | {band} | {_number(f.simulated)} | {spread} | {f.error:.2f} | "
            f"{'met' if f.passed else 'MISSED'} | {f.source} |"
        )
    return csv, "\n".join(lines) + "\n"


def _number(value: float) -> str:
    if not math.isfinite(value):
        return "-inf" if value < 0 else "inf"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"


def fit_figure(fits: list):
    """Simulated against target: each target's band as a bar, the simulated mean and range as a point."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 0.32 * len(fits) + 1.2))
    for row, f in enumerate(fits):
        low, high, scale = f.low, f.high, max(abs(f.low), abs(f.high)) if math.isfinite(f.high - f.low) else 0
        scale = scale if scale > 0 else max(abs(f.simulated), 1e-9)
        lo = low / scale if math.isfinite(low) else min(f.replicate_min / scale, 0.0) - 0.2
        hi = high / scale if math.isfinite(high) else max(f.replicate_max / scale, 0.0) + 0.2
        ax.barh(row, hi - lo, left=lo, height=0.6, color="#c6dbef")
        colour = "#2171b5" if f.passed else "#cb181d"
        ax.errorbar(
            f.simulated / scale,
            row,
            xerr=[[(f.simulated - f.replicate_min) / scale], [(f.replicate_max - f.simulated) / scale]],
            fmt="o",
            color=colour,
            ms=4,
        )
    ax.set_yticks(range(len(fits)), [f.target for f in fits], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("value / largest bound of the band (band shaded; red = missed)")
    ax.set_title("Calibration: simulated (mean, replicate range) against target bands")
    fig.tight_layout()
    return fig


def execute(experiment: Settings, overrides: list[str], run_dir: Path) -> list[Path]:
    """Calibrate and write the calibrated file, the fit table and plot and the trace."""
    found = calibrate(experiment, overrides)
    objective = fit_targets.objective(found.fits)
    met = sum(f.passed for f in found.fits)
    note = (
        f"Calibrated to {found.region} by `python3 run.py +experiment={experiment.name}_{found.region}`: objective"
        f" {objective:.4f}\n({met} of {len(found.fits)} targets met; see fit.md in the experiment's folder)."
        f" Ranges and sources: conf/uncertainty/{experiment.uncertainty}.yaml."
    )
    csv, markdown = fit_texts(found.fits, objective, found.start_objective)
    trace_csv = pd.DataFrame(found.trace, columns=["generation", "evaluations", "best_objective"]).to_csv(
        index=False, float_format="%.6g", lineterminator="\n"
    )
    figure = run_dir / "fit.png"
    save_figure(fit_figure(found.fits), figure)
    return [
        write_text(run_dir / "calibrated.yaml", parameters_text(found.parameters, found.best, note)),
        write_text(run_dir / "fit.csv", csv),
        write_text(run_dir / "fit.md", markdown),
        figure,
        write_text(run_dir / "trace.csv", trace_csv),
    ]
