"""Survival curves from the household event ledger: time to exit, and from exit to fallback or return.

The ledger (:mod:`sim.events`) lists each household's events by year.  Three durations are
measured on the initial register (建档立卡 at the start, the households the campaign set out
to lift), each per replicate and cause group (illness, disability, no labour capacity, other,
and all together):

- ``exit``: years from the register at the start (the year before the first simulated year)
  to the first exit (脱贫) by development or guarantee;
- ``fallback``: years from that first exit to the first year truly poor again;
- ``return``: years from that first exit to re-registration (返贫).

A household whose members all die is censored at that year; one without the event by the
last simulated year is censored there.  Exits in the last year have no time at risk and are
left out of the two post-exit curves.  Curves are Kaplan-Meier estimates (``scipy.stats.ecdf``
with right censoring) per replicate, one household one unit (the register's unit is the
household, 户); the band over replicates is the Student-t interval of the mean survival.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.stats import kaplan_meier, t_interval
from sim.events import Event
from sim.state import Cause

CURVES = {
    "exit": "years from the start register to exit",
    "fallback": "years from exit to falling back (truly poor again)",
    "return": "years from exit to return (re-registered)",
}
GROUPS = (*(c.name.lower() for c in Cause), "all")
_EXITS = (Event.EXIT_DEVELOPMENT, Event.EXIT_GUARANTEE)
_ENDS = (Event.EXIT_DECEASED, Event.DISSOLVED)


def durations(ledger: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Durations of each curve for the initial register: replicate, household, cause, curve, duration, observed."""
    origin = start_year - 1
    cohort = ledger.loc[ledger["event"] == Event.INITIAL_REGISTER, ["replicate", "household", "cause"]]
    keys = ["replicate", "household"]
    members = ledger.merge(cohort[keys], on=keys, how="inner")

    def first(events) -> pd.Series:
        chosen = members[members["event"].isin([int(e) for e in events])]
        return chosen.groupby(keys, sort=True)["year"].min()

    frame = cohort.set_index(keys).sort_index()
    frame["exit"] = first(_EXITS)
    frame["end"] = first(_ENDS)
    frame["fallback"] = first([Event.FALLBACK])
    frame["return"] = first([Event.RETURN])
    parts = [_durations(frame, "exit", origin, frame["exit"], end_year)]
    exited = frame[frame["exit"] < end_year]
    for curve in ("fallback", "return"):
        event = exited[curve].where(exited[curve] > exited["exit"])
        parts.append(_durations(exited, curve, exited["exit"], event, end_year))
    return pd.concat(parts, ignore_index=True)


def _durations(frame: pd.DataFrame, curve: str, since, event: pd.Series, end_year: int) -> pd.DataFrame:
    """One curve's durations: to the event if it comes first, else to the household's end or the last year."""
    censor = frame["end"].fillna(end_year).clip(upper=end_year)
    observed = event.notna() & (event <= censor)
    stop = event.where(observed, censor)
    return pd.DataFrame(
        {
            "replicate": frame.index.get_level_values("replicate"),
            "household": frame.index.get_level_values("household"),
            "cause": frame["cause"].to_numpy(),
            "curve": curve,
            "duration": (stop - since).to_numpy(dtype=np.float64),
            "observed": observed.to_numpy(),
        }
    )


def curves(spans: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Kaplan-Meier survival per replicate, curve and cause group at years 0..horizon.

    Columns: replicate, curve, group, households (at risk at the start), time, survival.
    """
    times = np.arange(horizon + 1, dtype=np.float64)
    rows = []
    for (replicate, curve), part in spans.groupby(["replicate", "curve"], sort=True):
        for group in GROUPS:
            chosen = part if group == "all" else part[part["cause"] == Cause[group.upper()]]
            survival = kaplan_meier(chosen["duration"], chosen["observed"], times)
            rows.extend((replicate, curve, group, len(chosen), int(t), s) for t, s in zip(times, survival, strict=True))
    return pd.DataFrame(rows, columns=["replicate", "curve", "group", "households", "time", "survival"])


def bands(per_replicate: pd.DataFrame) -> pd.DataFrame:
    """Mean survival and its Student-t interval over replicates, per label, curve, group and time."""
    keys = ["region", "label", "curve", "group", "time"]
    rows = []
    for key, part in per_replicate.groupby(keys, sort=False):
        mean, low, high = t_interval(part["survival"].dropna())
        rows.append((*key, len(part), float(part["households"].mean()), mean, low, high))
    out = pd.DataFrame(rows, columns=[*keys, "replicates", "households", "mean", "low", "high"])
    out[["low", "high"]] = out[["low", "high"]].clip(0.0, 1.0)
    return out
