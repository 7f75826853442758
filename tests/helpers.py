"""Builders for hand-made household tables and year contexts used by table-driven tests."""

from __future__ import annotations

import dataclasses

import numpy as np

from app.compose import load_config
from sim.config import RunConfig
from sim.context import YearContext
from sim.policies import LEVER_NAMES
from sim.state import Households

SMALL = ["population.scale=400"]

_DTYPES = {f.name: None for f in dataclasses.fields(Households)}
_DEFAULTS = {
    "stratum": (np.uint8, 0),
    "weight": (np.float64, 1.0),
    "county": (np.int32, 0),
    "village": (np.int32, 0),
    "deep_village": (bool, False),
    "n_child": (np.uint8, 0),
    "n_adult": (np.uint8, 1),
    "n_elder": (np.uint8, 0),
    "size": (np.int32, None),
    "index_band": (np.uint8, 1),
    "illness": (np.uint8, 0),
    "disability": (np.uint8, 0),
    "n_labour_full": (np.uint8, 1),
    "n_labour_partial": (np.uint8, 0),
    "job": (np.uint8, 1),
    "skill": (np.float32, 1.0),
    "trained_until": (np.int16, 0),
    "relocated_year": (np.int16, 0),
    "housing_safe": (bool, True),
    "inc_farm": (np.float32, 0.0),
    "inc_wage": (np.float32, 0.0),
    "inc_property": (np.float32, 0.0),
    "inc_pension": (np.float32, 0.0),
    "inc_dibao": (np.float32, 0.0),
    "inc_guarantee": (np.float32, 0.0),
    "med_gross": (np.float32, 0.0),
    "med_oop": (np.float32, 0.0),
    "dibao": (bool, False),
    "tekun": (bool, False),
    "dibao_grace": (np.uint8, 0),
    "true_poor": (bool, False),
    "income_pc": (np.float32, 0.0),
    "income_pc_prev": (np.float32, 0.0),
    "reg": (np.uint8, 1),
    "reg_size": (np.uint8, None),
    "poor_wait": (np.uint8, 0),
    "monitored": (bool, False),
    "monitor_clear": (np.uint8, 0),
    "risk_wait": (np.uint8, 0),
}
assert set(_DEFAULTS) == set(_DTYPES), set(_DTYPES) ^ set(_DEFAULTS)


def households(n: int, **columns) -> Households:
    """A table of ``n`` households: one working adult, registered poor, unless columns say otherwise."""
    data = {}
    for name, (dtype, default) in _DEFAULTS.items():
        value = columns.get(name, default)
        if value is not None:
            data[name] = np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy()
    size = data["n_child"].astype(np.int32) + data["n_adult"] + data["n_elder"]
    data["size"] = np.asarray(columns.get("size", size), dtype=np.int32)
    data["reg_size"] = np.broadcast_to(np.asarray(columns.get("reg_size", size), dtype=np.uint8), (n,)).copy()
    return Households(**data)


def context(n: int, year: int = 2018, config: RunConfig | None = None, **kw) -> YearContext:
    """A year context with fixed uniforms (0.5 unless given) and Henan's published values."""
    config = config or small_config()
    region = config.region
    values = {
        "year": year,
        "poverty_line": region.poverty_line.at(year),
        "dibao_standard_published": region.dibao_standard.at(year),
        "pension_per_month": region.pension_minimum_per_month.at(year),
        "income_index": 1.0,
        "medical_index": 1.0,
        "mean_income": region.rural_income_per_capita,
        "intensity": dict.fromkeys(LEVER_NAMES, 1.0),
        "u_alloc": np.full(n, 0.5),
        "u_target": np.full(n, 0.5, dtype=np.float32),
        "u_monitor": np.full(n, 0.5, dtype=np.float32),
        "medical_ratios": region.medical,
    }
    values.update(kw)
    return YearContext(**values)


_CACHE: dict[tuple[str, ...], RunConfig] = {}


def small_config(*overrides: str) -> RunConfig:
    """Henan at a small scale (fast), with extra overrides; cached per override list."""
    key = (*SMALL, *overrides)
    if key not in _CACHE:
        _CACHE[key] = load_config(list(key))
    return _CACHE[key]
