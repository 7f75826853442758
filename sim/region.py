"""Region data: the published figures of one province or city (see ``conf/region/``).

A region file holds a stock and composition of the registered poor, the rural population,
villages and counties, the poverty line, the 低保 standard, the pension minimum, the income
level, medical reimbursement tiers and exit thresholds.  Values a region may omit come from
``conf/region_defaults/default.yaml``.  These classes hold the schema and range checks only.
"""

from __future__ import annotations

import dataclasses
import itertools

from sim.schema import YearMap, check, share, spec, year, yuan
from sim.text import Text

_PERSONS = 2e9  # more persons than any province has: bounds a typo, not a region


@dataclasses.dataclass
class Schedule:
    """A yearly value given for listed years, extrapolated at ``growth_after`` per year."""

    by_year: YearMap = spec(0.0, 1e7, doc=Text("value in each listed year", "所列各年的取值"))
    growth_after: float = spec(
        -0.5,
        1.0,
        "share/yr",
        Text("yearly growth after the last listed year", "最后所列年份之后的年增长率"),
        default=0.0,
    )

    def __post_init__(self) -> None:
        check(len(self.by_year) > 0, "by_year", "at least one year: value entry", self.by_year)

    def at(self, when: int) -> float:
        """Value in year ``when``: the latest listed year at or before it, grown after the last."""
        years = sorted(self.by_year)
        if when <= years[0]:
            return float(self.by_year[years[0]])
        known = max(y for y in years if y <= when)
        value = float(self.by_year[known])
        if known == years[-1]:
            value *= (1.0 + self.growth_after) ** (when - known)
        return value


@dataclasses.dataclass
class Composition:
    """Shares of registered-poor *persons* at the end of the year before the start."""

    share_illness_disability: float = share(
        Text("persons in households poor through illness or disability", "因病因残致贫家庭的人数")
    )
    share_no_labour: float = share(Text("persons without labour capacity", "无劳动能力的人数"))
    share_aged_65_plus: float = share(Text("persons aged 65+", "65 岁及以上人数"))

    def __post_init__(self) -> None:
        check(
            self.share_aged_65_plus <= self.share_no_labour,
            "share_aged_65_plus",
            "at most share_no_labour (persons 65+ count as without labour capacity)",
            self.share_aged_65_plus,
        )


@dataclasses.dataclass
class Areas:
    """Counts of counties or villages: all rural ones, the poor ones, the deep-poverty ones."""

    total: int = spec(1, 10**7, "areas", Text("all rural counties or villages", "全部农村县或村"))
    poor: int = spec(0, 10**7, "areas", Text("poor ones", "其中贫困县或村"))
    deep: int = spec(0, 10**7, "areas", Text("deep-poverty ones", "其中深度贫困县或村"))

    def __post_init__(self) -> None:
        check(0 <= self.poor <= self.total, "poor", f"a whole number in [0, total={self.total}]", self.poor)
        check(0 <= self.deep <= self.poor, "deep", f"a whole number in [0, poor={self.poor}]", self.deep)


@dataclasses.dataclass
class MedicalRatios:
    """Reimbursement ratios of medical insurance tiers (shares of spending)."""

    basic_ratio: float = share(
        Text(
            "basic medical insurance (基本医保): share of eligible spending paid", "基本医保：政策范围内费用的报销比例"
        )
    )
    basic_ratio_poor: float = share(
        Text("the same for the registered poor (倾斜), within-policy", "建档立卡贫困人口的同一比例（倾斜），政策范围内")
    )
    critical_threshold: float = yuan(
        Text("out-of-pocket before critical-illness insurance pays", "大病保险起付前的自付金额"), unit="yuan/person/yr"
    )
    critical_threshold_poor: float = yuan(
        Text("lowered deductible for the registered poor", "建档立卡贫困人口降低后的起付线"), unit="yuan/person/yr"
    )
    critical_ratio: float = share(
        Text("critical-illness insurance (大病保险) share above the threshold", "大病保险：起付线以上的报销比例")
    )
    supplementary_ratio: float = share(
        Text(
            "supplementary insurance (大病补充) share of what remains, poor only",
            "大病补充保险：剩余费用的报销比例，仅限贫困人口",
        )
    )
    assistance_ratio: float = share(
        Text("medical assistance (医疗救助) share of what remains", "医疗救助：剩余费用的救助比例")
    )
    assistance_cap: float = yuan(Text("cap on medical assistance", "医疗救助的封顶额"), unit="yuan/household/yr")


@dataclasses.dataclass
class ExitedBeforeStart:
    """Persons who left the register before the start (已脱贫人口 of earlier years), where published.

    Give whichever the region publishes: the register's stock at the end of earlier years
    (``register_stock``; the stock at the end of the year before the start is
    ``registered_poor_persons``), yearly exits (``exits``), or both.  The persons of each exit
    cohort are :meth:`cohorts`; a region that publishes neither has no exited cohorts.
    """

    register_stock: YearMap = spec(
        0.0,
        _PERSONS,
        "persons",
        Text("registered persons at the end of each listed year before the start", "起始前所列各年年末的建档立卡人数"),
        default_factory=dict,
    )
    exits: YearMap = spec(
        0.0,
        _PERSONS,
        "persons",
        Text("persons who left the register in each listed year before the start", "起始前所列各年退出建档立卡的人数"),
        default_factory=dict,
    )

    def cohorts(self, start_year: int, registered_at_start: float) -> dict[int, float]:
        """Persons of each exit year (before ``start_year``) still counted as exited at the start.

        Between two known stocks the fall is shared among the years in between: in proportion to
        the published exits where every one of those years has one, else the published years
        keep theirs (up to the fall) and the rest is split evenly.  Without stocks, the
        published exits are the cohorts.
        """
        if not self.register_stock:
            return {y: float(v) for y, v in sorted(self.exits.items()) if v > 0}
        stocks = {**self.register_stock, start_year - 1: registered_at_start}
        known = sorted(stocks)
        found: dict[int, float] = {}
        for first, last in itertools.pairwise(known):
            fall = stocks[first] - stocks[last]
            years = range(first + 1, last + 1)
            published = {y: self.exits[y] for y in years if y in self.exits}
            if len(published) == len(years) and sum(published.values()) > 0:
                total = sum(published.values())
                shares = {y: fall * published[y] / total for y in years}
            else:
                kept = {y: min(v, fall) for y, v in published.items()}
                scale = min(1.0, fall / sum(kept.values())) if kept and sum(kept.values()) > 0 else 1.0
                kept = {y: v * scale for y, v in kept.items()}
                rest = (fall - sum(kept.values())) / max(len(years) - len(kept), 1)
                shares = {y: kept.get(y, rest) for y in years}
            found.update({y: v for y, v in shares.items() if v > 0})
        return found

    def check(self, start_year: int, registered_at_start: float) -> None:
        """Refuse years at or after the start and a register that grows toward the start."""
        for name, mapping, last in (
            ("register_stock", self.register_stock, start_year - 2),
            ("exits", self.exits, start_year - 1),
        ):
            for y in mapping:
                check(y <= last, f"exited_before_start.{name}.{y}", f"a year up to {last} (before the start)", y)
        stocks = {**self.register_stock, start_year - 1: registered_at_start}
        known = sorted(stocks)
        for first, last in itertools.pairwise(known):
            check(
                stocks[first] >= stocks[last],
                f"exited_before_start.register_stock.{first}",
                f"at least the stock of {last} ({stocks[last]:g}): the register shrinks toward the start",
                stocks[first],
            )


@dataclasses.dataclass
class RegionConfig:
    """Published figures for one province or city; see ``conf/region/henan.yaml``."""

    name: str
    start_year: int = year(
        Text("first simulated year; stocks are as at the end of the year before", "首个模拟年份；存量为上一年年末数")
    )
    end_year: int = year(Text("last simulated year", "最后模拟年份"))
    deadline_year: int = year(
        Text(
            "year by which the register is to be cleared (the deadline push's target year)",
            "建档立卡清零的年份（攻坚冲刺的目标年）",
        )
    )
    registered_poor_persons: float = spec(
        1.0, _PERSONS, "persons", Text("registered poor (建档立卡) at the start", "起始时的建档立卡贫困人口")
    )
    rural_population_persons: float = spec(
        1.0, _PERSONS, "persons", Text("all rural residents at the start", "起始时的全部农村居民")
    )
    near_poor_persons: float = spec(
        0.0, _PERSONS, "persons", Text("edge persons at risk (边缘易致贫) at the start", "起始时的边缘易致贫人口")
    )
    composition: Composition = spec(doc=Text("composition of the registered poor", "建档立卡贫困人口的构成"))
    counties: Areas = spec(doc=Text("counties: all, poor, deep-poverty", "县：全部、贫困、深度贫困"))
    villages: Areas = spec(doc=Text("villages: all, poor, deep-poverty", "村：全部、贫困、深度贫困"))
    poverty_line: Schedule = spec(
        doc=Text("national line in current prices, yuan/person/yr", "现行价格下的国家贫困标准，元/人/年")
    )
    dibao_standard: Schedule = spec(doc=Text("rural 低保 standard, yuan/person/yr", "农村低保标准，元/人/年"))
    pension_minimum_per_month: Schedule = spec(
        doc=Text("basic pension minimum, yuan/person/month", "基础养老金最低标准，元/人/月")
    )
    rural_income_per_capita: float = spec(
        1.0,
        1e7,
        "yuan/person/yr",
        Text("mean rural disposable income, year before start", "起始前一年的农村居民人均可支配收入"),
    )
    income_growth: float = spec(
        -0.5, 1.0, "share/yr", Text("nominal yearly growth of rural market incomes", "农村市场收入的名义年增长率")
    )
    medical: MedicalRatios = spec(doc=Text("medical insurance tiers", "医疗保障各层次"))
    exit_incidence_village: float = share(
        Text("a poor village exits below this poverty incidence", "贫困发生率低于此值的贫困村退出")
    )
    exit_incidence_county: float = share(
        Text("a poor county exits below this poverty incidence", "贫困发生率低于此值的贫困县退出")
    )
    registered_poor_households: float | None = spec(
        1.0, _PERSONS, "households", Text("if published", "如有公布"), default=None
    )
    share_poor_villages_in_poor_counties: float = share(Text("where poor villages lie", "贫困村的分布"), default=0.7)
    share_registered_in_poor_villages: float | None = share(
        Text(
            "registered poor living in poor villages, if published (else from population.areas)",
            "居住在贫困村的建档立卡贫困人口，如有公布（否则取自 population.areas）",
        ),
        default=None,
    )
    exited_before_start: ExitedBeforeStart = spec(
        doc=Text(
            "persons who left the register before the start, by year (none if unpublished)",
            "起始前各年退出建档立卡的人数（未公布则无）",
        ),
        default_factory=ExitedBeforeStart,
    )
    planned_exits: YearMap = spec(
        0.0,
        _PERSONS,
        "persons",
        Text("calibration target drawn on plots, never read by the model", "校准目标，仅画在图上，模型从不读取"),
        default_factory=dict,
    )
    planned_village_exits: YearMap = spec(
        0.0,
        10**7,
        "villages",
        Text(
            "calibration target (poor villages exiting each year), never read",
            "校准目标（每年退出的贫困村），模型从不读取",
        ),
        default_factory=dict,
    )
    planned_county_exits: YearMap = spec(
        0.0,
        10**7,
        "counties",
        Text(
            "calibration target (poor counties exiting each year), never read",
            "校准目标（每年摘帽的贫困县），模型从不读取",
        ),
        default_factory=dict,
    )
    label: str = ""
    label_zh: str = ""  # the region's name in Chinese, for the Chinese report and page

    def __post_init__(self) -> None:
        check(
            self.start_year <= self.end_year <= self.start_year + 50,
            "end_year",
            f"a year in [start_year={self.start_year}, start_year+50]",
            self.end_year,
        )
        self.exited_before_start.check(self.start_year, self.registered_poor_persons)
        floor = self.registered_poor_persons + self.near_poor_persons + self.exited_persons
        check(
            self.rural_population_persons >= floor,
            "rural_population_persons",
            f"at least registered_poor_persons + near_poor_persons + exited persons before the start = {floor:g}",
            self.rural_population_persons,
        )
        if self.registered_poor_households is not None:
            check(
                self.registered_poor_households <= self.registered_poor_persons,
                "registered_poor_households",
                "a number in [1, registered_poor_persons]",
                self.registered_poor_households,
            )
        check(
            self.counties.poor >= 1 or self.villages.poor == 0,
            "counties.poor",
            "at least 1 when there are poor villages",
            self.counties.poor,
        )

    @property
    def exit_cohorts(self) -> dict[int, float]:
        """Persons who left the register before the start, by exit year."""
        return self.exited_before_start.cohorts(self.start_year, self.registered_poor_persons)

    @property
    def exited_persons(self) -> float:
        """All persons who left the register before the start."""
        return float(sum(self.exit_cohorts.values()))

    @property
    def years(self) -> list[int]:
        """Simulated years, inclusive."""
        return list(range(self.start_year, self.end_year + 1))
