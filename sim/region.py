"""Region data: the published figures of one province or city (see ``conf/region/``).

A region file holds a stock and composition of the registered poor, the rural population,
villages and counties, the poverty line, the 低保 standard, the pension minimum, the income
level, medical reimbursement tiers and exit thresholds.  Values a region may omit come from
``conf/region_defaults/default.yaml``.  These classes hold the schema and range checks only.
"""

from __future__ import annotations

import dataclasses

from sim.schema import check, check_range, check_share


@dataclasses.dataclass
class Schedule:
    """A yearly value given for listed years, extrapolated at ``growth_after`` per year."""

    by_year: dict[str, float]  # year -> value
    growth_after: float = 0.0  # yearly growth after the last listed year

    def __post_init__(self) -> None:
        check(len(self.by_year) > 0, "by_year", "at least one year: value entry", self.by_year)
        for year, value in self.by_year.items():
            check(str(year).isdigit(), f"by_year.{year}", "a four-digit year as key", year)
            check_range(value, f"by_year.{year}", 0.0)
        check_range(self.growth_after, "growth_after", -0.5, 1.0)

    def at(self, year: int) -> float:
        """Value in ``year``: the latest listed year at or before it, grown after the last."""
        years = sorted(int(y) for y in self.by_year)
        if year <= years[0]:
            return float(self.by_year[str(years[0])])
        known = max(y for y in years if y <= year)
        value = float(self.by_year[str(known)])
        if known == years[-1]:
            value *= (1.0 + self.growth_after) ** (year - known)
        return value


@dataclasses.dataclass
class Composition:
    """Shares of registered-poor *persons* at the end of the year before the start."""

    share_illness_disability: float  # persons in households poor through illness or disability
    share_no_labour: float  # persons without labour capacity
    share_aged_65_plus: float  # persons aged 65+

    def __post_init__(self) -> None:
        for name in ("share_illness_disability", "share_no_labour", "share_aged_65_plus"):
            check_share(getattr(self, name), name)
        check(
            self.share_aged_65_plus <= self.share_no_labour,
            "share_aged_65_plus",
            "at most share_no_labour (persons 65+ count as without labour capacity)",
            self.share_aged_65_plus,
        )


@dataclasses.dataclass
class Areas:
    """Counts of counties or villages: all rural ones, the poor ones, the deep-poverty ones."""

    total: int
    poor: int
    deep: int

    def __post_init__(self) -> None:
        check(self.total >= 1, "total", "a whole number >= 1", self.total)
        check(0 <= self.poor <= self.total, "poor", f"a whole number in [0, total={self.total}]", self.poor)
        check(0 <= self.deep <= self.poor, "deep", f"a whole number in [0, poor={self.poor}]", self.deep)


@dataclasses.dataclass
class MedicalRatios:
    """Reimbursement ratios of medical insurance tiers (shares of spending)."""

    basic_ratio: float  # basic medical insurance (基本医保), share of eligible spending paid
    basic_ratio_poor: float  # the same for registered poor (倾斜), within-policy
    critical_threshold: float  # yuan/person/yr out-of-pocket before critical-illness insurance pays
    critical_threshold_poor: float  # lowered deductible for the registered poor
    critical_ratio: float  # critical-illness insurance (大病保险) share above the threshold
    supplementary_ratio: float  # supplementary insurance (大病补充) share of what remains, poor only
    assistance_ratio: float  # medical assistance (医疗救助) share of what remains
    assistance_cap: float  # yuan/household/yr cap on medical assistance

    def __post_init__(self) -> None:
        for name in ("basic_ratio", "basic_ratio_poor", "critical_ratio", "supplementary_ratio", "assistance_ratio"):
            check_share(getattr(self, name), name)
        for name in ("critical_threshold", "critical_threshold_poor", "assistance_cap"):
            check_range(getattr(self, name), name, 0.0)


@dataclasses.dataclass
class RegionConfig:
    """Published figures for one province or city; see ``conf/region/henan.yaml``."""

    name: str
    start_year: int  # first simulated year; stocks are as at the end of the year before
    end_year: int  # last simulated year
    registered_poor_persons: float  # persons registered poor (建档立卡) at the start
    rural_population_persons: float  # all rural residents at the start
    near_poor_persons: float  # edge persons at risk (边缘易致贫) at the start
    composition: Composition
    counties: Areas
    villages: Areas
    share_registered_in_poor_villages: float  # registered poor living in poor villages
    poverty_line: Schedule  # yuan/person/yr, national line in current prices
    dibao_standard: Schedule  # rural 低保 standard, yuan/person/yr
    pension_minimum_per_month: Schedule  # basic pension minimum, yuan/person/month
    rural_income_per_capita: float  # mean rural disposable income per person, year before start
    income_growth: float  # nominal yearly growth of rural market incomes
    medical: MedicalRatios
    exit_incidence_village: float  # a poor village exits below this poverty incidence
    exit_incidence_county: float  # a poor county exits below this poverty incidence
    registered_poor_households: float | None = None  # if published; else derived from sizes
    share_poor_villages_in_poor_counties: float = 0.7  # where poor villages lie
    planned_exits: dict[str, float] = dataclasses.field(default_factory=dict)  # year -> persons; a
    # calibration target drawn on plots and compared in reports, never read by the model
    label: str = ""

    def __post_init__(self) -> None:
        check(1900 < self.start_year < 2200, "start_year", "a year in (1900, 2200)", self.start_year)
        check(
            self.start_year <= self.end_year <= self.start_year + 50,
            "end_year",
            f"a year in [start_year={self.start_year}, start_year+50]",
            self.end_year,
        )
        check_range(self.registered_poor_persons, "registered_poor_persons", 1.0)
        check_range(self.near_poor_persons, "near_poor_persons", 0.0)
        floor = self.registered_poor_persons + self.near_poor_persons
        check(
            self.rural_population_persons >= floor,
            "rural_population_persons",
            f"at least registered_poor_persons + near_poor_persons = {floor:g}",
            self.rural_population_persons,
        )
        check_share(self.share_registered_in_poor_villages, "share_registered_in_poor_villages")
        check_share(self.share_poor_villages_in_poor_counties, "share_poor_villages_in_poor_counties")
        check_range(self.rural_income_per_capita, "rural_income_per_capita", 1.0)
        check_range(self.income_growth, "income_growth", -0.5, 1.0)
        check_share(self.exit_incidence_village, "exit_incidence_village")
        check_share(self.exit_incidence_county, "exit_incidence_county")
        if self.registered_poor_households is not None:
            check(
                1 <= self.registered_poor_households <= self.registered_poor_persons,
                "registered_poor_households",
                "a number in [1, registered_poor_persons]",
                self.registered_poor_households,
            )
        for year, value in self.planned_exits.items():
            check_range(value, f"planned_exits.{year}", 0.0)
        check(
            self.counties.poor >= 1 or self.villages.poor == 0,
            "counties.poor",
            "at least 1 when there are poor villages",
            self.counties.poor,
        )

    @property
    def years(self) -> list[int]:
        """Simulated years, inclusive."""
        return list(range(self.start_year, self.end_year + 1))
