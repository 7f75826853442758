"""Run every replicate of a configuration and gather the tidy results table.

Replicates run one after another in this process (a new process costs ~0.8 s of imports);
each replicate's streams depend only on ``(seed, replicate)``, so results never depend on how
replicates are spread over workers.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd

from app.faults import pause_if
from sim import metrics
from sim.config import RunConfig
from sim.model import PovertyModel
from sim.state import PANEL_COLUMNS

COLUMNS = ["scenario", "replicate", "year", "metric", "value"]


@dataclasses.dataclass
class RunResult:
    """Tidy results, the last model (for panels and inspection) and timings in seconds."""

    table: pd.DataFrame
    n_households: int
    setup_s: float
    simulate_s: float
    panels: list[pd.DataFrame]


def run(config: RunConfig, keep_panel: bool = False) -> RunResult:
    """Simulate all replicates of ``config``; return the results in the output contract."""
    rows: list[tuple] = []
    setup_s = simulate_s = 0.0
    n_households = 0
    panels = []
    for replicate in range(config.replicates):
        t0 = time.perf_counter()
        model = PovertyModel(config, replicate)
        t1 = time.perf_counter()
        start = config.region.start_year
        initial = model.initial_row()
        rows.extend((config.scenario_name, replicate, start - 1, k, value) for k, value in initial.items())
        panel_parts = []
        while model.year < config.region.end_year:
            model.step()
            pause_if("simulate")
            if keep_panel:
                panel_parts.append(household_panel(model, replicate))
        yearly = metrics.yearly_names()
        rows.extend((config.scenario_name, replicate, r["year"], k, r[k]) for r in model.history for k in yearly)
        setup_s += t1 - t0
        simulate_s += time.perf_counter() - t1
        n_households = model.h.n
        if keep_panel:
            panels.append(pd.concat(panel_parts, ignore_index=True))
    table = pd.DataFrame(rows, columns=COLUMNS).sort_values(COLUMNS[:4], kind="stable").reset_index(drop=True)
    return RunResult(table, n_households, setup_s, simulate_s, panels)


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
