"""Compare scenarios across finished runs: ``.venv/bin/python -m analysis.compare DIR [DIR ...]``.

Each DIR is a run directory or a folder holding run directories (a Hydra multirun sweep).
Every ``results.csv`` found is read; the comparison goes to ``--out`` (default: the first
DIR): ``compare_exit_curve.png``, ``compare_return_curve.png`` and ``compare_summary.csv``
(per scenario and year: mean and 95% interval over replicates of the main metrics).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis import plots
from analysis.files import is_finished, save_figure, warn_unfinished, write_text
from sim.metrics import summary_names


def find_results(paths: list[Path]) -> list[Path]:
    """``results.csv`` of every *finished* run in the given run or sweep directories, sorted.

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
    return [run_dir / "results.csv" for run_dir in found]


def load(paths: list[Path]) -> pd.DataFrame:
    """Concatenate result tables; a scenario run more than once keeps its first run only."""
    tables = [pd.read_csv(p) for p in find_results(paths)]
    table = pd.concat(tables, ignore_index=True)
    return table.drop_duplicates(subset=["scenario", "replicate", "year", "metric"], keep="first")


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean and normal-approximation 95% interval over replicates, per scenario, year, metric."""
    chosen = table[table["metric"].isin(summary_names())]
    grouped = chosen.groupby(["scenario", "year", "metric"], sort=True)["value"]
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
    except (FileNotFoundError, pd.errors.ParserError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    out = args.out or args.dirs[0]
    out.mkdir(parents=True, exist_ok=True)
    write_comparison(table, summary(table), out)
    scenarios = ", ".join(dict.fromkeys(table["scenario"]))
    print(f"compared {scenarios}: {out / 'compare_exit_curve.png'}, compare_return_curve.png, compare_summary.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
