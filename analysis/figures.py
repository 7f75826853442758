"""The report's figures, one Figure per question, composed from the plot functions of :mod:`analysis.plots`.

Each figure shows one region (the report repeats them per region) in one language (``lang``,
every word from :mod:`analysis.i18n`), says in its title the region, the sample scale and the
replicates behind it (and "bands: 95% intervals" only where it draws bands), and names scenarios
by their planner names in their fixed colours.  :data:`FIGURES` declares them once, in the
report's order: file stem, the function that draws it and the table it needs; the caption is the
catalogue's ``caption.<stem>``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis import i18n, plots
from analysis.analyse import Analysis, plan_share
from analysis.i18n import say
from analysis.survival import CURVES, GROUPS


def context(analysis: Analysis, region: str, lang: str = i18n.DEFAULT, bands: bool = True) -> str:
    """Region, scale and replicates, for a figure's title; the bands only where the figure draws them."""
    runs = [run for run in analysis.loaded.runs if run.region == region]
    counts = sorted({analysis.loaded.replicates(run) for run in runs})
    replicates = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    scales = sorted({run.scale for run in runs})
    scale = " / ".join(f"{s:g}" for s in scales)
    first, last = analysis.comparisons[region].first_year, analysis.comparisons[region].last_year
    text = say(
        "fig.context",
        lang,
        region=analysis.region_name(region, lang),
        first=first,
        last=last,
        scale=scale,
        replicates=replicates,
    )
    return f"{text} · {say('fig.bands', lang)}" if bands else text


def names(analysis: Analysis, region: str, lang: str) -> dict[str, str]:
    """The planner name of every label of the region."""
    return {run.label: analysis.label_name(run.label, lang) for run in analysis.loaded.runs if run.region == region}


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


def true_poor(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> Figure:
    """Small multiples: each scenario's paired difference of the truly poor by year, on its own scale."""
    comparison = analysis.comparisons[region]
    summary = _region(analysis.summary, region)
    labelled = names(analysis, region, lang)
    others = [label for label in dict.fromkeys(summary["label"]) if label != comparison.reference]
    columns = min(4, max(1, len(others)))
    rows = max(1, math.ceil(len(others) / columns))
    fig, axes = plt.subplots(
        rows, columns, figsize=(4.2 * columns, 2.6 * rows + 0.6), sharex=True, squeeze=False, layout="constrained"
    )
    totals = _region(analysis.totals, region).set_index(["label", "quantity"])
    for ax, label in zip(axes.flat, others, strict=False):
        plots.yearly_difference(
            summary, ax, label, "true_poor", comparison.reference, comparison.transition_year, lang, labelled
        )
        if (label, "true_poor_years_run") in totals.index:
            row = totals.loc[(label, "true_poor_years_run")]
            value = i18n.amount(float(row["diff"]), "person_years", lang, False, sign=True)
            above = float(row["diff"]) > 0  # write it where the line is not: away from the zero line
            ax.text(
                0.02,
                0.92 if above else 0.04,
                say("fig.true_poor_years_total", lang, period=row["period"], value=value),
                transform=ax.transAxes,
                va="top" if above else "bottom",
                fontsize=7,
                color="#333333",
                bbox=plots.LABEL_BOX,
            )
    for ax in list(axes.flat)[len(others) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(say("fig.year", lang))
    reference = labelled.get(comparison.reference, comparison.reference or "")
    unit = plots.unit_label("persons", lang)
    fig.suptitle(
        f"{context(analysis, region, lang)} · {say('fig.difference_to', lang, reference=reference)}, {unit}",
        fontsize=9,
    )
    return fig


def curves(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> Figure:
    """Exit, return and fallback curves with bands; the plan on the exit curve."""
    comparison = analysis.comparisons[region]
    summary = _region(analysis.summary, region)
    labelled = names(analysis, region, lang)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), layout="constrained")
    shocks = comparison.shock_years
    plots.fan_chart(
        summary,
        axes[0],
        "curve_exit",
        comparison.reference,
        None,
        _plan(analysis, region),
        shock_years=shocks,
        lang=lang,
        names=labelled,
    )
    for ax, metric in zip(axes[1:], ("curve_return", "curve_fallback"), strict=True):
        plots.fan_chart(
            summary,
            ax,
            metric,
            comparison.reference,
            comparison.transition_year,
            legend=False,
            shock_years=shocks,
            lang=lang,
            names=labelled,
        )
    for ax, key in zip(axes, ("fig.exit_title", "fig.return_title", "fig.fallback_title"), strict=True):
        ax.set_title(say(key, lang), fontsize=9)
    fig.suptitle(context(analysis, region, lang), fontsize=9)
    return fig


def registered_vs_true(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> Figure:
    """Registered against truly poor persons."""
    comparison = analysis.comparisons[region]
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    plots.registered_vs_true(
        _region(analysis.summary, region),
        ax,
        comparison.reference,
        comparison.transition_year,
        comparison.shock_years,
        lang,
        names(analysis, region, lang),
    )
    ax.set_title(say("fig.registered_title", lang), fontsize=9)
    fig.suptitle(context(analysis, region, lang), fontsize=9)
    return fig


DELTA_QUANTITIES = ("true_poor_years_run", "returns", "new_fallbacks", "cost_total_run")


def deltas(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> Figure:
    """Paired differences of the period totals against the reference, values written."""
    comparison = analysis.comparisons[region]
    totals = _region(analysis.totals, region)
    labelled = names(analysis, region, lang)
    fig, axes = plt.subplots(
        1,
        len(DELTA_QUANTITIES),
        figsize=(18, max(2.8, 1.6 + 0.45 * totals["label"].nunique())),
        sharey=True,
        layout="constrained",
    )
    for ax, quantity in zip(axes, DELTA_QUANTITIES, strict=True):
        plots.paired_deltas(totals, ax, quantity, comparison.reference, lang, labelled)
    reference = labelled.get(comparison.reference, comparison.reference or "")
    # intervals are drawn as bars, named in the caption; the title claims no bands
    title = f"{context(analysis, region, lang, bands=False)} · {say('fig.paired', lang, reference=reference)}"
    fig.suptitle(title, fontsize=9)
    return fig


def survival_curves(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> Figure:
    """Kaplan-Meier curves: rows are durations, columns cause groups."""
    comparison = analysis.comparisons[region]
    bands = _region(analysis.survival, region)
    labelled = names(analysis, region, lang)
    fig, axes = plt.subplots(
        len(CURVES), len(GROUPS), figsize=(17, 9.5), sharex=True, sharey="row", layout="constrained"
    )
    for row, curve in enumerate(CURVES):
        for column, group in enumerate(GROUPS):
            plots.survival(bands, axes[row, column], curve, group, comparison.reference, lang, labelled)
        axes[row, 0].set_ylabel(say("fig.survival_row", lang, curve=say(f"survival.{curve}", lang)), fontsize=10)
    for ax in axes.flat:
        ax.tick_params(labelsize=9)
    for ax in axes[-1]:
        ax.set_xlabel(say("fig.years", lang), fontsize=10)
    axes[0, -1].legend(fontsize=9)
    fig.suptitle(f"{context(analysis, region, lang)} · {say('fig.survival_title', lang)}", fontsize=11)
    return fig


def frontier(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> Figure:
    """Cost against each frontier outcome."""
    comparison = analysis.comparisons[region]
    points = _region(analysis.frontier, region)
    outcomes = list(dict.fromkeys(points["outcome"]))
    labelled = names(analysis, region, lang)
    fig, axes = plt.subplots(
        1, len(outcomes), figsize=(5.2 * len(outcomes) + 2.5, 4.6), sharex=True, squeeze=False, layout="constrained"
    )
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        plots.frontier(
            points,
            ax,
            outcome,
            comparison.reference,
            lang,
            labelled,
            legend=outcome == outcomes[-1],
            period=comparison.period_name("run"),
        )
    fig.suptitle(f"{context(analysis, region, lang, bands=False)} · {say('fig.mean', lang)}", fontsize=9)
    return fig


def routes_and_spending(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> Figure:
    """Exit routes, and each lever's paired change in spending (pension apart)."""
    comparison = analysis.comparisons[region]
    totals = _region(analysis.totals, region)
    labelled = names(analysis, region, lang)
    height = 2.2 + 0.42 * totals["label"].nunique()
    fig, axes = plt.subplots(1, 2, figsize=(18, height), width_ratios=(1, 2), layout="constrained")
    plots.exit_routes(totals, axes[0], comparison.reference, lang, labelled)
    axes[0].set_title(say("fig.routes_title", lang, period=comparison.period_name("run")), fontsize=9)
    if comparison.reference is not None:
        plots.spending_change(totals, axes[1], comparison.reference, lang, labelled)
    else:
        axes[1].set_visible(False)
    fig.suptitle(context(analysis, region, lang, bands=False), fontsize=9)
    return fig


def monitoring(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> Figure:
    """Monitored persons by seed 002's categories."""
    comparison = analysis.comparisons[region]
    summary = _region(analysis.summary, region)
    labelled = names(analysis, region, lang)
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
            lang=lang,
            names=labelled,
            unit="persons",
        )
        ax.set_title(i18n.metric_name(metric, lang), fontsize=9)
    fig.suptitle(f"{context(analysis, region, lang)} · {say('fig.monitoring_title', lang)}", fontsize=9)
    return fig


#: Poor areas left, each with the region's planned exits of that kind and its unit.
AREAS = (("poor_villages", "planned_village_exits", "villages"), ("poor_counties", "planned_county_exits", "counties"))


def areas(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> Figure:
    """Poor villages and counties not yet exited, with the region's plan where published."""
    comparison = analysis.comparisons[region]
    summary = _region(analysis.summary, region)
    labelled = names(analysis, region, lang)
    runs = [run for run in analysis.loaded.runs if run.region == region]
    fig, axes = plt.subplots(1, len(AREAS), figsize=(12, 4.4), layout="constrained")
    for ax, (metric, plan_key, unit) in zip(axes, AREAS, strict=True):
        planned = next((run.planned(plan_key) for run in runs if run.planned(plan_key)), None)
        start = summary[(summary["metric"] == metric) & (summary["year"] == comparison.first_year - 1)]["mean"]
        remaining = None
        if planned and len(start):
            share = plan_share(planned, comparison.first_year, float(start.iloc[0]))
            remaining = None if share is None else float(start.iloc[0]) * (1 - share / 100)
        plots.fan_chart(
            summary,
            ax,
            metric,
            comparison.reference,
            comparison.transition_year,
            remaining,
            ax is axes[0],
            lang=lang,
            names=labelled,
        )
        ax.set_title(say("fig.not_exited", lang, name=i18n.metric_name(metric, lang)), fontsize=9)
        ax.set_ylabel(say(f"unit.{unit}", lang))
    fig.suptitle(f"{context(analysis, region, lang)} · {say('fig.areas_title', lang)}", fontsize=9)
    return fig


@dataclasses.dataclass(frozen=True)
class FigureSpec:
    """One figure of the report."""

    name: str  # file stem; the region (and, in Chinese, ``_zh``) is appended
    draw: Callable[[Analysis, str, str], Figure]
    needs: str = "summary"  # the table it needs rows of, for the region
    paired: bool = False  # compares scenarios with the reference: needs one and another label

    def caption(self, lang: str = i18n.DEFAULT) -> str:
        """The caption in ``lang``."""
        return say(f"caption.{self.name}", lang)

    def available(self, analysis: Analysis, region: str) -> bool:
        """Whether the region has the rows this figure draws (no ledger, no survival figure)."""
        rows = _region(getattr(analysis, self.needs), region)
        if not self.paired:
            return len(rows) > 0
        reference = analysis.comparisons[region].reference
        return reference is not None and len(rows) > 0 and (rows["label"] != reference).any()


FIGURES = (
    FigureSpec("true_poor", true_poor, paired=True),
    FigureSpec("curves", curves),
    FigureSpec("deltas", deltas, "totals", paired=True),
    FigureSpec("registered_vs_true", registered_vs_true),
    FigureSpec("routes_spending", routes_and_spending, "totals"),
    FigureSpec("frontier", frontier, "frontier"),
    FigureSpec("survival", survival_curves, "survival"),
    FigureSpec("monitoring", monitoring),
    FigureSpec("areas", areas),
)


def file_name(spec: FigureSpec, region: str, lang: str = i18n.DEFAULT) -> str:
    """Where a figure is written under ``figures/``: English as before, Chinese with ``_zh``."""
    return f"{spec.name}_{region}{'' if lang == i18n.DEFAULT else '_' + lang}.png"
