"""The command line as a user meets it: outputs, manifest, errors, help."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from app.compose import ROOT
from tests import forked

FAST = ["population.scale=400"]


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python3 run.py ARGS`` from the project root (in a fork of this process: tests/forked.py)."""
    return forked.run(list(args), ROOT, env)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "run"
    result = run_cli(*FAST, f"hydra.run.dir={out}")
    assert result.returncode == 0, result.stderr
    assert "Registered poor (persons)" in result.stdout
    return out


def test_run_writes_the_output_contract(finished_run: Path):
    for name in ("results.csv", "manifest.json", "exit_curve.png", "return_curve.png"):
        assert (finished_run / name).stat().st_size > 0, name
    table = pd.read_csv(finished_run / "results.csv")
    assert list(table.columns) == ["region", "scenario", "label", "replicate", "year", "metric", "value"]
    assert set(table["label"]) == {"baseline+population.scale=400"} and set(table["region"]) == {"henan"}
    assert set(table["year"]) == set(range(2017, 2026))
    manifest = json.loads((finished_run / "manifest.json").read_text())
    for key in ("config", "seeds", "packages", "git_sha", "n_households", "setup_s", "simulate_s", "write_s"):
        assert key in manifest, key
    assert manifest["config"]["population"]["scale"] == 400
    assert manifest["packages"]["mesa"].startswith("3.")


def test_same_command_gives_byte_identical_files(finished_run: Path, tmp_path: Path):
    again = tmp_path / "again"
    result = run_cli(*FAST, f"hydra.run.dir={again}", "store.reuse=false")  # simulated again, not read back
    assert result.returncode == 0, result.stderr
    for name in ("results.csv", "exit_curve.png", "return_curve.png"):
        assert (again / name).read_bytes() == (finished_run / name).read_bytes(), name


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("region=atlantis", "error: region: unknown option 'atlantis'; allowed: henan, luoyang"),
        (
            "scenario=utopia",
            "error: scenario: unknown option 'utopia'; allowed: allowance_cliff, allowance_plus, baseline",
        ),
        ("population.scale=-1", "error: population.scale: got -1.0; allowed: a number in [0.01, 1e+06]"),
        ("population.scal=50", "error: population.scal: unknown key; allowed keys under 'population'"),
        ("seed=abc", "error: seed: got 'abc'; allowed: a whole number"),
        ("region.composition.share_aged_65_plus=1.2", "error: region.composition.share_aged_65_plus: got 1.2"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_output(override: str, expected: str, tmp_path: Path):
    out = tmp_path / "never"
    result = run_cli(override, f"hydra.run.dir={out}")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_help_lists_the_groups():
    result = run_cli("--help")
    assert result.returncode == 0
    for group in (
        "region: henan, luoyang",
        "scenario: allowance_cliff, allowance_plus, baseline",
        "policy/dibao: default, none",
    ):
        assert group in result.stdout, group


def test_a_sweep_is_validated_before_any_job_runs(tmp_path: Path):
    sweep = tmp_path / "sweep"
    result = run_cli("-m", "population.scale=400,-1", f"hydra.sweep.dir={sweep}")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: population.scale: got -1.0; allowed: a number in [0.01, 1e+06]"
    assert not sweep.exists()


def test_several_values_without_multirun_get_one_line():
    result = run_cli("scenario=baseline,withdraw_2021")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: scenario: got several values (baseline,withdraw_2021); allowed: one value, or -m to run them as a sweep"
    )


def test_a_run_is_recreated_from_its_manifest(finished_run: Path, tmp_path: Path):
    from app import replay

    identical, report = replay.replay(finished_run)
    assert identical, report
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    (tampered / "manifest.json").write_bytes((finished_run / "manifest.json").read_bytes())
    text = (finished_run / "results.csv").read_text().replace(",0,2018,exits,", ",0,2018,exits,1")
    (tampered / "results.csv").write_text(text)
    assert replay.main([str(tampered)]) == 1
    assert replay.main([str(tmp_path / "missing")]) == 2


def test_sweep_functions_expand_like_hydra():
    from app.compose import group_options, sweep_combinations

    scenarios = sweep_combinations(["scenario=glob(*)"])
    assert [c[0] for c in scenarios] == [f"scenario={name}" for name in group_options("scenario")]
    assert sweep_combinations(["seed=range(0,3)", "population.scale=400"]) == [
        [f"seed={i}", "population.scale=400"] for i in range(3)
    ]
    assert sweep_combinations(["seed=choice(1,5)"]) == [["seed=1"], ["seed=5"]]


def test_describe_lists_a_levers_parameters_with_unit_range_meaning_and_value():
    result = run_cli("--describe", "dibao")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("policy.dibao: Minimum allowance\n")
    assert "  policy.dibao.grace_years = 1   (years · [0, 10])" in result.stdout
    assert "policy.dibao.standard_mode = absolute   (absolute | relative)" in result.stdout
    assert "share of wages not counted (就业成本扣除)" in result.stdout
    changed = run_cli("--describe", "policy.dibao.grace_years", "policy.dibao.grace_years=3", "lang=zh")
    assert changed.returncode == 0 and changed.stdout.startswith("policy.dibao: 农村低保\n")
    assert "policy.dibao.grace_years = 3" in changed.stdout


def test_describe_of_an_unknown_key_is_one_line_and_exit_2():
    result = run_cli("--describe", "atlantis")
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --describe: got 'atlantis'; allowed: ")


def test_help_speaks_the_readers_language():
    chinese = run_cli("--help", "lang=zh")
    assert chinese.returncode == 0 and "情景目录" in chinese.stdout and "region: henan, luoyang" in chinese.stdout
    assert run_cli("--help", "lang=fr").returncode == 2


def _run_line(line: str, lang: str) -> bool:
    """Whether ``line`` is one of the lines a run prints after its table (timing, store, outputs)."""
    import re

    from analysis import i18n

    templates = [i18n.PHRASES[key](lang) for key in ("run.timing", "run.reused", "run.outputs")]
    patterns = [re.escape(t).replace(r"\{", "{").replace(r"\}", "}") for t in templates]
    return any(re.fullmatch(re.sub(r"\{\w+\}", ".*", p), line) for p in patterns)


def _width(line: str) -> int:
    return sum(2 if ord(c) >= 0x1100 else 1 for c in line)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_printed_table_fits_the_terminal_and_shows_intervals_in_readable_units(tmp_path, lang):
    env = {**__import__("os").environ, "COLUMNS": "80"}
    done = run_cli(*FAST, "replicates=2", f"lang={lang}", f"hydra.run.dir={tmp_path / 'run'}", env=env)
    assert done.returncode == 0, done.stderr
    table = "\n".join(line for line in done.stdout.splitlines() if not _run_line(line, lang))
    assert all(_width(line) <= 80 for line in table.splitlines()), table
    assert " ±" in table
    unit = "(万人)" if lang == "zh" else "(persons)"
    money = "(亿元)" if lang == "zh" else "(billion yuan)"
    assert unit in table and money in table
    assert not any(len(token) > 9 and token.replace(",", "").isdigit() for token in table.split())  # no raw yuan


def test_a_sweep_prints_one_summary_table_at_the_end(tmp_path):
    done = run_cli("-m", "scenario=baseline,no_monitoring", *FAST, f"hydra.sweep.dir={tmp_path / 'sweep'}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Sweep summary: 2 job(s)") == 1
    assert "Registered poor (persons)" not in done.stdout  # no yearly table per job
    summary = done.stdout.split("Sweep summary")[1]
    assert "Person-years of true poverty 2018-2025" in summary and "no_monitoring" in summary


@pytest.mark.parametrize("listing", ["--info", "--describe", "--help"])
def test_a_listing_piped_into_head_ends_without_a_traceback(listing):
    done = subprocess.run(
        f"{shlex.quote(sys.executable)} run.py {listing} | head -n 1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.stdout.count("\n") == 1 and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


@pytest.mark.parametrize(("sweep", "compositions"), [([], 2), (["-m", "scenario=baseline,no_monitoring"], 3)])
def test_a_run_composes_its_configuration_once_in_the_preflight_and_once_a_job(
    tmp_path, monkeypatch, sweep, compositions
):
    """Hydra takes its run mode from the preflight's composition rather than composing once more to find it."""
    from hydra._internal.hydra import Hydra

    forked._preload()  # the test process's own composition (tests/forked.py), before counting
    record = tmp_path / "compositions"
    compose_config = Hydra.compose_config

    def counted(self, *args, **kwargs):
        with open(record, "a", encoding="utf-8") as file:  # the run is a forked child: count in a file
            file.write("composed\n")
        return compose_config(self, *args, **kwargs)

    monkeypatch.setattr(Hydra, "compose_config", counted)
    where = ("hydra.sweep.dir" if sweep else "hydra.run.dir") + f"={tmp_path / 'out'}"
    result = run_cli(*FAST, "output.plots=false", "store.reuse=false", *sweep, where)
    assert result.returncode == 0, result.stderr[-2000:]
    assert record.read_text(encoding="utf-8").count("composed") == compositions
