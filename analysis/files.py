"""Writing output files safely: atomic renames and reproducible figure bytes.

Every writer of run or comparison outputs uses these, so an interrupted write never leaves a
truncated file under its final name, and the same figure always gives the same PNG bytes.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


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
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
