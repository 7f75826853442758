"""Builders for hand-made household tables and year contexts used by table-driven tests."""

from __future__ import annotations

import numpy as np

from app.compose import load_config
from sim import steps
from sim.config import RunConfig
from sim.context import YearContext, YearValues
from sim.state import COLUMN_BY_NAME, Households, Job, Registration

SMALL = ["population.scale=400"]

#: What a hand-made test household is unless a test says otherwise: one working adult,
#: registered poor, farming (every other column at its declared default).
TEST_HOUSEHOLD = {
    "n_adult": 1,
    "n_labour_full": 1,
    "job": Job.FARMING,
    "reg": Registration.POOR,
}


def households(n: int, **columns) -> Households:
    """A table of ``n`` households: one working adult, registered poor, unless columns say otherwise."""
    values = {**TEST_HOUSEHOLD, **columns}
    h = Households.empty(n, **{k: v for k, v in values.items() if k not in ("size", "reg_size")})
    size = h.n_child.astype(np.int32) + h.n_adult + h.n_elder
    return h.replace(
        size=np.broadcast_to(np.asarray(columns.get("size", size), dtype=COLUMN_BY_NAME["size"].dtype), (n,)).copy(),
        reg_size=np.broadcast_to(
            np.asarray(columns.get("reg_size", size), dtype=COLUMN_BY_NAME["reg_size"].dtype), (n,)
        ).copy(),
    )


def context(n: int, year: int = 2018, config: RunConfig | None = None, **kw) -> YearContext:
    """A year context with fixed draws (0.5 unless given) and Henan's published values.

    Keywords name a :class:`YearValues` field, a draw (``u_alloc=...``), ``published``, ``region``
    or ``areas``.
    """
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
    }
    values.update({k: kw.pop(k) for k in list(kw) if k in YearValues._fields})
    draws = dict(steps.draw_year(0, 0, year, n, neutral=True))  # 0.5 uniforms, zero normals
    draws.update({k: kw.pop(k) for k in list(kw) if k in draws})
    published = kw.pop("published", {})
    region_ = kw.pop("region", region)
    areas = kw.pop("areas", None)
    if kw:
        raise TypeError(f"unknown context keywords: {sorted(kw)}")
    return YearContext(YearValues(**values), draws, published, region_, areas)


_CACHE: dict[tuple[str, ...], RunConfig] = {}


def small_config(*overrides: str) -> RunConfig:
    """Henan at a small scale (fast), with extra overrides; cached per override list."""
    key = (*SMALL, *overrides)
    if key not in _CACHE:
        _CACHE[key] = load_config(list(key))
    return _CACHE[key]
