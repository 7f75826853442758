"""Keep freed large arrays in the process heap so the next year's arrays reuse their pages.

Every yearly process returns new arrays (pure functions), so a year allocates and frees about
a hundred arrays of ``n`` elements.  By default glibc serves each large allocation with a fresh
``mmap`` and unmaps it on free, and the kernel must fault in and zero every page again: at
13.7 million households this cost about 40% of a run.  Raising glibc's mmap and trim
thresholds (``mallopt``, the same as ``MALLOC_MMAP_THRESHOLD_``) makes freed arrays reusable.
Elsewhere (another C library or system) this is a no-op; results never depend on it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_LARGEST = 2**31 - 1  # bytes: arrays up to 2 GiB come from the heap


@functools.cache
def reuse_freed_memory() -> bool:
    """Tune glibc's allocator once per process; return whether it took effect."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _LARGEST)) and bool(mallopt(_M_TRIM_THRESHOLD, _LARGEST))
