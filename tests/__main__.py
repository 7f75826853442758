"""Run the test suite inside the project's virtual environment: ``python3 -m tests [--fast] [pytest args]``.

``--fast`` runs the fast tier: every test not marked ``slow`` (``pytest -m "not slow"``), a subset
that still imports and exercises every module of the project, for the loop after each edit.
Without it the whole suite runs (the README's command and CI), on one worker process per core
(pytest-xdist, ``--dist loadfile``: a file's tests share a worker, so its module fixtures are
built once; the files the recorded durations say are longest start first).  Give ``-n 0`` to
run in this process, ``-n N`` for N workers.
"""

import os
import sys

from bootstrap import ensure_environment

ensure_environment(["-m", "tests", *sys.argv[1:]])

import pytest  # noqa: E402  (importable only inside .venv)

FAST = "--fast"
arguments = [a for a in sys.argv[1:] if a != FAST]
if FAST in sys.argv[1:]:
    # Quicker in one process: the tier is shorter than the workers' start-up would save.
    arguments = ["-m", "not slow", *arguments]
elif not any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in arguments):
    # --no-loadscope-reorder: hand out files in the order conftest.py sets (the longest first), not
    # pytest-xdist's own (the most tests first), so that no long file starts last and runs alone.
    arguments = ["-n", str(max(1, os.cpu_count() or 1)), "--dist", "loadfile", "--no-loadscope-reorder", *arguments]
sys.exit(pytest.main(arguments))
