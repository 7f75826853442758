"""The planner's figures, drawn from the analysis tables.

Each function takes a tidy DataFrame (a table of :mod:`analysis.tables` or
:mod:`analysis.survival`) and a matplotlib Axes, draws on it and returns the Axes; nothing here
computes model quantities or saves files.  Every word comes from :mod:`analysis.i18n` in the
language asked for (``lang``), and numbers are written in that language's units (persons or
万人, billion yuan or 亿元, never a ``1e6`` offset).

Colours are fixed per scenario name (:func:`colour_of`): the reference is always black, each
scenario of the catalogue has its own colour in every report, figure and page
(:data:`SCENARIO_COLOURS`), and any other label a colour derived from its name, so a scenario
never changes colour between reports.  ``names`` maps labels to the planner names legends show.
Bands are 95 % intervals over replicates.  Year axes mark the start of the 2021-2025 regime when
given; the exit curve draws the region's plan where it has one.  Chinese renders through
:mod:`analysis.fonts`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from analysis import i18n
from analysis.fonts import use_cjk
from analysis.i18n import say

use_cjk()

REFERENCE_COLOUR = "#000000"
#: One colour per scenario of the catalogue (``scenarios/``), the same in every report and on the
#: page; a test keeps every catalogue scenario here and the colours distinct.
SCENARIO_COLOURS = {
    "baseline": "#393b79",
    "allowance_plus": "#1f77b4",
    "allowance_cliff": "#8c564b",
    "jobs_push": "#2ca02c",
    "relocation_max": "#bcbd22",
    "health_plus": "#17becf",
    "monitoring_strong": "#9467bd",
    "withdraw_2021": "#d62728",
    "phased_2021": "#ff7f0e",
    "no_monitoring": "#e377c2",
    "withdraw_no_monitoring": "#843c39",
    "no_deadline_push": "#7f7f7f",
    "no_follow_up": "#7b4173",
    "posts_cut_2023": "#e7ba52",
    "flood_2021": "#637939",
    "migrant_shock_2020": "#00a087",
}
#: Colours for labels outside the catalogue (a changed lever, a saved scenario), chosen by name.
PALETTE = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#3182bd",
    "#de2d26",
    "#756bb1",
    "#31a354",
    "#fd8d3c",
)

ROUTE_COLOURS = {
    "exits_development_run": "#2ca02c",
    "exits_guarantee_run": "#ff7f0e",
    "exits_deceased_run": "#7f7f7f",
}
#: The background of a value written over lines, so the lines do not strike through it.
LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
#: Colour of the bands that mark years a scenario pins a shock to.
SHOCK_COLOUR = "#d95f02"


def colour_of(label: str, reference: str | None = None) -> tuple[str, str]:
    """Colour and line style of one label, whatever else is drawn: black for the reference.

    A label takes the colour of the scenario it starts from (the part before the first ``+``):
    solid for the scenario itself, dashed when the label changes something on top of it
    (``baseline+dibao.grace_years=2``).  A scenario outside the catalogue takes a palette colour
    chosen by a hash of its name, so it too keeps its colour from report to report.
    """
    if label == reference:
        return REFERENCE_COLOUR, "-"
    scenario = label.partition("+")[0]
    colour = SCENARIO_COLOURS.get(scenario)
    if colour is None:
        digest = int(hashlib.sha256(scenario.encode("utf-8")).hexdigest()[:8], 16)
        colour = PALETTE[digest % len(PALETTE)]
    return colour, "-" if label == scenario else "--"


def colours(labels, reference: str | None = None) -> dict[str, tuple[str, str]]:
    """Colour and line style of each label (:func:`colour_of`); a style taken twice in one figure turns dotted."""
    styles, taken = {}, set()
    labels = list(dict.fromkeys(labels))
    shared = set.intersection(*(set(label.split("+")[1:]) for label in labels)) if len(labels) > 1 else set()
    for label in labels:
        # a change every label makes (a sweep's sample scale) does not set a label apart
        own = "+".join([label.split("+")[0], *(p for p in label.split("+")[1:] if p not in shared)])
        colour, style = colour_of(own, reference if label != reference else own)
        if (colour, style) in taken:
            style = ":" if style != ":" else "-."
        taken.add((colour, style))
        styles[label] = (colour, style)
    return styles


def _labels(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["label"]))


def _name(names: Mapping[str, str] | None, label: str) -> str:
    return (names or {}).get(label, label)


def unit_formatter(unit: str, lang: str) -> FuncFormatter:
    """Tick labels in the language's units, without an offset or exponent."""
    factor, _ = i18n.scale(unit, lang)

    def show(value: float, _position) -> str:
        shown = value / factor
        if shown == 0:
            return "0"
        suffix = ""
        if factor == 1 and abs(shown) >= 10_000:  # English persons: 250k, 1.2m
            shown, suffix = (shown / 1e6, "m") if abs(shown) >= 1e6 else (shown / 1e3, "k")
        digits = 0 if abs(shown) >= 10 or float(shown).is_integer() else 1 if abs(shown) >= 1 else 2
        return f"{shown:,.{digits}f}{suffix}"

    return FuncFormatter(show)


def unit_label(unit: str, lang: str) -> str:
    """The unit an axis is written in."""
    return i18n.scale(unit, lang)[1]


def _label_rows(ax: Axes, labels: list[str], names: Mapping[str, str] | None) -> None:
    """One row per label, the first at the top."""
    ax.set_yticks(range(len(labels)), [_name(names, label) for label in labels], fontsize=7)
    if not ax.yaxis_inverted():  # axes sharing y share the inversion: invert once
        ax.invert_yaxis()


def mark_shocks(ax: Axes, shock_years: dict[int, str] | None, lang: str = i18n.DEFAULT) -> None:
    """A light band over each year a run pins a shock to (disaster, labour-market shock), with its year."""
    for year in sorted(shock_years or {}):
        ax.axvspan(year - 0.5, year + 0.5, color=SHOCK_COLOUR, alpha=0.12, linewidth=0)
        ax.annotate(
            say("fig.shock", lang, year=year),
            xy=(year, 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=6,
            color=SHOCK_COLOUR,
        )


def mark_regime(
    ax: Axes, transition_year: int | None, shock_years: dict[int, str] | None = None, lang: str = i18n.DEFAULT
) -> None:
    """A dotted vertical line where the 2021-2025 regime (巩固衔接) starts, and bands over shock years."""
    mark_shocks(ax, shock_years, lang)
    if transition_year is None:
        return
    ax.axvline(transition_year - 0.5, color="#555555", linestyle=":", linewidth=1)
    ax.annotate(
        say("fig.transition", lang, year=transition_year),
        xy=(transition_year - 0.5, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -12),
        textcoords="offset points",
        fontsize=7,
        color="#555555",
    )


def _robust_top(peaks: dict[str, float], ratio: float = 2.5) -> tuple[float | None, list[str]]:
    """An upper limit that keeps one label from flattening the others: (limit or None, labels beyond it).

    When the highest peak is more than ``ratio`` times the next, the axis stops at 1.3 times the
    next and the labels beyond are marked at the edge with their peak instead.
    """
    ordered = sorted(((v, k) for k, v in peaks.items() if np.isfinite(v)), reverse=True)
    if len(ordered) < 3 or ordered[1][0] <= 0 or ordered[0][0] <= ratio * ordered[1][0]:
        return None, []
    top = 1.3 * ordered[1][0]
    return top, [k for v, k in ordered if v > top]


def fan_chart(
    summary: pd.DataFrame,
    ax: Axes,
    metric: str,
    reference: str | None = None,
    transition_year: int | None = None,
    plan: pd.Series | None = None,
    legend: bool = True,
    shock_years: dict[int, str] | None = None,
    lang: str = i18n.DEFAULT,
    names: Mapping[str, str] | None = None,
    unit: str = "",
) -> Axes:
    """Mean of ``metric`` by year per label, with its 95 % band over replicates.

    A label whose peak is far above every other's leaves the scale (its line runs off the top)
    and is named at the edge with its peak, so it cannot flatten the rest.

    Args:
        summary: the yearly summary (region, label, year, metric, mean, low, high).
        ax: where to draw.
        metric: which metric.
        reference: the reference label (black).
        transition_year: first year of the 2021-2025 regime, marked if given.
        plan: a planned path by year, drawn dashed if given.
        legend: whether to draw the legend.
        shock_years: years a run pins a shock to, marked with a band if given.
        lang: the language of every word.
        names: planner names of the labels, for the legend.
        unit: ``persons`` to write the axis in the language's units; empty for a share or a count.
    """
    chosen = summary[summary["metric"] == metric]
    peaks = {}
    for label, (colour, style) in colours(_labels(summary), reference).items():
        line = chosen[chosen["label"] == label].sort_values("year")
        if line.empty:
            continue
        ax.plot(line["year"], line["mean"], style, color=colour, marker="o", markersize=3, label=_name(names, label))
        ax.fill_between(line["year"], line["low"], line["high"], color=colour, alpha=0.15, linewidth=0)
        peaks[label] = float(line["mean"].max())
    if plan is not None and len(plan):
        ax.plot(plan.index, plan.values, "--", color="#444444", linewidth=1.2, label=say("fig.plan", lang))
    mark_regime(ax, transition_year, shock_years, lang)
    ax.set_xlabel(say("fig.year", lang))
    name = i18n.metric_name(metric, lang)
    ax.set_ylabel(f"{name}, {unit_label(unit, lang)}" if unit else name)
    if unit:
        ax.yaxis.set_major_formatter(unit_formatter(unit, lang))
    ax.grid(alpha=0.3)
    ax.autoscale(axis="y")  # every call's data counts, then the axis starts at zero
    ax.set_ylim(bottom=0)
    top, beyond = _robust_top(peaks)
    if top is not None:
        ax.set_ylim(0, top)
        for position, label in enumerate(beyond):
            value = i18n.amount(peaks[label], unit, lang) if unit else f"{peaks[label]:,.1f}"
            ax.annotate(
                "↑ " + say("fig.beyond", lang, label=_name(names, label), value=value),
                xy=(0.99, 0.88 - 0.07 * position),
                xycoords="axes fraction",
                ha="right",
                va="top",
                fontsize=7,
                color=colour_of(label, reference)[0],
                bbox=LABEL_BOX,
            )
    if legend:
        ax.legend(fontsize=7, ncol=2)
    return ax


def registered_vs_true(
    summary: pd.DataFrame,
    ax: Axes,
    reference: str | None = None,
    transition_year=None,
    shock_years=None,
    lang: str = i18n.DEFAULT,
    names: Mapping[str, str] | None = None,
) -> Axes:
    """Registered poor (solid) against truly poor (dashed) persons by year, per label, with bands."""
    styles = colours(_labels(summary), reference)
    for metric, style in (("registered_poor", "-"), ("true_poor", "--")):
        chosen = summary[summary["metric"] == metric]
        for label, (colour, _) in styles.items():
            line = chosen[chosen["label"] == label].sort_values("year")
            if line.empty:
                continue
            name = _name(names, label) if metric == "registered_poor" else None
            ax.plot(line["year"], line["mean"], style, color=colour, label=name)
            ax.fill_between(line["year"], line["low"], line["high"], color=colour, alpha=0.12, linewidth=0)
    ax.plot([], [], "k-", label=say("fig.registered_line", lang))
    ax.plot([], [], "k--", label=say("fig.true_poor_line", lang))
    mark_regime(ax, transition_year, shock_years, lang)
    ax.set_xlabel(say("fig.year", lang))
    ax.set_ylabel(unit_label("persons", lang))
    ax.yaxis.set_major_formatter(unit_formatter("persons", lang))
    ax.autoscale(axis="y")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    return ax


def yearly_difference(
    summary: pd.DataFrame,
    ax: Axes,
    label: str,
    metric: str = "true_poor",
    reference: str | None = None,
    transition_year: int | None = None,
    lang: str = i18n.DEFAULT,
    names: Mapping[str, str] | None = None,
) -> Axes:
    """One label's paired difference of ``metric`` to the reference by year, with its 95 % band, on its own scale."""
    line = summary[(summary["metric"] == metric) & (summary["label"] == label)].sort_values("year")
    line = line[np.isfinite(line["diff"].to_numpy(dtype=float))]
    colour = colour_of(label, reference)[0]
    ax.axhline(0.0, color=REFERENCE_COLOUR, linewidth=0.8)
    if len(line):
        ax.plot(line["year"], line["diff"], "-", color=colour, marker="o", markersize=3)
        low, high = line["diff_low"].to_numpy(dtype=float), line["diff_high"].to_numpy(dtype=float)
        ax.fill_between(line["year"], low, high, color=colour, alpha=0.25, linewidth=0)
        last = line.iloc[-1]
        ax.annotate(
            i18n.amount(float(last["diff"]), "persons", lang, sign=True),
            xy=(float(last["year"]), float(last["diff"])),
            xytext=(-4, 6),
            textcoords="offset points",
            ha="right",
            fontsize=7,
            color=colour,
            bbox=LABEL_BOX,
        )
    if transition_year is not None:
        ax.axvline(transition_year - 0.5, color="#555555", linestyle=":", linewidth=1)
    ax.yaxis.set_major_formatter(unit_formatter("persons", lang))
    ax.set_title(_name(names, label), fontsize=8, color=colour)
    ax.grid(alpha=0.3)
    return ax


def paired_deltas(
    totals: pd.DataFrame,
    ax: Axes,
    quantity: str,
    reference: str | None = None,
    lang: str = i18n.DEFAULT,
    names: Mapping[str, str] | None = None,
) -> Axes:
    """Paired difference to the reference of one period total per label: interval, dot and value written.

    A difference far beyond the others (more than 2.5 times the next largest in size) is drawn at
    the axis's edge as an arrow with its value, so it cannot shrink the others to dots on zero.
    """
    chosen = totals[(totals["quantity"] == quantity) & (totals["label"] != reference)]
    styles = colours(_labels(totals), reference)
    labels = [label for label in styles if label in set(chosen["label"])]
    unit = chosen["unit"].iloc[0] if len(chosen) else "persons"
    rows = {label: chosen[chosen["label"] == label].iloc[0] for label in labels}
    reach = {label: float(np.nanmax(np.abs([r["diff"], r["diff_low"], r["diff_high"]]))) for label, r in rows.items()}
    limit, beyond = _robust_top(reach)
    for position, label in enumerate(labels):
        row = rows[label]
        colour = styles[label][0]
        value = float(row["diff"])
        low, high = float(row["diff_low"]), float(row["diff_high"])
        text = i18n.amount(value, unit, lang, False, sign=True)
        if label in beyond:
            edge = limit if value > 0 else -limit
            ax.annotate(
                "",
                xy=(edge, position),
                xytext=(0.55 * edge, position),
                arrowprops={"arrowstyle": "->", "color": colour, "linewidth": 2},
            )
            ax.annotate(text, (0.55 * edge, position), xytext=(0, 5), textcoords="offset points", fontsize=7,
                        ha="center", color=colour)  # fmt: skip
            continue
        if np.isfinite(low) and np.isfinite(high):
            ax.errorbar(
                [value],
                [position],
                xerr=[[value - low], [high - value]],
                fmt="o",
                color=colour,
                markersize=4,
                capsize=4,
                elinewidth=2,
            )
            interval = f" [{i18n.amount(low, unit, lang, False)}, {i18n.amount(high, unit, lang, False)}]"
        else:
            ax.plot([value], [position], "o", color=colour, markersize=4)
            interval = ""
        ax.annotate(text + interval, (value, position), xytext=(0, 5), textcoords="offset points", fontsize=6,
                    ha="center", color=colour)  # fmt: skip
    ax.axvline(0.0, color=REFERENCE_COLOUR, linewidth=0.8)
    if limit is not None:
        ax.set_xlim(-limit, limit)
    ax.xaxis.set_major_formatter(unit_formatter(unit, lang))
    _label_rows(ax, labels, names)
    ax.set_ylim(len(labels) - 0.4, -0.8)
    period = chosen["period"].iloc[0] if len(chosen) else ""
    ax.set_title(f"{i18n.quantity_name(quantity, lang)}, {period}", fontsize=9)
    difference = (
        say("fig.difference_to", lang, reference=_name(names, reference)) if reference else say("fig.difference", lang)
    )
    ax.set_xlabel(f"{difference}, {unit_label(unit, lang)}")
    ax.grid(alpha=0.3, axis="x")
    return ax


def survival(
    bands: pd.DataFrame,
    ax: Axes,
    curve: str,
    group: str,
    reference: str | None = None,
    lang: str = i18n.DEFAULT,
    names: Mapping[str, str] | None = None,
) -> Axes:
    """Kaplan-Meier survival of one curve and cause group per label, with its band over replicates."""
    chosen = bands[(bands["curve"] == curve) & (bands["group"] == group)]
    for label, (colour, style) in colours(_labels(bands), reference).items():
        line = chosen[chosen["label"] == label].sort_values("time")
        if line.empty:
            continue
        ax.step(line["time"], line["mean"], style, where="post", color=colour, label=_name(names, label))
        ax.fill_between(line["time"], line["low"], line["high"], step="post", color=colour, alpha=0.15, linewidth=0)
    households = chosen["households"].mean() if len(chosen) else 0
    group_name = say(f"cause.{group}", lang) if f"cause.{group}" in i18n.PHRASES else group
    ax.set_title(say("fig.households", lang, group=group_name, households=f"{households:,.0f}"), fontsize=10)
    ax.autoscale(axis="y")
    ax.set_ylim(top=1.01)
    ax.grid(alpha=0.3)
    return ax


def frontier(
    points: pd.DataFrame,
    ax: Axes,
    outcome: str,
    reference: str | None = None,
    lang: str = i18n.DEFAULT,
    names: Mapping[str, str] | None = None,
    legend: bool = False,
    period: str = "",
) -> Axes:
    """Cost against one outcome per label in its colour; the frontier (no label cheaper and better) joined by a line.

    Points carry no text beside them (labels of close points overlap); the legend names the colours.
    """
    chosen = points[points["outcome"] == outcome]
    styles = colours(_labels(points), reference)
    for _, row in chosen.iterrows():
        colour = styles[row["label"]][0]
        ax.plot(
            row["cost"],
            row["value"],
            "o" if row["on_frontier"] else "x",
            color=colour,
            markersize=7,
            label=_name(names, row["label"]),
        )
    edge = chosen[chosen["on_frontier"]].sort_values("cost")
    ax.plot(edge["cost"], edge["value"], "-", color="#444444", linewidth=1, zorder=0)
    ax.xaxis.set_major_formatter(unit_formatter("yuan", lang))
    ax.yaxis.set_major_formatter(unit_formatter("persons", lang))
    ax.set_xlabel(f"{say('fig.spending_run', lang, period=period)}, {unit_label('yuan', lang)}")
    name = i18n.quantity_name(outcome, lang)
    ax.set_ylabel(f"{name}, {unit_label('persons', lang)}")
    ax.set_title(say("fig.frontier_title", lang, outcome=name), fontsize=8)
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return ax


def exit_routes(
    totals: pd.DataFrame,
    ax: Axes,
    reference: str | None = None,
    lang: str = i18n.DEFAULT,
    names: Mapping[str, str] | None = None,
) -> Axes:
    """Shares of exits by route (development, guarantee, deceased) over the whole run, per label."""
    labels = list(colours(_labels(totals), reference))
    means = totals.set_index(["label", "quantity"])["mean"]
    left = np.zeros(len(labels))
    exits = np.array([sum(means.get((label, q), 0.0) for q in ROUTE_COLOURS) for label in labels])
    for quantity, colour in ROUTE_COLOURS.items():
        values = np.array([means.get((label, quantity), 0.0) for label in labels])
        share = 100 * np.divide(values, exits, out=np.zeros_like(values), where=exits > 0)
        ax.barh(range(len(labels)), share, left=left, color=colour, label=say(f"route.{quantity}", lang))
        left += share
    _label_rows(ax, labels, names)
    ax.set_xlim(0, 100)
    ax.set_xlabel(say("fig.share_of_exits", lang))
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3)
    return ax


#: Levers whose spending is shown apart: large, and nearly the same in every scenario.
APART = ("cost_pension",)


def spending_change(
    totals: pd.DataFrame,
    ax: Axes,
    reference: str | None = None,
    lang: str = i18n.DEFAULT,
    names: Mapping[str, str] | None = None,
    period_suffix: str = "_run",
) -> Axes:
    """Paired change in spending by lever against the reference, per label: a grid with every value written.

    Rows are the labels other than the reference, columns the levers (the pension apart, after a
    gap, then the total).  The colour runs from blue (spends less) to red (spends more) on a scale
    set by the levers' own changes, so one large change does not wash out the rest; every cell
    says its value in the language's unit.
    """
    levers = sorted(
        q.removesuffix(period_suffix)
        for q in totals["quantity"].unique()
        if q.startswith("cost_") and q.endswith(period_suffix) and not q.startswith("cost_total")
    )
    levers = [q for q in levers if q not in APART] + [q for q in levers if q in APART]
    columns = [*levers, "cost_total"]
    labels = [label for label in colours(_labels(totals), reference) if label != reference]
    if not labels:  # the reference alone: no change to show
        ax.set_visible(False)
        return ax
    diffs = totals.set_index(["label", "quantity"])["diff"]
    grid = np.array(
        [[float(diffs.get((label, f"{q}{period_suffix}"), np.nan)) for q in columns] for label in labels]
    ).reshape(len(labels), len(columns))
    factor, unit_name = i18n.scale("yuan", lang)
    shown = grid / factor
    positions = list(range(len(levers) - len(APART))) + [len(levers) - len(APART) + 0.5 + i for i in range(len(APART))]
    positions.append(positions[-1] + 1.5)
    body = np.abs(shown[:, : len(levers) - len(APART)])
    scale_max = float(np.nanpercentile(body, 95)) if np.isfinite(body).any() and np.nanmax(body) > 0 else 1.0
    cmap, norm = colormaps["RdBu_r"], Normalize(-scale_max, scale_max)
    for row, _label in enumerate(labels):
        for column, x in enumerate(positions):
            value = shown[row, column]
            face = "#ffffff" if not np.isfinite(value) else cmap(norm(np.clip(value, -scale_max, scale_max)))
            ax.add_patch(Rectangle((x - 0.5, row - 0.5), 1, 1, facecolor=face, edgecolor="#ffffff"))
            text = "–" if not np.isfinite(value) else f"{value:+,.1f}" if abs(value) >= 0.05 else "0"
            dark = np.isfinite(value) and abs(np.clip(value, -scale_max, scale_max)) > 0.6 * scale_max
            ax.text(x, row, text, ha="center", va="center", fontsize=6, color="#ffffff" if dark else "#222222")
    titles = [i18n.lever_name(q.removeprefix("cost_"), lang) for q in levers] + [say("fig.total", lang)]
    ax.set_xticks(positions, titles, rotation=40, ha="right", fontsize=7)
    ax.set_xlim(-0.6, positions[-1] + 0.6)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_yticks(range(len(labels)), [_name(names, label) for label in labels], fontsize=7)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)
    reference_name = _name(names, reference) if reference else ""
    period = totals.loc[totals["quantity"] == f"cost_total{period_suffix}", "period"]
    ax.set_title(
        say("fig.spending_delta_title", lang, reference=reference_name, period=period.iloc[0] if len(period) else "")
        + f" ({unit_name})",
        fontsize=9,
    )
    return ax
