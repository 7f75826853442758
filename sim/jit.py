"""Compiled per-household kernels: numba's ``njit`` with an on-disk cache.

The hot yearly loops run as compiled loops over households (one pass, no temporaries),
while every random number is still drawn by numpy from the named streams beforehand, so
common random numbers and the stream layout do not depend on the kernels.  Kernels use no
``fastmath``: floating-point results follow IEEE order and are deterministic.  The first run
on a machine compiles them (a few seconds); later runs load them from ``__pycache__``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numba

F = TypeVar("F", bound=Callable)


def kernel(function: F) -> F:
    """Compile ``function`` in nopython mode, cached on disk, releasing the GIL."""
    return numba.njit(cache=True, nogil=True)(function)
