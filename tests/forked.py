"""Run ``run.py`` as the command line does, in a fork of the test process, to skip the start-up.

A bad-input case spends most of its time starting Python and importing Hydra, numba and the
engine (about 2 s) before the preflight rejects the input in a fraction of that.  The parent
imports those modules once; each case then runs in a forked child exactly as ``python3 run.py``
would (``__main__``, its own argv, working folder, standard streams and exit status), so the
contract checked (one line, status 2, nothing written) is the command line's own.  Only the
interpreter start is shared: a child's module state dies with it.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from app.compose import ROOT

RUN_PY = ROOT / "run.py"


@functools.cache
def _preload() -> None:
    """Import what ``run.py`` imports at its top, parse the default configuration's files and load the kernels, once.

    Parsed files are kept by :mod:`app.config_cache`, so a child composes (fully, as the command
    line does) without parsing again what every command reads.
    """
    import hydra
    import hydra.core.hydra_config  # noqa: F401

    import app.compose
    import app.faults
    import app.rundir
    import app.store
    import sim.steps  # noqa: F401

    app.compose.compose_dict([], with_hydra=True)
    # A small run loads numba's machinery and the cached kernels a year calls (about half a second
    # in every process), so that a child that simulates starts with them, as with the imports.
    from sim.model import PovertyModel
    from tests.helpers import small_config

    model = PovertyModel(small_config())
    model.run()
    model.release()


def _child(argv: list[str], cwd: str, out_path: str, err_path: str, env: dict | None = None) -> None:
    """In the forked child: become ``python3 run.py ARGV`` in ``cwd`` (with ``env``) and exit with its status."""
    status = 1
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    with open(out_path, "w") as out, open(err_path, "w") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 (lives as long as the child)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    try:
        from hydra.core.global_hydra import GlobalHydra

        GlobalHydra.instance().clear()  # as in a fresh interpreter
        os.chdir(cwd)
        sys.argv = [str(RUN_PY), *argv]
        runpy.run_path(str(RUN_PY), run_name="__main__")
        status = 0
    except SystemExit as end:
        code = end.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
        if not isinstance(code, int | None):
            print(code, file=sys.stderr)
    except BaseException:  # what an uncaught exception prints in a real process
        traceback.print_exc()
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def run(argv: list[str], cwd: Path = ROOT, env: dict | None = None, timeout: float = 600):
    """Run ``python3 run.py ARGV`` in ``cwd`` (with the environment ``env``, else this one's); its CompletedProcess."""
    return run_many([(argv, cwd)], workers=1, timeout=timeout, env=env)[0]


def run_many(
    commands: list[tuple[list[str], Path]], workers: int = 2, timeout: float = 600, env: dict | None = None
) -> list:
    """Run each ``(argv, cwd)`` as ``run.py`` would, ``workers`` at a time; their CompletedProcess, in order."""
    _preload()
    # The parent's objects move to the collector's permanent generation: a child's collections then
    # leave them alone instead of touching, and so copying, every page of the parent's heap.
    gc.freeze()
    try:
        return _run_forked(commands, workers, timeout, env)
    finally:
        gc.unfreeze()


def _run_forked(commands: list[tuple[list[str], Path]], workers: int, timeout: float, env: dict | None) -> list:
    context = multiprocessing.get_context("fork")
    results: list = [None] * len(commands)
    waiting = list(enumerate(commands))
    running: dict[int, tuple] = {}
    with tempfile.TemporaryDirectory(prefix="forked-") as scratch:
        while waiting or running:
            while waiting and len(running) < workers:
                index, (argv, cwd) = waiting.pop(0)
                out, err = (os.path.join(scratch, f"{index}.{name}") for name in ("out", "err"))
                child = context.Process(target=_child, args=(argv, str(cwd), out, err, env), daemon=True)
                child.start()
                running[index] = (child, argv, out, err, time.monotonic())
            for index, (child, argv, out, err, started) in list(running.items()):
                child.join(timeout=0.01)
                if child.exitcode is None and time.monotonic() - started < timeout:
                    continue
                if child.exitcode is None:
                    child.kill()
                    child.join()
                with open(out, encoding="utf-8") as stdout, open(err, encoding="utf-8") as stderr:
                    results[index] = subprocess.CompletedProcess(
                        [sys.executable, str(RUN_PY), *argv], child.exitcode, stdout.read(), stderr.read()
                    )
                del running[index]
    return results
