"""Random streams and lever keys derive from names: none collide, keys are uniform and independent."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import kstest

from sim import steps
from sim.context import lever_keys, lever_salt
from sim.rng import make_streams, stream_key

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
