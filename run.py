#!/usr/bin/env python3
"""Run a poverty-dynamics scenario: ``python3 run.py [region=...] [scenario=...] [key=value ...]``.

On first use it creates ``.venv`` and installs the pinned dependencies (``bootstrap.py``).
Hydra composes ``conf/`` and ``scenarios/``.  Before Hydra creates anything, the preflight
validates every configuration the command will run (each combination of a sweep, Hydra's own
settings, the output directories), so bad input prints one line and exits with status 2 with
nothing written.  A run writes ``results.csv``, the plots and, last, ``manifest.json`` into its
run directory and prints the yearly table.  If it fails or is interrupted (Ctrl-C, SIGTERM,
SIGHUP), it removes what it wrote and the folders it created, and nothing else.
"""

from __future__ import annotations

import sys

from bootstrap import ensure_environment

ensure_environment()

import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import hydra  # noqa: E402
from hydra.core.hydra_config import HydraConfig  # noqa: E402
from hydra.types import RunMode  # noqa: E402
from omegaconf import DictConfig, OmegaConf  # noqa: E402

from analysis.i18n import LANGUAGES, error_line, say  # noqa: E402
from app.compose import (  # noqa: E402
    UsageError,
    compose_dict,
    experiment_of,
    group_options,
    is_experiment_override,
    job_directories,
    load_config,
    register_all,
    scenario_question,
    sweep_combinations,
    to_run_config,
    year_overrides,
)
from app.faults import pause_if  # noqa: E402
from app.rundir import RunDirectory, RunDirError, check_target, create, is_finished  # noqa: E402
from app.store import ResultStore, StoreError, check_store_dir  # noqa: E402
from sim import steps  # noqa: E402

RUN_FLAGS = ("-m", "--multirun")
INFO_FLAGS = (
    "--help",
    "-h",
    "--hydra-help",
    "--cfg",
    "-c",
    "--info",
    "-i",
    "--version",
    "--resolve",
    "--shell-completion",
    "-sc",
)
#: Run directory -> the folders of its path this run creates (found by the preflight).
PLANNED: dict[Path, list[Path]] = {}
#: The sweep directory of a multirun, if this run creates it.
SWEEP: list[Path] = []
#: The file in a sweep directory that lists its job folders (read by the comparison).
JOB_LIST = "jobs.json"
#: The sweep directory of a multirun, created now or before (where the comparison reads it).
SWEEP_DIR: list[Path] = []
#: The validated configuration of every job the command runs, and their folders (when known).
JOBS: list = []
FOLDERS: list[Path] = []
#: Hydra's ``hydra.mode`` as the preflight composed it (see :func:`hydra_mode_from_preflight`).
COMPOSED_MODE: list = []


class Interrupted(BaseException):
    """A termination signal arrived (SIGTERM or SIGHUP)."""

    def __init__(self, signum: int) -> None:
        """Remember which signal."""
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def signals_raise():
    """Turn SIGTERM and SIGHUP into :class:`Interrupted` (SIGINT already raises KeyboardInterrupt)."""

    def handler(signum, frame):
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def user_overrides(argv: list[str]) -> list[str]:
    """Config overrides from the command line (Hydra flags and ``hydra`` settings removed)."""
    return [a for a in argv if not a.startswith("-") and not a.lstrip("+~").startswith(("hydra.", "hydra/"))]


def composed_with_hydra(overrides: list[str], hydra_settings: list[str]):
    """The first configuration composed with Hydra's settings, or None if that fails because of them.

    One composition serves both the run's settings and its folders.  When it fails and the command
    sets some of Hydra's settings, each configuration is composed again on its own and Hydra's
    settings after them, so that a command with several mistakes is told of them in the same order
    as always: its own settings first, then Hydra's.  Without such settings the failure is the run
    settings' own (Hydra composes its defaults with every configuration) and is raised as it is.
    """
    try:
        return compose_dict([*overrides, *hydra_settings], with_hydra=True)
    except UsageError:
        if not hydra_settings:
            raise
        return None


def hydra_mode_from_preflight() -> None:
    """Let Hydra take its run mode from the preflight's composition instead of composing once more.

    ``hydra.main`` composes the whole configuration only to read ``hydra.mode`` (``Hydra.get_mode``)
    before it composes it again for the job: a fifth of a small run's start-up.  The preflight has
    composed the same command line with Hydra's settings; its ``hydra.mode`` is the value Hydra
    would find.  Without a preflight composition (``--cfg``, ``--info``), Hydra composes as usual.
    """
    from hydra._internal.hydra import Hydra

    composing = Hydra.get_mode

    def get_mode(self, config_name, overrides):
        return COMPOSED_MODE[0] if COMPOSED_MODE else composing(self, config_name, overrides)

    Hydra.get_mode = get_mode


def preflight(argv: list[str]) -> list[str]:
    """Validate every configuration and output directory the command will use, before Hydra runs.

    Returns the command line as Hydra should see it (year-keyed overrides rewritten).
    """
    if any(a.split("=")[0] in INFO_FLAGS for a in argv):
        return argv
    multirun = bool(set(RUN_FLAGS) & set(argv))
    try:
        flags = [a for a in argv if a.startswith("-")]
        unknown = [f for f in flags if f not in RUN_FLAGS]
        if unknown:
            raise UsageError(f"{unknown[0]}: unknown option; allowed: -m/--multirun, {', '.join(INFO_FLAGS)}")
        # Hydra's parser wants its flags before the overrides; accept them anywhere.
        argv = [*(["-m"] if multirun else []), *(a for a in argv if not a.startswith("-"))]
        argv = year_overrides(argv)
        combinations = sweep_combinations(user_overrides(argv))
        if len(combinations) > 1 and not multirun:
            swept = next((o for o in user_overrides(argv) if "," in o.split("=", 1)[-1] or "(" in o), "overrides=")
            key, _, value = swept.partition("=")
            raise UsageError(f"{key}: got several values ({value}); allowed: one value, or -m to run them as a sweep")
        hydra_settings = [a for a in argv if not a.startswith("-") and a not in user_overrides(argv)]
        first = composed_with_hydra(combinations[0], hydra_settings)
        if first is not None:
            COMPOSED_MODE.append(OmegaConf.select(first, "hydra.mode"))
        configs = [load_config(overrides, first if i == 0 else None) for i, overrides in enumerate(combinations)]
        for config in configs:
            check_store_dir(config.store.dir)
        sweep_dir, directories = job_directories(combinations, configs, hydra_settings, multirun, first)
        key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
        planned = {directory: check_target(directory, key) for directory in directories}
        if sweep_dir is None:
            # Created now, so that their creation cannot fail later inside Hydra.
            planned[directories[0]] = create(planned[directories[0]], key)
            PLANNED.update(planned)
        else:
            sweep_folders = create(check_target(sweep_dir, key), key)
            SWEEP_DIR.append(sweep_dir)
            # A job's list also names its region folder: removed on failure only if it is empty.
            PLANNED.update(planned)
            if sweep_folders:
                SWEEP.append(sweep_dir)
                # The sweep's job list, so that a comparison can name the jobs that never finished.
                jobs = [os.path.relpath(directory, sweep_dir) for directory in directories]
                with open(sweep_dir / JOB_LIST, "x", encoding="utf-8") as listing:
                    json.dump({"jobs": jobs}, listing, indent=1)
        JOBS.extend(configs)
        FOLDERS.extend(directories)
    except (UsageError, RunDirError, StoreError) as err:
        print(error_line(err, reader_language()), file=sys.stderr)
        sys.exit(2)
    return argv


def print_table(result, config) -> None:
    """Print the yearly table in the reader's language and units, fitted to the terminal."""
    from app import console

    print(console.yearly_table(result.table, config.label, config.output.lang.value), end="")


def write_outputs(config, result, run_dir: RunDirectory, overrides: list[str]) -> tuple[float, dict]:
    """Write the run's files, the manifest last; return the seconds spent writing and the manifest."""
    from app import outputs

    spent = []

    def manifest_for(write_s: float) -> dict:
        spent.append(write_s)
        return outputs.manifest(config, result, write_s, overrides, scenario_question(config.scenario_name))

    data = outputs.write_run(config, result.table, run_dir, manifest_for, result.panels, result.ledgers)
    return spent[0], data


def run_experiment(config, experiment, run_dir: RunDirectory, overrides: list[str]) -> None:
    """Carry out an experiment in its run folder; its manifest is written last."""
    from app import experiments, outputs

    module = experiments.module(experiment)
    t0 = time.perf_counter()
    run_dir.will_write(*module.OUTPUTS)
    written = module.execute(experiment, [o for o in overrides if not is_experiment_override(o)], run_dir.path)
    run_dir.will_write("manifest.json")
    manifest = outputs.experiment_manifest(config, experiment, time.perf_counter() - t0, overrides)
    outputs.write_manifest(manifest, run_dir.path)
    for path in written:
        print(f"wrote {path}")
    print(say("run.outputs", config.output.lang.value, folder=run_dir.path))


def _clean_up(run_dir: RunDirectory) -> None:
    if not is_finished(run_dir.path):  # a finished run is never removed
        run_dir.remove_own()


def _remove_empty_sweep() -> None:
    """After an interrupted sweep, remove the sweep folder this run created if nothing but Hydra's record is left."""
    for sweep in SWEEP:
        record = sweep / "multirun.yaml"
        if sweep.is_dir() and {p.name for p in sweep.iterdir()} <= {"multirun.yaml", JOB_LIST}:
            record.unlink(missing_ok=True)
            (sweep / JOB_LIST).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                sweep.rmdir()


@contextlib.contextmanager
def replicate_bar(config, enabled: bool):
    """A progress bar over a single run's replicates (a sweep has one bar over all its jobs)."""
    if not (enabled and config.output.progress):
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=config.replicates, desc=config.label, unit="replicate", disable=None) as bar:
        yield bar


@hydra.main(config_path="conf", config_name="config", version_base="1.3")
def main(cfg: DictConfig):
    """Run one configuration, write its outputs into the Hydra run directory, return its record.

    In a sweep the record travels back to the driver, which stores what its disk lacks
    (:func:`app.sweep.collect`).
    """
    hydra_config = HydraConfig.get()
    out_dir = Path(os.path.abspath(hydra_config.runtime.output_dir))
    run_dir = RunDirectory(out_dir, PLANNED.get(out_dir, []))
    overrides = list(hydra_config.overrides.task)
    sweeping = hydra_config.mode == RunMode.MULTIRUN
    if sweeping and "joblib" in str(hydra_config.launcher.get("_target_", "")):
        from app.sweep import exit_with_driver

        exit_with_driver()  # a joblib worker on this machine: do not outlive a killed driver
    try:
        with signals_raise():
            from app import runner  # imported here: the preflight alone must stay quick

            config = to_run_config(cfg, overrides)
            experiment = experiment_of(cfg)
            pause_if("setup")
            if experiment is not None:
                run_experiment(config, experiment, run_dir, overrides)
                return
            store = ResultStore(config.store.dir)
            with replicate_bar(config, enabled=not sweeping) as bar:
                result = runner.run(config, keep_panel=config.output.panel, store=store, progress=bar)
            write_s, manifest = write_outputs(config, result, run_dir, overrides)
    except (UsageError, StoreError) as err:
        _clean_up(run_dir)
        print(error_line(err, reader_language()), file=sys.stderr)
        sys.exit(2)
    except (Interrupted, KeyboardInterrupt) as err:
        _clean_up(run_dir)
        _remove_empty_sweep()
        signum = err.signum if isinstance(err, Interrupted) else signal.SIGINT
        name = signal.Signals(signum).name
        print(say("run.interrupted", reader_language(), signal=name, folder=out_dir), file=sys.stderr)
        sys.exit(128 + signum)
    except BaseException:
        _clean_up(run_dir)  # never leave a half-written run behind, nor touch what was there before
        raise
    if config.output.print_table and not sweeping:  # a sweep prints one summary at the end instead
        print_table(result, config)
    lang = config.output.lang.value
    if len(result.reused) < config.replicates:
        times = {"setup": f"{result.setup_s:.2f}", "simulate": f"{result.simulate_s:.2f}", "write": f"{write_s:.2f}"}
        print("\n" + say("run.timing", lang, households=f"{result.n_households:,}", **times))
    if result.reused:
        print(say("run.reused", lang, reused=len(result.reused), replicates=config.replicates, store=store.root))
    print(say("run.outputs", lang, folder=out_dir))
    configured = os.path.join(hydra_config.sweep.dir, hydra_config.sweep.subdir) if sweeping else str(out_dir)
    from app.sweep import RunRecord

    return RunRecord(config, result.table, manifest, configured, result.ledgers)


def language_of(argv: list[str]) -> str:
    """The language a ``lang=`` or ``output.lang=`` override asks for (English without one)."""
    asked = [a.split("=", 1)[1] for a in argv if a.split("=", 1)[0] in ("lang", "output.lang")]
    return asked[-1] if asked else "en"


def reader_language() -> str:
    """The language of this command's messages: its ``lang=`` when that is one the catalogue has."""
    lang = language_of(sys.argv[1:])
    return lang if lang in LANGUAGES else LANGUAGES[0]


def shorthand(argv: list[str]) -> list[str]:
    """``lang=zh`` is ``output.lang=zh``."""
    return [f"output.{a}" if a.startswith("lang=") else a for a in argv]


def print_help(argv: list[str]) -> None:
    """``--help``: what the command does, in the reader's language, with every config group's options."""
    from analysis.i18n import check_lang, say

    lang = check_lang(language_of(argv))
    print(say("help.usage", lang))
    groups = ["region", "scenario", "population", "dynamics", "calibration", "experiment"]
    groups += [f"policy/{lever.name}" for lever in steps.levers()]
    print(say("help.groups", lang))
    for group in groups:
        print(f"  {group}: {', '.join(group_options(group))}")
    print(say("help.more", lang))


def describe(argv: list[str]) -> None:
    """``--describe [key] [overrides]``: levers and parameters with unit, range, meaning and value."""
    from app import console

    keys = [a for a in argv if "=" not in a]
    overrides = shorthand([a for a in argv if "=" in a])
    if len(keys) > 1:
        raise UsageError(f"--describe: got {' '.join(keys)}; allowed: one key (or none) and overrides key=value")
    config = load_config(overrides)
    print(console.describe(config, keys[0] if keys else "", config.output.lang.value), end="")


@contextlib.contextmanager
def reader_may_stop_reading():
    """A listing piped into ``head`` ends quietly when the reader closes the pipe (no traceback)."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python flushes stdout again at exit
        sys.exit(0)


def print_catalogue(lang: str) -> None:
    """``--info`` alone (or with ``lang=``): each scenario with the question it answers, one line each."""
    names = group_options("scenario")
    width = max(map(len, names))
    for name in names:
        print(f"{name:<{width}}  {scenario_question(name, lang=lang)}")


if __name__ == "__main__":
    register_all()
    languages_only = all(a.split("=", 1)[0] in ("lang", "output.lang") for a in sys.argv[2:])
    if sys.argv[1:2] in (["--info"], ["-i"]) and languages_only:  # with a topic (--info defaults) it is Hydra's
        with reader_may_stop_reading():
            print_catalogue(reader_language())
        sys.exit(0)
    if sys.argv[1:2] in (["--help"], ["-h"]) or sys.argv[1:2] == ["--describe"]:
        try:
            with reader_may_stop_reading():
                print_help(sys.argv[2:]) if sys.argv[1] != "--describe" else describe(sys.argv[2:])
        except (UsageError, ValueError) as err:
            print(error_line(err, reader_language()), file=sys.stderr)
            sys.exit(2)
        sys.exit(0)
    sys.argv[1:] = preflight(shorthand(sys.argv[1:]))
    hydra_mode_from_preflight()
    if len(JOBS) > 1 or (JOBS and set(RUN_FLAGS) & set(sys.argv)):
        from app.sweep import SweepProgress, mark_driver

        mark_driver()  # local workers end themselves if this process is killed (app.sweep.exit_with_driver)

        with SweepProgress(JOBS, FOLDERS, enabled=all(c.output.progress for c in JOBS)):
            main()
        if SWEEP_DIR and any((folder / "results.csv").is_file() for folder in FOLDERS):
            from app import console

            if all(c.output.print_table for c in JOBS):
                print(console.sweep_summary(FOLDERS, JOBS[0].output.lang.value), end="")
            print(say("run.compare", reader_language(), folder=SWEEP_DIR[0]))
    else:
        main()
