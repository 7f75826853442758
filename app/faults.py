"""Fault injection for the tests of interrupted runs: pause a run at a named phase.

With ``POVERTY_RUN_PAUSE_AT=<phase>`` in the environment (``setup``, ``simulate``, ``stored`` or
``write``), a run prints ``paused at <phase>`` to standard error and sleeps, so that a test can
kill it at a known point; ``<phase>:<n>`` pauses the n-th time the process reaches the phase
(``stored:4``: after the fourth replicate it put in the store).  Without the variable (every
normal run) this does nothing.
"""

from __future__ import annotations

import os
import sys
import time

VARIABLE = "POVERTY_RUN_PAUSE_AT"
PHASES = ("setup", "simulate", "stored", "write")
_REACHED: dict[str, int] = {}


def pause_if(phase: str) -> None:
    """Pause here if the environment asks for ``phase`` (and this is its n-th time, if it says n)."""
    wanted = os.environ.get(VARIABLE)
    if not wanted or wanted.partition(":")[0] != phase:
        return
    _REACHED[phase] = _REACHED.get(phase, 0) + 1
    if _REACHED[phase] == int(wanted.partition(":")[2] or 1):
        print(f"paused at {phase}", file=sys.stderr, flush=True)
        time.sleep(600)
