"""The planner's tables: yearly summary, period totals, cost-effectiveness and the frontier.

Every table is computed per region from the tidy results of finished runs (the ``results.csv``
contract) and a :class:`Comparison`: which label is the reference in each region and which
years make the periods.  Means carry Student-t intervals over replicates; differences against
the reference are paired replicate by replicate (common random numbers) with bootstrap
intervals (:mod:`analysis.stats`).

The quantities a planner quotes are declared once in :data:`QUANTITIES`; the costs by lever
are derived from the ``cost_<lever>`` metrics present.  Costs are all public spending the
model counts (``cost_total``), the basic pension of every rural resident 65+ included; it
differs little between scenarios, so it cancels in the paired differences.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from analysis.stats import paired_difference, ratio_of_paired_means, t_interval
from sim.text import Text


@dataclasses.dataclass(frozen=True)
class Quantity:
    """A per-replicate number a planner quotes: a metric summed over a period or read in the last year."""

    name: str
    metric: str
    how: str  # "sum" over the period's years, or "last": the value in the last year
    period: str  # "transition": the regime's first year to the last; "run": every simulated year
    unit: str
    meaning: str
    title: Text  # the planner's name, in English and Chinese


QUANTITIES = (
    Quantity(
        "true_poor_years_run",
        "true_poor",
        "sum",
        "run",
        "person_years",
        "person-years of true poverty, every simulated year: the truly poor of each year added up",
        Text("Person-years of true poverty", "实际贫困人年"),
    ),
    Quantity(
        "true_poor_years",
        "true_poor",
        "sum",
        "transition",
        "person_years",
        "person-years of true poverty in the transition period",
        Text("Person-years of true poverty", "实际贫困人年"),
    ),
    Quantity(
        "returns",
        "returns",
        "sum",
        "transition",
        "persons",
        "returns to the register (返贫) in the period",
        Text("Returns to the register (返贫)", "返贫人数"),
    ),
    Quantity(
        "new_fallbacks",
        "new_fallbacks",
        "sum",
        "transition",
        "persons",
        "exited persons falling back into poverty",
        Text("Falls back into poverty", "新增实际返贫"),
    ),
    Quantity(
        "fallbacks_last",
        "fallbacks",
        "last",
        "transition",
        "persons",
        "exited persons truly poor in the last year",
        Text("Exited but truly poor", "已脱贫但实际贫困"),
    ),
    Quantity(
        "true_poor_last",
        "true_poor",
        "last",
        "transition",
        "persons",
        "truly poor persons in the last year",
        Text("Truly poor", "实际贫困人口"),
    ),
    Quantity(
        "registered_last",
        "registered_poor",
        "last",
        "transition",
        "persons",
        "persons on the register in the last year",
        Text("Registered poor", "建档立卡贫困人口"),
    ),
    Quantity(
        "monitored_last",
        "monitored",
        "last",
        "transition",
        "persons",
        "monitored persons in the last year",
        Text("Monitored", "监测对象"),
    ),
    Quantity(
        "cost_total",
        "cost_total",
        "sum",
        "transition",
        "yuan",
        "public spending on all levers in the period",
        Text("Public spending", "财政投入"),
    ),
    Quantity(
        "exits_run",
        "exits",
        "sum",
        "run",
        "persons",
        "exits from the register, every simulated year",
        Text("Exits from poverty", "脱贫人数"),
    ),
    Quantity(
        "returns_run",
        "returns",
        "sum",
        "run",
        "persons",
        "returns, every simulated year",
        Text("Returns to the register (返贫)", "返贫人数"),
    ),
    Quantity(
        "new_fallbacks_run",
        "new_fallbacks",
        "sum",
        "run",
        "persons",
        "falls back into poverty, every year",
        Text("Falls back into poverty", "新增实际返贫"),
    ),
    Quantity(
        "sustained_exits_last",
        "sustained_exits",
        "last",
        "run",
        "persons",
        "exited and not truly poor since, in the last year",
        Text("Sustained exits", "稳定脱贫"),
    ),
    Quantity(
        "cost_total_run",
        "cost_total",
        "sum",
        "run",
        "yuan",
        "public spending on all levers, every year",
        Text("Public spending", "财政投入"),
    ),
    Quantity(
        "exits_development_run",
        "exits_development",
        "sum",
        "run",
        "persons",
        "exits by development",
        Text("Exits by development", "开发式脱贫"),
    ),
    Quantity(
        "exits_guarantee_run",
        "exits_guarantee",
        "sum",
        "run",
        "persons",
        "exits through guarantee (兜底)",
        Text("Exits through the guarantee", "兜底脱贫"),
    ),
    Quantity(
        "exits_deceased_run",
        "exits_deceased",
        "sum",
        "run",
        "persons",
        "removals of dead-out households",
        Text("Removed: household died out", "自然减少"),
    ),
)


@dataclasses.dataclass(frozen=True)
class Ratio:
    """A cost per outcome: a cost quantity over an outcome quantity of the same period."""

    name: str
    cost: str
    outcome: str
    prevented: bool  # whether the outcome is counted as prevented against the reference
    title: Text


#: Cost-effectiveness measures, the headline first.  Cost and outcome always cover the same years.
RATIOS = (
    Ratio(
        "cost_per_poverty_year_prevented",
        "cost_total_run",
        "true_poor_years_run",
        True,
        Text("Cost per person-year out of true poverty", "每减少一人年实际贫困的成本"),
    ),
    Ratio(
        "cost_per_prevented_return",
        "cost_total_run",
        "returns_run",
        True,
        Text("Cost per prevented return", "每减少一人返贫的成本"),
    ),
    Ratio(
        "cost_per_prevented_fallback",
        "cost_total_run",
        "new_fallbacks_run",
        True,
        Text("Cost per prevented fall back", "每减少一人实际返贫的成本"),
    ),
    Ratio(
        "cost_per_sustained_exit",
        "cost_total_run",
        "sustained_exits_last",
        False,
        Text("Cost per sustained exit", "每个稳定脱贫的成本"),
    ),
)
#: The ratio that says whether people are truly better off; the others' verdicts are checked against it.
HEADLINE_RATIO = RATIOS[0]

#: Outcomes of the frontier (lower is better), each against the whole run's cost.
FRONTIER_OUTCOMES = ("true_poor_years_run", "returns_run", "new_fallbacks_run")


@dataclasses.dataclass(frozen=True)
class Comparison:
    """What a region's comparison is made against."""

    region: str
    reference: str | None  # the reference label, if the region has one
    first_year: int  # first simulated year
    last_year: int
    transition_year: int  # first year of the 2021-2025 regime (policy.transition.start_year)
    shock_years: dict[int, str] = dataclasses.field(default_factory=dict)  # pinned shocks by year, with who pins them

    def years(self, period: str) -> tuple[int, int]:
        """First and last year of a period."""
        return (self.transition_year if period == "transition" else self.first_year, self.last_year)

    def period_name(self, period: str) -> str:
        """A period as planners write it, e.g. ``2021-2025``."""
        first, last = self.years(period)
        return f"{first}-{last}"


def _metric_title(name: str) -> Text:
    from sim import metrics

    found = next((m for m in metrics.metrics() if m.name == name), None)
    return found.title if found is not None else Text(name, name)


def quantities(table: pd.DataFrame, comparisons: dict[str, Comparison]) -> pd.DataFrame:
    """Per region, label and replicate: every quantity of :data:`QUANTITIES` and each lever's period cost.

    Columns: region, label, replicate, quantity, period, unit, value.
    """
    costs = sorted(m for m in table["metric"].unique() if m.startswith("cost_") and m != "cost_total")
    declared = [
        *QUANTITIES,
        *(
            Quantity(m, m, "sum", "transition", "yuan", f"spending on {m[5:]} in the period", _metric_title(m))
            for m in costs
        ),
        *(
            Quantity(f"{m}_run", m, "sum", "run", "yuan", f"spending on {m[5:]}, every year", _metric_title(m))
            for m in costs
        ),
    ]
    parts = []
    for region, part in table.groupby("region", sort=False):
        comparison = comparisons[region]
        for q in declared:
            first, last = comparison.years(q.period)
            if q.how == "last":
                first = last
            chosen = part[(part["metric"] == q.metric) & part["year"].between(first, last)]
            if chosen.empty:
                continue
            values = chosen.groupby(["label", "replicate"], sort=False)["value"].sum().reset_index()
            values.insert(0, "region", region)
            values["quantity"] = q.name
            values["period"] = str(last) if q.how == "last" else comparison.period_name(q.period)
            values["unit"] = q.unit
            parts.append(values)
    out = pd.concat(parts, ignore_index=True)
    return out[["region", "label", "replicate", "quantity", "period", "unit", "value"]]


def _by_group(frame: pd.DataFrame, keys: list[str]):
    """Yield (key, replicates ascending, their values) per group of ``keys``, in order of first appearance."""
    replicates, values = frame["replicate"].to_numpy(), frame["value"].to_numpy(dtype=np.float64)
    for key, positions in frame.groupby(keys, sort=False).indices.items():
        order = np.argsort(replicates[positions], kind="stable")
        yield key, replicates[positions][order], values[positions][order]


def summarise(frame: pd.DataFrame, keys: list[str], comparisons: dict[str, Comparison]) -> pd.DataFrame:
    """Mean with t interval, and the paired difference to the reference with bootstrap interval, per group.

    ``frame`` has the columns ``keys`` (starting with region and label), ``replicate`` and ``value``.
    A group is paired with the reference's group of the same region and other keys, over the
    replicates both have.
    """
    groups = list(_by_group(frame, keys))
    references = {
        (key[0], *key[2:]): (replicates, values)
        for key, replicates, values in groups
        if comparisons[key[0]].reference == key[1]
    }
    rows = []
    for key, replicates, values in groups:
        mean, low, high = t_interval(values)
        diff, pairs = (np.nan, np.nan, np.nan), 0
        reference = references.get((key[0], *key[2:]))
        if reference is not None:
            common, mine, theirs = np.intersect1d(replicates, reference[0], return_indices=True)
            diff, pairs = paired_difference(values[mine], reference[1][theirs], *key), len(common)
        rows.append((*key, len(values), mean, low, high, pairs, *diff))
    columns = [*keys, "replicates", "mean", "low", "high", "pairs", "diff", "diff_low", "diff_high"]
    return pd.DataFrame(rows, columns=columns)


def yearly_summary(table: pd.DataFrame, comparisons: dict[str, Comparison]) -> pd.DataFrame:
    """Per region, label, year and metric: mean, t interval, paired difference to the reference."""
    return summarise(table, ["region", "label", "year", "metric"], comparisons)


def period_totals(per_replicate: pd.DataFrame, comparisons: dict[str, Comparison]) -> pd.DataFrame:
    """Per region, label and quantity: mean, t interval, paired difference to the reference."""
    return summarise(per_replicate, ["region", "label", "quantity", "period", "unit"], comparisons)


def verdict(extra_cost: float, prevented: float, poverty_prevented: float | None) -> str:
    """What a scenario's paired means say, before any ratio (the report words each code, analysis.i18n).

    ``trade``: dearer and prevents some (the ratio is a price); ``dominant``: no dearer and prevents
    some (saves money); ``dominated``: no cheaper and prevents none; ``cheaper_worse``: cheaper and
    prevents none; ``same``: no difference.  For an outcome other than true poverty,
    ``poverty_prevented`` (person-years of true poverty prevented) overrules a reading the truly poor
    contradict: fewer returns counted while more people are truly poor is ``fewer_found``, never a
    saving; more returns counted while fewer are truly poor is ``more_found``.
    """
    if extra_cost == 0 and prevented == 0:
        return "same"
    if poverty_prevented is not None:
        if prevented > 0 and poverty_prevented < 0:
            return "fewer_found"
        if prevented < 0 and poverty_prevented > 0:
            return "more_found"
    if prevented > 0:
        return "trade" if extra_cost > 0 else "dominant"
    return "dominated" if extra_cost >= 0 else "cheaper_worse"


def cost_effectiveness(per_replicate: pd.DataFrame, comparisons: dict[str, Comparison]) -> pd.DataFrame:
    """Each ratio of :data:`RATIOS` per label, with its interval and verdict.

    Cost per sustained exit has a t interval over replicates.  A cost per prevented outcome is
    the mean paired extra cost over the mean paired outcomes prevented (bootstrap interval),
    given only when the scenario is dearer and prevents some (verdict ``trade``); otherwise the
    value is absent and the verdict (:func:`verdict`) says what happened.  Columns: region,
    label, measure, period, replicates, value, low, high, extra_cost, prevented, verdict, note.
    """
    wide = per_replicate.pivot_table(
        index=["region", "label", "replicate"], columns="quantity", values="value", aggfunc="first"
    )
    periods = per_replicate.drop_duplicates("quantity").set_index("quantity")["period"]
    rows = []
    for (region, label), part in wide.groupby(level=["region", "label"], sort=False):
        part = part.droplevel(["region", "label"]).sort_index()
        comparison = comparisons[region]
        reference = None
        if comparison.reference is not None and comparison.reference != label:
            reference = wide.loc[(region, comparison.reference)].sort_index()
        common = part.index if reference is None else part.index.intersection(reference.index)
        poverty_prevented = None
        headline = HEADLINE_RATIO.outcome
        if reference is not None and headline in part:
            poverty_prevented = float((reference.loc[common, headline] - part.loc[common, headline]).mean())
        for ratio in RATIOS:
            name, cost, outcome = ratio.name, ratio.cost, ratio.outcome
            if cost not in part or outcome not in part:
                continue
            period = periods[cost]
            if not ratio.prevented:
                with np.errstate(divide="ignore", invalid="ignore"):
                    per = (part[cost] / part[outcome].where(part[outcome] > 0)).dropna()
                value, low, high = t_interval(per.to_numpy())
                note = "" if len(per) >= 2 else "too few replicates for an interval"
                rows.append((region, label, name, period, len(per), value, low, high, np.nan, np.nan, "", note))
                continue
            if reference is None:
                continue
            extra_cost = part.loc[common, cost] - reference.loc[common, cost]
            averted = reference.loc[common, outcome] - part.loc[common, outcome]
            mean_cost, mean_averted = float(extra_cost.mean()), float(averted.mean())
            judged = verdict(mean_cost, mean_averted, None if ratio is HEADLINE_RATIO else poverty_prevented)
            value = low = high = np.nan
            note = ""
            if judged == "trade":
                value, low, high, note = ratio_of_paired_means(extra_cost, averted, region, label, name)
            rows.append(
                (region, label, name, period, len(common), value, low, high, mean_cost, mean_averted, judged, note)
            )
    columns = [
        "region",
        "label",
        "measure",
        "period",
        "replicates",
        "value",
        "low",
        "high",
        "extra_cost",
        "prevented",
        "verdict",
        "note",
    ]
    return pd.DataFrame(rows, columns=columns)


def frontier(totals: pd.DataFrame) -> pd.DataFrame:
    """Per outcome of :data:`FRONTIER_OUTCOMES`: each label's mean cost and outcome, and whether it is on the frontier.

    A label is on the frontier when no other label of its region costs no more *and* does no
    worse on the outcome, and strictly better on one of them.
    """
    rows = []
    means = totals.set_index(["region", "label", "quantity"])["mean"]
    for region in dict.fromkeys(totals["region"]):
        labels = list(dict.fromkeys(totals.loc[totals["region"] == region, "label"]))
        for outcome in FRONTIER_OUTCOMES:
            points = []
            for label in labels:
                cost, value = means.get((region, label, "cost_total_run")), means.get((region, label, outcome))
                if cost is not None and value is not None:
                    points.append((label, float(cost), float(value)))
            for label, cost, value in points:
                dominated = any(
                    c <= cost and v <= value and (c < cost or v < value) for other, c, v in points if other != label
                )
                rows.append((region, outcome, label, cost, value, not dominated))
    return pd.DataFrame(rows, columns=["region", "outcome", "label", "cost", "value", "on_frontier"])
