"""Typed configuration: population synthesis, behavioural dynamics, outputs and the run.

Units are given in comments.  Every default *value* lives in ``conf/`` with its source;
these classes hold the schema and the range checks only.  Region data is in
:mod:`sim.region`.  Policy levers define their own
``Params`` classes in ``sim/policies`` and are gathered in :class:`sim.policies.PolicyConfig`.
"""

from __future__ import annotations

import dataclasses

from sim.policies import PolicyConfig
from sim.region import Areas, Composition, MedicalRatios, RegionConfig, Schedule
from sim.schema import ConfigError, check, check_range, check_share


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
    wage_floor_local: float  # lowest yearly pay of a local wage job (minimum wage), whatever the skill
    wage_floor_migrant: float  # lowest yearly migrant pay net of living costs away
    elder_farm_unit: float  # labour units an elder member farms (small plots; not labour capacity)
    other_income_per_person: float  # property, dividends and private transfers, scaled by skill
    sigma_farm_shock: float  # sd of the yearly log farm shock
    deep_village_farm_multiplier: float  # farm productivity in deep-poverty villages
    relocated_farm_multiplier: float  # farm income kept after relocation

    def __post_init__(self) -> None:
        for name in (
            "farm_per_labour_unit",
            "wage_local",
            "wage_migrant",
            "wage_floor_local",
            "wage_floor_migrant",
            "other_income_per_person",
        ):
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


__all__ = [
    "Areas",
    "Composition",
    "ConfigError",
    "MedicalRatios",
    "RegionConfig",
    "RunConfig",
    "Schedule",
    "from_mapping",
]
