"""PovertyModel: the Mesa model that owns the household arrays and steps one year at a time.

The model holds no rules: each yearly process is a pure function in ``sim/processes`` and
each lever a module in ``sim/policies``; :data:`YEAR_ORDER` declares the order of a year
(``docs/DESIGN.md``).  Households are numpy columns, not agents.  Each named random stream
draws for the whole population every year, so a household sees the same shocks under every
policy mix (common random numbers).
"""

from __future__ import annotations

import dataclasses
import logging

import mesa
import numpy as np

from sim import metrics
from sim.allocator import reuse_freed_memory
from sim.config import RunConfig
from sim.context import Effect, YearContext
from sim.policies import (
    HEALTH,
    INCOME,
    LEVER_NAMES,
    PLACEMENT,
    REGISTRATION,
    TRANSFERS,
    levers_in,
    training,
    transition,
)
from sim.population import synthesise
from sim.processes import assessment, demography, employment, health, income, labour, medical, registration
from sim.rng import make_streams
from sim.state import Job, check_invariants

# Mesa logs every step at INFO; a yearly model has nothing to add there.
logging.getLogger("MESA").setLevel(logging.WARNING)

YEAR_ORDER: tuple[str, ...] = (
    "demography",
    "illness",
    "disability",
    "labour",
    "employment",
    "levers:placement",
    "income",
    "levers:income",
    "medical",
    "levers:health",
    "levers:transfers",
    "assessment",
    "registration",
    "levers:registration",
    "areas",
)

FLOW_METRICS = ("exits", "exits_development", "exits_guarantee", "exits_deceased", "newly_poor", "returns")
METRICS: tuple[str, ...] = (
    "registered_poor",
    "cohort_registered",
    *FLOW_METRICS,
    "monitored",
    "true_poor",
    "poor_villages",
    "poor_counties",
    *(f"cost_{name}" for name in LEVER_NAMES),
    "cost_total",
)


class AccountingError(RuntimeError):
    """The stock-flow identity of the register failed."""


class PovertyModel(mesa.Model):
    """Household poverty dynamics of one region under one policy mix, one replicate."""

    def __init__(self, config: RunConfig, replicate: int = 0) -> None:
        """Synthesise the population and prepare the first year.

        Args:
            config: the validated run configuration.
            replicate: replicate index; with ``config.seed`` it fixes every random stream.
        """
        reuse_freed_memory()
        super().__init__(rng=int(np.random.SeedSequence(config.seed, spawn_key=(replicate,)).generate_state(1)[0]))
        self.config = config
        self.replicate = replicate
        self.streams = make_streams(config.seed, replicate)
        region = config.region
        self.h, self.areas = synthesise(region, config.population, self.streams["population"])
        self.stratum_weight = np.array([self._weight_of(s) for s in range(3)])
        self.year = region.start_year - 1
        self.village_poor = self.areas.village_poor.copy()
        self.county_poor = self.areas.county_poor.copy()
        self._initialise_incomes()
        self.registered = metrics.registered_counts(self.h)
        self.initial_composition = metrics.composition(self.h)
        self.history: list[dict[str, float]] = []
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, k=name: m.current.get(k)) for name in METRICS}
        )
        self.current: dict[str, float] = {}

    def _weight_of(self, stratum: int) -> float:
        mask = self.h.stratum == stratum
        return float(self.h.weight[mask][0]) if mask.any() else 0.0

    def _initialise_incomes(self) -> None:
        """Market income and medical costs of the year before the start (need ranking, drops)."""
        ctx = self._context(self.year, draw=False)
        z = np.zeros(self.h.n, dtype=np.float32)
        self._fold(income.step(self.h, self.config.dynamics.income, ctx, z, self._placed_wages()))
        self._fold(medical.step(self.h, self.config.dynamics.medical, self.config.region.medical, ctx, z))
        pc = assessment.total_income(self.h) / np.maximum(self.h.size, 1)
        self.h = dataclasses.replace(self.h, income_pc=pc.astype(np.float32), income_pc_prev=pc.astype(np.float32))

    def _placed_wages(self) -> dict[int, float]:
        policy = self.config.policy
        return {Job.PUBLIC_POST: policy.public_posts.wage_per_year, Job.WORKSHOP: policy.workshops.wage_per_year}

    def _context(self, year: int, draw: bool = True) -> YearContext:
        region, n = self.config.region, self.h.n
        start = region.start_year - 1

        def uniform(name: str, dtype: type = np.float32) -> np.ndarray:
            return self.streams[name].random(n, dtype=dtype) if draw else np.full(n, 0.5, dtype=dtype)

        return YearContext(
            year=year,
            poverty_line=region.poverty_line.at(year),
            dibao_standard_published=region.dibao_standard.at(year),
            pension_per_month=region.pension_minimum_per_month.at(year),
            income_index=(1.0 + region.income_growth) ** (year - start),
            medical_index=(1.0 + self.config.dynamics.medical.growth) ** (year - start),
            mean_income=region.rural_income_per_capita,
            intensity={name: transition.intensity(self.config.policy.transition, year, name) for name in LEVER_NAMES},
            u_alloc=uniform("allocation", np.float64),  # lever keys use its low bits
            u_target=uniform("targeting"),
            u_monitor=uniform("monitoring"),
            medical_ratios=region.medical,
        )

    def _fold(self, effect: Effect) -> float:
        if effect.updates:
            self.h = dataclasses.replace(self.h, **effect.updates)
        return effect.cost

    def _levers(self, phase: str, ctx: YearContext, costs: dict[str, float]) -> None:
        for name, module in levers_in(phase):
            costs[name] = self._fold(module.apply(self.h, getattr(self.config.policy, name), ctx))

    def step(self) -> None:
        """Simulate one year in the order of :data:`YEAR_ORDER`."""
        year = self.year + 1
        dyn, streams = self.config.dynamics, self.streams
        n = self.h.n
        self.h = dataclasses.replace(self.h, income_pc_prev=self.h.income_pc)
        f32 = np.float32
        u_ill, u_dis = streams["illness"].random(n, dtype=f32), streams["disability"].random(n, dtype=f32)
        u_job, z_farm = streams["employment"].random(n, dtype=f32), streams["income"].standard_normal(n, dtype=f32)
        z_med, u_reg = streams["medical"].standard_normal(n, dtype=f32), streams["registration"].random(n, dtype=f32)
        ctx = self._context(year)
        costs = dict.fromkeys(LEVER_NAMES, 0.0)

        self._fold(demography.step(self.h, dyn.demography, streams["demography"]))
        self._fold(health.illness_step(self.h, dyn.health, u_ill))
        self._fold(health.disability_step(self.h, dyn.health, u_dis))
        self._fold(labour.step(self.h))
        multiplier = training.finding_multiplier(self.h, self.config.policy.training, year)
        self._fold(employment.step(self.h, dyn.employment, u_job, multiplier))
        self._levers(PLACEMENT, ctx, costs)
        self._fold(income.step(self.h, dyn.income, ctx, z_farm, self._placed_wages()))
        self._levers(INCOME, ctx, costs)
        self._fold(medical.step(self.h, dyn.medical, self.config.region.medical, ctx, z_med))
        self._levers(HEALTH, ctx, costs)
        self._levers(TRANSFERS, ctx, costs)
        self._fold(assessment.step(self.h, dyn.registration, ctx))
        p_monitored = self.config.policy.monitoring.p_detect if self._monitoring_on(year) else 0.0
        effect, flows = registration.step(self.h, dyn.registration, ctx, u_reg, p_monitored)
        self._fold(effect)
        self._levers(REGISTRATION, ctx, costs)
        self._update_areas()
        self._record(year, flows, costs)
        self.year = year
        if self.config.check_invariants:
            check_invariants(self.h)
        self.datacollector.collect(self)

    def _monitoring_on(self, year: int) -> bool:
        params = self.config.policy.monitoring
        return params.enabled and year >= params.start_year

    def _update_areas(self) -> None:
        region = self.config.region
        residents, registered = metrics.village_totals(self.h, region.villages.total)
        county_of = self.areas.village_county
        n_counties = region.counties.total
        self.village_poor &= ~metrics.incidence_below(residents, registered, region.exit_incidence_village)
        self.county_poor &= ~metrics.incidence_below(
            np.bincount(county_of, weights=residents, minlength=n_counties),
            np.bincount(county_of, weights=registered, minlength=n_counties),
            region.exit_incidence_county,
        )

    def _record(self, year: int, flows: registration.Flows, costs: dict[str, float]) -> None:
        before = self.registered
        after = metrics.registered_counts(self.h)
        if not np.array_equal(after, before - flows.exits + flows.newly_poor + flows.returns):
            raise AccountingError(f"register identity failed in {year}: {before} -> {after}")
        self.registered = after
        w = self.stratum_weight
        row = {
            "registered_poor": metrics.weighted(after, w),
            "cohort_registered": metrics.weighted(metrics.cohort_counts(self.h), w),
        }
        row.update({name: metrics.weighted(getattr(flows, name), w) for name in FLOW_METRICS})
        row["monitored"] = metrics.monitored_persons(self.h)
        row["true_poor"] = metrics.true_poor_persons(self.h)
        row["poor_villages"] = float(self.village_poor.sum())
        row["poor_counties"] = float(self.county_poor.sum())
        row.update({f"cost_{name}": cost for name, cost in costs.items()})
        row["cost_total"] = float(sum(costs.values()))
        self.current = row
        self.history.append({"year": year, **row})

    def initial_row(self) -> dict[str, float]:
        """Metrics of the initial stock (the year before the start)."""
        return {
            "registered_poor": metrics.weighted(self.registered, self.stratum_weight),
            **self.initial_composition,
            "poor_villages": float(self.areas.village_poor.sum()),
            "poor_counties": float(self.areas.county_poor.sum()),
        }

    def run(self) -> list[dict[str, float]]:
        """Step through every configured year; return the yearly rows."""
        while self.year < self.config.region.end_year:
            self.step()
        return self.history
