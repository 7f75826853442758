"""The household event ledger: who changed status, in which year, and how.

Yearly metrics count persons; the ledger keeps the households, so that durations can be
measured: time from the start to exit (脱贫) for the initial register (建档立卡), and time from
an exit to a true fallback or to a return (返贫), by the cause of poverty.  Each event is one
row ``(household, year, event, cause)``; an event is read off the state at the end of a year
against the state at the end of the year before, so the ledger takes no draws and changes no
result.  Every event the ledger knows is declared once in :class:`Event` with its meaning; the
codebook, the docs and the readers take them from there.

The initial register is written once as ``initial_register`` rows in the year before the
start, so a household that never leaves it is still in the ledger (censored at the last year).
Only households that are or have been on the register, or are monitored, get events; the rest
of the rural population changes nothing a duration measures.  At the default scale the ledger
is about 8 bytes per event; ``output.events`` (``auto``) keeps it only up to a household count.
"""

from __future__ import annotations

import enum

import numpy as np
import pandas as pd

from sim.population import real_households
from sim.state import Cause, ExitRoute, Households, Registration


class Event(enum.IntEnum):
    """What happened to a household in a year."""

    INITIAL_REGISTER = 0  # on the register at the start (the year before the first simulated year)
    EXIT_DEVELOPMENT = 1  # exited the register by its own income (脱贫, development route)
    EXIT_GUARANTEE = 2  # exited the register through guarantee transfers (兜底脱贫)
    EXIT_DECEASED = 3  # removed from the register because all members died (自然减少)
    NEWLY_REGISTERED = 4  # registered for the first time (新识别)
    RETURN = 5  # exited earlier, re-registered this year (返贫)
    FALLBACK = 6  # exited earlier, truly poor this year for the first time since that exit
    MONITORED = 7  # entered return-to-poverty monitoring (纳入监测)
    MONITORING_ENDED = 8  # left monitoring (risk eliminated, or registered)
    DISSOLVED = 9  # a household that is or was registered, or is monitored, lost its last member


#: One line per event, for the codebook and the docs.
MEANING = {
    Event.INITIAL_REGISTER: "on the register (建档立卡) at the start; year = start year - 1",
    Event.EXIT_DEVELOPMENT: "exited the register by its own income (脱贫, development route)",
    Event.EXIT_GUARANTEE: "exited the register through guarantee transfers (兜底脱贫)",
    Event.EXIT_DECEASED: "removed from the register because all members died (自然减少)",
    Event.NEWLY_REGISTERED: "registered for the first time (newly poor or inclusion error)",
    Event.RETURN: "had exited; re-registered this year (返贫)",
    Event.FALLBACK: "had exited; truly poor this year for the first time since that exit (true fallback)",
    Event.MONITORED: "entered return-to-poverty monitoring (防止返贫监测)",
    Event.MONITORING_ENDED: "left monitoring (risk eliminated or registered)",
    Event.DISSOLVED: "a household that is or was registered, or is monitored, lost its last member",
}

#: Codebook entry of the replicate column that ledgers and panels carry once they leave the model.
REPLICATE = {"dtype": "int32", "unit": "index", "meaning": "replicate of the run"}

#: Ledger columns, their types and meanings (the replicate is added where ledgers are stored).
LEDGER_COLUMNS = {
    "household": (np.int32, "index", "row of the simulated household (the same household in every scenario)"),
    "year": (np.int16, "year", "year of the event (state at that year's end)"),
    "event": (np.uint8, "code", "what happened"),
    "cause": (np.uint8, "code", "main cause of poverty risk at the start (fixed)"),
}


def kept(config) -> bool:
    """Whether runs of ``config`` (a :class:`~sim.config.RunConfig`) keep the ledger.

    ``output.events: auto`` decides on the population's expected size, known before synthesis, so
    every replicate of a configuration decides alike and a store can tell what to expect.
    """
    expected = sum(real_households(config.region, config.population).values()) / config.population.scale
    return config.output.keeps_events(round(expected))


def initial(h: Households, year: int) -> pd.DataFrame:
    """``initial_register`` rows for every household on the register at the start."""
    rows = np.flatnonzero(h.reg == Registration.POOR)
    return _frame(rows, np.full(rows.size, Event.INITIAL_REGISTER, np.uint8), year, h.cause)


def of_year(before: Households, after: Households, year: int) -> pd.DataFrame:
    """Every event of ``year``, from the states at the end of the year before and of this year.

    Rows are sorted by household, then event, so a ledger's bytes depend only on the states.
    """
    was, now = before.reg, after.reg
    exited = (was == Registration.POOR) & (now == Registration.EXITED)
    tracked = (was != Registration.NEVER) | (now != Registration.NEVER) | before.monitored
    masks = (
        (Event.EXIT_DEVELOPMENT, exited & (after.exit_route == ExitRoute.DEVELOPMENT)),
        (Event.EXIT_GUARANTEE, exited & (after.exit_route == ExitRoute.GUARANTEE)),
        (Event.EXIT_DECEASED, (was == Registration.POOR) & (now == Registration.NEVER)),
        (Event.NEWLY_REGISTERED, (was == Registration.NEVER) & (now == Registration.POOR)),
        (Event.RETURN, (was == Registration.EXITED) & (now == Registration.POOR)),
        (Event.FALLBACK, after.fallback_year == year),
        (Event.MONITORED, ~before.monitored & after.monitored),
        (Event.MONITORING_ENDED, before.monitored & ~after.monitored),
        (Event.DISSOLVED, tracked & (before.size > 0) & (after.size == 0)),
    )
    rows = [np.flatnonzero(mask) for _, mask in masks]
    events = [np.full(r.size, event, np.uint8) for (event, _), r in zip(masks, rows, strict=True)]
    households, codes = np.concatenate(rows), np.concatenate(events)
    order = np.lexsort((codes, households))
    return _frame(households[order], codes[order], year, after.cause)


def _frame(households: np.ndarray, events: np.ndarray, year: int, cause: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household": households.astype(np.int32),
            "year": np.full(households.size, year, np.int16),
            "event": events,
            "cause": cause[households].astype(np.uint8),
        }
    )


def codebook() -> dict[str, dict]:
    """Type, unit, meaning and codes of each ledger column."""
    book = {"replicate": dict(REPLICATE)}
    for name, (dtype, unit, meaning) in LEDGER_COLUMNS.items():
        book[name] = {"dtype": np.dtype(dtype).name, "unit": unit, "meaning": meaning}
    book["event"]["codes"] = {int(e): f"{e.name.lower()}: {MEANING[e]}" for e in Event}
    book["cause"]["codes"] = {int(c): c.name.lower() for c in Cause}
    return book


def empty() -> pd.DataFrame:
    """A ledger with no rows (the columns and types of :data:`LEDGER_COLUMNS`)."""
    return pd.DataFrame({name: np.array([], dtype) for name, (dtype, _, _) in LEDGER_COLUMNS.items()})
