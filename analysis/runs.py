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
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis.files import MANIFEST, is_finished, warn_unfinished


def warn(message: str) -> None:
    """Print one warning line on stderr."""
    print(f"warning: {message}", file=sys.stderr)


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


def find_runs(paths: list[Path]) -> list[Path]:
    """Every *finished* run directory under the given run or sweep directories, sorted.

    The others are skipped with a warning line naming each.
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
    warn_unfinished(unfinished)
    if not found:
        raise FileNotFoundError(f"no finished run (results.csv with manifest.json) under {', '.join(map(str, paths))}")
    return found


def _identity(manifest: dict) -> tuple[str, str, str]:
    """(region, label, configuration hash) of a finished run; the hash covers the year range."""
    label = manifest.get("label") or manifest.get("scenario", "?")
    key = manifest.get("config_hash") or json.dumps(manifest["config"], sort_keys=True)
    return manifest["config"]["region"]["name"], label, key


def load(paths: list[Path], on_warning: Callable[[str], None] = warn) -> Loaded:
    """Every finished run under ``paths``: results, ledgers and manifests (see the module docstring)."""
    folders = find_runs(paths)
    manifests = {folder: json.loads((folder / MANIFEST).read_text(encoding="utf-8")) for folder in folders}
    hashes: dict[tuple[str, str], dict[str, list[Path]]] = {}
    for folder, manifest in manifests.items():
        region, label, key = _identity(manifest)
        hashes.setdefault((region, label), {}).setdefault(key, []).append(folder)
    runs, tables, ledgers = [], [], {}
    for (region, label), by_hash in hashes.items():
        if len(by_hash) > 1:
            listing = "; ".join(", ".join(map(str, dirs)) for dirs in by_hash.values())
            on_warning(
                f"label {label!r} ({region}) names {len(by_hash)} different configurations ({listing}); "
                "each is shown with its configuration hash (name runs apart with label=...)"
            )
        for key, dirs in by_hash.items():
            name = label if len(by_hash) == 1 else f"{label} [{key[:8]}]"
            runs.append(Run(region, name, key, dirs, manifests[dirs[0]]))
            table = _results(dirs, region, name)
            tables.append(table)
            ledger = _ledger(dirs)
            if ledger is not None:
                ledgers[(region, name)] = ledger
    table = pd.concat(tables, ignore_index=True)
    return Loaded(table, ledgers, runs)


def _results(dirs: list[Path], region: str, label: str) -> pd.DataFrame:
    parts = []
    for folder in dirs:
        table = pd.read_csv(folder / "results.csv")
        if "label" not in table.columns:  # results written before runs were labelled
            table.insert(0, "region", region)
            table.insert(2, "label", label)
        parts.append(table.assign(label=label))
    table = pd.concat(parts, ignore_index=True)
    return table.drop_duplicates(subset=["region", "label", "replicate", "year", "metric"], keep="first")


def _ledger(dirs: list[Path]) -> pd.DataFrame | None:
    """The event ledgers of a configuration's folders, each replicate once; None if no folder kept one."""
    parts, seen = [], set()
    for folder in dirs:
        path = folder / "events.parquet"
        if not path.is_file():
            continue
        ledger = pd.read_parquet(path)
        fresh = ledger[~ledger["replicate"].isin(seen)]
        seen |= set(fresh["replicate"].unique())
        parts.append(fresh)
    return pd.concat(parts, ignore_index=True) if parts else None
