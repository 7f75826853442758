"""Compare scenarios across finished runs: ``.venv/bin/python -m analysis.compare DIR [DIR ...]``.

Each DIR is a run directory or a folder holding run directories (a Hydra multirun sweep).
Every ``results.csv`` found is read; the comparison goes to ``--out`` (default: the first
DIR): ``compare_exit_curve.png``, ``compare_return_curve.png`` and ``compare_summary.csv``
(per region, label and year: mean and 95% interval over replicates of the main metrics).
Runs sharing a region and label must share a configuration, or the command refuses them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis import plots
from analysis.files import MANIFEST, is_finished, save_figure, warn_unfinished, write_text
from sim.metrics import summary_names


class CollisionError(ValueError):
    """Two runs share a region and label but not a configuration (one-line message naming both)."""


def find_runs(paths: list[Path]) -> list[Path]:
    """Every *finished* run directory under the given run or sweep directories, sorted.

    A run is finished when its ``manifest.json`` (written last) exists; the others are skipped
    with a warning line naming each.
    """
    found, unfinished = [], []
    for path in paths:
        if not path.is_dir():
            raise FileNotFoundError(f"{path}: no such directory")
        run_dirs = sorted(
            {p.parent for p in path.rglob("results.csv")} | {p.parent for p in path.rglob(".results.csv.tmp")}
        )
        for run_dir in run_dirs:
            (found if is_finished(run_dir) else unfinished).append(run_dir)
    warn_unfinished(unfinished)
    if not found:
        raise FileNotFoundError(f"no finished run (results.csv with manifest.json) under {', '.join(map(str, paths))}")
    return found


def find_results(paths: list[Path]) -> list[Path]:
    """``results.csv`` of every finished run under the given directories (see :func:`find_runs`)."""
    return [run_dir / "results.csv" for run_dir in find_runs(paths)]


def _identity(run_dir: Path) -> tuple[str, str, str]:
    """(region, label, configuration hash) of a finished run, from its manifest.

    The hash covers the year range, so one label never joins two ranges.
    """
    manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    label = manifest.get("label") or manifest.get("scenario", "?")
    key = manifest.get("config_hash") or json.dumps(manifest["config"], sort_keys=True)
    return manifest["config"]["region"]["name"], label, key


def load(paths: list[Path]) -> pd.DataFrame:
    """Every finished run's results, one run per (region, label).

    Runs of the same region and label with the same configuration hash are the same run (their
    replicates are merged, each once); with different configurations they are refused
    (:class:`CollisionError`), so a comparison never silently keeps one of them.  Regions and
    year ranges stay apart because every row carries its region and label.
    """
    seen: dict[tuple[str, str], tuple[str, Path]] = {}
    tables = []
    for run_dir in find_runs(paths):
        region, label, key = _identity(run_dir)
        first = seen.setdefault((region, label), (key, run_dir))
        if first[0] != key:
            raise CollisionError(
                f"label {label!r} ({region}) names two different configurations: {first[1]} and {run_dir}; "
                "allowed: one configuration per label (name runs apart with label=...)"
            )
        table = pd.read_csv(run_dir / "results.csv")
        if "label" not in table.columns:  # results written before runs were labelled
            table.insert(0, "region", region)
            table.insert(2, "label", label)
        tables.append(table)
    table = pd.concat(tables, ignore_index=True)
    return table.drop_duplicates(subset=["region", "label", "replicate", "year", "metric"], keep="first")


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean and normal-approximation 95% interval over replicates, per run, year and metric."""
    chosen = table[table["metric"].isin(summary_names())]
    grouped = chosen.groupby(["region", "label", "year", "metric"], sort=True)["value"]
    out = grouped.agg(["mean", "std", "count"]).reset_index()
    half = 1.96 * out["std"].fillna(0.0) / out["count"].pow(0.5)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out.drop(columns=["std"])


def write_comparison(table: pd.DataFrame, summary_table: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write cross-scenario exit and return curves and the summary table."""
    paths = [out_dir / "compare_exit_curve.png", out_dir / "compare_return_curve.png"]
    for path, draw in zip(paths, (plots.exit_curve, plots.return_curve), strict=True):
        fig, ax = plt.subplots(figsize=(7, 4.5))
        draw(table, ax)
        save_figure(fig, path)
    summary_text = summary_table.to_csv(index=False, float_format="%.6f", lineterminator="\n")
    return [*paths, write_text(out_dir / "compare_summary.csv", summary_text)]


def main(argv: list[str] | None = None) -> int:
    """Write comparison plots and a summary table; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="+", type=Path, help="run or sweep directories")
    parser.add_argument("--out", type=Path, help="where to write (default: the first directory)")
    args = parser.parse_args(argv)
    try:
        table = load(args.dirs)
    except (FileNotFoundError, CollisionError, pd.errors.ParserError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    out = args.out or args.dirs[0]
    out.mkdir(parents=True, exist_ok=True)
    write_comparison(table, summary(table), out)
    scenarios = ", ".join(dict.fromkeys(table["label"]))
    print(f"compared {scenarios}: {out / 'compare_exit_curve.png'}, compare_return_curve.png, compare_summary.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
