"""Metrics: headcounts, flows, costs and composition, declared once in a registry.

Each :class:`Metric` names what it measures, its unit, its kind (stock, flow, cost, initial)
and how it is computed from a :class:`Record` of the year (state at year end, the year's
flow counts and costs).  The model's yearly row, the initial row, the results table, the
printed table and the comparison summary all take their lists from :func:`metrics`; the
README's metric table is checked against it.  One ``cost_<lever>`` metric is derived for every
lever that acts on households, plus ``cost_total``.

Person counts are real persons (simulated persons times stratum weights).  The registered
stock counts persons as recorded at registration (建档立卡 records), so that stock and flows
satisfy ``registered[t] = registered[t-1] - exits[t] + newly_poor[t] + returns[t]`` exactly.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from sim import steps
from sim.jit import kernel
from sim.processes.labour import persons_without_labour
from sim.state import N_STRATA, Disability, Households, Illness, MonitorCategory, Registration, Stratum
from sim.text import Text


class Kind(enum.Enum):
    """What sort of quantity a metric is."""

    STOCK = "stock"  # persons or areas at year end
    FLOW = "flow"  # persons moving during the year
    COST = "cost"  # yuan spent during the year
    INITIAL = "initial"  # reported for the initial stock (the year before the start) only


@dataclasses.dataclass(frozen=True)
class Record:
    """What a metric reads: the state at year end, the year's counts and costs, and the areas."""

    h: Households
    stratum_weight: np.ndarray  # real households per simulated household, by stratum
    counts: Mapping[str, np.ndarray]  # per-stratum person counts that steps report (Effect.counts)
    costs: Mapping[str, float]  # yuan by lever
    areas: Any  # sim.population.Areas with this year's status

    @functools.cached_property
    def stocks(self) -> Stocks:
        """The stocks of :func:`stocks_of`, summed once for every metric that reads them."""
        return stocks_of(self.h)


@dataclasses.dataclass(frozen=True)
class Metric:
    """One reported quantity.

    Attributes:
        name: column value in ``results.csv``'s ``metric``.
        unit: ``persons``, ``yuan``, ``share``, ``villages``...
        kind: stock, flow, cost or initial.
        compute: ``(record) -> float``.
        meaning: one line for tables and the README.
        initial: also reported for the initial stock (year before the start).
        table: printed in the yearly table of ``run.py``.
        title: the planner's name of the metric, in English and Chinese.
    """

    name: str
    unit: str
    kind: Kind
    compute: Callable[[Record], float]
    meaning: str
    initial: bool = False
    table: bool = False
    title: Text = dataclasses.field(kw_only=True)


_REGISTERED: dict[str, Metric] = {}
_cache: tuple[Metric, ...] | None = None


def _invalidate() -> None:
    global _cache
    _cache = None


steps.on_change(_invalidate)


def register_metric(metric: Metric) -> Metric:
    """Add a metric to every results table from now on; return it."""
    if metric.name in _REGISTERED or metric.name.startswith("cost_"):
        raise ValueError(f"metric {metric.name!r} is already declared (cost_* metrics derive from the levers)")
    _REGISTERED[metric.name] = metric
    _invalidate()
    return metric


def unregister_metric(name: str) -> None:
    """Remove a metric (for tests that register a toy one)."""
    _REGISTERED.pop(name, None)
    _invalidate()


def metrics() -> tuple[Metric, ...]:
    """Every metric: the declared ones, then one cost per acting lever and the total cost."""
    global _cache
    if _cache is None:
        acting = steps.acting_levers()
        costs = tuple(
            Metric(
                f"cost_{name}",
                "yuan",
                Kind.COST,
                _cost_of(name),
                f"yearly public spending on {name}",
                title=Text(f"Spending: {steps.lever(name).title.en}", f"{steps.lever(name).title.zh}支出"),
            )
            for name in acting
        )
        total = Metric(
            "cost_total",
            "yuan",
            Kind.COST,
            lambda r: math.fsum(r.costs.values()),  # exact, whatever the order of the levers
            "yearly public spending on all levers",
            table=True,
            title=Text("Public spending", "财政投入"),
        )
        declared = set(steps.declared_counts())
        for metric in _REGISTERED.values():
            if isinstance(metric.compute, Flow) and metric.compute.name not in declared:
                raise ValueError(
                    f"metric {metric.name!r} reads the count {metric.compute.name!r}, which no step declares; "
                    f"declared: {', '.join(sorted(declared))}"
                )
        _cache = (*_REGISTERED.values(), *costs, total)
    return _cache


def _cost_of(name: str) -> Callable[[Record], float]:
    return lambda r: float(r.costs.get(name, 0.0))


def yearly_names() -> tuple[str, ...]:
    """Metrics of every simulated year."""
    return tuple(m.name for m in metrics() if m.kind is not Kind.INITIAL)


def initial_names() -> tuple[str, ...]:
    """Metrics of the initial stock (the year before the start)."""
    return tuple(m.name for m in metrics() if m.initial or m.kind is Kind.INITIAL)


def table_names() -> tuple[str, ...]:
    """Metrics printed in the yearly table."""
    return tuple(m.name for m in metrics() if m.table)


def yearly_row(record: Record) -> dict[str, float]:
    """Every yearly metric of ``record``."""
    return {m.name: m.compute(record) for m in metrics() if m.kind is not Kind.INITIAL}


def initial_row(record: Record) -> dict[str, float]:
    """Every initial-stock metric of ``record``."""
    return {m.name: m.compute(record) for m in metrics() if m.initial or m.kind is Kind.INITIAL}


# --- computations ---------------------------------------------------------------------------


#: The person stocks one pass sums (:func:`stocks_of`), in the order of its kernel's totals.
PERSON_STOCKS = (
    "monitored", "monitored_unstable", "monitored_edge", "monitored_hardship", "ever_monitored", "fallbacks",
    "sustained_exits", "true_poor",
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Stocks:
    """The year-end stocks the built-in metrics read, from one pass over the households."""

    registered: np.ndarray  # recorded persons of registered-poor households, by stratum
    cohort: np.ndarray  # of those, of the initial register (stratum REGISTERED), by stratum
    exited: np.ndarray  # recorded persons of exited households that still have members, by stratum
    persons: dict[str, float]  # real persons in the households of each of PERSON_STOCKS


def stocks_of(h: Households) -> Stocks:
    """Every stock of :class:`Stocks`, summed in one pass.

    Each total is its own sum in household order, as a sum under a mask would be, so the
    figures are the same to the last bit as one pass (or one mask) per stock.
    """
    recorded, persons = _stock_pass(h.identity, h.members, h.registration, h.monitoring, h.status)
    return Stocks(recorded[0], recorded[1], recorded[2], dict(zip(PERSON_STOCKS, persons.tolist(), strict=True)))


_UNSTABLE, _EDGE, _HARDSHIP = int(MonitorCategory.UNSTABLE), int(MonitorCategory.EDGE), int(MonitorCategory.HARDSHIP)
# Where each person stock sits in the kernel's totals (numba reads these as constants)
_AT = {name: k for k, name in enumerate(PERSON_STOCKS)}
_MONITORED, _EVER_MONITORED, _FALLBACKS = _AT["monitored"], _AT["ever_monitored"], _AT["fallbacks"]
_IN_UNSTABLE, _IN_EDGE, _IN_HARDSHIP = _AT["monitored_unstable"], _AT["monitored_edge"], _AT["monitored_hardship"]
_SUSTAINED, _TRUE_POOR, _N_PERSON_STOCKS = _AT["sustained_exits"], _AT["true_poor"], len(PERSON_STOCKS)


@kernel
def _stock_pass(identity, members, registration, monitoring, status):
    """Recorded persons by stratum (registered, cohort, exited) and the real persons of each person stock."""
    stratum, weight, size, true_poor = identity.stratum, identity.weight, members.size, status.true_poor
    reg, reg_size, exit_year, fallback_year = (
        registration.reg,
        registration.reg_size,
        registration.exit_year,
        registration.fallback_year,
    )
    monitored, monitor_category, ever_monitored = (
        monitoring.monitored,
        monitoring.monitor_category,
        monitoring.ever_monitored,
    )
    recorded = np.zeros((3, N_STRATA))
    persons = np.zeros(_N_PERSON_STOCKS)
    for i in range(reg.size):
        s, persons_i = stratum[i], weight[i] * size[i]
        if reg[i] == Registration.POOR:
            recorded[0, s] += reg_size[i]
            if s == Stratum.REGISTERED:
                recorded[1, s] += reg_size[i]
        elif reg[i] == Registration.EXITED and size[i] > 0:
            recorded[2, s] += reg_size[i]
            if fallback_year[i] == 0:
                persons[_SUSTAINED] += persons_i
        if monitored[i]:
            persons[_MONITORED] += persons_i
            category = monitor_category[i]
            if category == _UNSTABLE:
                persons[_IN_UNSTABLE] += persons_i
            elif category == _EDGE:
                persons[_IN_EDGE] += persons_i
            elif category == _HARDSHIP:
                persons[_IN_HARDSHIP] += persons_i
        if ever_monitored[i]:
            persons[_EVER_MONITORED] += persons_i
        if true_poor[i]:
            persons[_TRUE_POOR] += persons_i
            if exit_year[i] > 0:
                persons[_FALLBACKS] += persons_i
    return recorded, persons


def weighted(counts: np.ndarray, stratum_weight: np.ndarray) -> float:
    """Real persons from per-stratum simulated counts."""
    return float(np.dot(counts, stratum_weight))


def composition(h: Households) -> dict[str, float]:
    """Person-weighted composition shares of the registered poor (seed 000's three shares)."""
    mask = (h.reg == Registration.POOR) & (h.size > 0)
    size = h.size[mask].astype(np.float64)
    w = h.weight[mask] * size
    total = float(w.sum()) or 1.0
    affected = (h.illness[mask] != Illness.NONE) | (h.disability[mask] != Disability.NONE)
    without = persons_without_labour(h)[mask] / size
    elder = h.n_elder[mask] / size
    return {
        "share_illness_disability": float(np.dot(w, affected)) / total,
        "share_no_labour": float(np.dot(w, without)) / total,
        "share_aged_65_plus": float(np.dot(w, elder)) / total,
    }


@dataclasses.dataclass(frozen=True)
class Flow:
    """A count a step declares and reports (``Effect.counts``), in persons.

    Zero in a year the step reports none (monitoring before it starts); a name no step declares
    is refused when the metric list is made (:func:`metrics`), so a misspelt name cannot read 0.
    """

    name: str

    def __call__(self, r: Record) -> float:
        """The weighted count of this year."""
        return weighted(r.counts[self.name], r.stratum_weight) if self.name in r.counts else 0.0


def _person_stock(name: str) -> Callable[[Record], float]:
    """The real persons of person stock ``name`` (one of :data:`PERSON_STOCKS`)."""
    if name not in PERSON_STOCKS:
        raise ValueError(f"unknown person stock {name!r}; known: {', '.join(PERSON_STOCKS)}")
    return lambda r: r.stocks.persons[name]


def _exits(r: Record) -> float:
    routes = r.counts["exits_development"] + r.counts["exits_guarantee"] + r.counts["exits_deceased"]
    return weighted(routes, r.stratum_weight)


def _share(name: str) -> Callable[[Record], float]:
    return lambda r: composition(r.h)[name]


_P = "persons"
for _metric in (
    Metric(
        "registered_poor",
        _P,
        Kind.STOCK,
        lambda r: weighted(r.stocks.registered, r.stratum_weight),
        "persons on the register (建档立卡) at year end, counted as recorded at registration",
        initial=True,
        table=True,
        title=Text("Registered poor", "建档立卡贫困人口"),
    ),
    Metric(
        "cohort_registered",
        _P,
        Kind.STOCK,
        lambda r: weighted(r.stocks.cohort, r.stratum_weight),
        "of those, persons from the initial (start-year minus 1) register",
        title=Text("Initial register still registered", "初始建档立卡人口在册"),
    ),
    Metric(
        "exited_persons",
        _P,
        Kind.STOCK,
        lambda r: weighted(r.stocks.exited, r.stratum_weight),
        "persons recorded in households that have left the register and not returned (已脱贫人口), "
        "those who exited before the start included",
        initial=True,
        table=True,
        title=Text("Exited persons", "已脱贫人口"),
    ),
    Metric(
        "exits",
        _P,
        Kind.FLOW,
        _exits,
        "persons removed from the register this year: exits_development + exits_guarantee + exits_deceased",
        table=True,
        title=Text("Exits from poverty", "脱贫人口"),
    ),
    Metric(
        "exits_development",
        _P,
        Kind.FLOW,
        Flow("exits_development"),
        "exits whose income *without* guarantee transfers (低保, 特困, 兜底 top-up) is already above the line",
        table=True,
        title=Text("Exits by development", "开发式脱贫"),
    ),
    Metric(
        "exits_guarantee",
        _P,
        Kind.FLOW,
        Flow("exits_guarantee"),
        "exits that depend on guarantee transfers (兜底脱贫)",
        table=True,
        title=Text("Exits through the guarantee", "兜底脱贫"),
    ),
    Metric(
        "exits_deceased",
        _P,
        Kind.FLOW,
        Flow("exits_deceased"),
        "registered households whose members have all died (自然减少)",
        title=Text("Removed: household died out", "自然减少"),
    ),
    Metric(
        "newly_poor",
        _P,
        Kind.FLOW,
        Flow("newly_poor"),
        "truly poor households never registered before, identified this year",
        table=True,
        title=Text("Newly identified poor", "新识别贫困人口"),
    ),
    Metric(
        "returns",
        _P,
        Kind.FLOW,
        Flow("returns"),
        "exited households found truly poor again and re-registered (返贫)",
        table=True,
        title=Text("Returns to the register", "返贫人口"),
    ),
    Metric(
        "monitored",
        _P,
        Kind.STOCK,
        _person_stock("monitored"),
        "persons in households under return-to-poverty monitoring (from 2021 by default)",
        table=True,
        title=Text("Monitored", "监测对象"),
    ),
    *(
        Metric(name, _P, Kind.STOCK, _person_stock(name), meaning, title=title)
        for name, meaning, title in (
            (
                "monitored_unstable",
                "monitored persons in exited households at risk (脱贫不稳定户)",
                Text("Monitored: unstable exited", "脱贫不稳定户"),
            ),
            (
                "monitored_edge",
                "monitored persons in never-registered households near the line (边缘易致贫户)",
                Text("Monitored: edge households", "边缘易致贫户"),
            ),
            (
                "monitored_hardship",
                "monitored persons in households hit by large expenses or income falls (突发严重困难户)",
                Text("Monitored: sudden hardship", "突发严重困难户"),
            ),
        )
    ),
    Metric(
        "ever_monitored",
        _P,
        Kind.STOCK,
        _person_stock("ever_monitored"),
        "persons (current members) in households monitored at some time so far",
        title=Text("Ever monitored", "累计监测人口"),
    ),
    Metric(
        "monitoring_eliminated",
        _P,
        Kind.FLOW,
        Flow("monitoring_eliminated"),
        "monitored persons whose risk was eliminated this year (风险消除: stable above the monitoring line)",
        title=Text("Risk eliminated", "风险消除"),
    ),
    Metric(
        "fallbacks",
        _P,
        Kind.STOCK,
        _person_stock("fallbacks"),
        "persons in households that have exited and are truly poor again this year, registered or not "
        "(true fallback; compare returns, which count re-registration)",
        table=True,
        title=Text("Exited but truly poor", "已脱贫但实际贫困"),
    ),
    Metric(
        "new_fallbacks",
        _P,
        Kind.FLOW,
        Flow("new_fallbacks"),
        "persons in exited households truly poor this year for the first time since their exit (true fallback "
        "flow; the year's entries into fallbacks)",
        title=Text("Falls back into poverty", "新增实际返贫"),
    ),
    Metric(
        "sustained_exits",
        _P,
        Kind.STOCK,
        _person_stock("sustained_exits"),
        "persons in exited households not truly poor at any time since their exit (sustained exits)",
        title=Text("Sustained exits", "稳定脱贫"),
    ),
    Metric(
        "true_poor",
        _P,
        Kind.STOCK,
        _person_stock("true_poor"),
        "persons whose household income is below the line or whose housing or basic medical guarantee fails, "
        "registered or not",
        table=True,
        title=Text("Truly poor", "实际贫困人口"),
    ),
    Metric(
        "poor_villages",
        "villages",
        Kind.STOCK,
        lambda r: float(r.areas.village_poor.sum()),
        "poor villages not yet exited (registered incidence below the region's threshold)",
        initial=True,
        table=True,
        title=Text("Poor villages", "贫困村"),
    ),
    Metric(
        "poor_counties",
        "counties",
        Kind.STOCK,
        lambda r: float(r.areas.county_poor.sum()),
        "poor counties not yet exited (摘帽)",
        initial=True,
        table=True,
        title=Text("Poor counties", "贫困县"),
    ),
    *(
        Metric(name, "share", Kind.INITIAL, _share(name), meaning, title=title)
        for name, meaning, title in (
            (
                "share_illness_disability",
                "persons of the initial register in households poor through illness or disability",
                Text("Poor through illness or disability, share", "因病因残致贫占比"),
            ),
            (
                "share_no_labour",
                "persons of the initial register without labour capacity",
                Text("Without labour capacity, share", "无劳动能力占比"),
            ),
            (
                "share_aged_65_plus",
                "persons of the initial register aged 65+",
                Text("Aged 65 and over, share", "65岁及以上占比"),
            ),
        )
    ),
):
    register_metric(_metric)


def metric_table() -> str:
    """The markdown table of metrics in the README (a test keeps the two equal)."""
    lines = ["| metric | unit | kind | meaning |", "|---|---|---|---|"]
    shown_costs = False
    for m in metrics():
        if m.name.startswith("cost_") and m.name != "cost_total":
            if not shown_costs:
                lines.append(
                    "| `cost_<lever>` | yuan | cost | yearly public spending on each lever that acts on households |"
                )
                shown_costs = True
            continue
        lines.append(f"| `{m.name}` | {m.unit} | {m.kind.value} | {m.meaning} |")
    return "\n".join(lines)
