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

Every stored file carries what it claims to be in its Parquet metadata (``poverty_record``): the
configuration hash and replicate, the region, its row count, first and last year, the metrics
and a SHA-256 of its values.  Every read checks the record against the file's place in the store,
the run's expectations (region, years, metrics) and the file's own contents; a file that fails
(copied over another, from another configuration, cut short, retyped, altered on disk) is set
aside under ``_set_aside/`` (never deleted), reported in one line, and the replicate simulated
again.  ``python -m app.store verify [DIR]`` checks a whole store the same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from app.identity import results_config
from sim import events

#: Columns of a stored replicate (the run's label is added when a run's table is assembled).
STORED_COLUMNS = ["region", "scenario", "replicate", "year", "metric", "value"]
#: Arrow types of a stored replicate's columns, as written.
STORED_TYPES = {
    "region": pa.string(),
    "scenario": pa.string(),
    "replicate": pa.int64(),
    "year": pa.int64(),
    "metric": pa.string(),
    "value": pa.float64(),
}
#: Parquet metadata key of a stored file's integrity record.
RECORD_KEY = b"poverty_record"
#: Folder (skipped by dataset readers) where files that fail their check are set aside.
SET_ASIDE = "_set_aside"


@dataclasses.dataclass(frozen=True)
class Expected:
    """What a run expects of its stored replicates: region, first and last year, metric names."""

    region: str
    first_year: int
    last_year: int
    metrics: frozenset[str]

    @classmethod
    def of(cls, config) -> Expected:
        """The expectations of a :class:`~sim.config.RunConfig`'s replicates."""
        from sim import metrics

        names = frozenset(metrics.yearly_names()) | frozenset(metrics.initial_names())
        return cls(config.region.name, config.region.start_year - 1, config.region.end_year, names)


def checksum(table: pa.Table) -> str:
    """SHA-256 of every column's values, in order (independent of compression and metadata)."""
    digest = hashlib.sha256()
    for name in table.column_names:
        digest.update(name.encode())
        column = table.column(name).combine_chunks()
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            digest.update("\0".join(column.to_pylist()).encode())
        else:
            digest.update(np.ascontiguousarray(column.to_numpy(zero_copy_only=False)).tobytes())
    return digest.hexdigest()


def record_of(table: pa.Table, config_hash: str, replicate: int, region: str | None = None) -> dict:
    """The integrity record a stored file carries."""
    record: dict = {"config_hash": config_hash, "replicate": replicate, "rows": table.num_rows}
    if "year" in table.column_names and table.num_rows:
        years = table.column("year").to_numpy()
        record |= {"first_year": int(years.min()), "last_year": int(years.max())}
    if "metric" in table.column_names:
        record["metrics"] = sorted(set(table.column("metric").to_pylist()))
    if region is not None:
        record["region"] = region
    record["sha256"] = checksum(table)
    return record


def with_record(table: pa.Table, record: dict) -> pa.Table:
    """``table`` with its integrity record in the schema metadata."""
    metadata = {**(table.schema.metadata or {}), RECORD_KEY: json.dumps(record, sort_keys=True).encode()}
    return table.replace_schema_metadata(metadata)


def fault_of(
    table: pa.Table, config_hash: str, replicate: int, expected: Expected | None = None, results: bool = True
) -> str | None:
    """Why a stored file is not what its place in the store says it is, or None if it is."""
    raw = (table.schema.metadata or {}).get(RECORD_KEY)
    if raw is None:
        return "no integrity record"
    try:
        record = json.loads(raw)
    except ValueError:
        return "an unreadable integrity record"
    if record.get("config_hash") != config_hash:
        return f"it holds configuration {record.get('config_hash')}, not {config_hash}"
    if record.get("replicate") != replicate:
        return f"it holds replicate {record.get('replicate')}, not {replicate}"
    if results:
        types = {name: table.schema.field(name).type for name in table.column_names}
        if types != STORED_TYPES:
            got = ", ".join(f"{k}: {v}" for k, v in types.items())
            return f"its columns are {got}; a replicate has {', '.join(f'{k}: {v}' for k, v in STORED_TYPES.items())}"
    actual = record_of(table, config_hash, replicate, record.get("region"))
    if actual != record:
        differ = sorted(k for k in set(actual) | set(record) if actual.get(k) != record.get(k))
        return f"its contents do not match its record ({', '.join(differ)} differ)"
    if results and expected is not None:
        if record.get("region") != expected.region:
            return f"it holds region {record.get('region')!r}, not {expected.region!r}"
        span = (record.get("first_year"), record.get("last_year"))
        if span != (expected.first_year, expected.last_year):
            return f"it covers {span[0]}-{span[1]}, not {expected.first_year}-{expected.last_year}"
        if set(record.get("metrics", [])) != expected.metrics:
            return "its metrics are not the run's"
        values = table.column("value").to_numpy()
        if not np.isfinite(values).all():
            return "it holds values that are not finite"
    return None


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

    def get(self, config_hash: str, replicate: int, expected: Expected | None = None) -> pd.DataFrame | None:
        """The stored replicate's table; None if it is not stored or fails its check (then set aside)."""
        return self._checked(self.path(config_hash, replicate), config_hash, replicate, expected, True)

    def get_events(self, config_hash: str, replicate: int) -> pd.DataFrame | None:
        """The stored replicate's event ledger; None if none is stored or it fails its check (set aside)."""
        return self._checked(self.events_path(config_hash, replicate), config_hash, replicate, None, False)

    def _checked(self, path: Path, config_hash: str, replicate: int, expected, results: bool):
        table = _read(path)
        if table is None:
            return None
        fault = fault_of(table, config_hash, replicate, expected, results)
        if fault is None:
            return table.to_pandas()
        where = self.set_aside(path, fault)
        print(f"warning: store: {path} set aside as {where.name} ({fault}); simulating it again", file=sys.stderr)
        return None

    def set_aside(self, path: Path, fault: str) -> Path:
        """Move a file that failed its check under ``_set_aside/`` next to it (never deleted); return where."""
        folder = path.parent / SET_ASIDE if path.parent.name != "_events" else path.parent.parent / SET_ASIDE
        folder.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        kind = "events-" if path.parent.name == "_events" else ""
        for n in range(1000):
            target = folder / f"{kind}{path.name}.{stamp}{f'-{n}' if n else ''}"
            if not target.exists():
                break
        os.rename(path, target)
        (target.with_name(target.name + ".why")).write_text(fault + "\n", encoding="utf-8")
        return target

    def verify(self) -> tuple[int, list[tuple[Path, str]]]:
        """Check every stored file of the store; set aside those that fail. Return (checked, set aside)."""
        checked, failed = 0, []
        for folder in sorted(p for p in self.root.glob("config=*") if p.is_dir()):
            config_hash = folder.name.removeprefix("config=")
            region = _region_of(folder)
            for path, results in [(p, True) for p in sorted(folder.glob("replicate-*.parquet"))] + [
                (p, False) for p in sorted((folder / "_events").glob("replicate-*.parquet"))
            ]:
                checked += 1
                try:
                    replicate = int(path.stem.removeprefix("replicate-"))
                    table = _read(path)
                    fault = fault_of(table, config_hash, replicate, None, results)
                    if fault is None and results and region is not None:
                        record = json.loads(table.schema.metadata[RECORD_KEY])
                        if record.get("region") != region:
                            fault = f"it holds region {record.get('region')!r}; its configuration's is {region!r}"
                except (ValueError, StoreError) as err:
                    fault = str(err)
                if fault is not None:
                    failed.append((self.set_aside(path, fault), fault))
        return checked, failed

    def put(self, config_hash: str, replicate: int, table: pd.DataFrame, config, ledger=None) -> bool:
        """Store one finished replicate (and its ledger) unless stored already; return whether the table was written."""
        try:
            return self._put(config_hash, replicate, table, config, ledger)
        except OSError as err:  # a file where the folder should be, a folder made read-only, a full disk
            raise StoreError(
                f"store.dir: {self.folder(config_hash)} cannot be written ({err.strerror or err}); "
                "allowed: a writable store folder"
            ) from None

    def _put(self, config_hash: str, replicate: int, table: pd.DataFrame, config, ledger) -> bool:
        folder = self.folder(config_hash)
        folder.mkdir(parents=True, exist_ok=True)
        description = folder / "_config.json"
        if not description.exists():
            text = json.dumps({"config_hash": config_hash, "config": results_config(config)}, indent=1, sort_keys=True)
            tmp = folder / f"._config.json.{os.getpid()}.tmp"
            tmp.write_text(text + "\n", encoding="utf-8")
            _link_into_place(tmp, description)
        if ledger is not None:
            ledger_table = parquet_table(ledger, events.codebook())
            ledger_table = with_record(ledger_table, record_of(ledger_table, config_hash, replicate))
            _place(self.events_path(config_hash, replicate), ledger_table, "zstd")
        stored = pa.Table.from_pandas(table[STORED_COLUMNS].reset_index(drop=True), preserve_index=False)
        stored = stored.cast(pa.schema([(name, kind) for name, kind in STORED_TYPES.items()]))
        stored = with_record(stored, record_of(stored, config_hash, replicate, config.region.name))
        return _place(self.path(config_hash, replicate), stored)


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


def _read(path: Path) -> pa.Table | None:
    if not path.is_file():
        return None
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowException) as err:
        raise StoreError(f"store.dir: {path} cannot be read ({err}); allowed: move it away and re-run") from None


def _region_of(folder: Path) -> str | None:
    """The region of a configuration folder's ``_config.json``, if it can be read."""
    try:
        return json.loads((folder / "_config.json").read_text(encoding="utf-8"))["config"]["region"]["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def main(argv: list[str] | None = None) -> int:
    """``python -m app.store verify [DIR]``: check every stored file; set aside and list those that fail.

    Exit status 0 when every file passes, 1 when some were set aside, 2 for a bad command line.
    """
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "verify" or len(args) > 2:
        print("usage: python -m app.store verify [DIR]  (DIR: the store folder; default $POVERTY_STORE or ./store)")
        return 2
    root = Path(args[1] if len(args) > 1 else os.environ.get("POVERTY_STORE", "store"))
    if not root.is_dir():
        print(f"error: store: got {root}; allowed: a store folder", file=sys.stderr)
        return 2
    checked, failed = ResultStore(root).verify()
    for where, fault in failed:
        print(f"set aside {where} ({fault})")
    print(f"{checked} files checked in {root}; {len(failed)} set aside under {SET_ASIDE}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
