"""Every run the tests start keeps its result store in a folder of the test session, never in ./store."""

from __future__ import annotations

import os
import tempfile

# Set before any test composes a config or starts run.py (subprocesses inherit it).
os.environ["POVERTY_STORE"] = tempfile.mkdtemp(prefix="poverty-test-store-")
