"""Sweeps: what a job hands back to the driver, how the driver stores it, and the progress bar.

A job (one configuration, all its replicates) returns a :class:`RunRecord`.  Every Hydra
launcher brings it back to the process that started the sweep, where the store sweeper
(``hydra_plugins/poverty_sweeper``) calls :func:`collect`: replicates missing from the driver's
store are put there and a job folder missing from the driver's disk is written.  With workers
on the driver's file system both are already there and nothing is written twice; with workers
that share no file system (a Ray cluster of separate machines), this is how results arrive.

:class:`SweepProgress` shows one bar over every replicate of every job, read from the store
and the finished job folders, so it works whichever launcher runs the jobs.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pandas as pd

from analysis.files import is_finished
from app.identity import config_hash
from app.store import ResultStore
from sim.config import RunConfig

POLL_SECONDS = 0.5


@dataclasses.dataclass
class RunRecord:
    """What a finished job returns: its configuration, results table, manifest and folder."""

    config: RunConfig
    table: pd.DataFrame
    manifest: dict
    out_dir: str  # the job folder as configured (relative paths are from the driver's working directory)
    ledgers: list[pd.DataFrame] = dataclasses.field(default_factory=list)  # event ledgers, one per replicate kept


def collect(returns) -> list[Path]:
    """Store the replicates and write the job folders of finished jobs that the driver lacks.

    Returns the job folders written here.  A folder that exists with someone else's files in it
    is left alone with a warning (runs never overwrite other runs' outputs).
    """
    from hydra.core.utils import JobStatus

    from app import outputs
    from app.rundir import RunDirectory

    written = []
    for job in returns:
        record = job._return_value if job.status == JobStatus.COMPLETED else None
        if not isinstance(record, RunRecord):
            continue
        config, key = record.config, record.manifest["config_hash"]
        store = ResultStore(config.store.dir)
        ledgers = {int(ledger["replicate"].iat[0]): ledger for ledger in record.ledgers if len(ledger)}
        for replicate, part in record.table.groupby("replicate", sort=True):
            if not store.has(key, int(replicate)):
                store.put(key, int(replicate), part.drop(columns="label"), config, ledgers.get(int(replicate)))
        out = Path(os.path.abspath(record.out_dir))
        if is_finished(out):
            continue
        if out.is_dir() and any(out.iterdir()):
            print(f"warning: {out} holds files of another run; its results are in the store", file=sys.stderr)
            continue
        created = [p for p in reversed([out, *out.parents]) if not p.exists()]
        out.mkdir(parents=True, exist_ok=True)
        outputs.write_run(
            config, record.table, RunDirectory(out, created), lambda _s, m=record.manifest: m, (), record.ledgers
        )
        written.append(out)
    return written


class SweepProgress:
    """A tqdm bar over every replicate of a sweep, advanced from the store in a background thread.

    A replicate counts once it is in the store (if it was there before the sweep began, only
    when the job reuses stored results) or once its job folder is finished.
    """

    def __init__(self, configs: list[RunConfig], folders: list[Path], enabled: bool = True) -> None:
        """Track ``configs`` (and their job folders, if known, in the same order)."""
        from tqdm import tqdm

        self.jobs = []
        for index, config in enumerate(configs):
            store, key = ResultStore(config.store.dir), config_hash(config)
            folder = folders[index] if index < len(folders) else None
            present = {r for r in range(config.replicates) if store.has(key, r)}
            self.jobs.append((config, store, key, folder, present))
        total = sum(config.replicates for config in configs)
        # disable=None: tqdm stays quiet when stderr is not a terminal.
        self.bar = tqdm(total=total, desc="sweep", unit="replicate", disable=None if enabled else True)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def done(self) -> int:
        """Replicates finished so far."""
        count = 0
        for config, store, key, folder, present in self.jobs:
            if folder is not None and is_finished(folder):
                count += config.replicates
                continue
            count += sum(
                1 for r in range(config.replicates) if store.has(key, r) and (config.store.reuse or r not in present)
            )
        return count

    def _poll(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self._advance()

    def _advance(self) -> None:
        self.bar.update(self.done() - self.bar.n)

    def __enter__(self) -> SweepProgress:
        """Start polling."""
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        """Stop polling, show the final count and close the bar."""
        self._stop.set()
        self._thread.join()
        self._advance()
        self.bar.close()


#: Environment variable holding the pid of the process that started a sweep (inherited by local workers).
DRIVER_PID = "POVERTY_DRIVER_PID"
_watching: list[int] = []


def mark_driver() -> None:
    """Record this process as the sweep's driver for the workers it starts (once, in the driver)."""
    os.environ.setdefault(DRIVER_PID, str(os.getpid()))


def exit_with_driver(poll_s: float = 0.5, grace_s: float = 3.0) -> None:
    """In a local worker process, end this process soon after the sweep's driver has gone.

    A worker of a killed driver (``kill -9`` leaves no one to stop it) would otherwise hold its
    memory until it finishes its job or longer.  A daemon thread checks every ``poll_s`` that the
    driver still exists and, once it does not, sends this process SIGTERM, so the job removes its
    unfinished files as on any interruption, and ends the process ``grace_s`` later.  Does nothing
    in the driver itself or without one.
    """
    driver = int(os.environ.get(DRIVER_PID, "0") or 0)
    if not driver or driver == os.getpid() or _watching:
        return
    _watching.append(driver)

    def watch() -> None:
        while True:
            time.sleep(poll_s)
            try:
                os.kill(driver, 0)
                continue
            except (ProcessLookupError, PermissionError):  # gone (or its pid now another user's process)
                pass
            # The job's SIGTERM handling removes its unfinished files; a worker pool would then wait
            # for the next job, so the process ends itself once that has had time to run.
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(grace_s)
            os._exit(128 + signal.SIGTERM)

    threading.Thread(target=watch, name="exit-with-driver", daemon=True).start()
