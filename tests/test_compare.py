"""Cross-scenario comparison of finished runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import compare
from app.outputs import manifest, write_manifest, write_results
from app.runner import run
from tests.helpers import small_config


def finished_run(run_dir: Path, *overrides: str) -> Path:
    """Write a finished run (results, then its manifest) of the small configuration with ``overrides``."""
    run_dir.mkdir(parents=True)
    config = small_config(*overrides)
    result = run(config)
    write_results(result.table, run_dir)
    write_manifest(manifest(config, result, 0.0, list(overrides)), run_dir)
    return run_dir


def test_compare_reads_sweep_directories_and_writes_plots(tmp_path: Path):
    for scenario in ("baseline", "withdraw_2021"):
        finished_run(tmp_path / "sweep" / scenario, f"scenario={scenario}", "replicates=2")
    assert compare.main([str(tmp_path / "sweep")]) == 0
    for name in ("compare_exit_curve.png", "compare_return_curve.png", "compare_summary.csv"):
        assert (tmp_path / "sweep" / name).stat().st_size > 0
    summary = pd.read_csv(tmp_path / "sweep" / "compare_summary.csv")
    assert set(summary["label"]) == {"baseline+population.scale=400", "withdraw_2021+population.scale=400"}
    assert (summary["low"] <= summary["mean"]).all() and (summary["mean"] <= summary["high"]).all()
    assert (summary["count"] == 2).all()


def test_compare_reports_a_missing_directory(tmp_path: Path, capsys):
    assert compare.main([str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_compare_refuses_one_label_for_two_configurations(tmp_path: Path, capsys):
    first = finished_run(tmp_path / "a", "label=mine", "policy.dibao.grace_years=1")
    second = finished_run(tmp_path / "b", "label=mine", "policy.dibao.grace_years=2")
    assert compare.main([str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: label 'mine' (henan) names two different configurations")
    assert str(first) in err and str(second) in err
    assert not (tmp_path / "compare_summary.csv").exists()


def test_compare_merges_reruns_of_one_configuration_and_keeps_regions_apart(tmp_path: Path):
    finished_run(tmp_path / "one", "replicates=2")
    finished_run(tmp_path / "again", "replicates=2")  # the same configuration: the same run, not a collision
    finished_run(tmp_path / "luoyang", "region=luoyang", "region.end_year=2023")
    table = compare.load([tmp_path])
    counts = table.groupby(["region", "label", "year", "metric"]).size()
    assert set(counts) == {2, 1}  # henan's two replicates once each; luoyang's one
    years = table.groupby("region")["year"].agg(["min", "max"])
    # Luoyang starts in 2015: its initial stock is 2014's.
    assert tuple(years.loc["henan"]) == (2017, 2025) and tuple(years.loc["luoyang"]) == (2014, 2023)
    summary = compare.summary(table)
    assert set(zip(summary["region"], summary["label"], strict=True)) == {
        ("henan", "baseline+population.scale=400"),
        ("luoyang", "baseline+population.scale=400+region.end_year=2023"),
    }
