"""The result store: every finished replicate in one Parquet file, keyed by (configuration hash, replicate).

Layout, a Hive-partitioned Parquet dataset that pandas, Arrow, DuckDB or Polars read without
this project (``pd.read_parquet("store")`` adds the ``config`` column from the folder names)::

    <store.dir>/config=<hash>/replicate-00000.parquet   region, scenario, replicate, year, metric, value
    <store.dir>/config=<hash>/_events/replicate-00000.parquet   its household event ledger, if kept
    <store.dir>/config=<hash>/_config.json               the configuration behind the hash (readers skip "_" files)

Parquet rather than CSV or a database: it is columnar and typed (float64 values come back
bit for bit), compressed, one immutable file per replicate (no lock, no server, safe for
workers on shared storage), and every analysis tool reads it directly.

A replicate is written once, when it finishes: to a temporary ``.name.tmp`` file, then linked
into place only if no file has that name yet, so a file under its final name is always whole,
a finished replicate is never overwritten, and two workers finishing the same replicate leave
one file.  A run killed at any point loses only the replicates it had not finished; running
the same command again reads the finished ones (``store.reuse``) and simulates the rest.  The
hash covers the configuration and the engine's source (:mod:`app.identity`), never the label.
A replicate's ledger (:mod:`sim.events`) is written before its results, so a stored replicate
of a run that keeps ledgers always has one.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from app.identity import results_config
from sim import events

#: Columns of a stored replicate (the run's label is added when a run's table is assembled).
STORED_COLUMNS = ["region", "scenario", "replicate", "year", "metric", "value"]


class StoreError(Exception):
    """The store folder cannot be used (one-line message naming ``store.dir``)."""


def check_store_dir(path: str | Path) -> Path:
    """The store folder as an absolute path, if it is a folder or can be created; else StoreError."""
    from app.rundir import RunDirError, check_writable

    try:
        check_writable(Path(path), "store.dir")
    except RunDirError as err:
        raise StoreError(str(err)) from None
    return Path(os.path.abspath(path))


def _link_into_place(tmp: Path, final: Path) -> bool:
    """Give ``tmp`` the name ``final`` unless that name exists; return whether it was placed."""
    try:
        os.link(tmp, final)
    except FileExistsError:
        return False
    except OSError as err:  # a file system without hard links: rename, which is atomic but may replace
        if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if final.exists():
            return False
        os.replace(tmp, final)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return True


class ResultStore:
    """Finished replicates under one folder (see the module docstring for the layout)."""

    def __init__(self, root: str | Path) -> None:
        """A store at ``root`` (created on the first write)."""
        self.root = Path(os.path.abspath(root))

    def folder(self, config_hash: str) -> Path:
        """Folder of one configuration."""
        return self.root / f"config={config_hash}"

    def path(self, config_hash: str, replicate: int) -> Path:
        """File of one replicate."""
        return self.folder(config_hash) / f"replicate-{replicate:05d}.parquet"

    def events_path(self, config_hash: str, replicate: int) -> Path:
        """Event ledger of one replicate."""
        # Under "_events": dataset readers skip "_" folders, so the results stay one readable dataset.
        return self.folder(config_hash) / "_events" / f"replicate-{replicate:05d}.parquet"

    def has(self, config_hash: str, replicate: int) -> bool:
        """Whether the replicate is finished and stored."""
        return self.path(config_hash, replicate).is_file()

    def count(self, keys: list[tuple[str, int]]) -> int:
        """How many of the (hash, replicate) keys are stored."""
        return sum(self.has(h, r) for h, r in keys)

    def get(self, config_hash: str, replicate: int) -> pd.DataFrame | None:
        """The stored replicate's table, or None if it is not stored."""
        return _read(self.path(config_hash, replicate))

    def get_events(self, config_hash: str, replicate: int) -> pd.DataFrame | None:
        """The stored replicate's event ledger, or None if none is stored."""
        return _read(self.events_path(config_hash, replicate))

    def put(self, config_hash: str, replicate: int, table: pd.DataFrame, config, ledger=None) -> bool:
        """Store one finished replicate (and its ledger) unless stored already; return whether the table was written."""
        folder = self.folder(config_hash)
        folder.mkdir(parents=True, exist_ok=True)
        description = folder / "_config.json"
        if not description.exists():
            text = json.dumps({"config_hash": config_hash, "config": results_config(config)}, indent=1, sort_keys=True)
            tmp = folder / f"._config.json.{os.getpid()}.tmp"
            tmp.write_text(text + "\n", encoding="utf-8")
            _link_into_place(tmp, description)
        if ledger is not None:
            _place(self.events_path(config_hash, replicate), parquet_table(ledger, events.codebook()), "zstd")
        return _place(self.path(config_hash, replicate), parquet_table(table[STORED_COLUMNS]))


def parquet_table(frame: pd.DataFrame, codebook: dict | None = None) -> pa.Table:
    """An Arrow table of ``frame`` (no index), carrying its codebook as schema metadata if given."""
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    if codebook:
        metadata = {**(table.schema.metadata or {}), b"codebook": json.dumps(codebook, ensure_ascii=False).encode()}
        table = table.replace_schema_metadata(metadata)
    return table


def _place(final: Path, table: pa.Table, compression: str = "snappy") -> bool:
    """Write ``table`` to ``final`` unless that file exists; return whether this call wrote it."""
    if final.exists():
        return False
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression=compression)
    return _link_into_place(tmp, final)


def _read(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    try:
        return pq.read_table(path).to_pandas()
    except (OSError, pa.ArrowException) as err:
        raise StoreError(f"store.dir: {path} cannot be read ({err}); allowed: move it away and re-run") from None
