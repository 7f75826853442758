"""Fault injection for the tests of interrupted runs: pause a run at a named phase.

With ``POVERTY_RUN_PAUSE_AT=<phase>`` in the environment (``setup``, ``simulate`` or ``write``), a
run prints ``paused at <phase>`` to standard error and sleeps, so that a test can kill it at a
known point.  Without the variable (every normal run) this does nothing.
"""

from __future__ import annotations

import os
import sys
import time

VARIABLE = "POVERTY_RUN_PAUSE_AT"
PHASES = ("setup", "simulate", "write")


def pause_if(phase: str) -> None:
    """Pause here if the environment asks for ``phase``."""
    if os.environ.get(VARIABLE) == phase:
        print(f"paused at {phase}", file=sys.stderr, flush=True)
        time.sleep(600)
