"""Compiled per-household kernels: numba's ``njit`` with an on-disk cache.

The hot yearly loops run as compiled loops over households (one pass, no temporaries),
while every random number is still drawn by numpy from the named streams beforehand, so
common random numbers and the stream layout do not depend on the kernels.  Kernels use no
``fastmath``: floating-point results follow IEEE order and are deterministic.  The first run
on a machine compiles them (a few seconds); later runs load them from the cache.

numba checks a cached kernel only against its own source file, yet kernels inline module
globals (enum values, lookup tables such as ``MARKET_WAGE_JOB``) and call kernels in other
modules.  So the cache lives in ``.numba_cache/<digest>`` at the project root, where the
digest covers every source file of the ``sim`` package: any edit to the engine recompiles
everything rather than load a kernel built against stale code.  ``NUMBA_CACHE_DIR``, when
set, takes precedence.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numba

F = TypeVar("F", bound=Callable)

PACKAGE = Path(__file__).resolve().parent
CACHE_ROOT = PACKAGE.parent / ".numba_cache"
KEEP_STALE = 2  # caches of other source versions kept (switching branches stays cheap)


def source_digest() -> str:
    """Digest of every Python source file of the ``sim`` package (paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _use_versioned_cache() -> None:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    digest = source_digest()
    current = CACHE_ROOT / digest
    try:
        current.mkdir(parents=True, exist_ok=True)
        current.touch()
        others = sorted((p for p in CACHE_ROOT.iterdir() if p != current), key=lambda p: p.stat().st_mtime)
    except OSError:
        # A read-only checkout: keep the versioned cache in the temporary folder instead.
        fallback = Path(tempfile.gettempdir()) / f"poverty-numba-cache-{os.getuid()}" / digest
        try:
            fallback.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # nowhere writable: numba compiles in memory and warns that it cannot cache
        numba.config.CACHE_DIR = str(fallback)
        return
    numba.config.CACHE_DIR = str(current)
    for stale in others[: max(len(others) - KEEP_STALE, 0)]:
        shutil.rmtree(stale, ignore_errors=True)


def kernel(function: F) -> F:
    """Compile ``function`` in nopython mode, cached on disk, releasing the GIL."""
    return numba.njit(cache=True, nogil=True)(function)


_use_versioned_cache()
