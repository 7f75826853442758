"""Experiments through the real command line: the validation report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from app.compose import ROOT


def test_validation_writes_its_report_and_manifest(tmp_path: Path):
    out = tmp_path / "validate"
    result = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "+experiment=validate", "population.scale=400",
         "experiment.replicates=1", f"hydra.run.dir={out}"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "validation.csv", "validation.md"]
    table = pd.read_csv(out / "validation.csv")
    assert list(table.columns) == ["name", "source", "expected", "simulated", "passed"]
    assert len(table) == 8 and table["passed"].dtype == bool and table["simulated"].notna().all()
    assert table["source"].str.startswith("seed ").all()  # every check names where it comes from
    passed = int(table["passed"].sum())
    assert f"{passed} of 8 checks passed" in (out / "validation.md").read_text(encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment"] == {"name": "validate", "replicates": 1}
    assert "+experiment=validate" in manifest["overrides"]
    # The experiment's runs take the user's overrides: the scale reached every run.
    assert manifest["config"]["population"]["scale"] == 400
