"""Find and load finished runs: results, event ledgers and manifests, one run per region and label.

A run is finished when its ``manifest.json`` (written last) exists; unfinished run folders are
skipped with a warning line each.  Runs of the same region and label with the same
configuration hash are re-runs of one configuration: their replicates are merged, each once.
Runs of the same region and label with *different* configurations collide: each keeps its
rows under the label with its hash appended (``label [1a2b3c4d]``), and a warning line names
the folders, so a comparison never silently keeps one of them.  Regions and year ranges stay
apart because every row carries its region and label.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from pyarrow import ArrowException

from analysis.files import MANIFEST, is_finished
from analysis.i18n import DEFAULT, Notice, warning_line


def warn(message: str, lang: str = DEFAULT) -> None:
    """Print one warning line on stderr, in ``lang`` (a :class:`Notice` is said in it)."""
    print(warning_line(message, lang), file=sys.stderr)


@dataclasses.dataclass
class Run:
    """One configuration's finished results: its identity, folders and manifest."""

    region: str
    label: str
    config_hash: str
    folders: list[Path]
    manifest: dict

    @property
    def config(self) -> dict:
        """The resolved configuration."""
        return self.manifest["config"]

    @property
    def scenario(self) -> str:
        """The named scenario the run started from."""
        return self.manifest.get("scenario") or self.config.get("scenario_name", "?")

    @property
    def years(self) -> tuple[int, int]:
        """First and last simulated year."""
        region = self.config["region"]
        return int(region["start_year"]), int(region["end_year"])

    @property
    def transition_year(self) -> int:
        """First year of the 2021-2025 regime."""
        return int(self.config["policy"]["transition"]["start_year"])

    @property
    def shock_years(self) -> dict[int, list[str]]:
        """Shocks the run pins to a year (``dynamics.shocks``), by year: what strikes, in a few words.

        Background shocks are drawn per replicate and differ between replicates, so only pinned
        ones are a run's own years.
        """
        shocks = self.config.get("dynamics", {}).get("shocks") or {}
        found: dict[int, list[str]] = {}
        for event in (shocks.get("disaster") or {}).get("pinned") or []:
            ids = list(event.get("county_ids") or [])
            parts = [f"{event['counties']} counties"] if event.get("counties") else []
            parts += [f"counties {', '.join(map(str, ids))}"] if ids else []
            found.setdefault(int(event["year"]), []).append(f"disaster in {' and '.join(parts) or 'no county'}")
        for year in (shocks.get("labour_market") or {}).get("pinned_years") or []:
            found.setdefault(int(year), []).append("labour-market shock")
        return found

    @property
    def scale(self) -> float:
        """Real households per simulated household."""
        return float(self.config["population"]["scale"])

    @property
    def plan(self) -> dict[int, float]:
        """Planned exits by year (persons), if the region publishes them."""
        return self.planned("planned_exits")

    def planned(self, key: str) -> dict[int, float]:
        """A planned path by year from the region (``planned_exits``, ``planned_village_exits``...), if published."""
        return {int(y): float(v) for y, v in (self.config["region"].get(key) or {}).items()}


@dataclasses.dataclass
class Loaded:
    """Everything the analysis reads: results of all runs, their ledgers, and the runs themselves."""

    table: pd.DataFrame  # the results.csv contract, every run
    ledgers: dict[tuple[str, str], pd.DataFrame]  # (region, label) -> ledger of its replicates, if kept
    runs: list[Run]

    def run(self, region: str, label: str) -> Run:
        """The run of a region and label."""
        return next(r for r in self.runs if r.region == region and r.label == label)

    def replicates(self, run: Run) -> int:
        """How many replicates a run has."""
        table = self.table
        return table.loc[(table["region"] == run.region) & (table["label"] == run.label), "replicate"].nunique()


def find_runs(paths: list[Path], on_warning: Callable[[str], None] = warn) -> list[Path]:
    """Every *finished* run directory under the given run or sweep directories, sorted.

    The others are skipped with a warning naming each (``on_warning``; a line on stderr by default).
    """
    found, unfinished = [], []
    for path in paths:
        if not path.is_dir():
            raise FileNotFoundError(f"{path}: no such directory")
        run_dirs = sorted(
            {p.parent for p in path.rglob("results.csv")} | {p.parent for p in path.rglob(".results.csv.tmp")}
        )
        for run_dir in run_dirs:
            (found if is_finished(run_dir) else unfinished).append(run_dir)
        for job in _listed_jobs(path):
            if not is_finished(job) and job not in unfinished:
                on_warning(Notice("warn.unfinished_job", folder=job))
    for folder in unfinished:
        on_warning(Notice("warn.unfinished_run", folder=folder))
    if not found:
        raise FileNotFoundError(f"no finished run (results.csv with manifest.json) under {', '.join(map(str, paths))}")
    return found


def _listed_jobs(sweep: Path) -> list[Path]:
    """The job folders a sweep directory lists in its ``jobs.json`` (none if it has no readable list)."""
    try:
        jobs = json.loads((sweep / "jobs.json").read_text(encoding="utf-8"))["jobs"]
        return [sweep / job for job in jobs if isinstance(job, str)]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _identity(manifest: dict) -> tuple[str, str, str]:
    """(region, label, configuration hash) of a finished run; the hash covers the year range."""
    label = manifest.get("label") or manifest.get("scenario", "?")
    key = manifest.get("config_hash") or json.dumps(manifest["config"], sort_keys=True)
    return manifest["config"]["region"]["name"], label, key


#: Columns of a run's results.csv (the output contract).
RESULT_COLUMNS = ["region", "scenario", "label", "replicate", "year", "metric", "value"]


class MalformedRun(ValueError):
    """A finished run folder whose files cannot be trusted (the message names the file and the fault)."""


def _manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest["config"]["region"]["name"], str):  # every reader needs the region
            raise TypeError("region name is not text")
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise MalformedRun(f"{path}: not a run manifest ({type(err).__name__}: {_short(err)})") from None
    return manifest


def _short(err: BaseException) -> str:
    return str(err).splitlines()[0][:120] if str(err) else type(err).__name__


def checked_results(path: Path) -> pd.DataFrame:
    """A run's results.csv if it is whole: the contract's columns, finite numbers, every metric of every year.

    Raises:
        MalformedRun: naming the file and its first fault.
    """
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise MalformedRun(f"{path}: cannot be read as CSV ({_short(err)})") from None
    if list(table.columns) != RESULT_COLUMNS:
        raise MalformedRun(f"{path}: columns {list(table.columns)}, not {RESULT_COLUMNS}")
    if table.empty:
        raise MalformedRun(f"{path}: no rows")
    values = pd.to_numeric(table["value"], errors="coerce")
    if values.isna().any() or not values.map(math.isfinite).all():
        row = int(values.isna().idxmax()) if values.isna().any() else int((~values.map(math.isfinite)).idxmax())
        raise MalformedRun(f"{path}: line {row + 2} has value '{table['value'].iloc[row]}', not a finite number")
    for column in ("replicate", "year"):
        if not pd.api.types.is_integer_dtype(table[column]):
            raise MalformedRun(f"{path}: column {column} holds values that are not whole numbers")
    sizes = table.groupby(["replicate", "year"]).size()
    per_year = sizes.groupby(level="year").max()
    short = sizes[sizes < per_year.reindex(sizes.index.get_level_values("year")).to_numpy()]
    if len(short):
        replicate, year = short.index[0]
        raise MalformedRun(
            f"{path}: replicate {replicate} has {short.iloc[0]} of {per_year[year]} metrics in {year} "
            "(rows are missing)"
        )
    years = table.groupby("replicate")["year"].nunique()
    if years.nunique() > 1:
        raise MalformedRun(f"{path}: replicates cover different numbers of years ({dict(years)}); rows are missing")
    return table.assign(value=values)


def load(paths: list[Path], on_warning: Callable[[str], None] = warn) -> Loaded:
    """Every finished run under ``paths``: results, ledgers and manifests (see the module docstring).

    A finished folder whose manifest or results cannot be trusted is skipped with a warning naming
    the file and the fault; a ledger that cannot be read is left out with a warning.
    """
    folders = find_runs(paths, on_warning)
    manifests, results = {}, {}
    for folder in folders:
        try:
            manifests[folder] = _manifest(folder)
            results[folder] = checked_results(folder / "results.csv")
        except MalformedRun as err:
            manifests.pop(folder, None)
            on_warning(Notice("warn.skipped_run", folder=folder, fault=err))
    if not manifests:
        raise FileNotFoundError(f"no readable finished run under {', '.join(map(str, paths))} (see the warnings)")
    hashes: dict[tuple[str, str], dict[str, list[Path]]] = {}
    for folder, manifest in manifests.items():
        region, label, key = _identity(manifest)
        hashes.setdefault((region, label), {}).setdefault(key, []).append(folder)
    runs, tables, ledgers = [], [], {}
    for (region, label), by_hash in hashes.items():
        if len(by_hash) > 1:
            listing = "; ".join(", ".join(map(str, dirs)) for dirs in by_hash.values())
            on_warning(Notice("warn.label_collision", label=label, region=region, count=len(by_hash), listing=listing))
        for key, dirs in by_hash.items():
            name = label if len(by_hash) == 1 else f"{label} [{key[:8]}]"
            runs.append(Run(region, name, key, dirs, manifests[dirs[0]]))
            table = _results(dirs, region, name, results)
            tables.append(table)
            ledger = _ledger(dirs, on_warning)
            if ledger is not None:
                ledgers[(region, name)] = ledger
    table = pd.concat(tables, ignore_index=True)
    return Loaded(table, ledgers, runs)


def _results(dirs: list[Path], region: str, label: str, results: dict[Path, pd.DataFrame]) -> pd.DataFrame:
    parts = [results[folder].assign(label=label) for folder in dirs]
    table = pd.concat(parts, ignore_index=True)
    return table.drop_duplicates(subset=["region", "label", "replicate", "year", "metric"], keep="first")


def _ledger(dirs: list[Path], on_warning: Callable[[str], None] = warn) -> pd.DataFrame | None:
    """The event ledgers of a configuration's folders, each replicate once; None if no folder kept one."""
    parts, seen = [], set()
    for folder in dirs:
        path = folder / "events.parquet"
        if not path.is_file():
            continue
        try:
            ledger = pd.read_parquet(path)
            if not {"replicate", "household", "year", "event", "cause"} <= set(ledger.columns):
                raise ValueError(f"columns {list(ledger.columns)}")
        except (OSError, ValueError, ArrowException) as err:
            on_warning(Notice("warn.bad_ledger", path=path, fault=_short(err)))
            continue
        fresh = ledger[~ledger["replicate"].isin(seen)]
        seen |= set(fresh["replicate"].unique())
        parts.append(fresh)
    return pd.concat(parts, ignore_index=True) if parts else None
