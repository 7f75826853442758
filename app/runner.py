"""Run every replicate of a configuration and gather the tidy results table.

Replicates run one after another in this process (a new process costs ~0.8 s of imports);
replicate ``r``'s streams are children of ``SeedSequence(seed)`` with spawn key ``(r, stream)``
(:mod:`sim.rng`), so they depend only on ``(seed, replicate)``: results never depend on how
replicates are spread over workers, and replicate ``r`` of every scenario draws the same
numbers (common random numbers).  With a result store, finished replicates are kept and reused.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd

from app.faults import pause_if
from app.identity import config_hash
from app.store import STORED_COLUMNS, Expected, ResultStore
from sim import events, metrics
from sim.config import RunConfig
from sim.model import PovertyModel
from sim.state import PANEL_COLUMNS

#: Columns of the results table (the output contract): what produced each row, then the number.
COLUMNS = ["region", "scenario", "label", "replicate", "year", "metric", "value"]


@dataclasses.dataclass
class RunResult:
    """Tidy results, where each replicate came from, panels, event ledgers and timings in seconds."""

    table: pd.DataFrame
    n_households: int
    setup_s: float
    simulate_s: float
    panels: list[pd.DataFrame]
    config_hash: str = ""
    reused: list[int] = dataclasses.field(default_factory=list)  # replicates read from the store
    ledgers: list[pd.DataFrame] = dataclasses.field(default_factory=list)  # with a replicate column, if kept


@dataclasses.dataclass
class Replicate:
    """One simulated replicate: its table (no label column), panel and ledger if kept, timings."""

    table: pd.DataFrame
    panel: pd.DataFrame | None
    ledger: pd.DataFrame | None
    n_households: int
    setup_s: float
    simulate_s: float


def simulate_replicate(config: RunConfig, replicate: int, keep_panel: bool = False) -> Replicate:
    """Simulate one replicate of ``config``."""
    t0 = time.perf_counter()
    model = PovertyModel(config, replicate)
    t1 = time.perf_counter()
    region, scenario = config.region.name, config.scenario_name
    rows = [(region, scenario, replicate, config.region.start_year - 1, k, v) for k, v in model.initial_row().items()]
    panel_parts = []
    while model.year < config.region.end_year:
        model.step()
        pause_if("simulate")
        if keep_panel:
            panel_parts.append(household_panel(model, replicate))
    yearly = metrics.yearly_names()
    rows.extend((region, scenario, replicate, r["year"], k, r[k]) for r in model.history for k in yearly)
    table = pd.DataFrame(rows, columns=STORED_COLUMNS)
    panel = pd.concat(panel_parts, ignore_index=True) if keep_panel else None
    ledger = with_replicate(model.ledger(), replicate) if model.keeps_events else None
    n_households = model.h.n
    # Freed now, not when the cyclic collector wakes: a job's memory stays flat over its replicates.
    model.release()
    del model
    return Replicate(table, panel, ledger, n_households, t1 - t0, time.perf_counter() - t1)


def with_replicate(ledger: pd.DataFrame, replicate: int) -> pd.DataFrame:
    """The ledger with its replicate as the first column."""
    return ledger.assign(replicate=np.int32(replicate))[["replicate", *ledger.columns]]


def run(config: RunConfig, keep_panel: bool = False, store: ResultStore | None = None, progress=None) -> RunResult:
    """Simulate all replicates of ``config``; return the results in the output contract.

    With a ``store``, each replicate is stored the moment it finishes, with its event ledger if
    the run keeps one, and (if ``store.reuse`` and no panel is asked for) a replicate already
    stored is read instead of simulated; one stored without a ledger the run needs is simulated
    again for its ledger (the same numbers).  ``progress`` (a tqdm bar or None) advances by one
    per replicate.
    """
    key = config_hash(config)
    tables: list[pd.DataFrame] = []
    setup_s = simulate_s = 0.0
    n_households = 0
    panels, reused, ledgers = [], [], []
    reuse = store is not None and config.store.reuse and not keep_panel
    wants_ledger = events.kept(config)
    expected = Expected.of(config)
    for replicate in range(config.replicates):
        stored = store.get(key, replicate, expected) if reuse else None
        ledger = store.get_events(key, replicate) if stored is not None and wants_ledger else None
        if stored is not None and (ledger is not None or not wants_ledger):
            tables.append(stored)
            reused.append(replicate)
            if ledger is not None:
                ledgers.append(ledger)
        else:
            done = simulate_replicate(config, replicate, keep_panel)
            n_households = done.n_households
            setup_s, simulate_s = setup_s + done.setup_s, simulate_s + done.simulate_s
            if store is not None:
                store.put(key, replicate, done.table, config, done.ledger)
                pause_if("stored")
            tables.append(done.table)
            if done.ledger is not None:
                ledgers.append(done.ledger)
            if keep_panel:
                panels.append(done.panel)
        if progress is not None:
            progress.update(1)
    table = pd.concat(tables, ignore_index=True)
    table.insert(2, "label", config.label or config.scenario_name)
    table = table.sort_values(["replicate", "year", "metric"], kind="stable").reset_index(drop=True)
    return RunResult(table, n_households, setup_s, simulate_s, panels, key, reused, ledgers)


def household_panel(model: PovertyModel, replicate: int) -> pd.DataFrame:
    """One row per simulated household for the model's current year (columns flagged ``panel``)."""
    h = model.h
    frame = {
        "replicate": np.full(h.n, replicate, dtype=np.int32),
        "year": np.full(h.n, model.year, dtype=np.int16),
        "household": np.arange(h.n, dtype=np.int32),
    }
    frame.update({c.name: getattr(h, c.name) for c in PANEL_COLUMNS})
    return pd.DataFrame(frame)


def yearly_table(table: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    """Mean over replicates, years as rows, the chosen metrics as columns."""
    chosen = table[table["metric"].isin(metrics)]
    wide = chosen.pivot_table(index="year", columns="metric", values="value", aggfunc="mean")
    return wide.reindex(columns=[m for m in metrics if m in wide.columns])
