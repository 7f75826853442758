"""Experiments: commands that run several configurations and write one report (``+experiment=<name>``).

``python3 run.py +experiment=<name> [overrides]`` composes ``conf/experiment/<name>.yaml``, which sets
the ``experiment`` block and the experiment's output folder.  The other overrides apply to every run
the experiment makes.  Each experiment is a module here with ``OUTPUTS`` (the files it writes) and
``execute(experiment, overrides, run_dir)``, and ``Settings`` when it takes more than the common
fields below (a subclass of :class:`ExperimentConfig`); ``run.py`` writes the manifest last, as for
any run.
"""

from __future__ import annotations

import dataclasses
import importlib
from types import ModuleType

from sim.schema import build, check, spec
from sim.text import Text

EXPERIMENTS = ("calibrate", "lever_response", "sensitivity", "validate")


@dataclasses.dataclass
class ExperimentConfig:
    """Which experiment, and how many replicates each of its runs has."""

    name: str
    replicates: int = spec(
        1,
        1000,
        "replicates",
        Text(
            "replicates of every run (common random numbers across runs)", "每次运行的重复数（各次运行使用共同随机数）"
        ),
    )

    def __post_init__(self) -> None:
        check(self.name in EXPERIMENTS, "name", ", ".join(EXPERIMENTS), self.name)


def experiment_config(data: dict | None) -> ExperimentConfig | None:
    """Validate the composed ``experiment`` block (None when the command runs no experiment)."""
    if data is None:
        return None
    name = data.get("name") if isinstance(data, dict) else None
    check(name in EXPERIMENTS, "experiment.name", ", ".join(EXPERIMENTS), name)
    settings = getattr(importlib.import_module(f"app.experiments.{name}"), "Settings", ExperimentConfig)
    return build(settings, data, "experiment")


def module(experiment: ExperimentConfig) -> ModuleType:
    """The module that carries out ``experiment``."""
    return importlib.import_module(f"app.experiments.{experiment.name}")
