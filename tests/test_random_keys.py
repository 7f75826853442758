"""Random streams and lever keys derive from names: none collide, numbers are uniform (or normal) and independent."""

from __future__ import annotations

import itertools

import numba
import numpy as np
import pytest
from scipy.stats import kstest

import sim.config  # noqa: F401  (registers every step, hence every draw)
from sim import steps
from sim.context import lever_keys, lever_salt
from sim.rng import (
    make_streams,
    normals32,
    normals32_of,
    stream_key,
    uniform,
    uniform32_at,
    uniform64_at,
    uniform_pair,
    uniforms,
    uniforms32,
    year_key,
)

LEVER_NAMES = [lever.name for lever in steps.levers()]


def test_lever_salts_are_distinct():
    salts = [int(lever_salt(name)) for name in LEVER_NAMES]
    assert len(set(salts)) == len(salts)


def test_stream_keys_are_distinct():
    names = steps.stream_names()
    assert len({stream_key(name) for name in names}) == len(names)
    assert len(names) == len({d.stream for d in steps.declared_draws()}) + 1  # plus synthesis's stream


def test_lever_keys_are_uniform_and_uncorrelated():
    u = np.random.default_rng(3).random(100_000)
    keys = {name: lever_keys(u, lever_salt(name)) for name in LEVER_NAMES}
    for name, key in keys.items():
        assert kstest(key, "uniform").pvalue > 1e-3, name
    for a, b in itertools.combinations(LEVER_NAMES, 2):
        assert abs(np.corrcoef(keys[a], keys[b])[0, 1]) < 0.015, (a, b)
        # Joint coverage of two levers at 30% each is their product (independence, not just no correlation).
        both = np.mean((keys[a] < 0.3) & (keys[b] < 0.3))
        assert both == pytest.approx(0.09, abs=0.006), (a, b)


def test_a_households_key_depends_only_on_its_own_draw():
    u = np.random.default_rng(4).random(1000)
    assert np.array_equal(lever_keys(u, lever_salt("training"))[500:], lever_keys(u[500:], lever_salt("training")))


def test_streams_do_not_depend_on_which_others_were_used():
    first = make_streams(7, 2)
    _ = first["illness"].random(10)
    a = first["income"].random(5)
    b = make_streams(7, 2)["income"].random(5)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, make_streams(7, 3)["income"].random(5))


def _pairs(key, n, slot):
    """Both halves of ``slot``'s bits for households ``0..n-1``, through a compiled loop."""
    return _pair_kernel(key, n, slot)


@numba.njit
def _pair_kernel(key, n, slot):
    first, second = np.empty(n), np.empty(n)
    for i in range(n):
        first[i], second[i] = uniform_pair(key, i, slot)
    return first, second


def test_yearly_numbers_are_uniform_normal_and_independent_across_streams_years_and_slots():
    n = 200_000
    keys = [year_key(3, 0, stream, year) for stream in ("illness", "income") for year in (2018, 2019)]
    assert len({int(k) for k in keys}) == len(keys)
    arrays = [uniforms(k, n) for k in keys] + [uniforms32(keys[0], n).astype(np.float64)]
    arrays += list(_pairs(keys[0], n, 1)) + list(_pairs(keys[0], n, 2))
    for u in arrays:
        assert kstest(u, "uniform").pvalue > 1e-3
    for a, b in itertools.combinations(range(len(arrays) - 1), 2):  # the float32 copy repeats arrays[0]
        if (a, b) != (0, len(arrays) - 5):
            assert abs(np.corrcoef(arrays[a], arrays[b])[0, 1]) < 0.012, (a, b)
    z = normals32(keys[1], n).astype(np.float64)
    assert kstest(z, "norm").pvalue > 1e-3
    assert abs(np.corrcoef(z[1:], z[:-1])[0, 1]) < 0.012  # neighbouring households independent


def test_a_households_numbers_depend_on_its_row_alone_not_on_the_population():
    key = year_key(7, 2, "targeting", 2021)
    assert np.array_equal(uniforms(key, 1000)[:10], uniforms(key, 10))
    assert np.array_equal(normals32(key, 1000)[:10], normals32(key, 10))
    assert not np.array_equal(uniforms(key, 10), uniforms(year_key(7, 3, "targeting", 2021), 10))
    assert not np.array_equal(uniforms(key, 10), uniforms(year_key(7, 2, "targeting", 2022), 10))
    assert uniform(key, 5, 0) == uniforms(key, 10)[5]


def test_draws_are_made_when_read_and_do_not_depend_on_the_order_of_reading():
    first = steps.draw_year(11, 0, 2019, 500)
    second = steps.draw_year(11, 0, 2019, 500)
    names = [d.name for d in steps.declared_draws() if d.kind is not steps.DrawKind.GENERATOR]
    a = {name: first[name] for name in names}
    b = {name: second[name] for name in reversed(names)}
    for name in names:
        assert np.array_equal(a[name], b[name]), name
    sources = [d for d in steps.declared_draws() if d.kind in SOURCES]
    assert sources and all(isinstance(first[d.name], np.uint64) for d in sources)  # drawn where read
    assert first["u_alloc"].shape == (500,) and isinstance(first["demography"], np.uint64)
    assert set(first) == {d.name for d in steps.declared_draws()}
    neutral = steps.draw_year(11, 0, 2019, 5, neutral=True)
    assert neutral["u_target"].tolist() == [0.5] * 5 and not neutral["z_farm"].any()
    assert neutral["u_alloc"].tolist() == [0.5] * 5 and neutral["u_shock"].dtype == np.float64


SOURCES = (steps.DrawKind.UNIFORM32, steps.DrawKind.UNIFORM64, steps.DrawKind.NORMAL32)


@numba.njit
def _read_sources(draw32, draw64, n):
    out32, out64 = np.empty(n), np.empty(n)
    for i in range(n):
        out32[i], out64[i] = uniform32_at(draw32, i), uniform64_at(draw64, i)
    return out32, out64


def test_a_draw_source_gives_the_same_numbers_from_its_key_as_from_the_filled_array():
    key32, key64 = year_key(5, 1, "illness", 2020), year_key(5, 1, "shocks", 2020)
    filled32, filled64 = uniforms32(key32, 300), uniforms(key64, 300)
    from_keys, from_arrays = _read_sources(key32, key64, 300), _read_sources(filled32, filled64, 300)
    assert np.array_equal(from_keys[0], filled32) and np.array_equal(from_keys[1], filled64)
    assert np.array_equal(from_arrays[0], filled32) and np.array_equal(from_arrays[1], filled64)
    assert uniform32_at(key32, 7) == filled32[7] and uniform64_at(key64, 7) == filled64[7]  # uncompiled
    assert uniform32_at(filled32, 7) == filled32[7]
    chosen = np.full(300, 0.25, np.float32)  # a test's numbers are read as given
    assert np.array_equal(_read_sources(chosen, chosen.astype(np.float64), 300)[0], chosen)


@pytest.mark.parametrize("size", [0, 1, 7, 1000, 40_000])
def test_normals_of_some_households_equal_those_of_the_filled_array(size):
    n, key = 100_000, year_key(5, 0, "medical", 2021)
    among = np.sort(np.random.default_rng(size).choice(n, size, replace=False))
    whole = normals32(key, n)
    assert np.array_equal(normals32_of(key, n, among), whole[among])
    assert np.array_equal(normals32_of(key, n), whole)
    assert np.array_equal(normals32_of(whole, n, among), whole[among])
