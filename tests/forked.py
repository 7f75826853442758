"""Run ``run.py`` as the command line does, in a fork of the test process, to skip the start-up.

A run the tests start spends most of its time starting Python and importing Hydra, numba, mesa
and the engine (about 2 s, and the first kernels' loading) before it does what the test is about:
a preflight that refuses the input in a fraction of that, or a small run.  The parent imports
those modules and loads the kernels once; each run is then a forked child that becomes
``python3 run.py`` exactly (``__main__``, its own argv, working folder, environment, standard
streams, signal handlers and exit status), so the contract checked (one line, status 2,
nothing written; what a signal or ``kill -9`` leaves) is the command line's own.  Only the
interpreter's start is shared: a child's module state dies with it.

:func:`start` gives a handle used as a ``subprocess.Popen`` is (``stdout``/``stderr`` pipes,
``poll``, ``wait``, ``send_signal``, ``communicate``), for tests that signal or kill a run;
:func:`run` and :func:`run_many` wait for runs to end.  Runs whose workers are other programs
(joblib's and Ray's launchers) and runs of another copy of the project start a real interpreter.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import os
import runpy
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

from app.compose import ROOT

RUN_PY = ROOT / "run.py"


@functools.cache
def _preload() -> None:
    """Import what ``run.py`` imports at its top, parse the default configuration's files and load the kernels, once.

    Parsed files and merged compositions are kept by :mod:`app.config_cache`, so a child
    composes (fully, as the command line does) without parsing again what every command reads.
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


def _child(argv: list[str], cwd: str, out_fd: int, err_fd: int, env: dict | None) -> None:
    """In the forked child: become ``python3 run.py ARGV`` in ``cwd`` (with ``env``) and exit with its status."""
    status = 1
    atexit._clear()  # the test process's exit handlers are not the run's; the run's own run at its exit
    if "multiprocessing.util" in sys.modules:  # as it registers itself on import (its finalizers are per process)
        atexit.register(sys.modules["multiprocessing.util"]._exit_function)
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        os.close(out_fd)
        os.close(err_fd)
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (lives as long as the child)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        # The signal handling of a fresh interpreter, not the test runner's.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
            signal.signal(number, signal.SIG_DFL)
        from hydra.core.global_hydra import GlobalHydra

        from app import rundir

        GlobalHydra.instance().clear()  # as in a fresh interpreter
        rundir.run_stamp.cache_clear()  # which names its own default run folder, not the test process's
        os.chdir(cwd)
        sys.argv = [str(RUN_PY), *argv]
        runpy.run_path(str(RUN_PY), run_name="__main__")
        status = 0
    except SystemExit as end:
        code = end.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
        if not isinstance(code, int | None):
            print(code, file=sys.stderr)
    except KeyboardInterrupt:  # what Python does with an uncaught Ctrl-C: the traceback, then death by SIGINT
        traceback.print_exc()
        _exit_as_python_does()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException:  # what an uncaught exception prints in a real process
        traceback.print_exc()
        status = 1
    finally:
        _exit_as_python_does()
        os._exit(status)


def _exit_as_python_does() -> None:
    """What an interpreter does at its end before it exits: the exit handlers the run registered, flushed streams.

    (Multiprocessing's handler, for one, releases the semaphores a progress bar made; without it
    the resource tracker would warn of them on the run's standard error.)
    """
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    with contextlib.suppress(BaseException):
        sys.stdout.flush()
    with contextlib.suppress(BaseException):
        sys.stderr.flush()


class Started:
    """``python3 run.py ARGV`` running in a forked child, used as a ``subprocess.Popen`` with text pipes is."""

    def __init__(self, argv: list[str], cwd: Path = ROOT, env: dict | None = None) -> None:
        """Fork and start the run."""
        _preload()
        self.args = [sys.executable, str(RUN_PY), *argv]
        self.returncode: int | None = None
        self._reaping = threading.Lock()  # one waitpid at a time: a reaped child cannot be waited for again
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        # The parent's objects move to the collector's permanent generation: a child's collections
        # then leave them alone instead of touching, and so copying, every page of the parent's heap.
        gc.freeze()
        try:
            self.pid = os.fork()
            if self.pid == 0:
                os.close(out_read)
                os.close(err_read)
                _child(list(argv), str(cwd), out_write, err_write, env)
        finally:
            if self.pid != 0:
                gc.unfreeze()
        os.close(out_write)
        os.close(err_write)
        self.stdout = open(out_read, encoding="utf-8")  # noqa: SIM115 (closed by communicate)
        self.stderr = open(err_read, encoding="utf-8")  # noqa: SIM115

    def poll(self) -> int | None:
        """The exit status if the run has ended (minus the signal's number if a signal ended it), else None."""
        with self._reaping:
            if self.returncode is None:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the run to end; raise ``subprocess.TimeoutExpired`` after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, number: int) -> None:
        """Send the run a signal (nothing once it has ended)."""
        if self.poll() is None:
            os.kill(self.pid, number)

    def kill(self) -> None:
        """``kill -9`` the run."""
        self.send_signal(signal.SIGKILL)

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Read both streams to their end and wait for the run; (stdout, stderr).

        Past ``timeout`` the run is killed and ``subprocess.TimeoutExpired`` raised.
        """
        texts: dict[str, str] = {}

        def read(name: str) -> None:
            with getattr(self, name) as stream:
                texts[name] = stream.read()

        readers = [threading.Thread(target=read, args=(name,), daemon=True) for name in ("stdout", "stderr")]
        for reader in readers:
            reader.start()
        try:
            self.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.wait()
            raise
        finally:
            for reader in readers:
                reader.join()
        return texts["stdout"], texts["stderr"]


def _collect(started: Started, timeout: float, texts: dict) -> None:
    """Put what ``started`` printed into ``texts`` once it ends (killed past ``timeout``: what it printed by then)."""
    try:
        texts["out"], texts["err"] = started.communicate(timeout)
    except subprocess.TimeoutExpired:
        texts["err"] = f"killed after {timeout} s"


def start(argv: list[str], cwd: Path = ROOT, env: dict | None = None) -> Started:
    """Start ``python3 run.py ARGV`` in ``cwd`` (with the environment ``env``, else this one's); its handle."""
    return Started(argv, cwd, env)


def run(argv: list[str], cwd: Path = ROOT, env: dict | None = None, timeout: float = 600):
    """Run ``python3 run.py ARGV`` in ``cwd`` (with the environment ``env``, else this one's); its CompletedProcess."""
    return run_many([(argv, cwd)], workers=1, timeout=timeout, env=env)[0]


def run_many(
    commands: list[tuple[list[str], Path]], workers: int = 2, timeout: float = 600, env: dict | None = None
) -> list:
    """Run each ``(argv, cwd)`` as ``run.py`` would, ``workers`` at a time; their CompletedProcess, in order."""
    results: list = [None] * len(commands)
    waiting = list(enumerate(commands))
    running: list[tuple[int, Started, threading.Thread, dict]] = []
    while waiting or running:
        while waiting and len(running) < workers:
            index, (argv, cwd) = waiting.pop(0)
            started, texts = start(argv, cwd, env), {}
            reader = threading.Thread(target=_collect, args=(started, timeout, texts), daemon=True)
            reader.start()
            running.append((index, started, reader, texts))
        for entry in list(running):
            index, started, reader, texts = entry
            reader.join(timeout=0.01)
            if reader.is_alive():
                continue
            results[index] = subprocess.CompletedProcess(
                started.args, started.returncode, texts.get("out", ""), texts.get("err", "")
            )
            running.remove(entry)
    return results
