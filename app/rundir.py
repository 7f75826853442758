"""Run directories that are safe to fail in: a run removes what it created and nothing else.

Before Hydra creates anything, :func:`check_target` refuses a run directory that is a file, lies
under a file, cannot be written, or already holds outputs of another run (one line naming the
key, exit 2).  It records which folders of the path do not exist yet: those are the ones this
run creates.  On any failure or signal, :meth:`RunDirectory.remove_own` deletes the files this
run wrote (and their temporary siblings) and then those folders, deepest first and only if they
are empty; a folder that existed before the run, and everything in it, survives.

A run is *finished* when its ``manifest.json`` exists: it is written last, atomically.  Readers
use :func:`is_finished` and skip the rest with a warning naming them; temporary files are named
``.<name>.tmp``, so what a killed run leaves is recognisable as unfinished.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from datetime import datetime
from functools import cache
from pathlib import Path

from analysis.files import MANIFEST, folder_problem, is_finished

#: Every file name a run may write into its directory (with ``.<name>.tmp`` while writing).
OUTPUT_NAMES = (
    "results.csv",
    "manifest.json",
    "exit_curve.png",
    "return_curve.png",
    "panel.csv.gz",
    "panel_codebook.json",
)


class RunDirError(Exception):
    """A run directory that cannot be used (one-line message naming the key)."""


def new_stamp() -> str:
    """A folder name from the time now and a random suffix (24 bits: names made in one second differ)."""
    return f"{datetime.now():%Y-%m-%d_%H-%M-%S}-{secrets.token_hex(3)}"


@cache
def run_stamp() -> str:
    """Default run-directory name (:func:`new_stamp`), fixed for this process."""
    return new_stamp()


def _temporary(name: str) -> str:
    return f".{name}.tmp"


def check_writable(path: Path, key: str) -> list[Path]:
    """Check that folder ``path`` exists or can be created; return the folders missing, outermost first.

    Raises:
        RunDirError: ``path`` is a file, lies under a file, or its nearest existing folder is not writable.
    """
    path = Path(os.path.abspath(path))
    missing, problem = folder_problem(path)
    if problem is not None:
        allowed = "a writable directory" if problem.endswith("not writable") else "a directory path"
        raise RunDirError(f"{key}: got {path}; {problem}; allowed: {allowed}")
    return missing


def check_target(path: Path, key: str) -> list[Path]:
    """Check that a run may write into ``path``; return the folders it would create, outermost first.

    Raises:
        RunDirError: ``path`` is a file, lies under a file, is not writable, or holds outputs
            of another run (finished or not).
    """
    path = Path(os.path.abspath(path))
    missing = check_writable(path, key)
    if not missing:
        found = [n for n in OUTPUT_NAMES if (path / n).exists() or (path / _temporary(n)).exists()]
        if found:
            state = "a finished run" if is_finished(path) else "outputs of an unfinished run"
            raise RunDirError(
                f"{key}: got {path}; it holds {state} ({', '.join(found)}); "
                "allowed: a new or empty directory (runs never overwrite other runs' outputs)"
            )
    return missing


def create(folders: list[Path], key: str) -> list[Path]:
    """Create ``folders`` (outermost first, as :func:`check_target` returns them), or none of them; return those made.

    A parent that another process created meanwhile (runs started together in the default
    location share ``outputs/<region>/<scenario>``) is taken as it is and is not this run's; the
    last folder, the run's own, must be new.

    Raises:
        RunDirError: a folder cannot be created (permissions, a read-only file system, the run's
            own folder made by another process...); those already created are removed again.
    """
    made = []
    try:
        for folder in folders:
            try:
                folder.mkdir()
            except FileExistsError:
                if folder == folders[-1] or not folder.is_dir():
                    raise
                continue
            made.append(folder)
    except OSError as err:
        for folder in reversed(made):
            folder.rmdir()
        raise RunDirError(
            f"{key}: got {folders[-1]}; cannot create {err.filename or folder} ({err.strerror}); "
            "allowed: a writable directory"
        ) from None
    return made


@dataclasses.dataclass
class RunDirectory:
    """A run's directory, the folders the run created for it, and the files it wrote."""

    path: Path
    created: list[Path]  # folders this run created, outermost first
    written: list[Path] = dataclasses.field(default_factory=list)

    def will_write(self, *names: str) -> list[Path]:
        """Record files this run is about to write, before writing them; return their paths.

        Recording first means a failure part-way through a write still removes the file and its
        temporary sibling; the preflight refused directories already holding such names.
        """
        paths = [self.path / name for name in names]
        self.written.extend(paths)
        return paths

    def remove_own(self) -> list[Path]:
        """Remove the files this run wrote and the folders it created; return what was removed."""
        removed = []
        for path in dict.fromkeys(self.written):
            for target in (path, path.with_name(_temporary(path.name))):
                if target.is_file():
                    target.unlink(missing_ok=True)
                    removed.append(target)
        for folder in reversed(self.created):
            try:
                folder.rmdir()  # only when empty: never removes what another process put there
                removed.append(folder)
            except OSError:
                break
        return removed


__all__ = [
    "MANIFEST",
    "OUTPUT_NAMES",
    "RunDirError",
    "RunDirectory",
    "check_target",
    "check_writable",
    "create",
    "is_finished",
    "new_stamp",
    "run_stamp",
]
