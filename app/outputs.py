"""Write a run's outputs atomically: results.csv, manifest.json, plots, optional panel.

Every file is written to a temporary name in the run directory and renamed into place, so an
interrupted run never leaves a truncated result; the run directory itself is removed by
``run.py`` if the run fails.  Results carry no timestamps: time, host, versions, git SHA and
seeds go to the manifest.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from analysis import plots
from app.runner import RunResult
from sim.config import RunConfig
from sim.rng import STREAMS
from sim.schema import to_plain

FLOAT_FORMAT = "%.6f"
PACKAGES = (
    "numpy",
    "numba",
    "llvmlite",
    "scipy",
    "pandas",
    "matplotlib",
    "mesa",
    "hydra-core",
    "omegaconf",
    "networkx",
)
ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def atomic_path(path: Path):
    """Yield a temporary path next to ``path``; rename it into place on success."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def results_csv_text(table: pd.DataFrame) -> str:
    """The results table as deterministic CSV text (sorted, fixed float format, no index)."""
    return table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def write_results(table: pd.DataFrame, out_dir: Path) -> Path:
    """Write ``results.csv``."""
    path = out_dir / "results.csv"
    with atomic_path(path) as tmp:
        tmp.write_text(results_csv_text(table), encoding="utf-8")
    return path


def git_sha() -> str:
    """Commit of the working tree (suffixed ``-dirty`` with uncommitted changes), or ``unknown``."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape results."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def manifest(config: RunConfig, result: RunResult, write_s: float, overrides: list[str]) -> dict:
    """Everything needed to re-create and audit the run."""
    return {
        "scenario": config.scenario_name,
        "command": [Path(sys.argv[0]).name, *overrides],
        "overrides": overrides,
        "seeds": {
            "seed": config.seed,
            "replicates": config.replicates,
            "streams": list(STREAMS),
            "rule": "numpy SeedSequence(seed, spawn_key=(replicate, stream_index)) -> PCG64",
        },
        "n_households": result.n_households,
        "setup_s": round(result.setup_s, 3),
        "simulate_s": round(result.simulate_s, 3),
        "write_s": round(write_s, 3),
        "git_sha": git_sha(),
        "packages": package_versions(),
        "platform": platform.platform(),
        "config": to_plain(config),
    }


def write_manifest(data: dict, out_dir: Path) -> Path:
    """Write ``manifest.json``."""
    path = out_dir / "manifest.json"
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    return path


def save_figure(fig, path: Path) -> None:
    """Save a PNG without metadata that changes between runs."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)


def write_plots(table: pd.DataFrame, out_dir: Path, plan: dict[str, float] | None = None) -> list[Path]:
    """Write ``exit_curve.png`` (with the region's planned exits, if any) and ``return_curve.png``."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    plots.exit_curve(table, ax, plan)
    save_figure(fig, out_dir / "exit_curve.png")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    plots.return_curve(table, ax)
    save_figure(fig, out_dir / "return_curve.png")
    return [out_dir / "exit_curve.png", out_dir / "return_curve.png"]


def write_panel(panels: list[pd.DataFrame], out_dir: Path) -> Path:
    """Write the household-year panel as gzip CSV."""
    path = out_dir / "panel.csv.gz"
    with atomic_path(path) as tmp:
        pd.concat(panels, ignore_index=True).to_csv(
            tmp, index=False, float_format=FLOAT_FORMAT, compression={"method": "gzip", "mtime": 0}
        )
    return path


def write_comparison(table: pd.DataFrame, summary_table: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write cross-scenario exit and return curves and the summary table."""
    paths = [out_dir / "compare_exit_curve.png", out_dir / "compare_return_curve.png"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    plots.exit_curve(table, ax)
    save_figure(fig, paths[0])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    plots.return_curve(table, ax)
    save_figure(fig, paths[1])
    path = out_dir / "compare_summary.csv"
    with atomic_path(path) as tmp:
        tmp.write_text(summary_table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    return [*paths, path]
