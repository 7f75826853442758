"""Exit and return curves from results tables.

Each function takes a tidy results DataFrame (the ``results.csv`` contract) and a matplotlib
Axes, draws on it and returns it; nothing here computes model quantities or saves files.
Runs (a label, and its region when regions are mixed) get fixed colours in order of first
appearance; replicates are averaged; runs never share a line.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

PALETTE = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#2e4057", "#f26419")


def run_names(table: pd.DataFrame) -> pd.Series:
    """The name of each row's run in a legend: its label, with the region when regions are mixed."""
    if table["region"].nunique() > 1:
        return table["label"] + " (" + table["region"] + ")"
    return table["label"]


def _series(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Mean of ``metric`` over replicates: index year, one column per run (region and label)."""
    chosen = table[table["metric"] == metric]
    chosen = chosen.assign(run=run_names(chosen))
    return chosen.pivot_table(index="year", columns="run", values="value", aggfunc="mean", sort=False)


def colours(scenarios: list[str]) -> dict[str, str]:
    """Fixed colour per scenario."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(scenarios)}


def exit_curve(table: pd.DataFrame, ax: Axes, plan: dict[int, float] | None = None) -> Axes:
    """Share of the initial register (year before the start) no longer registered, by scenario.

    Args:
        table: tidy results.
        ax: where to draw.
        plan: optional planned exits by year (persons), drawn cumulatively as a dashed line.
    """
    stock = _series(table, "registered_poor")
    cohort = _series(table, "cohort_registered")
    palette = colours(list(stock.columns))
    for name in stock.columns:  # each run from its own first year: runs may cover different years
        own = stock[name].dropna()
        start = own.index.min()
        share = 100 * (1.0 - cohort[name].dropna() / own.loc[start])
        share.loc[start] = 0.0
        share = share.sort_index()
        ax.plot(share.index, share.values, marker="o", color=palette[name], label=name)
    start = stock.index.min()
    if plan:
        years = sorted(int(y) for y in plan)
        cumulative = pd.Series([plan[y] for y in years], index=years).cumsum()
        planned = 100 * pd.concat([pd.Series([0.0], index=[start]), cumulative / stock.loc[start].mean()])
        ax.plot(planned.index, planned.values, "k--", label="plan")
    ax.set_xlabel("Year")
    ax.set_ylabel("Initial register no longer registered, %")
    ax.set_title("Exit-from-poverty curve (initial register)")
    ax.set_ylim(0, 105)
    ax.grid(alpha=0.3)
    ax.legend(title="Run")
    return ax


def return_curve(table: pd.DataFrame, ax: Axes) -> Axes:
    """Cumulative returns (返贫) as a share of cumulative exits, by scenario."""
    exits = (_series(table, "exits_development") + _series(table, "exits_guarantee")).cumsum()
    returns = _series(table, "returns").cumsum()
    share = 100 * returns / exits.where(exits > 0)
    palette = colours(list(share.columns))
    for name in share.columns:
        ax.plot(share.index, share[name], marker="o", color=palette[name], label=name)
    ax.set_xlabel("Year")
    ax.set_ylabel("Cumulative returns, % of cumulative exits")
    ax.set_title("Return-to-poverty curve")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(title="Run")
    return ax
