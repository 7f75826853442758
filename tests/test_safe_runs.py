"""No run destroys, overwrites or passes off data: failures, signals, kills, concurrency, readers.

Runs go through the real command line.  ``POVERTY_RUN_PAUSE_AT`` (``app/faults.py``) holds a run at
a known phase so that a test can signal or kill it there.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from analysis.__main__ import main as compare_main
from analysis.analyse import analyse
from app import replay
from app.compose import ROOT, SCENARIO_DIR, load_config
from tests import forked

# store.reuse=false: these runs must simulate (to pause, fail or be killed there), not read the store.
FAST = ["population.scale=400", "output.print_table=false", "store.reuse=false"]


def start(*args: str, pause: str | None = None, cwd: Path | None = None) -> forked.Started:
    """``python3 run.py`` with ``args``, running (in a fork of this process: tests/forked.py)."""
    env = dict(os.environ)
    env.pop("POVERTY_RUN_PAUSE_AT", None)
    if pause:
        env["POVERTY_RUN_PAUSE_AT"] = pause
    return forked.start([*FAST, *args], cwd or ROOT, env)


def wait_for_pause(process: forked.Started, phase: str) -> None:
    line = process.stderr.readline()
    deadline = time.monotonic() + 300
    while f"paused at {phase}" not in line:
        assert process.poll() is None and time.monotonic() < deadline, f"the run never paused at {phase}"
        line = process.stderr.readline()


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python3 run.py`` with ``args`` to its end (in a fork of this process: tests/forked.py)."""
    return forked.run([*FAST, *args], cwd or ROOT)


@pytest.fixture
def user_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "notes.txt").write_text("the user's own file\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "data.csv").write_text("a,b\n1,2\n")
    return folder


def assert_untouched(folder: Path) -> None:
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == ["notes.txt", "sub", "sub/data.csv"]
    assert (folder / "notes.txt").read_text() == "the user's own file\n"


@pytest.mark.parametrize(
    ("phase", "sig", "status"),
    [
        ("setup", signal.SIGTERM, 128 + signal.SIGTERM),
        ("simulate", signal.SIGINT, 128 + signal.SIGINT),
        ("write", signal.SIGHUP, 128 + signal.SIGHUP),
        ("write", signal.SIGTERM, 128 + signal.SIGTERM),
    ],
)
def test_a_signalled_run_removes_its_own_files_and_nothing_else(user_folder, phase, sig, status):
    process = start(f"hydra.run.dir={user_folder}", pause=phase)
    wait_for_pause(process, phase)
    if phase == "write":
        assert (user_folder / "results.csv").exists()  # the run had written part of its outputs
    process.send_signal(sig)
    _, err = process.communicate(timeout=120)
    assert process.returncode == status, err
    assert (
        err.strip().splitlines()[-1]
        == f"interrupted by {signal.Signals(sig).name}: removed the unfinished run in {user_folder}"
    )
    assert_untouched(user_folder)


def test_a_signalled_run_removes_the_folders_it_created(tmp_path):
    target = tmp_path / "new" / "deeper" / "run"
    process = start(f"hydra.run.dir={target}", pause="simulate")
    wait_for_pause(process, "simulate")
    assert target.is_dir()
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_a_folder_holding_a_finished_run_is_refused_and_kept(tmp_path):
    finished = tmp_path / "finished"
    assert run_cli(f"hydra.run.dir={finished}").returncode == 0
    before = {p.name: p.read_bytes() for p in finished.iterdir()}
    again = run_cli(f"hydra.run.dir={finished}", "seed=3")
    assert again.returncode == 2
    assert again.stderr.startswith(f"error: hydra.run.dir: got {finished}; it holds a finished run")
    assert {p.name: p.read_bytes() for p in finished.iterdir()} == before


def test_the_working_directory_as_run_folder_keeps_everything_else(tmp_path):
    (tmp_path / "keep.txt").write_text("keep\n")
    result = run_cli("hydra.run.dir=.", "output.plots=false", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "events.parquet",
        "events_codebook.json",
        "keep.txt",
        "manifest.json",
        "results.csv",
    ]


def test_runs_started_together_in_the_default_location_get_their_own_folders(tmp_path):
    # Same region, scenario and second: only the random part of the folder name differs.
    from app.rundir import run_stamp

    run_stamp()  # this process has named its own default folder: each run, a fork of it, names its own
    processes = [start("output.plots=false", cwd=tmp_path) for _ in range(3)]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        outputs.append(Path(out.strip().splitlines()[-1].removeprefix("outputs: ")))
    assert len(set(outputs)) == 3
    for folder in outputs:
        assert folder.parent == tmp_path / "outputs" / "henan" / "baseline"
        assert (folder / "manifest.json").is_file() and (folder / "results.csv").is_file()


def test_a_parent_folder_another_run_made_meanwhile_is_shared_and_the_run_folder_must_be_new(tmp_path):
    from app.rundir import RunDirError, check_target, create

    target = tmp_path / "outputs" / "henan" / "baseline" / "stamp"
    planned = check_target(target, "hydra.run.dir")
    assert planned[0] == tmp_path / "outputs" and planned[-1] == target
    (tmp_path / "outputs" / "henan").mkdir(parents=True)  # another run, between the check and the creation
    made = create(planned, "hydra.run.dir")
    assert made == [tmp_path / "outputs" / "henan" / "baseline", target]  # only what this run made is its own
    with pytest.raises(RunDirError, match="File exists"):
        create([target], "hydra.run.dir")


@pytest.mark.parametrize("phase", ["setup", "simulate", "write"])
def test_after_kill_9_leftovers_are_unfinished_and_readers_skip_them(tmp_path, phase, capsys, finished_run):
    sweep = tmp_path / "sweep"
    shutil.copytree(finished_run, sweep / "finished")  # the module's finished run, beside the killed one
    killed = sweep / "killed"
    process = start(f"hydra.run.dir={killed}", pause=phase)
    wait_for_pause(process, phase)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert killed.is_dir() and not (killed / "manifest.json").exists()
    if phase == "write":
        # Complete-looking, but not finished: the whole comparison skips it, with a warning.
        assert (killed / "results.csv").exists()
        assert compare_main([str(sweep)]) == 0
        assert f"warning: skipping unfinished run {killed} (no manifest.json" in capsys.readouterr().err
        summary = (sweep / "summary.csv").read_text()
        assert summary.count(",2018,registered_poor,") == 1  # only the finished run
    else:  # what the comparison reads (its figures would add nothing here)
        summary = analyse([sweep], on_warning=lambda _m: None).summary
        assert len(summary[(summary["year"] == 2018) & (summary["metric"] == "registered_poor")]) == 1
    assert replay.main([str(killed)]) == 2
    assert "not a finished run" in capsys.readouterr().err
    again = run_cli(f"hydra.run.dir={killed}")  # a new run never overwrites a killed run's files
    assert again.returncode == (2 if phase == "write" else 0), again.stderr


def test_compare_with_only_unfinished_runs_says_so(tmp_path, capsys):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "results.csv").write_text("scenario,replicate,year,metric,value\n")
    assert compare_main([str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("warning: skipping unfinished run") and err[-1].startswith("error: no finished run")


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    """A finished run of the small configuration, made once; tests copy it before they change anything."""
    out = tmp_path_factory.mktemp("replay") / "run"
    result = run_cli(f"hydra.run.dir={out}", "output.plots=false")
    assert result.returncode == 0, result.stderr
    return out


def _copy(run: Path, to: Path) -> Path:
    to.mkdir()
    for name in ("manifest.json", "results.csv"):
        (to / name).write_bytes((run / name).read_bytes())
    return to


def test_replay_is_strict_about_bytes(finished_run, tmp_path, capsys):
    assert replay.main([str(finished_run)]) == 0
    crlf = _copy(finished_run, tmp_path / "crlf")
    (crlf / "results.csv").write_bytes((crlf / "results.csv").read_bytes().replace(b"\n", b"\r\n"))
    assert replay.main([str(crlf)]) == 1
    assert "different" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("field", "value"), [(("config", "seed"), 7), (("seeds", "seed"), 7), (("config", "replicates"), 2)]
)
def test_replay_compares_the_recorded_configuration(finished_run, tmp_path, capsys, field, value):
    edited = _copy(finished_run, tmp_path / "edited")
    manifest = json.loads((edited / "manifest.json").read_text())
    manifest[field[0]][field[1]] = value
    (edited / "manifest.json").write_text(json.dumps(manifest))
    assert replay.main([str(edited)]) == 1
    assert "recorded configuration is not what its overrides give" in capsys.readouterr().out


@pytest.mark.parametrize(
    "manifest",
    ["{", "[]", '{"overrides": "seed=1", "config": {}, "seeds": {}}', '{"overrides": [], "seeds": {}}', "\xff\xfe"],
)
def test_replay_refuses_malformed_manifests_in_one_line(finished_run, tmp_path, capsys, manifest):
    bad = _copy(finished_run, tmp_path / "bad")
    (bad / "manifest.json").write_bytes(manifest.encode("latin-1"))
    assert replay.main([str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {bad}")


def test_replay_refuses_a_missing_or_unfinished_directory(tmp_path, capsys):
    assert replay.main([str(tmp_path / "nowhere")]) == 2
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "results.csv").write_text("x\n")
    assert replay.main([str(tmp_path / "half")]) == 2
    assert capsys.readouterr().err.count("error: ") == 2


def test_a_broken_scenario_file_breaks_only_the_runs_that_use_it():
    broken = SCENARIO_DIR / "zz_broken.yaml"
    broken.write_text("# @package _global_\nscenario_name: zz\ndefaults: [\n")
    try:
        assert load_config(["population.scale=400"]).scenario_name == "baseline"
        help_text = run_cli("--help")
        assert help_text.returncode == 0 and "scenario: allowance_cliff, allowance_plus, baseline" in help_text.stdout
        result = run_cli("scenario=zz_broken")
        assert result.returncode == 2
        line = result.stderr.strip()
        assert line.startswith(f"error: scenario: {broken}:4: not valid YAML") and "\n" not in line
    finally:
        broken.unlink()


def test_a_yaml_error_in_a_region_file_names_the_file_and_line():
    region = ROOT / "conf" / "region" / "zz_broken.yaml"
    region.write_text("name: zz\nstart_year: 2018\ncomposition: {share_no_labour: [0.4\n")
    try:
        result = run_cli("region=zz_broken")
        assert result.returncode == 2
        line = result.stderr.strip()
        assert "zz_broken.yaml:" in line and "not valid YAML" in line and "allowed" in line and "\n" not in line
        assert run_cli("hydra.run.dir=/dev/null/x").returncode == 2  # other runs still validate normally
    finally:
        region.unlink()
