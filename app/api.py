"""The Python interface: runs and sweeps from a notebook, and a Mesa model built from keywords.

>>> from app.api import simulate, sweep
>>> table = simulate(region="henan", scenario="withdraw_2021", replicates=5,
...                  overrides=["policy.dibao.grace_years=2"])
>>> tables = sweep(scenarios=["baseline", "withdraw_2021"], replicates=5, n_jobs=2)

Both compose and validate exactly as ``run.py`` does (a bad value raises :class:`UsageError`
with the command line's one-line message), use the same seeds and the same result store, and
return the tidy results table of the output contract (``region, scenario, label, replicate,
year, metric, value``): the same numbers as ``results.csv`` of the equivalent command.

:class:`KeywordModel` is the Mesa model built from keyword parameters (region, scenario, seed,
replicate, overrides), so that Mesa's ``batch_run`` and visualisation tools can drive it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pandas as pd

from app.compose import UsageError, load_config
from app.runner import run
from app.store import ResultStore
from sim.config import RunConfig
from sim.model import PovertyModel

__all__ = ["KeywordModel", "UsageError", "configure", "simulate", "sweep"]


def configure(
    region: str = "henan",
    scenario: str = "baseline",
    replicates: int = 1,
    overrides: Sequence[str] = (),
    seed: int | None = None,
) -> RunConfig:
    """The validated configuration of one run, as ``run.py region=... scenario=... <overrides>`` makes it."""
    if isinstance(overrides, str):
        raise UsageError(f"overrides: got the text {overrides!r}; allowed: a list of key=value texts")
    chosen = [f"region={region}", f"scenario={scenario}", f"replicates={replicates}"]
    if seed is not None:
        chosen.append(f"seed={seed}")
    return load_config([*chosen, *overrides])


def simulate(
    region: str = "henan",
    scenario: str = "baseline",
    replicates: int = 1,
    overrides: Sequence[str] = (),
    seed: int | None = None,
    use_store: bool = True,
) -> pd.DataFrame:
    """Run one configuration; return its tidy results (replicates in the store are read, not re-run).

    Raises:
        UsageError: a bad region, scenario or override (the command line's one-line message).
    """
    return _run_job(configure(region, scenario, replicates, overrides, seed), use_store)


def _run_job(config: RunConfig, use_store: bool) -> pd.DataFrame:
    """Run one validated configuration (through its store, if asked); return its table."""
    return run(config, store=ResultStore(config.store.dir) if use_store else None).table


def sweep(
    scenarios: Sequence[str] = ("baseline",),
    override_sets: Sequence[Sequence[str]] = ((),),
    region: str = "henan",
    replicates: int = 1,
    seed: int | None = None,
    n_jobs: int = 1,
    use_store: bool = True,
) -> pd.DataFrame:
    """Every scenario under every override set; one tidy table of all runs (each labelled).

    Jobs run in ``n_jobs`` worker processes (joblib; -1 for one per core) through the result
    store, so results never depend on ``n_jobs`` and an interrupted sweep resumes where it stopped.

    Raises:
        UsageError: a bad value, or two jobs with one label but different configurations.
    """
    configs = [
        configure(region, scenario, replicates, overrides, seed)
        for scenario, overrides in itertools.product(scenarios, override_sets)
    ]
    labels: dict[str, RunConfig] = {}
    for config in configs:
        other = labels.setdefault(config.label, config)
        if other is not config and other != config:
            raise UsageError(f"label: {config.label!r} names two different jobs; allowed: one label per configuration")
    if n_jobs == 1:
        tables = [_run_job(config, use_store) for config in configs]
    else:
        from joblib import Parallel, delayed

        tables = Parallel(n_jobs=n_jobs)(delayed(_run_job)(config, use_store) for config in configs)
    return pd.concat(tables, ignore_index=True)


class KeywordModel(PovertyModel):
    """:class:`sim.model.PovertyModel` built from keyword parameters, for Mesa's tools.

    ``mesa.batch_run(KeywordModel, {"scenario": ["baseline", "withdraw_2021"], "seed": [0, 1]})``
    runs each combination to the last configured year and collects every yearly metric.
    ``overrides`` is a tuple of ``key=value`` texts (wrap it in a list for ``batch_run``).
    """

    def __init__(
        self,
        region: str = "henan",
        scenario: str = "baseline",
        seed: int = 0,
        replicate: int = 0,
        overrides: Sequence[str] = (),
    ) -> None:
        """Compose and validate the configuration, then build the model of one replicate."""
        super().__init__(configure(region, scenario, 1, overrides, seed), replicate)
