"""Run the test suite inside the project's virtual environment: ``python3 -m tests [--fast] [pytest args]``.

``--fast`` runs the fast tier: every test not marked ``slow`` (``pytest -m "not slow"``), a subset
that still imports and exercises every module of the project, for the loop after each edit.
Without it the whole suite runs (the README's command and CI).
"""

import sys

from bootstrap import ensure_environment

ensure_environment(["-m", "tests", *sys.argv[1:]])

import pytest  # noqa: E402  (importable only inside .venv)

FAST = "--fast"
arguments = [a for a in sys.argv[1:] if a != FAST]
if FAST in sys.argv[1:]:
    arguments = ["-m", "not slow", *arguments]
sys.exit(pytest.main(arguments))
