"""Run every replicate of a configuration and gather the tidy results table.

Replicates run one after another in this process (a new process costs ~0.8 s of imports);
replicate ``r``'s streams are children of ``SeedSequence(seed)`` with spawn key ``(r, stream)``
(:mod:`sim.rng`), so they depend only on ``(seed, replicate)``: results never depend on how
replicates are spread over workers, and replicate ``r`` of every scenario draws the same
numbers (common random numbers).  With a result store, finished replicates are kept and reused.
"""

from __future__ import annotations

import dataclasses
import gc
import time

import numpy as np
import pandas as pd

from app.faults import pause_if
from app.identity import config_hash
from app.store import STORED_COLUMNS, ResultStore
from sim import metrics
from sim.config import RunConfig
from sim.model import PovertyModel
from sim.state import PANEL_COLUMNS

#: Columns of the results table (the output contract): what produced each row, then the number.
COLUMNS = ["region", "scenario", "label", "replicate", "year", "metric", "value"]


@dataclasses.dataclass
class RunResult:
    """Tidy results, where each replicate came from, panels and timings in seconds."""

    table: pd.DataFrame
    n_households: int
    setup_s: float
    simulate_s: float
    panels: list[pd.DataFrame]
    config_hash: str = ""
    reused: list[int] = dataclasses.field(default_factory=list)  # replicates read from the store


def simulate_replicate(config: RunConfig, replicate: int, keep_panel: bool = False):
    """One replicate: its table (without the label column), panel, household count and timings."""
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
    n_households = model.h.n
    # A Mesa model sits in reference cycles, and a replicate makes too few Python objects to wake
    # the cyclic collector: without this, each replicate's arrays (~80 MB at the default scale)
    # stay alive and a job's memory grows with its replicates.
    del model
    gc.collect()
    return table, panel, n_households, t1 - t0, time.perf_counter() - t1


def run(config: RunConfig, keep_panel: bool = False, store: ResultStore | None = None, progress=None) -> RunResult:
    """Simulate all replicates of ``config``; return the results in the output contract.

    With a ``store``, each replicate is stored the moment it finishes, and (if ``store.reuse``
    and no panel is asked for) a replicate already stored is read instead of simulated.
    ``progress`` (a tqdm bar or None) advances by one per replicate.
    """
    key = config_hash(config)
    tables: list[pd.DataFrame] = []
    setup_s = simulate_s = 0.0
    n_households = 0
    panels, reused = [], []
    reuse = store is not None and config.store.reuse and not keep_panel
    for replicate in range(config.replicates):
        stored = store.get(key, replicate) if reuse else None
        if stored is not None:
            tables.append(stored)
            reused.append(replicate)
        else:
            table, panel, n_households, setup, simulate = simulate_replicate(config, replicate, keep_panel)
            setup_s, simulate_s = setup_s + setup, simulate_s + simulate
            if store is not None:
                store.put(key, replicate, table, config)
                pause_if("stored")
            tables.append(table)
            if keep_panel:
                panels.append(panel)
        if progress is not None:
            progress.update(1)
    table = pd.concat(tables, ignore_index=True)
    table.insert(2, "label", config.label or config.scenario_name)
    table = table.sort_values(["replicate", "year", "metric"], kind="stable").reset_index(drop=True)
    return RunResult(table, n_households, setup_s, simulate_s, panels, key, reused)


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
