"""Inputs that used to be trusted: the Python interface's arguments and a region file's name."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from app import api
from app.compose import CONF_DIR, ROOT, UsageError
from tests import forked

SMALL = ["population.scale=400"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: api.sweep(scenarios=[]), "scenarios: got []"),
        (lambda: api.sweep(scenarios="baseline"), "scenarios: got 'baseline'"),
        (lambda: api.sweep(scenarios=["baseline", "baseline"]), "scenarios: got ['baseline', 'baseline']"),
        (lambda: api.sweep(override_sets=[[], []]), "override_sets: the job 'baseline' is asked for twice"),
        (lambda: api.sweep(override_sets="x=1"), "override_sets: got 'x=1'"),
        (lambda: api.sweep(n_jobs=0), "n_jobs: got 0"),
        (lambda: api.simulate(overrides=None), "overrides: got None"),
        (lambda: api.simulate(overrides=[1, 2]), "overrides: got [1, 2]"),
        (lambda: api.simulate(overrides="seed=1"), "overrides: got 'seed=1'"),
        (lambda: api.simulate(overrides=["hydra.run.dir=/tmp/x"]), "overrides: got 'hydra.run.dir=/tmp/x'"),
        (lambda: api.simulate(replicates="3"), "replicates: got '3'"),
        (lambda: api.simulate(region=5), "region: got 5"),
    ],
)
def test_the_python_interface_names_the_argument_it_refuses(call, message):
    with pytest.raises(UsageError) as caught:
        call()
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_a_store_folder_that_is_a_file_is_refused_by_name(tmp_path: Path):
    blocker = tmp_path / "store"
    blocker.write_text("not a folder")
    with pytest.raises(UsageError, match=r"^store\.dir: got .*store; it is a file"):
        api.simulate(overrides=[*SMALL, f"store.dir={blocker}"])


def test_the_default_store_is_the_projects_whatever_the_working_directory(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("POVERTY_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Path(api.configure(overrides=SMALL).store.dir) == ROOT / "store"
    # A store named explicitly is taken as given.
    assert api.configure(overrides=[*SMALL, "store.dir=mine"]).store.dir == "mine"


@pytest.fixture
def region_file():
    name = f"test_region_{uuid.uuid4().hex[:8]}"
    path = CONF_DIR / "region" / f"{name}.yaml"
    yield name, path
    path.unlink(missing_ok=True)


@pytest.mark.parametrize("written", ["henan", "../../../../tmp/escaped", "''"])
def test_a_region_whose_name_is_not_its_file_name_is_refused(region_file, written, tmp_path):
    name, path = region_file
    text = (CONF_DIR / "region" / "luoyang.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("name: luoyang", f"name: {written}", 1), encoding="utf-8")
    out = tmp_path / "run"
    result = forked.run([f"region={name}", f"hydra.run.dir={out}"])
    assert result.returncode == 2 and not out.exists()
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: region.name: got ") and f"allowed: '{name}'" in line
