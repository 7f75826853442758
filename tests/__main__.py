"""Run the test suite inside the project's virtual environment: ``python3 -m tests``."""

import sys

from bootstrap import ensure_environment

ensure_environment(["-m", "tests", *sys.argv[1:]])

import pytest  # noqa: E402  (importable only inside .venv)

sys.exit(pytest.main(sys.argv[1:]))
