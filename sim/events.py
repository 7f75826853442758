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

from sim.jit import inline, kernel
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


if max(Event) >= 32:  # a year's events of one household are the bits of a uint32 (:func:`_events`)
    raise TypeError("Event codes must be below 32")

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
    households, codes = _events(before.registration, after.registration, before.monitoring, after.monitoring,
                                before.members.size, after.members.size, year)  # fmt: skip
    return _frame(households, codes, year, after.cause)


@inline
def _event_flags(was, now, monitored_before, monitored_after, exit_route, fallback_year, size_before, size_after, year):
    """Bit ``e`` set for each :class:`Event` ``e`` of one household in ``year``.

    Each bit is its test shifted into place, with no branch, so the loop that calls this vectorises.
    """
    poor_before, exited_now = was == Registration.POOR, now == Registration.EXITED
    exited = poor_before & exited_now
    tracked = (was != Registration.NEVER) | (now != Registration.NEVER) | monitored_before
    return (
        _bit(exited & (exit_route == ExitRoute.DEVELOPMENT), Event.EXIT_DEVELOPMENT)
        | _bit(exited & (exit_route == ExitRoute.GUARANTEE), Event.EXIT_GUARANTEE)
        | _bit(poor_before & (now == Registration.NEVER), Event.EXIT_DECEASED)
        | _bit((was == Registration.NEVER) & (now == Registration.POOR), Event.NEWLY_REGISTERED)
        | _bit((was == Registration.EXITED) & (now == Registration.POOR), Event.RETURN)
        | _bit(fallback_year == year, Event.FALLBACK)
        | _bit((not monitored_before) & monitored_after, Event.MONITORED)
        | _bit(monitored_before & (not monitored_after), Event.MONITORING_ENDED)
        | _bit(tracked & (size_before > 0) & (size_after == 0), Event.DISSOLVED)
    )


@inline
def _bit(condition, event):
    """``condition`` as bit ``event`` of a household's event flags."""
    return np.uint32(condition) << np.uint32(event)


@kernel
def _events(reg_before, reg_after, monitoring_before, monitoring_after, size_before, size_after, year):
    """Households and event codes of one year, by household then code (one pass to count, one to fill)."""
    was, now = reg_before.reg, reg_after.reg
    monitored_before, monitored_after = monitoring_before.monitored, monitoring_after.monitored
    exit_route, fallback_year = reg_after.exit_route, reg_after.fallback_year
    n = was.size
    flags = np.zeros(n, np.uint32)  # one bit per event code (checked below the class: fewer than 32)
    total = 0
    for i in range(n):
        flags[i] = _event_flags(was[i], now[i], monitored_before[i], monitored_after[i], exit_route[i],
                                fallback_year[i], size_before[i], size_after[i], year)  # fmt: skip
    for i in range(n):
        f = flags[i]
        while f:  # most households have no event: the test is all they cost
            total += f & 1
            f >>= 1
    households, codes = np.empty(total, np.int64), np.empty(total, np.uint8)
    k = 0
    for i in range(n):
        f = np.int64(flags[i])
        code = 0
        while f:
            if f & 1:
                households[k], codes[k] = i, code
                k += 1
            f >>= 1
            code += 1
    return households, codes


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
