"""The planner's figures, drawn from the analysis tables.

Each function takes a tidy DataFrame (a table of :mod:`analysis.tables` or
:mod:`analysis.survival`) and a matplotlib Axes, draws on it and returns the Axes; nothing here
computes model quantities or saves files.  Each label keeps one colour in every figure
(:func:`colours`): the reference is black, the others take fourteen distinct colours in order
of first appearance (then the colours repeat with dashes).  Bands are 95 % intervals over
replicates.  Year axes mark the start of the 2021-2025 regime when given; the exit curve draws
the region's plan where it has one.  Chinese terms render through :mod:`analysis.fonts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import EngFormatter

from analysis.fonts import use_cjk

use_cjk()

REFERENCE_COLOUR = "#000000"
#: Fourteen colours that stay distinct as lines, markers and bars (Tableau 10, then four darker
#: ones), enough for the whole scenario catalogue beside the reference.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#637939",
    "#7b4173",
    "#e7ba52",
)

#: What each plotted metric is called on an axis (Chinese term where it helps).
NAMES = {
    "curve_exit": "Initial register exited, %",
    "curve_return": "Cumulative returns (返贫), % of all exited",
    "curve_fallback": "Cumulative fallbacks, % of all exited",
    "registered_poor": "Registered poor (建档立卡)",
    "true_poor": "Truly poor",
    "monitored_unstable": "Monitored: unstable exited (脱贫不稳定户)",
    "monitored_edge": "Monitored: edge households (边缘易致贫户)",
    "monitored_hardship": "Monitored: sudden hardship (突发严重困难户)",
    "poor_villages": "Poor villages (贫困村)",
    "poor_counties": "Poor counties (贫困县)",
    "returns": "Returns (返贫), persons",
    "new_fallbacks": "Falls back into poverty, persons",
    "true_poor_last": "Truly poor in the last year, persons",
    "fallbacks_last": "Exited but truly poor in the last year, persons",
    "cost_total": "Public spending, yuan",
    "returns_run": "Returns (返贫), whole run, persons",
    "new_fallbacks_run": "Falls back, whole run, persons",
    "cost_total_run": "Public spending, whole run, yuan",
}
CAUSES = {
    "illness": "Illness (因病)",
    "disability": "Disability (因残)",
    "no_labour": "No labour capacity (缺劳力)",
    "other": "Other causes",
    "all": "All households",
}
ROUTES = {
    "exits_development_run": ("Development", "#2ca02c"),
    "exits_guarantee_run": ("Guarantee (兜底)", "#ff7f0e"),
    "exits_deceased_run": ("Deceased (自然减少)", "#7f7f7f"),
}


def colours(labels, reference: str | None = None) -> dict[str, tuple[str, str]]:
    """Colour and line style of each label: black for the reference, the palette for the rest."""
    styles, index = {}, 0
    for label in dict.fromkeys(labels):
        if label == reference:
            styles[label] = (REFERENCE_COLOUR, "-")
            continue
        styles[label] = (PALETTE[index % len(PALETTE)], "-" if index < len(PALETTE) else "--")
        index += 1
    return styles


def _labels(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["label"]))


def _label_rows(ax: Axes, labels: list[str]) -> None:
    """One row per label, the first at the top."""
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    if not ax.yaxis_inverted():  # axes sharing y share the inversion: invert once
        ax.invert_yaxis()


#: Colour of the bands that mark years a scenario pins a shock to.
SHOCK_COLOUR = "#d95f02"


def mark_shocks(ax: Axes, shock_years: dict[int, str] | None) -> None:
    """A light band over each year a run pins a shock to (disaster, labour-market shock), with its year."""
    for year in sorted(shock_years or {}):
        ax.axvspan(year - 0.5, year + 0.5, color=SHOCK_COLOUR, alpha=0.12, linewidth=0)
        ax.annotate(
            f"{year}: shock",
            xy=(year, 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=6,
            color=SHOCK_COLOUR,
        )


def mark_regime(ax: Axes, transition_year: int | None, shock_years: dict[int, str] | None = None) -> None:
    """A dotted vertical line where the 2021-2025 regime (巩固衔接) starts, and bands over shock years."""
    mark_shocks(ax, shock_years)
    if transition_year is None:
        return
    ax.axvline(transition_year - 0.5, color="#555555", linestyle=":", linewidth=1)
    ax.annotate(
        f"{transition_year}: consolidation (巩固衔接)",
        xy=(transition_year - 0.5, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -12),
        textcoords="offset points",
        fontsize=7,
        color="#555555",
    )


def fan_chart(
    summary: pd.DataFrame,
    ax: Axes,
    metric: str,
    reference: str | None = None,
    transition_year: int | None = None,
    plan: pd.Series | None = None,
    legend: bool = True,
    shock_years: dict[int, str] | None = None,
) -> Axes:
    """Mean of ``metric`` by year per label, with its 95 % band over replicates.

    Args:
        summary: the yearly summary (region, label, year, metric, mean, low, high).
        ax: where to draw.
        metric: which metric.
        reference: the reference label (black).
        transition_year: first year of the 2021-2025 regime, marked if given.
        plan: a planned path by year, drawn dashed if given.
        legend: whether to draw the legend.
        shock_years: years a run pins a shock to, marked with a band if given.
    """
    chosen = summary[summary["metric"] == metric]
    for label, (colour, style) in colours(_labels(summary), reference).items():
        line = chosen[chosen["label"] == label].sort_values("year")
        if line.empty:
            continue
        ax.plot(line["year"], line["mean"], style, color=colour, marker="o", markersize=3, label=label)
        ax.fill_between(line["year"], line["low"], line["high"], color=colour, alpha=0.15, linewidth=0)
    if plan is not None and len(plan):
        ax.plot(plan.index, plan.values, "--", color="#444444", linewidth=1.2, label="plan")
    mark_regime(ax, transition_year, shock_years)
    ax.set_xlabel("Year")
    ax.set_ylabel(NAMES.get(metric, metric))
    ax.grid(alpha=0.3)
    ax.autoscale(axis="y")  # every call's data counts, then the axis starts at zero
    ax.set_ylim(bottom=0)
    if legend:
        ax.legend(fontsize=7, ncol=2)
    return ax


def registered_vs_true(
    summary: pd.DataFrame, ax: Axes, reference: str | None = None, transition_year=None, shock_years=None
) -> Axes:
    """Registered poor (solid) against truly poor (dashed) persons by year, per label, with bands."""
    styles = colours(_labels(summary), reference)
    for metric, style in (("registered_poor", "-"), ("true_poor", "--")):
        chosen = summary[summary["metric"] == metric]
        for label, (colour, _) in styles.items():
            line = chosen[chosen["label"] == label].sort_values("year")
            if line.empty:
                continue
            name = label if metric == "registered_poor" else None
            ax.plot(line["year"], line["mean"], style, color=colour, label=name)
            ax.fill_between(line["year"], line["low"], line["high"], color=colour, alpha=0.12, linewidth=0)
    ax.plot([], [], "k-", label="registered (建档立卡)")
    ax.plot([], [], "k--", label="truly poor")
    mark_regime(ax, transition_year, shock_years)
    ax.set_xlabel("Year")
    ax.set_ylabel("Persons")
    ax.autoscale(axis="y")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    return ax


def paired_deltas(totals: pd.DataFrame, ax: Axes, quantity: str, reference: str | None = None) -> Axes:
    """Paired difference to the reference of one period total, per label, with its bootstrap interval."""
    chosen = totals[(totals["quantity"] == quantity) & (totals["label"] != reference)]
    styles = colours(_labels(totals), reference)
    labels = [label for label in styles if label in set(chosen["label"])]
    yuan = len(chosen) and chosen["unit"].iloc[0] == "yuan"
    factor = 1e9 if yuan else 1.0
    for position, label in enumerate(labels):
        row = chosen[chosen["label"] == label].iloc[0]
        colour = styles[label][0]
        low, high = row["diff_low"] / factor, row["diff_high"] / factor
        if np.isfinite(low) and np.isfinite(high):
            ax.plot([low, high], [position, position], color=colour, linewidth=2)
        ax.plot([row["diff"] / factor], [position], "o", color=colour)
    ax.axvline(0.0, color=REFERENCE_COLOUR, linewidth=0.8)
    ax.xaxis.set_major_formatter(EngFormatter(sep=""))  # 150k rather than 150000
    _label_rows(ax, labels)
    period = chosen["period"].iloc[0] if len(chosen) else ""
    name = NAMES.get(quantity, quantity).replace(", yuan", ", billion yuan") if yuan else NAMES.get(quantity, quantity)
    ax.set_title(f"{name}, {period}", fontsize=9)
    ax.set_xlabel(f"difference to {reference}" if reference else "difference")
    ax.grid(alpha=0.3, axis="x")
    return ax


def survival(bands: pd.DataFrame, ax: Axes, curve: str, group: str, reference: str | None = None) -> Axes:
    """Kaplan-Meier survival of one curve and cause group per label, with its band over replicates."""
    chosen = bands[(bands["curve"] == curve) & (bands["group"] == group)]
    for label, (colour, style) in colours(_labels(bands), reference).items():
        line = chosen[chosen["label"] == label].sort_values("time")
        if line.empty:
            continue
        ax.step(line["time"], line["mean"], style, where="post", color=colour, label=label)
        ax.fill_between(line["time"], line["low"], line["high"], step="post", color=colour, alpha=0.15, linewidth=0)
    households = chosen["households"].mean() if len(chosen) else 0
    ax.set_title(f"{CAUSES.get(group, group)} (~{households:,.0f} households)", fontsize=8)
    ax.autoscale(axis="y")
    ax.set_ylim(top=1.01)
    ax.grid(alpha=0.3)
    return ax


def frontier(points: pd.DataFrame, ax: Axes, outcome: str, reference: str | None = None) -> Axes:
    """Cost against one outcome per label; the frontier (no label cheaper and better) joined by a line."""
    chosen = points[points["outcome"] == outcome]
    styles = colours(_labels(points), reference)
    for _, row in chosen.iterrows():
        colour = styles[row["label"]][0]
        cost = row["cost"] / 1e9
        ax.plot(cost, row["value"], "o" if row["on_frontier"] else "x", color=colour, markersize=7)
        ax.annotate(row["label"], (cost, row["value"]), xytext=(4, 3), textcoords="offset points", fontsize=6)
    edge = chosen[chosen["on_frontier"]].sort_values("cost")
    ax.plot(edge["cost"] / 1e9, edge["value"], "-", color="#444444", linewidth=1, zorder=0)
    ax.set_xlabel("Public spending, whole run, billion yuan")
    ax.set_ylabel(NAMES.get(outcome, outcome))
    ax.set_title(f"{NAMES.get(outcome, outcome)}: o on the frontier, x dominated", fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def exit_routes(totals: pd.DataFrame, ax: Axes, reference: str | None = None) -> Axes:
    """Shares of exits by route (development, guarantee, deceased) over the whole run, per label."""
    labels = [label for label in colours(_labels(totals), reference)]
    means = totals.set_index(["label", "quantity"])["mean"]
    left = np.zeros(len(labels))
    exits = np.array([sum(means.get((label, q), 0.0) for q in ROUTES) for label in labels])
    for quantity, (name, colour) in ROUTES.items():
        values = np.array([means.get((label, quantity), 0.0) for label in labels])
        share = 100 * np.divide(values, exits, out=np.zeros_like(values), where=exits > 0)
        ax.barh(range(len(labels)), share, left=left, color=colour, label=name)
        left += share
    _label_rows(ax, labels)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of exits, %")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3)
    return ax


def spending_by_lever(totals: pd.DataFrame, ax: Axes, reference: str | None = None) -> Axes:
    """Mean spending per lever in the 2021-2025 period, stacked per label (billion yuan)."""
    labels = [label for label in colours(_labels(totals), reference)]
    levers = sorted(q for q in totals["quantity"].unique() if q.startswith("cost_") and not q.startswith("cost_total"))
    means = totals.set_index(["label", "quantity"])["mean"]
    left = np.zeros(len(labels))
    cmap = [*PALETTE, "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5"]
    for index, lever in enumerate(levers):
        values = np.array([means.get((label, lever), 0.0) for label in labels]) / 1e9
        ax.barh(range(len(labels)), values, left=left, color=cmap[index % len(cmap)], label=lever[5:])
        left += values
    _label_rows(ax, labels)
    period = totals.loc[totals["quantity"].isin(levers), "period"]
    ax.set_xlabel(f"Spending {period.iloc[0] if len(period) else ''}, billion yuan")
    ax.legend(fontsize=6, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.3))
    ax.grid(alpha=0.3, axis="x")
    return ax
