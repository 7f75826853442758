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
import os
from collections.abc import Sequence

import pandas as pd

from app.compose import ROOT, UsageError, load_config
from app.runner import run
from app.store import ResultStore, StoreError, check_store_dir
from sim.config import RunConfig
from sim.model import PovertyModel

__all__ = ["KeywordModel", "UsageError", "configure", "simulate", "sweep"]


#: Settings a Python call cannot make: where ``run.py`` writes its folders (the interface writes none).
_NOT_FOR_THE_API = ("hydra.", "+hydra.", "++hydra.")


def _texts(value: object, name: str, allowed: str) -> list[str]:
    """``value`` as a list of texts, or a UsageError naming the argument ``name``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise UsageError(f"{name}: got {value!r}; allowed: {allowed}")
    for item in value:
        if not isinstance(item, str):
            raise UsageError(f"{name}: got {list(value)!r}; allowed: {allowed}")
    return list(value)


def _overrides(overrides: object, name: str = "overrides") -> list[str]:
    chosen = _texts(overrides, name, "a list of key=value texts")
    for item in chosen:
        if item.startswith(_NOT_FOR_THE_API):
            raise UsageError(
                f"{name}: got {item!r}; allowed: settings of the run (hydra.* places run.py's folders; "
                "the Python interface writes no folder)"
            )
    return chosen


def _store_under_project(overrides: list[str]) -> list[str]:
    """The default store is the project's (``<project>/store``), whatever the working directory."""
    if any(o.startswith("store.dir=") for o in overrides) or os.environ.get("POVERTY_STORE"):
        return overrides
    return [*overrides, f"store.dir={ROOT / 'store'}"]


def configure(
    region: str = "henan",
    scenario: str = "baseline",
    replicates: int = 1,
    overrides: Sequence[str] = (),
    seed: int | None = None,
) -> RunConfig:
    """The validated configuration of one run, as ``run.py region=... scenario=... <overrides>`` makes it.

    The default store is the project's (``<project>/store``, unless ``POVERTY_STORE`` names one),
    not the working directory's, so a notebook anywhere reads the results the command line stored.
    """
    for name, value in (("region", region), ("scenario", scenario)):
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"{name}: got {value!r}; allowed: a name (python3 run.py --info lists them)")
    if isinstance(replicates, bool) or not isinstance(replicates, int):
        raise UsageError(f"replicates: got {replicates!r}; allowed: a whole number in [1, 10000]")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise UsageError(f"seed: got {seed!r}; allowed: a whole number in [0, inf], or None")
    chosen = [f"region={region}", f"scenario={scenario}", f"replicates={replicates}"]
    if seed is not None:
        chosen.append(f"seed={seed}")
    config = load_config(_store_under_project([*chosen, *_overrides(overrides)]))
    try:
        check_store_dir(config.store.dir)
    except StoreError as err:
        raise UsageError(str(err)) from None
    return config


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
    try:
        return run(config, store=ResultStore(config.store.dir) if use_store else None).table
    except StoreError as err:
        raise UsageError(str(err)) from None


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
    names = _texts(scenarios, "scenarios", "a non-empty list of scenario names, e.g. ['baseline']")
    if not names or len(set(names)) != len(names):
        raise UsageError(f"scenarios: got {names!r}; allowed: a non-empty list of distinct scenario names")
    if isinstance(override_sets, (str, bytes)) or not isinstance(override_sets, Sequence) or not override_sets:
        raise UsageError(f"override_sets: got {override_sets!r}; allowed: a non-empty list of lists of key=value texts")
    sets = [_overrides(item, f"override_sets[{i}]") for i, item in enumerate(override_sets)]
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise UsageError(
            f"n_jobs: got {n_jobs!r}; allowed: a whole number of worker processes >= 1, or -1 for one per core"
        )
    configs = [
        configure(region, scenario, replicates, overrides, seed)
        for scenario, overrides in itertools.product(names, sets)
    ]
    labels: dict[str, RunConfig] = {}
    for config in configs:
        other = labels.setdefault(config.label, config)
        if other is not config and other != config:
            raise UsageError(f"label: {config.label!r} names two different jobs; allowed: one label per configuration")
        if other is not config:
            raise UsageError(f"override_sets: the job {config.label!r} is asked for twice; allowed: each job once")
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
