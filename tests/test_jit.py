"""The kernel cache is keyed by the sources each kernel can see.

No kernel runs against stale code, and an edit recompiles only the kernels it can affect.
"""

from __future__ import annotations

import os
import time

import pytest

from sim import jit


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A small package named ``sim``: state (enums), a policy that imports it, and one that does not."""
    root = tmp_path / "sim"
    (root / "policies").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "state.py").write_text("FARMING = 1\n")
    (root / "jit.py").write_text("def kernel(f): return f\n")
    (root / "policies" / "__init__.py").write_text("")
    (root / "policies" / "dibao.py").write_text("from sim.jit import kernel\nfrom sim.state import FARMING\n")
    (root / "policies" / "posts.py").write_text("from sim import jit\n")
    monkeypatch.setattr(jit, "PACKAGE", root)
    return root


def test_a_kernels_key_covers_its_module_and_every_module_it_imports(package):
    names = lambda module: [p.relative_to(package).as_posix() for p in jit.closure(module)]  # noqa: E731
    assert names("sim.policies.dibao") == ["jit.py", "policies/dibao.py", "state.py"]
    assert names("sim.policies.posts") == ["__init__.py", "jit.py", "policies/posts.py"]
    assert names("sim.state") == ["state.py"]


def test_an_edit_changes_the_key_of_exactly_the_kernels_that_can_see_it(package):
    def keys():
        return {m: jit.digest_of(jit.closure(m)) for m in ("sim.policies.dibao", "sim.policies.posts", "sim.state")}

    before = keys()
    assert keys() == before
    (package / "state.py").write_text("FARMING = 2\n")  # a global dibao's kernels inline
    after = keys()
    assert after["sim.policies.dibao"] != before["sim.policies.dibao"] and after["sim.state"] != before["sim.state"]
    assert after["sim.policies.posts"] == before["sim.policies.posts"]  # posts does not import state
    (package / "policies" / "posts.py").write_text("from sim import jit\n# a comment\n")
    assert keys()["sim.policies.dibao"] == after["sim.policies.dibao"]


@pytest.mark.skipif(bool(os.environ.get("NUMBA_CACHE_DIR")), reason="NUMBA_CACHE_DIR overrides the cache location")
def test_kernels_cache_under_their_modules_digest():
    from sim.policies import jobs
    from sim.processes import employment

    for dispatcher, module in (
        (jobs._pool, "sim.policies.jobs"),
        (employment._transitions, "sim.processes.employment"),
    ):
        path = dispatcher._cache._cache_path  # straight in the digest folder: nothing of where the checkout lies
        assert path == str(jit.CACHE_ROOT / jit.module_digest(module)), (module, path)


def test_stale_caches_are_pruned_oldest_first_and_recent_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(jit, "CACHE_ROOT", tmp_path)
    now = time.time()
    for i, name in enumerate(["old1", "old2", "old3", "old4"]):
        (tmp_path / name).mkdir()
        os.utime(tmp_path / name, (now - 10_000 + i, now - 10_000 + i))
    (tmp_path / "fresh").mkdir()
    jit.prune(keep=2, now=now)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "old3", "old4"]


def test_numba_no_longer_announces_each_call_into_llvm_and_kernels_still_compile():
    import llvmlite.binding
    import numba
    import numpy as np
    from numba.core import base

    callbacks = llvmlite.binding.ffi.lib._lock._cblist
    assert not [pair for pair in callbacks if pair[0].__module__ == base.__name__]
    assert jit.quiet_llvm_lock() == 0  # nothing left to take off
    doubled = numba.njit(lambda x: 2 * x)  # compiled now, under the quiet lock
    assert doubled(np.arange(3)).tolist() == [0, 2, 4]
