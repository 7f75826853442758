"""The kernel cache is keyed by the whole engine's source, so no kernel runs against stale code."""

from __future__ import annotations

import os

import numba
import pytest

from sim import jit


def test_digest_changes_with_any_engine_source(tmp_path, monkeypatch):
    (tmp_path / "state.py").write_text("FARMING = 1\n")
    (tmp_path / "processes").mkdir()
    (tmp_path / "processes" / "employment.py").write_text("def step(): pass\n")
    monkeypatch.setattr(jit, "PACKAGE", tmp_path)
    before = jit.source_digest()
    assert jit.source_digest() == before
    (tmp_path / "state.py").write_text("FARMING = 2\n")  # a global a kernel elsewhere inlines
    assert jit.source_digest() != before


@pytest.mark.skipif(bool(os.environ.get("NUMBA_CACHE_DIR")), reason="NUMBA_CACHE_DIR overrides the cache location")
def test_kernels_cache_under_the_current_digest():
    assert str(jit.CACHE_ROOT / jit.source_digest()) == numba.config.CACHE_DIR


def test_stale_caches_are_pruned(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setattr(jit, "CACHE_ROOT", tmp_path)
    monkeypatch.setattr(numba.config, "CACHE_DIR", numba.config.CACHE_DIR)
    for i, name in enumerate(["old1", "old2", "old3", "old4"]):
        (tmp_path / name).mkdir()
        os.utime(tmp_path / name, (1000 + i, 1000 + i))
    jit._use_versioned_cache()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["old3", "old4", jit.source_digest()])
