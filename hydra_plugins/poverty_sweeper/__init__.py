"""Hydra sweeper ``hydra/sweeper=store``: Hydra's basic sweeper that stores results where the sweep started.

Found by Hydra's plugin discovery (the ``hydra_plugins`` namespace on ``sys.path``).  Every
launcher (basic, joblib, Ray, submitit) hands each job's return value back to the sweeper in
the driver process; this sweeper passes them to :func:`app.sweep.collect`, which puts any
replicate the driver's store lacks into it and writes any job folder the driver's disk lacks.
So a sweep's results land in the driver's store even when workers share no file system with it.
"""

# No "from __future__ import annotations": Hydra's plugin scan runs this module outside
# sys.modules, where dataclasses cannot resolve string annotations.
from dataclasses import dataclass

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore


@dataclass
class StoreSweeperConf:
    """Settings of the store sweeper (those of Hydra's basic sweeper)."""

    _target_: str = "hydra_plugins.poverty_sweeper.StoreSweeper"
    max_batch_size: int | None = None  # jobs launched at once; results are stored after each batch
    params: dict[str, str] | None = None


ConfigStore.instance().store(group="hydra/sweeper", name="store", node=StoreSweeperConf, provider="poverty")


class StoreSweeper(BasicSweeper):
    """Basic sweeper whose launcher's job returns are stored in the driver (app.sweep.collect)."""

    def setup(self, *, hydra_context, task_function, config) -> None:
        """Set up as the basic sweeper, then route every launched batch's returns through collect."""
        super().setup(hydra_context=hydra_context, task_function=task_function, config=config)
        launch = self.launcher.launch

        def launch_and_collect(job_overrides, initial_job_idx):
            from app.sweep import collect  # the project's code, imported where the sweep runs

            returns = launch(job_overrides, initial_job_idx=initial_job_idx)
            collect(returns)
            return returns

        self.launcher.launch = launch_and_collect
