"""Every run the tests start keeps its result store in a folder of the test session, never in ./store."""

from __future__ import annotations

import os
import tempfile

import pytest

# Set before any test composes a config or starts run.py (subprocesses inherit it).
os.environ["POVERTY_STORE"] = tempfile.mkdtemp(prefix="poverty-test-store-")


def pytest_configure(config):
    """With worker processes, compile the kernels once here first (a clean clone has none cached).

    Otherwise each worker, and each ``run.py`` the tests start, would compile the same kernels at
    the same time before the cache holds them.
    """
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    from app.api import simulate
    from sim.model import PovertyModel
    from tests.helpers import context, small_config

    # A small run of the default and of a scenario with shocks and the 2021 regime reaches the kernels.
    for scenario in ("baseline", "flood_2021", "withdraw_2021"):
        simulate(scenario=scenario, overrides=["population.scale=400"], use_store=False)
    # Tests that choose the draws pass filled arrays where a run passes the year's key, and the
    # kernels that read a draw source have a second compiled version for them: every step under
    # such draws makes those too, in a campaign year and in one with monitoring on.
    model = PovertyModel(small_config())
    for year in (2018, 2021):
        chosen = context(model.h.n, year, config=model.config, areas=model.areas)
        for step, params in model.plan:
            step.run(model.h, params, chosen)


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
