"""The planner's comparison of finished runs: tables, survival curves and the warnings that go with them.

:func:`analyse` reads finished runs (:mod:`analysis.runs`), chooses each region's reference
label and periods (:class:`analysis.tables.Comparison`), and computes every table the report
shows.  It never fails quietly: unfinished runs, colliding labels, mixed regions or year
ranges, a missing reference, runs without an event ledger and labels with too few replicates
for an interval each get one warning line, which the report repeats.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pandas as pd

from analysis import i18n, survival, tables
from analysis.runs import Loaded, load, warn
from analysis.stats import MIN_REPLICATES

#: Derived per-replicate curves (percent), summarised like metrics.
CURVES = ("curve_exit", "curve_return", "curve_fallback")


@dataclasses.dataclass
class Analysis:
    """Every table of a comparison, and what it was made of."""

    loaded: Loaded
    comparisons: dict[str, tables.Comparison]
    summary: pd.DataFrame  # per year and metric (curves included)
    quantities: pd.DataFrame  # per replicate
    totals: pd.DataFrame  # period totals
    cost_effectiveness: pd.DataFrame
    frontier: pd.DataFrame
    survival: pd.DataFrame  # bands over replicates
    warnings: list[str]

    @property
    def regions(self) -> list[str]:
        """Regions in order of first appearance."""
        return list(self.comparisons)

    def label_name(self, label: str, lang: str = i18n.DEFAULT) -> str:
        """A label as a planner reads it: its scenario's title (from the run's manifest) and its changes."""
        run = next((r for r in self.loaded.runs if r.label == label), None)
        if run is None:
            return label
        shared = self._shared_changes(run.region)
        if shared:  # a change every label of the region makes (a sweep's scale, say) names none of them
            kept = [part for part in label.split("+")[1:] if part not in shared]
            label = "+".join([label.split("+")[0], *kept])
        return i18n.label_name(label, run.scenario, run.manifest.get("title"), lang)

    def _shared_changes(self, region: str) -> set[str]:
        labels = [r.label for r in self.loaded.runs if r.region == region]
        if len(labels) < 2:
            return set()
        parts = [set(label.split("+")[1:]) for label in labels]
        return set.intersection(*parts)

    def region_name(self, region: str, lang: str = i18n.DEFAULT) -> str:
        """A region's name for readers, from its runs' configuration."""
        run = next((r for r in self.loaded.runs if r.region == region), None)
        return region.title() if run is None else i18n.region_name(run.config["region"], lang)


def curves(table: pd.DataFrame) -> pd.DataFrame:
    """Exit, return and fallback curves per replicate and year (percent), in the results layout.

    ``curve_exit``: share of the initial register no longer registered; ``curve_return`` and
    ``curve_fallback``: cumulative returns and falls back into poverty as shares of every person
    who has exited: those exited before the start (``exited_persons`` of the initial row) plus the
    cumulative exits by development or guarantee, since both groups return and fall back.
    """
    keys = ["region", "label", "replicate"]
    wide = table.pivot_table(index=[*keys, "year"], columns="metric", values="value", aggfunc="first").sort_index()
    start = wide.groupby(level=keys)["registered_poor"].transform("first")  # the initial stock
    earlier = wide["exited_persons"] if "exited_persons" in wide else pd.Series(0.0, index=wide.index)
    earlier = earlier.groupby(level=keys).transform("first").fillna(0.0)  # exited before the start
    exits = (wide["exits_development"] + wide["exits_guarantee"]).fillna(0.0).groupby(level=keys).cumsum() + earlier
    exits = exits.where(exits > 0)
    out = pd.DataFrame(
        {
            "curve_exit": 100 * (1.0 - wide["cohort_registered"].fillna(start) / start),
            "curve_return": 100 * wide["returns"].fillna(0.0).groupby(level=keys).cumsum() / exits,
            "curve_fallback": 100 * wide["new_fallbacks"].fillna(0.0).groupby(level=keys).cumsum() / exits,
        },
        index=wide.index,
    )
    long = out.reset_index().melt(id_vars=[*keys, "year"], var_name="metric", value_name="value")
    return long.dropna(subset=["value"])


def plan_share(plan: dict[int, float] | None, first_year: int, initial: float) -> pd.Series | None:
    """Planned exits as a cumulative percentage of the initial register (``initial`` persons), by year.

    Starts at 0 in the year before ``first_year``, as ``curve_exit`` does; None without a plan.
    """
    if not plan or not initial > 0:
        return None
    years = sorted(int(y) for y in plan)
    cumulative = pd.Series([plan[y] for y in years], index=years).cumsum()
    return pd.concat([pd.Series([0.0], index=[first_year - 1]), 100 * cumulative / initial])


def comparisons(loaded: Loaded, reference: str, on_warning) -> dict[str, tables.Comparison]:
    """Each region's reference label and years; warnings for what cannot be compared."""
    out = {}
    regions = list(dict.fromkeys(run.region for run in loaded.runs))
    if len(regions) > 1:
        on_warning(i18n.Notice("warn.mixed_regions", regions=", ".join(regions)))
    for region in regions:
        runs = [run for run in loaded.runs if run.region == region]
        chosen = next((run for run in runs if run.label == reference), None)
        if chosen is None:
            by_scenario = [run for run in runs if run.scenario == reference]
            chosen = by_scenario[0] if len(by_scenario) == 1 else None
        if chosen is None:
            labels = ", ".join(r.label for r in runs)
            on_warning(i18n.Notice("warn.no_reference", reference=reference, region=region, labels=labels))
        ranges = Counter(run.years for run in runs)
        if len(ranges) > 1:
            listing = ", ".join(f"{a}-{b}" for a, b in sorted(ranges))
            on_warning(i18n.Notice("warn.mixed_years", region=region, listing=listing))
        base = chosen or runs[0]
        first, last = base.years
        transition = base.transition_year
        if transition > last:
            transition = first
        shocks: dict[int, dict[str, list[str]]] = {}
        for run in runs:
            for year, events in run.shock_years.items():
                for event in events:
                    shocks.setdefault(year, {}).setdefault(event, []).append(run.label)
        shock_years = {
            year: "; ".join(f"{event} ({', '.join(sorted(set(labels)))})" for event, labels in sorted(found.items()))
            for year, found in sorted(shocks.items())
        }
        out[region] = tables.Comparison(region, chosen.label if chosen else None, first, last, transition, shock_years)
    return out


def analyse(paths: list[Path], reference: str = "baseline", on_warning=warn) -> Analysis:
    """Read the finished runs under ``paths`` and compute every table of the comparison."""
    said: list[str] = []

    def note(message: str) -> None:
        said.append(message)
        on_warning(message)

    loaded = load(paths, note)
    chosen = comparisons(loaded, reference, note)
    table = loaded.table
    for run in loaded.runs:
        count = loaded.replicates(run)
        if count < MIN_REPLICATES:
            note(i18n.Notice("warn.few_replicates", label=run.label, region=run.region, count=count))
        if (run.region, run.label) not in loaded.ledgers:
            note(i18n.Notice("warn.no_ledger", label=run.label, region=run.region))
    series = pd.concat([table[["region", "label", "replicate", "year", "metric", "value"]], curves(table)])
    summary = tables.yearly_summary(series, chosen)
    per_replicate = tables.quantities(table, chosen)
    totals = tables.period_totals(per_replicate, chosen)
    spans = []
    for (region, label), ledger in loaded.ledgers.items():
        first, last = loaded.run(region, label).years
        per = survival.curves(survival.durations(ledger, first, last), last - first + 1)
        spans.append(per.assign(region=region, label=label))
    bands = survival.bands(pd.concat(spans, ignore_index=True)) if spans else pd.DataFrame()
    return Analysis(
        loaded,
        chosen,
        summary,
        per_replicate,
        totals,
        tables.cost_effectiveness(per_replicate, chosen),
        tables.frontier(totals),
        bands,
        said,
    )
