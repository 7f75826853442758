"""Quick checks of modules the rest of the fast tier reaches only through slow runs.

The experiments, the benchmark commands, the sweep driver and the printed tables are exercised in
full by slow tests; here each one's contract with ``run.py`` is checked in process, so that
``python3 -m tests --fast`` still reaches every module of the project.
"""

from __future__ import annotations

import importlib

import pytest
from omegaconf import OmegaConf

from app import console, experiments
from app.compose import CONF_DIR, compose_dict


@pytest.mark.parametrize("name", sorted(p.stem for p in (CONF_DIR / "experiment").glob("*.yaml")))
def test_every_experiment_validates_its_settings_and_declares_its_files(name):
    composed = compose_dict([f"+experiment={name}"])
    experiment = experiments.experiment_config(OmegaConf.to_container(composed.experiment, resolve=True))
    module = experiments.module(experiment)
    assert module.OUTPUTS and all("/" not in f for f in module.OUTPUTS) and callable(module.execute)


def test_a_table_wider_than_the_terminal_is_cut_into_blocks_that_fit():
    header = ["Year", *(f"Column number {i} (万人)" for i in range(9))]
    rows = [[str(2018 + r), *(f"{1000 * r + c:,}" for c in range(9))] for r in range(3)]
    text = console.fit(rows, header, width=60)
    widths = [sum(2 if ord(ch) >= 0x1100 else 1 for ch in line) for line in text.splitlines()]
    assert max(widths) <= 60 and text.count("Year") > 1  # several blocks, each repeating the years
    assert all(f"Column number {i}" in text for i in range(9))


def test_the_benchmark_and_sweep_driver_modules_load_with_their_entry_points():
    for name, entry in (("app.bench", "main"), ("app.bench_sweep", "main"), ("app.sweep", "collect")):
        assert callable(getattr(importlib.import_module(name), entry)), name
