"""Compile the kernels before the test workers start, on two cores when nothing is cached yet.

A clean clone has no compiled kernel: without this, each worker, and each ``run.py`` the tests
start, would compile the same kernels at the same time.  ``conftest.py`` calls :func:`warm`
before the workers start.  When many kernels have nothing in the cache, a second process
(``python -m tests.warm``) calls the year's steps in the opposite order while this one runs the
small runs forward: each process loads from the cache what the other has compiled by the time it
gets there, so the two meet in the middle instead of compiling everything one after the other
(numba writes each cache file under a temporary name and renames it, so neither reads half a
file).  This process then goes through everything once more, loading what is cached and
compiling whatever the two left out (numba keeps one index per kernel, and two processes saving
versions of the same kernel at once can leave one of them out of it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: A second process starts when at least one kernel in this many has nothing cached.
SHARE_WORTH_A_HELPER = 4


def forward() -> None:
    """Small runs that reach every kernel a run or a test calls, in the order a year calls them."""
    from app.api import simulate

    # The default, and scenarios with shocks and the 2021 regime.
    for scenario in ("baseline", "flood_2021", "withdraw_2021"):
        simulate(scenario=scenario, overrides=["population.scale=400"], use_store=False)
    _chosen_draws((2018, 2021), reverse=False)


def backward() -> None:
    """The year's steps in reverse order, with a year's own draws and with chosen ones."""
    from sim.model import PovertyModel
    from tests.helpers import small_config

    model = PovertyModel(small_config())
    context = model._context(model.config.region.start_year)
    households = model.h.new_year()
    for step, params in reversed(model.plan):
        step.run(households, params, context)
    _chosen_draws((2021, 2018), reverse=True)


def _chosen_draws(years: tuple[int, ...], reverse: bool) -> None:
    """Every step under draws a test chooses: filled arrays where a run passes the year's key.

    The kernels that read a draw source have a second compiled version for them; a campaign
    year and one with monitoring on reach them all.
    """
    from sim.model import PovertyModel
    from tests.helpers import context, small_config

    model = PovertyModel(small_config())
    plan = list(reversed(model.plan)) if reverse else model.plan
    for year in years:
        chosen = context(model.h.n, year, config=model.config, areas=model.areas)
        for step, params in plan:
            step.run(model.h, params, chosen)


def warm() -> None:
    """Load or compile every kernel the tests reach; on two processes when some have never been compiled."""
    import sim.model  # noqa: F401  (makes every kernel, so that the cache can be asked about them)
    from sim import jit, steps

    steps.levers()
    helper = None
    # Two processes pay when much is to compile (a clean clone, an edit to a module every kernel
    # imports); a few kernels (an edit to one lever, the test-only ones) compile here alone.
    if len(jit.uncached()) >= len(jit.KERNELS) // SHARE_WORTH_A_HELPER:
        helper = subprocess.Popen([sys.executable, "-m", "tests.warm"], cwd=Path(__file__).resolve().parent.parent)
    forward()
    if helper is not None:
        if helper.wait() != 0:
            raise RuntimeError("compiling the kernels in a second process failed (python -m tests.warm)")
        forward()


if __name__ == "__main__":
    backward()
