"""Nothing read back from the result store is trusted unchecked: each file carries what it claims to be."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from app.api import simulate
from app.compose import ROOT
from app.store import RECORD_KEY, SET_ASIDE
from tests import forked

SMALL = ["population.scale=400"]


def _simulate(store: Path, *overrides: str, region: str = "henan") -> pd.DataFrame:
    return simulate(region=region, replicates=3, overrides=[*SMALL, f"store.dir={store}", *overrides])


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    root = tmp_path / "store"
    return root, _simulate(root)


def _folder(root: Path, region: str = "henan") -> Path:
    return next(p for p in root.glob("config=*") if region in (p / "_config.json").read_text())


def _rewrite(path: Path, change, keep_record: bool = True) -> None:
    """Rewrite a stored file through pandas with ``change`` applied, keeping its record unless told not to."""
    table = pq.read_table(path)
    frame = change(table.to_pandas())
    new = pa.Table.from_pandas(frame, preserve_index=False)
    if keep_record:
        new = new.replace_schema_metadata({RECORD_KEY: table.schema.metadata[RECORD_KEY]})
    pq.write_table(new, path)


def _flip_a_value(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[frame.index[-1], "value"] += 1.0
    return frame


CASES = {
    "another replicate copied over it": None,
    "a file of another configuration": None,
    "the value column gone": lambda f: f.drop(columns="value"),
    "the last year cut off": lambda f: f[f["year"] < f["year"].max()],
    "values stored as text": lambda f: f.assign(value=f["value"].astype(str)),
    "one value altered": _flip_a_value,
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_tampered_replicate_is_set_aside_and_simulated_again(store, tmp_path, case, capsys):
    root, original = store
    folder = _folder(root)
    target = folder / "replicate-00001.parquet"
    if case == "another replicate copied over it":
        shutil.copyfile(folder / "replicate-00000.parquet", target)
    elif case == "a file of another configuration":
        _simulate(root, region="luoyang")
        shutil.copyfile(_folder(root, "luoyang") / "replicate-00001.parquet", target)
    else:
        _rewrite(target, CASES[case])
    capsys.readouterr()
    again = _simulate(root)
    pd.testing.assert_frame_equal(again, original)  # the replicate was simulated again, not read
    warning = [line for line in capsys.readouterr().err.splitlines() if "set aside" in line]
    assert len(warning) == 1 and "replicate-00001.parquet" in warning[0]
    kept = list((folder / SET_ASIDE).glob("replicate-00001.parquet.*"))
    assert len([p for p in kept if not p.name.endswith(".why")]) == 1  # set aside, never deleted
    assert target.is_file()  # a whole, checked file is in place again


def test_a_replicate_written_without_a_record_is_not_trusted(store, capsys):
    root, original = store
    _rewrite(_folder(root) / "replicate-00002.parquet", lambda f: f, keep_record=False)
    capsys.readouterr()
    pd.testing.assert_frame_equal(_simulate(root), original)
    assert "no integrity record" in capsys.readouterr().err


def test_a_tampered_ledger_is_set_aside_and_the_replicate_simulated_again(store, capsys):
    root, original = store
    ledger = _folder(root) / "_events" / "replicate-00000.parquet"
    _rewrite(ledger, lambda f: f.iloc[:-5])
    capsys.readouterr()
    pd.testing.assert_frame_equal(_simulate(root), original)
    assert "_events/replicate-00000.parquet set aside" in capsys.readouterr().err
    assert ledger.is_file()


def test_verify_checks_a_whole_store_and_sets_aside_what_fails(store):
    root, _ = store
    command = [sys.executable, "-m", "app.store", "verify", str(root)]
    clean = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert clean.returncode == 0 and "6 files checked" in clean.stdout and "0 set aside" in clean.stdout
    folder = _folder(root)
    shutil.copyfile(folder / "replicate-00000.parquet", folder / "replicate-00002.parquet")
    found = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert found.returncode == 1
    assert "it holds replicate 0, not 2" in found.stdout and "1 set aside" in found.stdout
    assert not (folder / "replicate-00002.parquet").exists() and (folder / SET_ASIDE).is_dir()
    # Dataset readers skip the set-aside folder: the store still reads as one dataset.
    assert set(pd.read_parquet(root)["replicate"]) == {0, 1}
    bad = subprocess.run([sys.executable, "-m", "app.store", "verify", str(root / "nowhere")], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_a_file_where_a_configuration_folder_should_be_is_one_line(tmp_path: Path):
    from app.compose import UsageError, load_config
    from app.identity import config_hash

    root = tmp_path / "store"
    root.mkdir()
    config = load_config([*SMALL, f"store.dir={root}"])
    (root / f"config={config_hash(config)}").write_text("in the way")
    with pytest.raises(UsageError, match=r"^store\.dir: .*cannot be written"):
        _simulate(root)
    out = tmp_path / "run"
    result = forked.run([*SMALL, f"store.dir={root}", f"hydra.run.dir={out}"])
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: store.dir:")
    assert (root / f"config={config_hash(config)}").read_text() == "in the way" and not out.exists()
