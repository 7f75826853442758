"""Cross-scenario comparison of finished runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import compare
from app.outputs import manifest, write_manifest, write_results
from app.runner import run
from tests.helpers import small_config


def test_compare_reads_sweep_directories_and_writes_plots(tmp_path: Path):
    for i, scenario in enumerate(("baseline", "withdraw_2021")):
        run_dir = tmp_path / "sweep" / str(i)
        run_dir.mkdir(parents=True)
        config = small_config(f"scenario={scenario}", "replicates=2")
        result = run(config)
        write_results(result.table, run_dir)
        write_manifest(manifest(config, result, 0.0, [f"scenario={scenario}"]), run_dir)  # a finished run
    assert compare.main([str(tmp_path / "sweep")]) == 0
    for name in ("compare_exit_curve.png", "compare_return_curve.png", "compare_summary.csv"):
        assert (tmp_path / "sweep" / name).stat().st_size > 0
    summary = pd.read_csv(tmp_path / "sweep" / "compare_summary.csv")
    assert set(summary["scenario"]) == {"baseline", "withdraw_2021"}
    assert (summary["low"] <= summary["mean"]).all() and (summary["mean"] <= summary["high"]).all()
    assert (summary["count"] == 2).all()


def test_compare_reports_a_missing_directory(tmp_path: Path, capsys):
    assert compare.main([str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
