"""Calibration targets: what the campaign planned and what happened, as bands a run is scored on.

Each target is a statistic of a results table (one value per replicate) and a band it should
fall in, with its source.  The bands come from two places: the region file (its planned exits,
village and county exits and composition: seed 000 for Henan) and the published national facts in
``../shared/REAL_OUTCOMES.md`` (returns, monitoring coverage and elimination, the guarantee share),
whose numbers live in the experiment's ``targets`` block with their sources.  The model never
reads any of them: only the fit does.

The loss of a target is the squared distance of the replicate mean outside its band, in units of
the band's half-width, plus a small pull toward the band's centre so that the optimiser prefers
the middle of a band to its edge.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from sim.config import RunConfig
from sim.schema import check, share, spec, year
from sim.text import Text

#: Weight of the pull toward a band's centre, relative to a distance outside it.
CENTRE_PULL = 0.05


@dataclasses.dataclass
class TargetSettings:
    """Published ranges the fit aims at (the experiment's ``targets`` block)."""

    exits_tolerance: float = share(
        Text("yearly exits: allowed error as a share of the initial register", "每年退出：允许误差占初始建档人数的比例")
    )
    composition_tolerance: float = share(
        Text("composition of the initial register: allowed error in each share", "初始建档人口构成：各比例的允许误差")
    )
    areas_tolerance: float = share(
        Text("village and county exits: allowed relative error each year", "村、县退出：每年的允许相对误差")
    )
    register_left_max: float = share(
        Text("share of the initial register still registered after the deadline", "清零期限后仍在册的初始建档人口比例")
    )
    campaign_returns_max: float = share(
        Text("registered returns as a share of exits, each campaign year", "攻坚各年登记返贫人数占退出人数的比例")
    )
    first_year_returns_min: float = share(
        Text(
            "registered returns as a share of exits in the first year, at least",
            "首年登记返贫人数占退出人数的比例，至少",
        )
    )
    ever_monitored_share: list[float] = spec(
        doc=Text(
            "[low, high]: persons ever monitored / all exited persons", "[下限, 上限]：曾被监测人数 / 全部退出人数"
        )
    )
    monitored_year: int = year(Text("year the ever-monitored share is measured at", "计算曾被监测比例的年份"))
    monitored_share: list[float] = spec(
        doc=Text(
            "[low, high]: mean monitored persons after the deadline / all exited",
            "[下限, 上限]：期限后平均监测人数 / 全部退出人数",
        )
    )
    unstable_share: list[float] = spec(
        doc=Text(
            "[low, high]: unstable households' share of the monitored, first year",
            "[下限, 上限]：首年脱贫不稳定户占监测对象的比例",
        )
    )
    eliminated_share: list[float] = spec(
        doc=Text(
            "[low, high]: persons whose risk was eliminated / ever monitored",
            "[下限, 上限]：风险已消除人数 / 曾被监测人数",
        )
    )
    eliminated_year: int = year(Text("year the eliminated share is measured at", "计算风险消除比例的年份"))
    guarantee_share: list[float] = spec(
        doc=Text(
            "[low, high]: guarantee exits / exits, each campaign year", "[下限, 上限]：攻坚各年兜底脱贫 / 全部脱贫"
        )
    )

    def __post_init__(self) -> None:
        for name in (
            "ever_monitored_share",
            "monitored_share",
            "unstable_share",
            "eliminated_share",
            "guarantee_share",
        ):
            band = getattr(self, name)
            check(len(band) == 2 and 0 <= band[0] <= band[1] <= 1, name, "[low, high] with 0 <= low <= high <= 1", band)


@dataclasses.dataclass(frozen=True)
class Target:
    """One target: a statistic, its band and where the band comes from."""

    name: str
    source: str
    low: float
    high: float
    statistic: Callable[[pd.DataFrame], np.ndarray]  # results table -> one value per replicate
    unit: float | None = None  # size of one error unit for an open band (a direction); else half the width

    @property
    def scale(self) -> float:
        """What one unit of error is: half the band's width, or ``unit`` for an open band."""
        if self.unit is not None:
            return self.unit
        return max((self.high - self.low) / 2, 1e-12)

    def loss(self, simulated: float) -> float:
        """Squared distance outside the band in half-widths, plus the pull toward the centre."""
        outside = max(self.low - simulated, simulated - self.high, 0.0) / self.scale
        closed = math.isfinite(self.high - self.low)
        pull = (simulated - (self.low + self.high) / 2) / self.scale if closed else 0.0
        return outside**2 + CENTRE_PULL * min(pull**2, 1.0)


@dataclasses.dataclass
class Fit:
    """A target's outcome: the band, the replicates' mean and range, the error and pass/fail."""

    target: str
    source: str
    low: float
    high: float
    simulated: float
    replicate_min: float
    replicate_max: float
    error: float  # distance outside the band, in half-widths (0 inside)
    loss: float
    passed: bool


def values(table: pd.DataFrame, metric: str, when: int) -> np.ndarray:
    """``metric`` in year ``when``, one value per replicate (replicate order)."""
    rows = table[(table["metric"] == metric) & (table["year"] == when)]
    return rows.sort_values("replicate")["value"].to_numpy(dtype=float)


def total(table: pd.DataFrame, metric: str, first: int, last: int) -> np.ndarray:
    """``metric`` summed over years ``first..last``, one value per replicate."""
    rows = table[(table["metric"] == metric) & table["year"].between(first, last)]
    return rows.groupby("replicate")["value"].sum().sort_index().to_numpy(dtype=float)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def campaign_years(config: RunConfig) -> range:
    """Years of the campaign: from the start to the deadline (within the simulated years)."""
    region = config.region
    return range(region.start_year, min(region.deadline_year, region.end_year) + 1)


def targets(config: RunConfig, settings: TargetSettings) -> list[Target]:
    """Every target that applies to the configured region."""
    region = config.region
    start, campaign = region.start_year, campaign_years(config)
    stock = region.registered_poor_persons
    found: list[Target] = []
    plan = "region file: planned exits"
    for when in campaign:
        if when in region.planned_exits:
            share_planned = region.planned_exits[when] / stock
            found.append(
                Target(
                    f"exits {when} / initial register",
                    plan,
                    share_planned - settings.exits_tolerance,
                    share_planned + settings.exits_tolerance,
                    lambda t, w=when: values(t, "exits", w) / stock,
                )
            )
    for name, value in dataclasses.asdict(region.composition).items():
        found.append(
            Target(
                f"{name} of the initial register",
                "region file: composition",
                value - settings.composition_tolerance,
                value + settings.composition_tolerance,
                lambda t, n=name: values(t, n, start - 1),
            )
        )
    for label, planned, metric in (
        ("poor villages exited", region.planned_village_exits, "poor_villages"),
        ("poor counties exited", region.planned_county_exits, "poor_counties"),
    ):
        for when in campaign:
            if when in planned:
                exited = float(planned[when])
                found.append(
                    Target(
                        f"{label} in {when}",
                        f"region file: {label} each year",
                        exited * (1 - settings.areas_tolerance),
                        exited * (1 + settings.areas_tolerance),
                        lambda t, w=when, m=metric: values(t, m, w - 1) - values(t, m, w),
                    )
                )
    deadline = campaign[-1]
    found.append(
        Target(
            f"initial register still registered at end-{deadline}",
            "seed 000 确保…建档立卡农村贫困人口稳定脱贫; REAL_OUTCOMES: every register cleared by end-2020",
            0.0,
            settings.register_left_max,
            lambda t: values(t, "cohort_registered", deadline) / stock,
        )
    )
    returns_source = "REAL_OUTCOMES: returns 几万人 (2018), 数千人 (2019) against 10-13 million exits a year"
    for when in campaign:
        found.append(
            Target(
                f"registered returns / exits in {when}",
                returns_source,
                settings.first_year_returns_min if when == start else 0.0,
                settings.campaign_returns_max,
                lambda t, w=when: _ratio(values(t, "returns", w), values(t, "exits", w)),
            )
        )
    if len(campaign) > 1:
        # The published series (几万人, then 数千人) is in persons, so the direction is judged in
        # persons, as a share of the initial register; one error unit is half the returns cap
        # applied to an average campaign year's exits.
        first_after = campaign[1]
        found.append(
            Target(
                f"registered returns falling from {first_after} to {deadline} (persons)",
                returns_source,
                -math.inf,
                0.0,
                lambda t, a=first_after: (values(t, "returns", deadline) - values(t, "returns", a)) / stock,
                unit=settings.campaign_returns_max / (2 * len(campaign)),
            )
        )
    guarantee_source = "REAL_OUTCOMES: 19.6 % of registered poor on 低保/特困; seed 000 兜底 grows toward the deadline"
    for when in campaign:
        found.append(
            Target(
                f"guarantee exits / exits in {when}",
                guarantee_source,
                *settings.guarantee_share,
                lambda t, w=when: _ratio(values(t, "exits_guarantee", w), values(t, "exits", w)),
            )
        )
    found.append(
        Target(
            f"guarantee share of exits rising from {start} to {deadline}",
            guarantee_source,
            0.0,
            math.inf,
            lambda t: (
                _ratio(values(t, "exits_guarantee", deadline), values(t, "exits", deadline))
                - _ratio(values(t, "exits_guarantee", start), values(t, "exits", start))
            ),
            unit=(settings.guarantee_share[1] - settings.guarantee_share[0]) / 2,
        )
    )
    # Published monitoring shares divide by every exited person (about 99 million nationally), so
    # the denominator is the exited stock after the deadline, earlier cohorts included.
    all_exited = "exited_persons"
    if settings.monitored_year <= region.end_year:
        found.append(
            Target(
                f"persons ever monitored by {settings.monitored_year} / all exited persons (end-{deadline})",
                "REAL_OUTCOMES: ~9 % of the exited nationally by 2024; 14 % in a western city at end-2021",
                *settings.ever_monitored_share,
                lambda t: _ratio(values(t, "ever_monitored", settings.monitored_year), values(t, all_exited, deadline)),
            )
        )
    monitoring_years = range(max(config.policy.monitoring.start_year, deadline + 1), region.end_year + 1)
    if len(monitoring_years) > 0:
        first_monitored, last_monitored = monitoring_years[0], monitoring_years[-1]
        found.append(
            Target(
                f"monitored persons {first_monitored}-{last_monitored} (mean) / all exited persons (end-{deadline})",
                "REAL_OUTCOMES: about 3 % monitored nationally (5.34 million eliminated at ~63 %, of ~99 million "
                "exited; derived) to 14 % in a western city at end-2021",
                *settings.monitored_share,
                lambda t: _ratio(
                    total(t, "monitored", first_monitored, last_monitored) / len(monitoring_years),
                    values(t, all_exited, deadline),
                ),
            )
        )
        found.append(
            Target(
                f"unstable households' share of the monitored in {first_monitored}",
                "REAL_OUTCOMES: about a third in each of the three categories (a western city, end-2021)",
                *settings.unstable_share,
                lambda t: _ratio(
                    values(t, "monitored_unstable", first_monitored), values(t, "monitored", first_monitored)
                ),
            )
        )
    if settings.eliminated_year <= region.end_year:
        first_monitored = config.policy.monitoring.start_year
        found.append(
            Target(
                f"risk eliminated by {settings.eliminated_year} / persons ever monitored",
                "REAL_OUTCOMES: 65.7 % (Nov 2022), 63.5 % (Nov 2023) of monitored persons",
                *settings.eliminated_share,
                lambda t: _ratio(
                    total(t, "monitoring_eliminated", first_monitored, settings.eliminated_year),
                    values(t, "ever_monitored", settings.eliminated_year),
                ),
            )
        )
    return found


def fit(table: pd.DataFrame, found: list[Target]) -> list[Fit]:
    """Score a results table on every target."""
    fits = []
    for target in found:
        per_replicate = np.asarray(target.statistic(table), dtype=float)
        mean = float(per_replicate.mean())
        outside = max(target.low - mean, mean - target.high, 0.0) / target.scale
        fits.append(
            Fit(
                target.name,
                target.source,
                target.low,
                target.high,
                mean,
                float(per_replicate.min()),
                float(per_replicate.max()),
                outside,
                target.loss(mean),
                outside == 0.0,
            )
        )
    return fits


def objective(fits: list[Fit]) -> float:
    """Sum of the targets' losses (math.fsum: independent of summation order)."""
    return math.fsum(f.loss for f in fits)
