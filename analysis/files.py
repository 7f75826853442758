"""Writing output files safely: atomic renames and reproducible figure bytes.

Every writer of run or comparison outputs uses these, so an interrupted write never leaves a
truncated file under its final name (temporary files are ``.<name>.tmp``), and the same figure
always gives the same PNG bytes.  A run is finished when its manifest, written last, exists;
every reader checks :func:`is_finished` and names what it skips.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

MANIFEST = "manifest.json"  # written last, atomically: a run is finished when it exists


def folder_problem(path: Path) -> tuple[list[Path], str | None]:
    """The folders missing on the way to ``path`` (outermost first), and why it cannot be a writable folder.

    The reason (None when there is none) is ``"it is a file"``, ``"it lies under the file X"`` or
    ``"X is not writable"``, X being the nearest existing part of the path.
    """
    path = Path(os.path.abspath(path))
    missing: list[Path] = []
    existing = path
    while not existing.exists():
        missing.append(existing)
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        return [], "it is a file" if existing == path else f"it lies under the file {existing}"
    if not os.access(existing, os.W_OK | os.X_OK):
        return [], f"{existing} is not writable"
    return list(reversed(missing)), None


def is_finished(path: Path) -> bool:
    """Whether run directory ``path`` holds a finished run (its manifest exists)."""
    return (path / MANIFEST).is_file()


@contextlib.contextmanager
def atomic_path(path: Path):
    """Yield a temporary path next to ``path``; rename it into place on success."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def save_figure(fig, path: Path) -> None:
    """Save a PNG without metadata that changes between runs, then close the figure."""
    import matplotlib.pyplot as plt  # here, not at the top: the command line's preflight imports this module

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
