"""Statistical checks of yearly transition rates (fixed seeds, exact binomial tests)."""

from __future__ import annotations

import dataclasses

import numba
import numpy as np
import pytest
from scipy.stats import binom, binomtest, chisquare

from sim.population import Areas, build_areas
from sim.processes import areas, demography, employment, health, income, labour, registration
from sim.rng import binomial_counts, hits_per_entry, remove_hits, success_positions, uniform_pair, year_key
from sim.state import Band, Disability, Illness, Job, Registration
from tests.helpers import context, households, small_config

N = 200_000
CONFIG = small_config()
DYN = CONFIG.dynamics


def assert_rate(successes: int, trials: int, p: float) -> None:
    result = binomtest(int(successes), int(trials), p)
    assert result.pvalue > 1e-3, f"{successes}/{trials} vs p={p}: p-value {result.pvalue:.2e}"


def uniforms(seed: int, n: int = N) -> np.ndarray:
    return np.random.default_rng(seed).random(n, dtype=np.float32)


@pytest.mark.parametrize("band", [Band.ADULT, Band.ELDER])
def test_illness_onset_rates(band):
    h = households(N, index_band=band, n_adult=int(band == Band.ADULT), n_elder=int(band == Band.ELDER))
    new = health.illness_step(h, DYN.health, context(N, u_illness=uniforms(11))).updates["illness"]
    assert_rate((new == Illness.MAJOR).sum(), N, getattr(DYN.health.p_major_onset, band.name.lower()))
    assert_rate((new == Illness.CHRONIC).sum(), N, getattr(DYN.health.p_chronic_onset, band.name.lower()))


def test_major_illness_recovery_rate():
    h = households(N, illness=Illness.MAJOR)
    new = health.illness_step(h, DYN.health, context(N, u_illness=uniforms(12))).updates["illness"]
    assert_rate((new == Illness.NONE).sum(), N, DYN.health.p_major_recovery)
    assert_rate((new == Illness.CHRONIC).sum(), N, DYN.health.p_major_to_chronic)


def test_disability_onset_and_worsening():
    h = households(N, index_band=Band.ELDER, n_adult=0, n_elder=1)
    new = health.disability_step(h, DYN.health, context(N, u_disability=uniforms(13))).updates["disability"]
    assert_rate((new == Disability.SEVERE).sum(), N, DYN.health.p_severe_disability_onset.elder)
    h = households(N, disability=Disability.MODERATE)
    new = health.disability_step(h, DYN.health, context(N, u_disability=uniforms(14))).updates["disability"]
    assert_rate((new == Disability.SEVERE).sum(), N, DYN.health.p_moderate_to_severe)
    assert not (new == Disability.NONE).any()  # no recovery from disability


def test_elder_mortality_rate():
    h = households(N, n_adult=0, n_elder=3, index_band=Band.ELDER)
    new = demography.step(h, DYN.demography, context(N, demography=year_key(15, 0, "demography", 2018))).updates
    deaths = 3 * N - new["n_elder"].astype(np.int64).sum()
    assert_rate(deaths, 3 * N, DYN.demography.p_death.elder)


@pytest.mark.parametrize("p", [0.0, 0.03, 0.3, 1.0])
def test_member_events_follow_the_binomial_distribution(p):
    """Other members' deaths per household are Binomial(members, p), drawn by inversion of one uniform."""
    others = 4
    h = households(N, n_child=0, n_adult=1, n_elder=others, index_band=Band.ADULT)
    rates = dataclasses.replace(
        DYN.demography,
        p_death=dataclasses.replace(DYN.demography.p_death, adult=0.0, elder=p),
        p_adult_to_elder=0.0,
        p_birth_per_adult=0.0,
    )
    new = demography.step(h, rates, context(N, demography=year_key(16, 0, "demography", 2018))).updates
    deaths = others - new["n_elder"].astype(np.int64)
    observed = np.bincount(deaths, minlength=others + 1)
    assert observed.size == others + 1  # never more deaths than members, never fewer than none
    assert new["n_adult"].tolist() == [1] * N  # the index adult neither dies nor ages
    if p in (0.0, 1.0):
        assert observed[int(p * others)] == N
    else:
        assert chisquare(observed, binom.pmf(range(others + 1), others, p) * N).pvalue > 1e-3


def test_births_and_ageing_rates():
    h = households(N, n_child=2, n_adult=3, n_elder=0, index_band=Band.ADULT)
    rates = dataclasses.replace(
        DYN.demography, p_death=dataclasses.replace(DYN.demography.p_death, child=0.0, adult=0.0, elder=0.0)
    )
    new = demography.step(h, rates, context(N, demography=year_key(17, 0, "demography", 2018))).updates
    elders = new["n_elder"].astype(np.int64).sum()
    # two other adults and the index adult may turn 65; children turn 16; births come from the two others
    assert_rate(elders, 3 * N, rates.p_adult_to_elder)
    assert new["size"].astype(np.int64).sum() - 5 * N >= 0
    births = new["size"].astype(np.int64).sum() - 5 * N
    assert_rate(births, 2 * N, rates.p_birth_per_adult)


@numba.njit
def _demography_uniforms(key, n):
    """The eight uniforms of each household's four demography slots, in slot order."""
    u = np.empty((n, 8))
    for i in range(n):
        for slot in range(4):
            u[i, 2 * slot], u[i, 2 * slot + 1] = uniform_pair(key, i, slot)
    return u


@pytest.mark.parametrize(
    ("p_death", "p_age", "p_birth", "multiplier"),
    [(0.01, 0.05, 0.02, 3.0), (0.3, 0.5, 0.08, 50.0), (1.0, 1.0, 0.1, 1.0), (0.0, 0.0, 0.0, 1.0)],
)
def test_the_calm_screen_never_passes_over_an_event(p_death, p_age, p_birth, multiplier):
    """Households demography copies without drawing (not ``_eventful``) have no event by the exact draw."""
    rng = np.random.default_rng(18)
    n = 20_000
    band = rng.integers(0, 3, n)
    counts = rng.integers(0, 6, (3, n))
    counts[band, np.arange(n)] += 1  # the index member is counted in its band
    h = households(
        n, n_child=counts[0], n_adult=counts[1], n_elder=counts[2], index_band=band,
        illness=rng.choice([Illness.NONE, Illness.MAJOR], n),
    )  # fmt: skip
    h = h.replace(size=np.where(rng.random(n) < 0.02, 0, h.size).astype(h.size.dtype))  # dissolved households
    p_event = np.array([p_death, p_death / 2, p_death, p_age, p_age / 3, p_birth])
    cdf = demography.binomial_cdf(p_event, int(counts.sum(axis=0).max()))
    key = year_key(19, 0, "demography", 2020)
    calm = ~demography._eventful(h.members, h.health, key, p_event, multiplier)
    u = _demography_uniforms(key, n)
    others = counts.copy()
    others[band, np.arange(n)] -= 1
    rows_and_counts = [(0, others[0]), (1, others[1]), (2, others[2]), (3, others[0]), (4, others[1]), (5, others[1])]
    quiet = np.ones(n, bool)
    for k, (row, m) in enumerate(rows_and_counts):
        quiet &= u[:, 2 + k] < cdf[row, m, 0]
    p_index = p_event[band] * np.where(h.illness == Illness.MAJOR, multiplier, 1.0)
    p_ages = np.where(band < 2, p_event[np.minimum(band, 1) + 3], 0.0)
    truly_calm = (h.size > 0) & quiet & (u[:, 0] >= p_index) & (u[:, 1] >= p_ages)
    assert not (calm & ~truly_calm).any()
    if 0.0 < p_death <= 0.01:  # at everyday rates the screen spares almost every calm household its draw
        assert calm.sum() > 0.95 * truly_calm.sum()


def test_binomial_helper_matches_its_rate_and_counts():
    counts = np.random.default_rng(16).integers(0, 6, N).astype(np.int32)
    events = binomial_counts(np.random.default_rng(17), counts, 0.05)
    assert (events <= counts).all()
    assert_rate(events.sum(), counts.sum(), 0.05)


@pytest.mark.parametrize(
    ("job", "skill", "floor_local", "floor_migrant", "expected_multiple"),
    [
        (Job.LOCAL_WAGE, 0.5, 0.0, 0.0, 0.5 * 1.6),  # no floor: pay scales with skill
        (Job.LOCAL_WAGE, 0.5, 1.2, 0.0, 1.2),  # the floor binds
        (Job.LOCAL_WAGE, 1.0, 1.2, 0.0, 1.6),  # the floor does not bind
        (Job.MIGRANT, 0.2, 0.0, 1.0, 1.0),
        (Job.MIGRANT, 0.2, 1.0, 0.0, 0.2 * 2.4),  # the local floor leaves migrant pay alone
        (Job.FARMING, 0.2, 1.2, 1.0, 0.0),
    ],
)
def test_wage_floor(job, skill, floor_local, floor_migrant, expected_multiple):
    params = dataclasses.replace(
        DYN.income, wage_local=1.6, wage_migrant=2.4, wage_floor_local=floor_local, wage_floor_migrant=floor_migrant
    )
    h = households(1, job=job, skill=skill, n_labour_full=1)
    ctx = context(1)
    wage = income.step(h, params, ctx).updates["inc_wage"][0]
    assert float(wage) == pytest.approx(expected_multiple * ctx.mean_income, rel=1e-6)


def test_job_loss_rate_for_migrants():
    h = households(N, job=Job.MIGRANT)
    new = employment.step(h, DYN.employment, context(N, u_employment=uniforms(21))).updates["job"]
    assert_rate((new == Job.FARMING).sum(), N, DYN.employment.p_loss_migrant)


def test_job_finding_rates_and_training_multiplier():
    h = households(N, job=Job.FARMING)
    rates = dataclasses.replace(DYN.employment, skill_elasticity=0.0)
    new = employment.step(h, rates, context(N, u_employment=uniforms(19))).updates["job"]
    assert_rate((new == Job.LOCAL_WAGE).sum(), N, rates.p_find_local_wage)
    assert_rate((new == Job.MIGRANT).sum(), N, rates.p_find_migrant)
    trained = employment.step(
        h.replace(finding_multiplier=np.full(N, 1.5, np.float32)), rates, context(N, u_employment=uniforms(20))
    ).updates["job"]
    assert_rate((trained == Job.MIGRANT).sum(), N, 1.5 * rates.p_find_migrant)


def test_labour_capacity_from_health():
    h = households(4, n_adult=2, illness=[0, 1, 2, 0], disability=[0, 0, 0, 2])
    upd = labour.step(h).updates
    assert upd["n_labour_full"].tolist() == [2, 1, 1, 1]
    assert upd["n_labour_partial"].tolist() == [0, 1, 0, 0]


def test_binomial_helper_gives_the_binomial_distribution_per_entry():
    counts = np.full(N, 3, dtype=np.int32)
    events = binomial_counts(np.random.default_rng(5), counts, 0.2)
    observed = np.bincount(events, minlength=4)
    expected = binom.pmf(range(4), 3, 0.2) * N
    assert chisquare(observed, expected).pvalue > 1e-3


@pytest.mark.parametrize("p", [0.0, 0.03, 0.5, 1.0])
def test_success_counting_kernels_agree(p):
    counts = np.random.default_rng(6).integers(0, 5, 2000).astype(np.int32)
    positions = success_positions(np.random.default_rng(7), int(counts.sum()), p)
    hits = hits_per_entry(counts, positions)
    assert hits.sum() == (positions < counts.sum()).sum()
    assert (hits <= counts).all()
    remaining = counts.copy()
    assert remove_hits(remaining, positions) == int((counts - hits).sum())
    assert remaining.tolist() == (counts - hits).tolist()


@pytest.mark.parametrize(
    ("true_poor", "income_pc", "u", "registered"),
    [
        (True, 1000.0, 0.09, True),  # identified: u below p_detect_new (0.1)
        (True, 1000.0, 0.11, False),  # missed this year (exclusion error)
        (False, 3500.0, 0.004, True),  # inclusion error: within 20% above the line
        (False, 3500.0, 0.006, False),
        (False, 4000.0, 0.001, False),  # too far above the line to be mistaken
    ],
)
def test_identification_and_inclusion_error(true_poor, income_pc, u, registered):
    h = households(1, reg=Registration.NEVER, true_poor=true_poor, income_pc=income_pc)
    rules = dataclasses.replace(
        DYN.registration, p_detect_new=0.1, p_false_registration=0.005, false_registration_band=0.2, lag_years=0
    )
    ctx = context(1, year=2018, u_registration=np.array([u], np.float32))  # line 2,995: 3,500 is near it
    effect = registration.step(h, rules, ctx)
    assert bool(effect.updates["reg"][0] == Registration.POOR) is registered
    assert effect.counts["newly_poor"].sum() == (1.0 if registered else 0.0)


def test_an_exit_records_its_year():
    h = households(2, true_poor=[False, True], income_pc=[9000.0, 100.0], inc_farm=[30000.0, 100.0])
    ctx = context(2, year=2019, u_registration=np.zeros(2, np.float32))
    effect = registration.step(h, DYN.registration, ctx)
    assert effect.updates["reg"].tolist() == [Registration.EXITED, Registration.POOR]
    assert effect.updates["exit_year"].tolist() == [2019, 0]


def _two_village_areas(relative: list[float]) -> Areas:
    """Two poor villages of county 0 (one group) with the given relative incidences."""
    n_counties = CONFIG.region.counties.total
    county_poor = np.zeros(n_counties, bool)
    county_poor[0] = True
    return Areas(
        village_county=np.zeros(2, np.int32),
        village_poor=np.ones(2, bool),
        village_deep=np.zeros(2, bool),
        county_poor=county_poor,
        county_deep=np.zeros(n_counties, bool),
        village_group=np.ones(2, np.int32),
        village_relative=np.asarray(relative),
        county_factor=np.ones(n_counties),
    )


def test_a_village_exits_when_its_estimated_incidence_falls_below_the_threshold():
    # The group (county 0's poor villages) has 3 registered of 100 residents: 3 %.  The village
    # whose relative incidence is 0.5 is at 1.5 % and exits; the one at 1.5 is at 4.5 % and stays.
    h = households(2, village=[0, 1], n_adult=[97, 3], reg=[Registration.NEVER, Registration.POOR], reg_size=[0, 3])
    effect = areas.step(h, None, context(2, areas=_two_village_areas([0.5, 1.5])))
    assert effect.areas["village_poor"].tolist() == [False, True]
    assert effect.areas["county_poor"][0]  # the county is at 3 %, above its 2 % threshold


def test_village_estimates_keep_each_groups_registered_persons_and_deep_villages_highest():
    region = CONFIG.region
    built = build_areas(region, CONFIG.population.areas, np.random.default_rng(3))
    groups = np.bincount(built.village_group, minlength=2 * region.counties.total)
    sums = np.bincount(built.village_group, built.village_relative, minlength=groups.size)
    assert sums[groups > 0] == pytest.approx(groups[groups > 0])  # relative incidences average 1 in every group
    deep, poor = region.villages.deep, region.villages.poor
    assert built.village_relative[:deep].mean() > built.village_relative[deep:poor].mean()
    deep_counties, poor_counties = (
        built.county_factor[: region.counties.deep],
        built.county_factor[: region.counties.poor],
    )
    assert deep_counties.min() >= poor_counties[region.counties.deep :].max()
