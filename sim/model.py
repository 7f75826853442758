"""PovertyModel: the Mesa model that owns the household arrays and steps one year at a time.

The model holds no rules.  A year is the sequence :func:`sim.steps.year_steps` resolves from
the registered processes (``sim/processes``) and levers (``sim/policies``); each step is a pure
function ``(households, params, ctx) -> Effect`` whose effect the model folds into the state,
checking every column it writes.  Households are numpy columns, not agents.  Each named random
stream draws for the whole population every year, so a household sees the same shocks under
every policy mix (common random numbers).  The yearly row comes from the metrics registry; the
household event ledger (:mod:`sim.events`), when the output settings keep it, from the states at
the end of consecutive years.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim import events, metrics, steps
from sim.allocator import reuse_freed_memory
from sim.config import RunConfig
from sim.context import YearContext, YearValues
from sim.population import assign_exit_routes, synthesise
from sim.processes import assessment
from sim.rng import POPULATION, make_streams
from sim.state import N_STRATA, check_invariants

# Mesa logs every step at INFO; a yearly model has nothing to add there.
logging.getLogger("MESA").setLevel(logging.WARNING)


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
        self.h, self.areas = synthesise(region, config.population, self.streams[POPULATION])
        self.stratum_weight = np.array([self._weight_of(s) for s in range(N_STRATA)])
        self.year = region.start_year - 1
        self.plan = tuple((step, self._params_of(step)) for step in steps.year_steps())
        self.scheduled = config.policy.is_scheduled()  # some lever parameter is given by year
        self._initialise_incomes()
        record = self._record_of({}, {})
        self.registered = record.stocks.registered
        self.initial = metrics.initial_row(record)
        self.history: list[dict[str, float]] = []
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, k=name: m.current.get(k)) for name in metrics.yearly_names()}
        )
        self.current: dict[str, float] = {}
        self.keeps_events = events.kept(config)
        self.ledger_parts = [events.initial(self.h, self.year)] if self.keeps_events else []

    def _weight_of(self, stratum: int) -> float:
        mask = self.h.stratum == stratum
        return float(self.h.weight[mask][0]) if mask.any() else 0.0

    def _params_of(self, step: steps.Step, config: RunConfig | None = None) -> Any:
        return functools.reduce(getattr, step.params_path, config or self.config) if step.params_path else None

    def _config_in(self, year: int) -> RunConfig:
        """The configuration with every lever parameter given by year at its value in ``year``."""
        if not self.scheduled:
            return self.config
        return dataclasses.replace(self.config, policy=self.config.policy.at(year))

    def _initialise_incomes(self) -> None:
        """Market income and medical costs of the year before the start (need ranking, drops).

        The year's draws are neutral (no farm or medical shock), so the starting incomes do not
        use up any stream.  That year counts as one assessment for the stable-exit test: a
        household whose income then was above the line starts with one year above it.
        """
        ctx = self._context(self.year, draw=False)
        for step, params in self.plan:
            if step.name in ("income", "medical"):
                self.h = self.h.fold(step.run(self.h, params, ctx).updates, step.name)
        rules = self.config.dynamics.registration
        self.h = assign_exit_routes(self.h, ctx.poverty_line, rules.catastrophic_medical_share)
        per_capita = assessment.per_capita_income(self.h)
        above = ((per_capita >= ctx.poverty_line) & (self.h.size > 0)).astype(np.uint8)
        own = assessment.own_per_capita_income(self.h)
        self.h = self.h.replace(
            income_pc=per_capita, income_pc_prev=per_capita.copy(), own_income_pc=own, above_line_years=above
        )

    def _context(self, year: int, draw: bool = True, config: RunConfig | None = None) -> YearContext:
        region = self.config.region
        start = region.start_year - 1
        values = YearValues(
            year=year,
            poverty_line=region.poverty_line.at(year),
            dibao_standard_published=region.dibao_standard.at(year),
            pension_per_month=region.pension_minimum_per_month.at(year),
            income_index=(1.0 + region.income_growth) ** (year - start),
            medical_index=(1.0 + self.config.dynamics.medical.growth) ** (year - start),
            mean_income=region.rural_income_per_capita,
        )
        draws = steps.draw_year(self.config.seed, self.replicate, year, self.h.n, neutral=not draw)
        published = steps.published_values((config or self._config_in(year)).policy, year)
        return YearContext(values, draws, published, region, self.areas)

    def step(self) -> None:
        """Simulate one year: run every declared step in order and record the metrics."""
        year = self.year + 1
        before = self.h  # steps never write into arrays in place, so this is last year's state
        self.h = self.h.new_year()
        config = self._config_in(year)  # lever parameters given by year at this year's values
        ctx = self._context(year, config=config)
        costs: dict[str, float] = {}
        counts: dict[str, np.ndarray] = {}
        plan = self.plan
        if self.scheduled:
            plan = tuple((step, self._params_of(step, config)) for step, _ in self.plan)
        for step, params in plan:
            effect = step.run(self.h, params, ctx)
            self.h = self.h.fold(effect.updates, step.name)
            if step.is_lever:
                costs[step.name] = effect.cost
            if effect.counts:
                undeclared = set(effect.counts) - set(step.counts)
                if undeclared:
                    raise ValueError(
                        f"step {step.name!r} reports counts {sorted(undeclared)} it does not declare "
                        f"(its declaration's counts: {list(step.counts)})"
                    )
                counts.update(effect.counts)
            if effect.areas:
                self.areas = dataclasses.replace(self.areas, **effect.areas)
        self._record(year, counts, costs)
        if self.keeps_events:
            self.ledger_parts.append(events.of_year(before, self.h, year))
        self.year = year
        self.running = year < self.config.region.end_year  # Mesa's tools (batch_run) stop on this
        if self.config.check_invariants:
            check_invariants(self.h)
        self.datacollector.collect(self)

    def _record_of(self, counts: dict[str, np.ndarray], costs: dict[str, float]) -> metrics.Record:
        return metrics.Record(self.h, self.stratum_weight, counts, costs, self.areas)

    def _record(self, year: int, counts: dict[str, np.ndarray], costs: dict[str, float]) -> None:
        record = self._record_of(counts, costs)
        before, after = self.registered, record.stocks.registered
        exits = counts["exits_development"] + counts["exits_guarantee"] + counts["exits_deceased"]
        if not np.array_equal(after, before - exits + counts["newly_poor"] + counts["returns"]):
            raise AccountingError(f"register identity failed in {year}: {before} -> {after}")
        self.registered = after
        self.current = metrics.yearly_row(record)
        self.history.append({"year": year, **self.current})

    def initial_row(self) -> dict[str, float]:
        """Metrics of the initial stock (the year before the start)."""
        return dict(self.initial)

    def ledger(self) -> pd.DataFrame:
        """The household event ledger so far (empty unless the output settings keep it)."""
        return pd.concat(self.ledger_parts, ignore_index=True) if self.ledger_parts else events.empty()

    def release(self) -> None:
        """End the model's life now: break the reference cycle Mesa's ``Model`` sits in.

        ``mesa.Model.__init__`` keeps two bound methods of the model on the model (``step`` and
        ``_user_step``), so without this a finished model, and its household arrays (~80 MB at the
        default scale), would wait for Python's cyclic collector, which a replicate makes too few
        objects to wake.  Forcing that collector instead costs ~80 ms per replicate, whatever its size.
        """
        for name in ("step", "_user_step"):
            self.__dict__.pop(name, None)

    def run(self) -> list[dict[str, float]]:
        """Step through every configured year; return the yearly rows."""
        while self.year < self.config.region.end_year:
            self.step()
        return self.history
