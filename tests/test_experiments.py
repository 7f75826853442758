"""Experiments through the real command line: validation, calibration and sensitivity."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from app.compose import ROOT
from tests import forked

#: Parameters of the default uncertainty file (calibration), counted from the file itself.
N_UNCERTAIN = len(yaml.safe_load((ROOT / "conf" / "uncertainty" / "default.yaml").read_text())["parameters"])
#: The sensitivity command's: the default file's and the levers' behavioural parameters.
N_SENSITIVITY = N_UNCERTAIN + len(
    yaml.safe_load((ROOT / "conf" / "uncertainty" / "levers.yaml").read_text())["parameters"]
)


def test_validation_writes_its_report_and_manifest(tmp_path: Path):
    out = tmp_path / "validate"
    result = forked.run(
        ["+experiment=validate", "population.scale=400", "experiment.replicates=1", f"hydra.run.dir={out}"]
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "validation.csv", "validation.md"]
    table = pd.read_csv(out / "validation.csv")
    assert list(table.columns) == ["name", "source", "expected", "simulated", "passed"]
    assert len(table) == 13 and table["passed"].dtype == bool and table["simulated"].notna().all()
    assert table["source"].str.startswith(("seed ", "REAL_OUTCOMES")).all()  # every check names its source
    passed = int(table["passed"].sum())
    assert f"{passed} of 13 checks passed" in (out / "validation.md").read_text(encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment"] == {"name": "validate", "replicates": 1}
    assert "+experiment=validate" in manifest["overrides"]
    # The experiment's runs take the user's overrides: the scale reached every run.
    assert manifest["config"]["population"]["scale"] == 400


def _experiment(out: Path, *args: str) -> subprocess.CompletedProcess:
    """``python3 run.py`` with an experiment, to its end (in a fork of this process: tests/forked.py)."""
    return forked.run([*args, "population.scale=400", f"hydra.run.dir={out}"], timeout=900)


#: One generation of one candidate a parameter, one replicate each: what the files and their independence of
#: the number of workers need, no more.
TINY_CALIBRATION = (
    "+experiment=calibrate_henan",
    "experiment.generations=1",
    "experiment.population_per_parameter=1",
    "experiment.replicates=1",
)


def test_calibration_writes_its_files_and_does_not_depend_on_the_number_of_workers(tmp_path: Path):
    one = _experiment(tmp_path / "one", *TINY_CALIBRATION, "experiment.workers=1")
    two = _experiment(tmp_path / "two", *TINY_CALIBRATION, "experiment.workers=2")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    expected = ["calibrated.yaml", "fit.csv", "fit.md", "fit.png", "manifest.json", "trace.csv"]
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == expected
    for name in ("calibrated.yaml", "fit.csv", "trace.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    fit = pd.read_csv(tmp_path / "one" / "fit.csv")
    assert {"target", "source", "low", "high", "simulated", "replicate_min", "replicate_max", "error", "passed"} <= set(
        fit.columns
    )
    assert fit["target"].str.startswith("exits 2018").any() and fit["target"].str.contains("ever monitored").any()
    # The calibrated file is a calibration option: a run takes it as it stands.
    calibrated = (tmp_path / "one" / "calibrated.yaml").read_text(encoding="utf-8")
    assert calibrated.startswith("# @package _global_") and "p_verify_exit:" in calibrated
    trace = pd.read_csv(tmp_path / "one" / "trace.csv")
    assert (
        list(trace["generation"]) == [1] and trace["evaluations"].iloc[0] == 1 + 2 * N_UNCERTAIN
    )  # start, then 2 a parameter


def test_sensitivity_writes_indices_for_every_outcome_and_parameter(tmp_path: Path):
    out = tmp_path / "sensitivity"
    result = _experiment(out, "+experiment=sensitivity", "experiment.samples=2", "experiment.workers=2")
    assert result.returncode == 0, result.stderr
    expected = ["manifest.json", "samples.csv", "sensitivity.csv", "sensitivity.md", "sensitivity.png"]
    assert sorted(p.name for p in out.iterdir()) == expected
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["outcome"]) == {
        "register_left_at_deadline", "campaign_returns_share", "fallbacks_after", "returns_after",
        "ever_monitored_share", "cost_total",
    }  # fmt: skip
    assert table.groupby("outcome")["parameter"].nunique().eq(N_SENSITIVITY).all()
    assert (table["value"] >= 0).all() and table["value"].notna().all()
    assert len(pd.read_csv(out / "samples.csv")) == 2 * (N_SENSITIVITY + 1)  # Morris: trajectories x (parameters + 1)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("experiment.uncertainty=nothing", "experiment.uncertainty: got 'nothing'; allowed: default, levers"),
        ("experiment.method=anova", "experiment.method"),
    ],
)
def test_bad_experiment_settings_are_one_line_errors(tmp_path: Path, override: str, message: str):
    out = tmp_path / "bad"
    result = _experiment(out, "+experiment=sensitivity", override)
    assert result.returncode == 2 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_lever_response_gives_every_lever_its_doses_paired_with_the_configuration(tmp_path: Path):
    out = tmp_path / "levers"
    result = _experiment(
        out, "+experiment=lever_response", "experiment.replicates=2", "experiment.multiples=[0,1,2]",
        "experiment.workers=2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = ["lever_response.csv", "lever_response.md", "lever_response.png", "manifest.json"]
    assert sorted(p.name for p in out.iterdir()) == expected
    table = pd.read_csv(out / "lever_response.csv", keep_default_na=False, na_values=[""])
    changes = table[table["lever"] != "reference"]
    from sim import steps

    acting = {lv.name for lv in steps.levers() if lv.apply is not None}
    assert set(changes["lever"]) == acting  # every lever that acts on households, switched off at least
    with_dose = {lv.name for lv in steps.levers() if lv.dose}
    doubled = set(changes[changes["multiple"] == 2]["lever"])
    assert doubled == with_dose & acting
    own = changes[changes["outcome"] == "own_cost"].set_index(["lever", "multiple"])["change"]
    for lever in acting:
        assert own[(lever, 0.0)] < 0, lever  # switching a lever off saves its own spending
    for lever in with_dose & acting:
        assert own[(lever, 2.0)] >= 0, lever  # a double dose never costs the lever less
    # Monitoring starts in 2021: switching it off changes nothing in the campaign years.
    exits = changes[changes["outcome"] == "exits_campaign"].set_index(["lever", "multiple"])
    assert exits.loc[("monitoring", 0.0), "change"] == 0 and exits.loc[("monitoring", 0.0), "low"] == 0
    # Shares clipped at their bound are named (industry's coverage of 0.8 cannot double).
    assert "coverage" in changes[(changes["lever"] == "industry") & (changes["multiple"] == 2)]["clipped"].iloc[0]
    text = (out / "lever_response.md").read_text(encoding="utf-8")
    assert "| public_posts | 0 |" in text and "health_insurance" in text


def test_an_uncertainty_file_includes_another_once_and_first():
    from omegaconf import OmegaConf

    from app.compose import compose_dict
    from app.experiments import uncertain

    resolved = OmegaConf.to_container(compose_dict(["population.scale=400"]), resolve=True)
    default = [p.key for p in uncertain.load("default", resolved)]
    levers = [p.key for p in uncertain.load("levers", resolved)]
    assert levers[: len(default)] == default and len(levers) == N_SENSITIVITY
    assert "policy.public_posts.wage_per_year" in levers
