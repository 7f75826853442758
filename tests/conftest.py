"""Every run the tests start keeps its result store in a folder of the test session, never in ./store."""

from __future__ import annotations

import os
import tempfile

import pytest

# Set before any test composes a config or starts run.py (subprocesses inherit it).
os.environ["POVERTY_STORE"] = tempfile.mkdtemp(prefix="poverty-test-store-")


def pytest_configure(config):
    """With worker processes, compile the kernels once here first (``tests/warm.py``; a clean clone has none cached).

    Otherwise each worker, and each ``run.py`` the tests start, would compile the same kernels at
    the same time before the cache holds them.
    """
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    from tests import warm

    warm.warm()


@pytest.hookimpl(tryfirst=True)  # before ``-m "not slow"`` deselects
def pytest_collection_modifyitems(config, items):
    """Mark slow the tests the recorded durations say are slow (tests/tiers.py), for ``--fast``; longest files first."""
    from tests import tiers

    durations = tiers.recorded()
    tiers.longest_files_first(items, durations)
    slow = tiers.slow_ids(items, durations)
    for item in items:
        if item.nodeid in slow:
            item.add_marker(pytest.mark.slow)
