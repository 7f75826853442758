"""Compiled per-household kernels: numba's ``njit`` with an on-disk cache keyed by what each kernel reads.

The hot yearly loops run as compiled loops over households (one pass, no temporaries).  Their
random numbers come from the counter-based generator of :mod:`sim.rng`, keyed by stream, year
and household, so common random numbers and the stream layout do not depend on the kernels or
on the order they run in.  Kernels use no ``fastmath``: floating-point results follow IEEE order
and are deterministic.  The first run on a machine compiles them (a few seconds); later runs
load them from the cache.

numba checks a cached kernel only against its own source file, yet kernels inline module
globals (enum values, lookup tables such as ``MARKET_WAGE_JOB``) and call kernels in other
modules.  So each kernel is cached in ``.numba_cache/<digest>`` at the project root, where the
digest covers the source of the kernel's module and of every ``sim`` module it imports, directly
or through others (:func:`closure`): an edit recompiles exactly the kernels whose module could
see it (a comment in ``sim/policies/dibao.py`` recompiles dibao's kernels, an edit to
``sim/state.py`` every kernel), never one built against stale code.  The files lie directly in
that folder (:class:`KeyedLocator`), not under a name derived from where the checkout lies, so a
copy of the project that brings its ``.numba_cache`` along loads what the original compiled.
``NUMBA_CACHE_DIR``, when set, takes precedence.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import llvmlite.binding
import numba
from numba.core import base as numba_base
from numba.core.caching import UserProvidedCacheLocator

F = TypeVar("F", bound=Callable)

PACKAGE = Path(__file__).resolve().parent
CACHE_ROOT = PACKAGE.parent / ".numba_cache"
#: Cache folders of no current kernel kept (switching branches stays cheap); older ones are removed.
KEEP_STALE = 40


def _module_path(name: str) -> Path | None:
    """The source file of ``sim`` module ``name`` (``sim.state`` -> ``sim/state.py``), if there is one."""
    parts = name.split(".")
    if parts[0] != PACKAGE.name:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> set[str]:
    """The ``sim`` modules a source file imports (``from sim import x`` counts ``sim.x`` when it is a module)."""
    return _imports_of(path, path.stat().st_mtime_ns)


@functools.cache
def _imports_of(path: Path, _mtime_ns: int) -> frozenset[str]:
    # Parsed once per file version: every kernel module's closure walks the same shared modules.
    found = set()
    for node in _statements(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE.name}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == PACKAGE.name:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names if _module_path(f"{node.module}.{a.name}")}
    return frozenset(name for name in found if _module_path(name) is not None)


def _statements(body: list[ast.stmt]):
    """Every statement of ``body``, nested ones included (an import is a statement: expressions are skipped)."""
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from _statements(inner)


def closure(module: str) -> list[Path]:
    """The source files a kernel of ``module`` can depend on: its own and every ``sim`` module it imports.

    Imports are followed transitively, so a kernel that calls a kernel of another module, or
    inlines a global that module took from a third, is keyed by all three.
    """
    seen, pending = set(), [module]
    while pending:
        name = pending.pop()
        if name in seen or _module_path(name) is None:
            continue
        seen.add(name)
        pending.extend(_imports(_module_path(name)))
    return sorted({_module_path(name) for name in seen})


def digest_of(paths: list[Path]) -> str:
    """Digest of the given source files (paths relative to the package, and contents)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def module_digest(module: str) -> str:
    """The cache key of the kernels of ``module`` (computed once per process)."""
    return digest_of(closure(module))


def source_digest() -> str:
    """Digest of every Python source file of the ``sim`` package (paths and contents)."""
    return digest_of(list(PACKAGE.rglob("*.py")))


def cache_dir(module: str) -> Path | None:
    """Where the kernels of ``module`` are cached (None when ``NUMBA_CACHE_DIR`` is set or nowhere is writable)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return None
    folder = CACHE_ROOT / module_digest(module)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        folder.touch()
        return folder
    except OSError:
        # A read-only checkout: keep the cache in the temporary folder instead.
        fallback = Path(tempfile.gettempdir()) / f"poverty-numba-cache-{os.getuid()}" / module_digest(module)
        try:
            fallback.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None  # nowhere writable: numba compiles in memory and warns that it cannot cache
        return fallback


def prune(keep: int = KEEP_STALE, now: float | None = None) -> None:
    """Remove the oldest cache folders beyond ``keep`` that no kernel touched in the last hour."""
    try:
        folders = sorted((p for p in CACHE_ROOT.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    except OSError:
        return
    recent = (now or time.time()) - 3600
    stale = [p for p in folders if p.stat().st_mtime < recent]
    for folder in stale[: max(len(stale) - keep, 0)]:
        shutil.rmtree(folder, ignore_errors=True)


class KeyedLocator(UserProvidedCacheLocator):
    """numba's cache locator for a kernel: the folder :func:`kernel` chose, as it is.

    numba's own locator for a given folder adds a subfolder named after the source file's absolute
    folder; the digest folder already tells kernels apart, and numba checks each entry against the
    source's contents, so the path is left out and the cache moves with the project.
    """

    def __init__(self, py_func, py_file) -> None:
        """Cache in ``numba.config.CACHE_DIR``, set by :func:`kernel` to the module's digest folder."""
        super().__init__(py_func, py_file)
        self._cache_path = numba.config.CACHE_DIR


def inline(function: F) -> F:
    """A small helper compiled into every kernel that calls it (numba's ``inline="always"``).

    A call between cached kernels stays a call; a few-instruction helper in a hot loop (a random
    number, say) costs ten times its work that way.  It is compiled with its caller, whose cache
    digest covers the helper's module through the caller's imports.
    """
    return numba.njit(inline="always", nogil=True)(function)


#: How every kernel is compiled.  ``no_cfunc_wrapper``: numba would add a C-callable wrapper to
#: each kernel, for passing it to other compiled code as a first-class function, which no kernel
#: here is; without it a kernel's cached code is a sixth smaller and loads sooner.
KERNEL_OPTIONS = {"cache": True, "nogil": True, "no_cfunc_wrapper": True}


#: Every kernel made so far (the modules imported so far), in the order they were made.
KERNELS: list = []


def kernel(function: F) -> F:
    """Compile ``function`` in nopython mode, cached on disk under its module's digest, releasing the GIL."""
    folder = cache_dir(function.__module__)
    if folder is None:
        compiled = numba.njit(**KERNEL_OPTIONS)(function)
    else:
        saved = numba.config.CACHE_DIR, numba.config.CACHE_LOCATOR_CLASSES
        # numba picks the locator and the folder when the dispatcher is made, that is now
        numba.config.CACHE_DIR = str(folder)
        numba.config.CACHE_LOCATOR_CLASSES = f"{__name__}.{KeyedLocator.__name__}"
        try:
            compiled = numba.njit(**KERNEL_OPTIONS)(function)
        finally:
            numba.config.CACHE_DIR, numba.config.CACHE_LOCATOR_CLASSES = saved
    KERNELS.append(compiled)
    return compiled


def uncached() -> list[str]:
    """The kernels made so far that have nothing in the on-disk cache yet (a clean clone: all of them)."""
    missing = []
    for compiled in KERNELS:
        index = getattr(getattr(getattr(compiled, "_cache", None), "_cache_file", None), "_index_path", None)
        if index is not None and not os.path.exists(index):
            missing.append(f"{compiled.py_func.__module__}.{compiled.py_func.__name__}")
    return missing


def quiet_llvm_lock() -> int:
    """Take off numba's announcements of every call into LLVM; return how many were taken off.

    numba hangs a pair of callbacks on llvmlite's lock that broadcast a ``numba:llvm_lock``
    event (for its compile-time profiler) around each call into LLVM.  Loading one cached
    kernel makes about two hundred such calls, and with nobody listening the announcements were
    a fifth of the time a run spends loading its kernels (some 25 ms of a default run's first
    year and 60 ms of its setup).  The lock itself stays.  What is lost: the ``llvm_lock`` entry
    of numba's compile timers, which nothing here reads.
    """
    lock = getattr(llvmlite.binding.ffi.lib, "_lock", None)
    numba_callbacks = [
        pair for pair in getattr(lock, "_cblist", ()) if getattr(pair[0], "__module__", None) == numba_base.__name__
    ]
    for acquire, release in numba_callbacks:
        llvmlite.binding.ffi.unregister_lock_callback(acquire, release)
    return len(numba_callbacks)


prune()
quiet_llvm_lock()
