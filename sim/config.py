"""Typed configuration: region data, population synthesis, behavioural dynamics, the run.

Units are given in comments.  Every default *value* lives in ``conf/`` with its source;
these classes hold the schema and the range checks only.  Policy levers define their own
``Params`` classes in ``sim/policies`` and are gathered in :class:`sim.policies.PolicyConfig`.
"""

from __future__ import annotations

import dataclasses

from sim.policies import PolicyConfig
from sim.schema import ConfigError, check, check_range, check_share


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


@dataclasses.dataclass
class StratumPrior:
    """Prior for synthesising one stratum's households (tilted to the region's figures)."""

    size_probs: list[float]  # P(household size = 1, 2, ...)
    p_elder_per_member: float  # chance a member is 65+
    p_child_per_member: float  # chance a non-elder member is 0-15
    p_index_ill: float  # chance the index member has a chronic or major illness
    p_index_disabled: float  # chance the index member is disabled
    skill_log_mean: float  # mean of log earnings multiplier
    skill_log_sd: float  # sd of log earnings multiplier
    p_housing_unsafe: float  # chance the dwelling is unsafe (危房)
    p_major_given_ill: float  # share of illnesses that are major
    p_severe_given_disabled: float  # share of disabilities that are severe
    p_migrant: float  # chance a main worker with full capacity holds a migrant job
    p_local_wage: float  # chance a main worker with full capacity holds a local wage job

    def __post_init__(self) -> None:
        check(
            len(self.size_probs) >= 1 and abs(sum(self.size_probs) - 1.0) < 1e-6,
            "size_probs",
            "non-negative shares summing to 1",
            self.size_probs,
        )
        for i, p in enumerate(self.size_probs):
            check_share(p, f"size_probs[{i}]")
        for name in (
            "p_elder_per_member",
            "p_child_per_member",
            "p_index_ill",
            "p_index_disabled",
            "p_housing_unsafe",
            "p_major_given_ill",
            "p_severe_given_disabled",
            "p_migrant",
            "p_local_wage",
        ):
            check_share(getattr(self, name), name)
        check(self.p_migrant + self.p_local_wage <= 1.0, "p_local_wage", "at most 1 - p_migrant", self.p_local_wage)
        check_range(self.skill_log_sd, "skill_log_sd", 0.0, 3.0)
        check_range(self.skill_log_mean, "skill_log_mean", -5.0, 5.0)


@dataclasses.dataclass
class PopulationConfig:
    """Synthetic population: sample scale and the priors of each stratum."""

    scale: float  # real households represented by one simulated household
    include_non_poor: bool  # also simulate the non-poor rural population
    registered: StratumPrior
    near_poor: StratumPrior
    non_poor: StratumPrior
    candidates_per_household: int  # prior draws per synthesised registered household, for tilting
    max_candidates: int  # cap on the tilting pool (never below the sample size)

    def __post_init__(self) -> None:
        check_range(self.scale, "scale", 0.01, 1e6)
        check(
            1 <= self.candidates_per_household <= 100,
            "candidates_per_household",
            "a whole number in [1, 100]",
            self.candidates_per_household,
        )


@dataclasses.dataclass
class ByBand:
    """A probability for each age band: child (0-15), adult (16-64), elder (65+)."""

    child: float
    adult: float
    elder: float

    def __post_init__(self) -> None:
        for name in ("child", "adult", "elder"):
            check_share(getattr(self, name), name)

    def as_array(self):
        """Values indexed by :class:`sim.state.Band`."""
        import numpy as np

        return np.array([self.child, self.adult, self.elder], dtype=np.float64)


@dataclasses.dataclass
class DemographyRates:
    """Yearly ageing, death and birth probabilities."""

    p_child_to_adult: float  # per child per year
    p_adult_to_elder: float  # per adult per year
    p_death: ByBand  # per member per year
    death_multiplier_major_illness: float  # on the index member's death probability
    p_birth_per_adult: float  # births per working-age member per year

    def __post_init__(self) -> None:
        for name in ("p_child_to_adult", "p_adult_to_elder", "p_birth_per_adult"):
            check_share(getattr(self, name), name)
        check_range(self.death_multiplier_major_illness, "death_multiplier_major_illness", 1.0, 50.0)


@dataclasses.dataclass
class HealthRates:
    """Yearly illness and disability transitions of the index member."""

    p_chronic_onset: ByBand
    p_major_onset: ByBand
    p_chronic_to_major: float
    p_chronic_recovery: float
    p_major_recovery: float
    p_major_to_chronic: float
    p_moderate_disability_onset: ByBand
    p_severe_disability_onset: ByBand
    p_moderate_to_severe: float

    def __post_init__(self) -> None:
        for name in (
            "p_chronic_to_major",
            "p_chronic_recovery",
            "p_major_recovery",
            "p_major_to_chronic",
            "p_moderate_to_severe",
        ):
            check_share(getattr(self, name), name)
        check(
            self.p_chronic_to_major + self.p_chronic_recovery <= 1.0,
            "p_chronic_recovery",
            "at most 1 - p_chronic_to_major",
            self.p_chronic_recovery,
        )
        check(
            self.p_major_recovery + self.p_major_to_chronic <= 1.0,
            "p_major_to_chronic",
            "at most 1 - p_major_recovery",
            self.p_major_to_chronic,
        )
        for a, b in (
            ("p_chronic_onset", "p_major_onset"),
            ("p_moderate_disability_onset", "p_severe_disability_onset"),
        ):
            total = getattr(self, a).as_array() + getattr(self, b).as_array()
            check(bool((total <= 1.0).all()), b, f"at most 1 - {a} in each band", getattr(self, b))


@dataclasses.dataclass
class EmploymentRates:
    """Yearly job loss and finding of the main worker (before any placement lever)."""

    p_loss_local_wage: float
    p_loss_migrant: float
    p_loss_workshop: float
    p_find_local_wage: float  # per year, for a full-labour worker not in a wage job
    p_find_migrant: float
    skill_elasticity: float  # finding probability scales with skill ** elasticity
    relocated_local_multiplier: float  # relocation near towns raises local job finding

    def __post_init__(self) -> None:
        for name in ("p_loss_local_wage", "p_loss_migrant", "p_loss_workshop", "p_find_local_wage", "p_find_migrant"):
            check_share(getattr(self, name), name)
        check(
            self.p_find_local_wage + self.p_find_migrant <= 1.0,
            "p_find_migrant",
            "at most 1 - p_find_local_wage",
            self.p_find_migrant,
        )
        check_range(self.skill_elasticity, "skill_elasticity", 0.0, 5.0)
        check_range(self.relocated_local_multiplier, "relocated_local_multiplier", 0.0, 10.0)


@dataclasses.dataclass
class IncomeParams:
    """Market incomes as multiples of the region's mean rural income per person (start)."""

    farm_per_labour_unit: float  # yearly farm income per full labourer
    partial_labour_unit: float  # labour units of a partial labourer
    wage_local: float  # yearly wage of a local job
    wage_migrant: float  # yearly wage of a migrant job
    elder_farm_unit: float  # labour units an elder member farms (small plots; not labour capacity)
    other_income_per_person: float  # property, dividends and private transfers, scaled by skill
    sigma_farm_shock: float  # sd of the yearly log farm shock
    deep_village_farm_multiplier: float  # farm productivity in deep-poverty villages
    relocated_farm_multiplier: float  # farm income kept after relocation

    def __post_init__(self) -> None:
        for name in ("farm_per_labour_unit", "wage_local", "wage_migrant", "other_income_per_person"):
            check_range(getattr(self, name), name, 0.0, 100.0)
        check_share(self.partial_labour_unit, "partial_labour_unit")
        check_share(self.elder_farm_unit, "elder_farm_unit")
        check_range(self.sigma_farm_shock, "sigma_farm_shock", 0.0, 3.0)
        check_range(self.deep_village_farm_multiplier, "deep_village_farm_multiplier", 0.0, 2.0)
        check_range(self.relocated_farm_multiplier, "relocated_farm_multiplier", 0.0, 2.0)


@dataclasses.dataclass
class MedicalCosts:
    """Gross medical spending of the index member (yuan/yr at the start year)."""

    per_person_base: float  # routine spending of every member
    chronic_mean: float
    major_mean: float
    sigma: float  # sd of the log spending shock
    growth: float  # nominal yearly growth of medical prices

    def __post_init__(self) -> None:
        for name in ("per_person_base", "chronic_mean", "major_mean"):
            check_range(getattr(self, name), name, 0.0)
        check_range(self.sigma, "sigma", 0.0, 3.0)
        check_range(self.growth, "growth", -0.5, 1.0)


@dataclasses.dataclass
class RegistrationRules:
    """Identification, exit and return rules of the registration system (建档立卡)."""

    p_verify_exit: float  # an eligible exit passes verification (逐户销号) this year
    p_detect_new: float  # a truly poor, never-registered household is identified, per year
    p_detect_return: float  # a truly poor exited household is re-registered, per year
    lag_years: int  # years a household must be poor before identification can happen
    p_false_registration: float  # inclusion error: a non-poor household near the line is registered, per year
    false_registration_band: float  # ... if its per-capita income is below (1 + band) x the line
    catastrophic_medical_share: float  # out-of-pocket medical above this share of income fails 基本医疗

    def __post_init__(self) -> None:
        for name in ("p_verify_exit", "p_detect_new", "p_detect_return"):
            check_share(getattr(self, name), name)
        check(0 <= self.lag_years <= 10, "lag_years", "a whole number in [0, 10]", self.lag_years)
        check_share(self.p_false_registration, "p_false_registration")
        check_range(self.false_registration_band, "false_registration_band", 0.0, 10.0)
        check_range(self.catastrophic_medical_share, "catastrophic_medical_share", 0.0, 10.0)


@dataclasses.dataclass
class DynamicsConfig:
    """Behavioural and administrative rates that drive the yearly processes."""

    demography: DemographyRates
    health: HealthRates
    employment: EmploymentRates
    income: IncomeParams
    medical: MedicalCosts
    registration: RegistrationRules


@dataclasses.dataclass
class OutputConfig:
    """What a run writes."""

    plots: bool = True
    panel: bool = False  # household-year panel (large at scale)
    print_table: bool = True


@dataclasses.dataclass
class RunConfig:
    """Everything one run needs; built from the composed Hydra config by :func:`from_mapping`."""

    scenario_name: str
    seed: int
    replicates: int
    region: RegionConfig
    population: PopulationConfig
    dynamics: DynamicsConfig
    policy: PolicyConfig
    output: OutputConfig
    check_invariants: bool = True

    def __post_init__(self) -> None:
        check(self.seed >= 0, "seed", "a whole number >= 0", self.seed)
        check(1 <= self.replicates <= 10_000, "replicates", "a whole number in [1, 10000]", self.replicates)
        check(bool(self.scenario_name.strip()), "scenario_name", "non-empty text", self.scenario_name)


def from_mapping(data: dict) -> RunConfig:
    """Validate a plain mapping (the resolved Hydra config) into a :class:`RunConfig`."""
    from sim.schema import build

    data = {k: v for k, v in data.items() if k != "hydra"}
    return build(RunConfig, data)


__all__ = ["ConfigError", "RunConfig", "from_mapping"]
