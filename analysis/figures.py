"""The report's figures, one Figure per question, composed from the plot functions of :mod:`analysis.plots`.

Each figure shows one region (the report repeats them per region), says in its title the
region, the sample scale and the replicates behind it, and puts the scenarios it compares on
shared axes.  :data:`FIGURES` declares them once, in the report's order: file name, caption,
and the function that draws it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis import plots
from analysis.analyse import Analysis, plan_share
from analysis.survival import CURVES, GROUPS


def context(analysis: Analysis, region: str) -> str:
    """Region, scale and replicates, for a figure's title."""
    runs = [run for run in analysis.loaded.runs if run.region == region]
    counts = sorted({analysis.loaded.replicates(run) for run in runs})
    replicates = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    scales = sorted({run.scale for run in runs})
    scale = " / ".join(f"{s:g}" for s in scales)
    first, last = analysis.comparisons[region].first_year, analysis.comparisons[region].last_year
    return (
        f"{region.title()}, {first}-{last} · 1 simulated household = {scale} real · {replicates} replicates "
        "· bands: 95% intervals"
    )


def _region(frame: pd.DataFrame, region: str) -> pd.DataFrame:
    return frame[frame["region"] == region] if len(frame) else frame


def _plan(analysis: Analysis, region: str) -> pd.Series | None:
    """The region's planned exits as a cumulative share of its initial register, percent, by year."""
    comparison = analysis.comparisons[region]
    runs = [run for run in analysis.loaded.runs if run.region == region]
    planned = next((run.plan for run in runs if run.plan), None)
    summary = analysis.summary
    start = summary[
        (summary["region"] == region)
        & (summary["metric"] == "registered_poor")
        & (summary["year"] == comparison.first_year - 1)
    ]["mean"]
    return plan_share(planned, comparison.first_year, start.iloc[0] if len(start) else 0.0)


def curves(analysis: Analysis, region: str) -> Figure:
    """Exit, return and fallback curves with bands; the plan on the exit curve."""
    comparison = analysis.comparisons[region]
    summary = _region(analysis.summary, region)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), layout="constrained")
    shocks = comparison.shock_years
    plots.fan_chart(
        summary, axes[0], "curve_exit", comparison.reference, None, _plan(analysis, region), shock_years=shocks
    )
    for ax, metric in zip(axes[1:], ("curve_return", "curve_fallback"), strict=True):
        plots.fan_chart(
            summary, ax, metric, comparison.reference, comparison.transition_year, legend=False, shock_years=shocks
        )
    axes[0].set_title("Exit from poverty (脱贫)", fontsize=9)
    axes[1].set_title("Return to the register (返贫)", fontsize=9)
    axes[2].set_title("True fallback into poverty", fontsize=9)
    fig.suptitle(context(analysis, region), fontsize=9)
    return fig


def registered_vs_true(analysis: Analysis, region: str) -> Figure:
    """Registered against truly poor persons."""
    comparison = analysis.comparisons[region]
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    plots.registered_vs_true(
        _region(analysis.summary, region),
        ax,
        comparison.reference,
        comparison.transition_year,
        comparison.shock_years,
    )
    ax.set_title("Registered poor (建档立卡) and truly poor persons", fontsize=9)
    fig.suptitle(context(analysis, region), fontsize=9)
    return fig


DELTA_QUANTITIES = ("returns", "new_fallbacks", "true_poor_last", "cost_total")


def deltas(analysis: Analysis, region: str) -> Figure:
    """Paired differences of the period totals against the reference."""
    comparison = analysis.comparisons[region]
    totals = _region(analysis.totals, region)
    fig, axes = plt.subplots(
        1,
        len(DELTA_QUANTITIES),
        figsize=(16, max(2.8, 1.6 + 0.4 * totals["label"].nunique())),
        sharey=True,
        layout="constrained",
    )
    for ax, quantity in zip(axes, DELTA_QUANTITIES, strict=True):
        plots.paired_deltas(totals, ax, quantity, comparison.reference)
    fig.suptitle(f"{context(analysis, region)} · paired with {comparison.reference} replicate by replicate", fontsize=9)
    return fig


def survival_curves(analysis: Analysis, region: str) -> Figure:
    """Kaplan-Meier curves: rows are durations, columns cause groups."""
    comparison = analysis.comparisons[region]
    bands = _region(analysis.survival, region)
    fig, axes = plt.subplots(
        len(CURVES), len(GROUPS), figsize=(17, 9.5), sharex=True, sharey="row", layout="constrained"
    )
    for row, curve in enumerate(CURVES):
        for column, group in enumerate(GROUPS):
            plots.survival(bands, axes[row, column], curve, group, comparison.reference)
        axes[row, 0].set_ylabel(f"Share not yet: {curve}\n({CURVES[curve]})", fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("Years")
    axes[0, -1].legend(fontsize=7)
    fig.suptitle(f"{context(analysis, region)} · initial register, Kaplan-Meier by cause of poverty", fontsize=9)
    return fig


def frontier(analysis: Analysis, region: str) -> Figure:
    """Cost against each frontier outcome."""
    comparison = analysis.comparisons[region]
    points = _region(analysis.frontier, region)
    outcomes = list(dict.fromkeys(points["outcome"]))
    fig, axes = plt.subplots(
        1, len(outcomes), figsize=(5.2 * len(outcomes), 4.6), sharex=True, squeeze=False, layout="constrained"
    )
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        plots.frontier(points, ax, outcome, comparison.reference)
    fig.suptitle(f"{context(analysis, region)} · mean over replicates", fontsize=9)
    return fig


def routes_and_spending(analysis: Analysis, region: str) -> Figure:
    """Exit routes and spending by lever."""
    comparison = analysis.comparisons[region]
    totals = _region(analysis.totals, region)
    height = 1.5 + 0.4 * totals["label"].nunique()
    fig, axes = plt.subplots(1, 2, figsize=(15, height), sharey=True, layout="constrained")
    plots.exit_routes(totals, axes[0], comparison.reference)
    plots.spending_by_lever(totals, axes[1], comparison.reference)
    axes[0].set_title("Routes out of the register, whole run", fontsize=9)
    axes[1].set_title("Public spending by lever", fontsize=9)
    fig.suptitle(context(analysis, region), fontsize=9)
    return fig


def monitoring(analysis: Analysis, region: str) -> Figure:
    """Monitored persons by seed 002's categories."""
    comparison = analysis.comparisons[region]
    summary = _region(analysis.summary, region)
    metrics = ("monitored_unstable", "monitored_edge", "monitored_hardship")
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), sharey=True, layout="constrained")
    for ax, metric in zip(axes, metrics, strict=True):
        plots.fan_chart(
            summary,
            ax,
            metric,
            comparison.reference,
            comparison.transition_year,
            legend=metric == metrics[0],
            shock_years=comparison.shock_years,
        )
        ax.set_title(plots.NAMES[metric], fontsize=9)
        ax.set_ylabel("Persons")
    fig.suptitle(f"{context(analysis, region)} · monitoring (防止返贫监测) by category", fontsize=9)
    return fig


#: Poor areas left, each with the region's planned exits of that kind.
AREAS = (("poor_villages", "planned_village_exits", "Villages"), ("poor_counties", "planned_county_exits", "Counties"))


def areas(analysis: Analysis, region: str) -> Figure:
    """Poor villages and counties not yet exited, with the region's plan where published."""
    comparison = analysis.comparisons[region]
    summary = _region(analysis.summary, region)
    runs = [run for run in analysis.loaded.runs if run.region == region]
    fig, axes = plt.subplots(1, len(AREAS), figsize=(12, 4.4), layout="constrained")
    for ax, (metric, plan_key, unit) in zip(axes, AREAS, strict=True):
        planned = next((run.planned(plan_key) for run in runs if run.planned(plan_key)), None)
        start = summary[(summary["metric"] == metric) & (summary["year"] == comparison.first_year - 1)]["mean"]
        remaining = None
        if planned and len(start):
            share = plan_share(planned, comparison.first_year, float(start.iloc[0]))
            remaining = None if share is None else float(start.iloc[0]) * (1 - share / 100)
        plots.fan_chart(summary, ax, metric, comparison.reference, comparison.transition_year, remaining, ax is axes[0])
        ax.set_title(f"{plots.NAMES.get(metric, metric)} not yet exited", fontsize=9)
        ax.set_ylabel(unit)
    fig.suptitle(f"{context(analysis, region)} · poor villages and counties (摘帽)", fontsize=9)
    return fig


@dataclasses.dataclass(frozen=True)
class FigureSpec:
    """One figure of the report."""

    name: str  # file stem; the region is appended
    caption: str
    draw: Callable[[Analysis, str], Figure]
    needs: str = "summary"  # the table it needs rows of, for the region

    def available(self, analysis: Analysis, region: str) -> bool:
        """Whether the region has the rows this figure draws (no ledger, no survival figure)."""
        return len(_region(getattr(analysis, self.needs), region)) > 0


FIGURES = (
    FigureSpec(
        "curves",
        "Exit, return and fallback curves. Returns count re-registration (返贫); fallbacks count exited "
        "households truly poor again whether or not they are found. The dashed line is the region's plan.",
        curves,
    ),
    FigureSpec(
        "registered_vs_true",
        "Registered poor against truly poor persons: the register can empty while true poverty stays.",
        registered_vs_true,
    ),
    FigureSpec(
        "deltas",
        "Paired differences to the reference over the consolidation period (replicate r against replicate r), "
        "with 95% bootstrap intervals. Left of zero is fewer than the reference.",
        deltas,
        "totals",
    ),
    FigureSpec(
        "survival",
        "Kaplan-Meier curves of the initial register by cause of poverty: share not yet exited (top), "
        "share of exited households not yet fallen back (middle) and not yet returned (bottom).",
        survival_curves,
        "survival",
    ),
    FigureSpec(
        "frontier",
        "Cost against outcome: a scenario is on the frontier (o) when no other is both no dearer and no worse.",
        frontier,
        "frontier",
    ),
    FigureSpec(
        "routes_spending",
        "How households left the register, and spending by lever in the consolidation period.",
        routes_and_spending,
        "totals",
    ),
    FigureSpec("monitoring", "Persons under monitoring by seed 002's three categories.", monitoring),
    FigureSpec(
        "areas",
        "Poor villages and counties not yet exited (village counts are estimates; county exits need scale 20 "
        "or finer). The dashed line is the region's plan.",
        areas,
    ),
)
