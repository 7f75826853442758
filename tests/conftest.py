"""Every run the tests start keeps its result store in a folder of the test session, never in ./store."""

from __future__ import annotations

import os
import tempfile

import pytest

# Set before any test composes a config or starts run.py (subprocesses inherit it).
os.environ["POVERTY_STORE"] = tempfile.mkdtemp(prefix="poverty-test-store-")


@pytest.hookimpl(tryfirst=True)  # before ``-m "not slow"`` deselects
def pytest_collection_modifyitems(config, items):
    """Mark slow the tests the recorded durations say are slow (tests/tiers.py), for ``--fast``."""
    from tests import tiers

    slow = tiers.slow_ids(items, tiers.recorded())
    for item in items:
        if item.nodeid in slow:
            item.add_marker(pytest.mark.slow)
