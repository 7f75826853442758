"""Sweeps at scale: run identity, the result store, resuming after kill -9, launchers, the Python API."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.compose import ROOT, UsageError, group_options
from app.identity import canonical_override, config_hash, folder_name, run_label
from app.store import ResultStore
from tests import forked
from tests.helpers import small_config

FAST = ["population.scale=400", "output.print_table=false", "output.plots=false"]


def run_cli(*args: str, cwd: Path, env: dict | None = None, pause: str | None = None):
    """``python3 run.py ARGS`` running: an interpreter of its own for joblib's or Ray's launcher, else a fork.

    The launchers' workers are interpreters of their own; the driver that starts them is one too.
    """
    environment = {**os.environ, **(env or {})}
    environment.pop("POVERTY_RUN_PAUSE_AT", None)
    if pause:
        environment["POVERTY_RUN_PAUSE_AT"] = pause
    if not any(arg.startswith("hydra/launcher=") for arg in args):
        return forked.start(list(args), cwd, environment)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process) -> subprocess.CompletedProcess:
    out, err = process.communicate(timeout=900)
    assert process.returncode == 0, err[-3000:]
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def job_tables(sweep: Path) -> dict[str, bytes]:
    """results.csv bytes of every finished job folder of a sweep, by folder path under the sweep."""
    return {
        str(p.parent.relative_to(sweep)): p.read_bytes()
        for p in sorted(sweep.rglob("results.csv"))
        if (p.parent / "manifest.json").is_file()
    }


def stored_files(store: Path) -> list[str]:
    return sorted(str(p.relative_to(store)) for p in store.rglob("*") if p.is_file())


# --- run identity ---------------------------------------------------------------------------


def test_labels_are_canonical_and_stable():
    assert run_label("baseline", ["policy.dibao.grace_years=2"]) == "baseline+dibao.grace_years=2"
    one = run_label("baseline", ["population.scale=400", "+policy.dibao.grace_years = 2", "replicates=5"])
    two = run_label("baseline", ["replicates=9", "policy.dibao.grace_years=2", "population.scale=400"])
    assert one == two == "baseline+dibao.grace_years=2+population.scale=400"
    assert run_label("baseline", ["policy/monitoring=none", "scenario=baseline", "region=luoyang"]) == (
        "baseline+monitoring=none"
    )
    assert canonical_override("++region.poverty_line.by_year={2020:4000}") == "region.poverty_line.by_year.2020=4000"
    for ignored in ("output.plots=false", "store.dir=x", "check_invariants=false", "hydra.run.dir=x", "label=x"):
        assert canonical_override(ignored) is None, ignored
    assert run_label("baseline", ["seed=3"], label="my run") == "my run"
    assert small_config("label=named").label == "named"
    assert small_config().label == small_config().label == "baseline+population.scale=400"


def test_every_catalogue_scenario_has_its_own_label_and_folder():
    names = group_options("scenario")
    labels = [small_config(f"scenario={name}").label for name in names]
    assert len(set(labels)) == len(names)
    assert len({folder_name(label) for label in labels}) == len(names)
    long = "baseline+" + "+".join(f"x{i}=1" for i in range(60))
    assert len(folder_name(long)) <= 120 and folder_name(long) != folder_name(long + "+y=2")


def test_the_configuration_hash_ignores_what_does_not_change_results():
    base = config_hash(small_config())
    assert base == config_hash(small_config("replicates=3", "label=other", "output.plots=false", "store.reuse=false"))
    assert base != config_hash(small_config("policy.dibao.grace_years=2"))
    assert base != config_hash(small_config("seed=1"))


def test_a_sweep_refuses_two_jobs_in_one_folder(tmp_path: Path):
    sweep = tmp_path / "sweep"
    swept = ["label=mine", "policy.dibao.grace_years=1,2", f"hydra.sweep.dir={sweep}"]
    process = run_cli("-m", *FAST, *swept, cwd=tmp_path)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 2
    assert err.strip().startswith("error: label: 'mine' names two jobs of this sweep in henan")
    assert err.count("\n") == 1 and not sweep.exists()


# --- the store --------------------------------------------------------------------------------


def test_the_store_returns_replicates_exactly_and_never_overwrites(tmp_path: Path):
    from app.runner import run

    config = small_config("replicates=2")
    store = ResultStore(tmp_path / "store")
    first = run(config, store=store)
    assert first.reused == [] and store.count([(first.config_hash, 0), (first.config_hash, 1)]) == 2
    path = store.path(first.config_hash, 1)
    before = (path.stat().st_mtime_ns, path.read_bytes())
    again = run(config, store=store)
    assert again.reused == [0, 1]
    pd.testing.assert_frame_equal(again.table, first.table)
    assert store.put(first.config_hash, 1, first.table.drop(columns="label"), config) is False
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
    dataset = pd.read_parquet(tmp_path / "store")  # readable without this project
    assert set(dataset["config"].astype(str)) == {first.config_hash}
    assert np.array_equal(
        dataset.sort_values(["replicate", "year", "metric"])["value"].to_numpy(), first.table["value"].to_numpy()
    )


def test_the_store_keeps_each_replicates_ledger_and_simulates_again_only_for_a_missing_one(tmp_path: Path):
    from app.runner import run

    store = ResultStore(tmp_path / "store")
    without = run(small_config("replicates=2", "output.events=never"), store=store)
    assert without.ledgers == [] and store.get_events(without.config_hash, 0) is None
    kept = run(small_config("replicates=2"), store=store)  # the same hash: the ledger is wanted now
    assert kept.config_hash == without.config_hash and kept.reused == []
    pd.testing.assert_frame_equal(kept.table, without.table)
    assert [int(ledger["replicate"].iat[0]) for ledger in kept.ledgers] == [0, 1]
    again = run(small_config("replicates=2"), store=store)
    assert again.reused == [0, 1]
    for first, second in zip(kept.ledgers, again.ledgers, strict=True):
        pd.testing.assert_frame_equal(first.reset_index(drop=True), second.reset_index(drop=True))
    assert store.events_path(kept.config_hash, 0).is_file()
    results = pd.read_parquet(tmp_path / "store")  # the ledgers do not get in the way of the results dataset
    assert set(results.columns) >= {"metric", "value"} and "event" not in results.columns


def test_the_preflight_refuses_a_store_under_a_file(tmp_path: Path):
    (tmp_path / "file").write_text("x")
    store, run_dir = tmp_path / "file" / "store", tmp_path / "run"
    process = run_cli(*FAST, f"store.dir={store}", f"hydra.run.dir={run_dir}", cwd=tmp_path)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 2
    assert err.strip().startswith("error: store.dir: got ") and "lies under the file" in err
    assert not (tmp_path / "run").exists()


SWEEP = ["-m", *FAST, "scenario=baseline,withdraw_2021,no_monitoring", "replicates=3"]


@pytest.fixture(scope="module")
def reference_sweep(tmp_path_factory) -> Path:
    """The uninterrupted sweep, in one process (Hydra's basic launcher), with its own store."""
    where = tmp_path_factory.mktemp("reference")
    done = finish(run_cli(*SWEEP, "hydra.sweep.dir=sweep", cwd=where, env={"POVERTY_STORE": str(where / "store")}))
    assert done.stdout.rstrip().endswith(f"compare the runs: .venv/bin/python -m analysis {where / 'sweep'}")
    return where


@pytest.mark.parametrize("pause", ["stored:2", "stored:3", "write:2"])
def test_a_sweep_killed_at_any_point_resumes_to_the_same_results(tmp_path: Path, pause: str, reference_sweep: Path):
    env = {"POVERTY_STORE": str(tmp_path / "store")}
    process = run_cli(*SWEEP, cwd=tmp_path, env=env, pause=pause)
    line = process.stderr.readline()
    while f"paused at {pause.split(':')[0]}" not in line:
        assert process.poll() is None, "the sweep never paused"
        line = process.stderr.readline()
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    kept = stored_files(tmp_path / "store")
    finish(run_cli(*SWEEP, cwd=tmp_path, env=env))  # the same command again
    sweeps = sorted((tmp_path / "multirun").iterdir())
    assert len(sweeps) == 2
    resumed = job_tables(sweeps[1])
    assert resumed == job_tables(reference_sweep / "sweep") and len(resumed) == 3
    files = stored_files(tmp_path / "store")
    assert files == stored_files(reference_sweep / "store")  # every replicate once, no temporary file left
    assert set(kept) <= set(files)
    for name in files:
        if name.endswith(".parquet"):
            assert (tmp_path / "store" / name).read_bytes() == (reference_sweep / "store" / name).read_bytes()


# --- launchers ---------------------------------------------------------------------------------


def test_one_or_two_joblib_workers_give_identical_results(tmp_path: Path, reference_sweep: Path):
    tables = []
    for workers in (1, 2):
        where = tmp_path / f"workers{workers}"
        where.mkdir()
        sweep = [*SWEEP, "hydra/launcher=joblib", f"hydra.launcher.n_jobs={workers}", "hydra.sweep.dir=sweep"]
        finish(run_cli(*sweep, cwd=where, env={"POVERTY_STORE": str(where / "store")}))
        tables.append(job_tables(where / "sweep"))
        assert stored_files(where / "store") == stored_files(reference_sweep / "store")
    assert tables[0] == tables[1] == job_tables(reference_sweep / "sweep")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_ray_cluster_returns_results_to_the_driver(tmp_path: Path, reference_sweep: Path):
    ray = Path(sys.executable).parent / "ray"
    head, driver = tmp_path / "head", tmp_path / "driver"
    head.mkdir()
    driver.mkdir()
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    port = _free_port()
    started = subprocess.run(
        [str(ray), "start", "--head", f"--port={port}", "--num-cpus=1", "--include-dashboard=false"],
        cwd=head,  # the workers' working directory: not the driver's
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert started.returncode == 0, started.stderr[-2000:]
    try:
        sweep = [*SWEEP, "hydra/launcher=ray", f"hydra.launcher.ray.init.address=127.0.0.1:{port}"]
        # Relative folders: each worker resolves them in its own working directory, as on a machine
        # that shares no file system with the driver; the driver must still receive every result.
        finish(run_cli(*sweep, "hydra.sweep.dir=sweep", "store.dir=store", cwd=driver, env=env))
    finally:
        subprocess.run([str(ray), "stop", "--force"], env=env, capture_output=True, timeout=300)
    assert job_tables(driver / "sweep") == job_tables(reference_sweep / "sweep")
    assert stored_files(driver / "store") == stored_files(reference_sweep / "store")
    assert job_tables(head / "sweep") == job_tables(reference_sweep / "sweep")  # the workers' own copies


# --- the Python interface ------------------------------------------------------------------------


def test_simulate_gives_the_command_lines_numbers(reference_sweep: Path):
    from app.api import simulate

    table = simulate(scenario="withdraw_2021", replicates=3, overrides=["population.scale=400"], use_store=False)
    from app.outputs import results_csv_text

    stored = job_tables(reference_sweep / "sweep")["henan/withdraw_2021+population.scale=400"]
    assert results_csv_text(table).encode() == stored
    with pytest.raises(UsageError, match=r"^population.scale: got -1.0; allowed"):
        simulate(overrides=["population.scale=-1"])


def test_sweep_runs_every_combination_through_the_store(tmp_path: Path, monkeypatch):
    from app.api import sweep

    monkeypatch.setenv("POVERTY_STORE", str(tmp_path / "store"))
    table = sweep(["baseline", "no_monitoring"], [["population.scale=400"]], replicates=2, n_jobs=2)
    assert set(table["label"]) == {"baseline+population.scale=400", "no_monitoring+population.scale=400"}
    assert len(stored_files(tmp_path / "store")) == 2 * (2 * 2 + 1)  # two replicates, their ledgers, a description
    again = sweep(["baseline", "no_monitoring"], [["population.scale=400"]], replicates=2)
    pd.testing.assert_frame_equal(table, again)
    assert len(stored_files(tmp_path / "store")) == 10


def test_mesa_batch_run_drives_the_keyword_model():
    import mesa

    from app.api import KeywordModel

    rows = mesa.batch_run(
        KeywordModel,
        {"scenario": ["baseline", "withdraw_2021"], "overrides": [("population.scale=400",)]},
        display_progress=False,
    )
    assert [row["scenario"] for row in rows] == ["baseline", "withdraw_2021"]
    assert all(row["Step"] == 7 for row in rows)  # the last of 8 collected years (2018-2025), counted from 0
    assert rows[1]["registered_poor"] > rows[0]["registered_poor"]  # withdrawing the policies leaves more poor
    model = KeywordModel(scenario="baseline", seed=3, overrides=("population.scale=400",))
    assert model.config.seed == 3 and model.config.label == "baseline+population.scale=400+seed=3"
    with pytest.raises(UsageError, match=r"^scenario: unknown option 'nope'"):
        KeywordModel(scenario="nope")


# --- lever parameters given by year -----------------------------------------------------------------


def test_a_year_scoped_lever_changes_only_the_years_it_names():
    from app.runner import run

    base = run(small_config()).table
    cut = run(small_config("scenario=posts_cut_2023")).table
    schedule = small_config("scenario=posts_cut_2023").policy.public_posts.capacity
    assert schedule.at(2022) == 2 * schedule.at(2023) == small_config().policy.public_posts.capacity
    before, after = base["year"] < 2023, base["year"] >= 2023
    assert np.array_equal(base.loc[before, "value"].to_numpy(), cut.loc[before, "value"].to_numpy())
    posts = base["metric"] == "cost_public_posts"
    assert (cut.loc[posts & after, "value"].to_numpy() < 0.6 * base.loc[posts & after, "value"].to_numpy()).all()


def test_lever_schedules_are_validated_like_constants():
    with pytest.raises(
        UsageError, match=r"^policy\.public_posts\.capacity\.by_year\.2023: got -5\.0; allowed: a number"
    ):
        small_config("policy.public_posts.capacity={by_year:{2018:100,2023:-5}}")
    with pytest.raises(UsageError, match=r"^policy\.public_posts\.capacity: got .*allowed: a number, or \{by_year"):
        small_config("policy.public_posts.capacity={from:2023}")
    with pytest.raises(
        UsageError, match=r"^policy\.public_posts\.capacity\.by_year\.year: got 'year'; allowed: a year"
    ):
        small_config("policy.public_posts.capacity={by_year:{year:5}}")
    with pytest.raises(UsageError, match=r"^policy\.monitoring\.start_year: got "):
        small_config("policy.monitoring.start_year={by_year:{2018:2021}}")  # a year is not a schedulable number


def test_setting_a_withdrawn_lever_warns_once(capsys):
    from app.compose import load_config

    load_config(["population.scale=400", "policy/dibao=none", "policy.dibao.grace_years=2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "warning: policy.dibao.grace_years is set, but the lever dibao is withdrawn in this run "
        "(policy/dibao=none or its scenario); the setting has no effect"
    ]
    load_config(["population.scale=400", "policy.dibao.grace_years=2"])
    assert capsys.readouterr().err == ""


def test_a_replicate_leaves_no_model_behind():
    import gc

    from app.runner import run
    from sim.model import PovertyModel

    gc.collect()
    before = sum(isinstance(o, PovertyModel) for o in gc.get_objects())
    run(small_config("replicates=3"))
    assert sum(isinstance(o, PovertyModel) for o in gc.get_objects()) == before  # memory stays flat over replicates


def test_a_killed_joblib_sweep_leaves_no_worker_behind(tmp_path: Path):
    import psutil

    env = {"POVERTY_STORE": str(tmp_path / "store")}
    process = run_cli(
        *SWEEP, "hydra/launcher=joblib", "hydra.launcher.n_jobs=2", cwd=tmp_path, env=env, pause="simulate"
    )
    line = process.stderr.readline()
    while "paused at simulate" not in line:
        assert process.poll() is None, "the sweep never paused"
        line = process.stderr.readline()
    workers = [p for p in psutil.Process(process.pid).children(recursive=True) if p.is_running()]
    assert workers, "the sweep started no worker process"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    _gone, alive = psutil.wait_procs(workers, timeout=20)
    process.stdout.close()
    process.stderr.close()
    assert not alive, f"workers outlived their killed driver: {[p.pid for p in alive]}"
