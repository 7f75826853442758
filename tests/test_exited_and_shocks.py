"""The households that left the register before the start, and shocks that strike many at once.

Measured through the model and the command line's configuration: exited cohorts as published,
their place in every mechanism that acts on exited households, the denominators of published
shares, and area disasters and labour-market shocks with their direction and their reach.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.compose import UsageError, load_config
from sim import population
from sim.model import PovertyModel
from sim.policies.base import target_group
from sim.region import ExitedBeforeStart
from sim.rng import POPULATION, make_streams
from sim.state import ExitRoute, Registration, Stratum
from tests.helpers import context

SCALE = ["population.scale=200"]


def _run(*overrides: str) -> dict[int, dict[str, float]]:
    model = PovertyModel(load_config([*SCALE, *overrides]))
    model.run()
    return {row["year"]: row for row in model.history}


@pytest.fixture(scope="module")
def baseline() -> dict[int, dict[str, float]]:
    return _run()


# --- exited cohorts -------------------------------------------------------------------------


def test_cohorts_from_stocks_share_a_gap_by_published_exits():
    published = ExitedBeforeStart(register_stock={2013: 698.0, 2014: 576.0, 2015: 430.0}, exits={2016: 110, 2017: 90})
    cohorts = published.cohorts(2018, 230.0)
    assert cohorts[2014] == pytest.approx(122.0) and cohorts[2015] == pytest.approx(146.0)
    assert cohorts[2016] == pytest.approx(200.0 * 110 / 200) and cohorts[2017] == pytest.approx(200.0 * 90 / 200)
    assert sum(cohorts.values()) == pytest.approx(698.0 - 230.0)


def test_cohorts_from_stocks_alone_split_a_gap_evenly_and_from_exits_alone_are_the_exits():
    assert ExitedBeforeStart(register_stock={2014: 400.0}).cohorts(2018, 100.0) == pytest.approx(
        {2015: 100.0, 2016: 100.0, 2017: 100.0}
    )
    assert ExitedBeforeStart(exits={2016: 40.0, 2017: 60.0}).cohorts(2018, 100.0) == {2016: 40.0, 2017: 60.0}
    partial = ExitedBeforeStart(register_stock={2014: 500.0}, exits={2015: 250.0}).cohorts(2018, 100.0)
    assert partial == pytest.approx({2015: 250.0, 2016: 75.0, 2017: 75.0})
    assert ExitedBeforeStart().cohorts(2018, 100.0) == {}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("region.exited_before_start.register_stock.2017=3000000", "exited_before_start.register_stock.2017: got 2017"),
        ("region.exited_before_start.exits.2018=1000", "exited_before_start.exits.2018: got 2018"),
        (
            "region.exited_before_start.register_stock.2015=2000000",
            "register_stock.2015: got 2000000.0; allowed: at least the stock of 2017",
        ),
        (
            "region.rural_population_persons=5000000",
            "rural_population_persons: got 5000000.0; allowed: at least registered_poor_persons",
        ),
    ],
)
def test_bad_exited_figures_are_refused_with_the_key(override, message):
    with pytest.raises(UsageError, match=message.replace(".", r"\.")):
        load_config([*SCALE, override])


def test_henan_starts_with_its_published_exited_persons_as_exited_households():
    config = load_config(SCALE)
    model = PovertyModel(config)
    h = model.h
    earlier = h.stratum == Stratum.EXITED
    assert model.initial["exited_persons"] == pytest.approx(4_766_000, rel=1e-9)
    assert np.all(h.reg[earlier] == Registration.EXITED)
    assert set(np.unique(h.exit_year[earlier])) == {2014, 2015, 2016, 2017}
    assert set(np.unique(h.exit_route[earlier])) == {ExitRoute.DEVELOPMENT, ExitRoute.GUARANTEE}
    # Guarantee exits stay covered by 兜底; development exits cleared the line by themselves.
    assert np.all(h.guaranteed[earlier & (h.exit_route == ExitRoute.GUARANTEE)])
    developed = earlier & (h.exit_route == ExitRoute.DEVELOPMENT)
    assert np.all(h.income_pc[developed] >= config.region.poverty_line.at(2017) * 0.999)
    # Everything that serves exited households serves them (脱贫不脱政策).
    served = target_group(h, context(h.n, config=config), "industry")
    assert served[earlier & (h.size > 0)].all()
    # Persons by cohort follow the published figures (sampling noise of household sizes only).
    persons = h.weight * h.reg_size
    for cohort, published in config.region.exit_cohorts.items():
        assert persons[earlier & (h.exit_year == cohort)].sum() == pytest.approx(published, rel=0.05)


def test_earlier_cohorts_are_less_ill_and_disabled():
    config = load_config(["population.scale=20"])
    h, _ = population.synthesise(config.region, config.population, make_streams(0, 0)[POPULATION])
    earlier = h.stratum == Stratum.EXITED
    affected = (h.illness != 0) | (h.disability != 0)
    first, last = earlier & (h.exit_year == 2014), earlier & (h.exit_year == 2017)
    assert affected[first].mean() < affected[last].mean()


def test_a_region_without_exited_cohorts_has_none_and_the_same_other_households():
    config = load_config([*SCALE, "region=luoyang"])
    assert config.region.exited_persons == 0
    plain, _ = population.synthesise(config.region, config.population, make_streams(0, 0)[POPULATION])
    assert not (plain.stratum == Stratum.EXITED).any() and not (plain.reg == Registration.EXITED).any()
    model = PovertyModel(config)
    assert model.initial["exited_persons"] == 0
    first = model.run()[0]
    assert first["returns"] == 0  # nobody has exited before the first year's exits
    with_cohorts = load_config([*SCALE, "region=luoyang", "region.exited_before_start.exits.2014=100000"])
    h, _ = population.synthesise(with_cohorts.region, with_cohorts.population, make_streams(0, 0)[POPULATION])
    # The exited persons come out of the rest of the rural population; the register and the
    # near-poor are drawn first, from the same draws, so they are the same households.
    kept = (h.stratum == Stratum.REGISTERED) | (h.stratum == Stratum.NEAR_POOR)
    before = (plain.stratum == Stratum.REGISTERED) | (plain.stratum == Stratum.NEAR_POOR)
    for column in ("n_child", "n_adult", "n_elder", "illness", "disability", "skill", "housing_safe", "job"):
        assert np.array_equal(getattr(h, column)[kept], getattr(plain, column)[before]), column


def test_first_year_returns_are_above_zero_and_a_small_share_of_exits(baseline):
    first = baseline[2018]
    assert 0 < first["returns"] < 0.02 * first["exits"]


def test_unstable_households_are_a_real_share_of_the_monitored(baseline):
    first = baseline[2021]
    assert 0.15 < first["monitored_unstable"] / first["monitored"] < 0.6
    assert baseline[2025]["exited_persons"] > baseline[2018]["exited_persons"] > 4_766_000


# --- shocks -----------------------------------------------------------------------------------


def test_a_pinned_disaster_strikes_only_its_counties():
    calm = ["dynamics.shocks.disaster.p_county=0"]
    pinned = "dynamics.shocks.disaster.pinned=[{year:2019,county_ids:[3,7]}]"
    struck_model = PovertyModel(load_config([*SCALE, *calm, pinned, "dynamics.shocks.disaster.p_village=1"]))
    calm_model = PovertyModel(load_config([*SCALE, *calm, "dynamics.shocks.disaster.p_village=1"]))
    for model in (struck_model, calm_model):
        model.step()  # 2018
        model.step()  # 2019
    h, other = struck_model.h, calm_model.h
    struck = h.disaster_year == 2019
    assert struck.any() and set(np.unique(h.county[struck])) == {3, 7}
    assert np.all(struck == np.isin(h.county, [3, 7]))  # every village of the counties, at p_village = 1
    assert not (other.disaster_year > 0).any()
    # Common random numbers: outside the struck counties farm incomes are the same to the yuan.
    outside = ~np.isin(h.county, [3, 7])
    assert np.array_equal(h.inc_farm[outside], other.inc_farm[outside])
    assert np.all(h.inc_farm[struck] <= other.inc_farm[struck]) and (h.inc_farm[struck] < other.inc_farm[struck]).any()
    assert (~h.housing_safe[struck]).sum() > (~other.housing_safe[struck]).sum()


def test_pinned_counties_outside_the_region_are_refused():
    with pytest.raises(UsageError, match=r"dynamics\.shocks\.disaster\.pinned\[0\]\.county_ids\[0\]: got 500"):
        load_config([*SCALE, "dynamics.shocks.disaster.pinned=[{year:2021,county_ids:[500]}]"])


def test_flood_2021_raises_returns_fallbacks_and_hardship(baseline):
    flood = _run("scenario=flood_2021")
    for year in (2018, 2019, 2020):
        assert flood[year] == baseline[year]  # nothing before the flood changes
    assert flood[2021]["true_poor"] > baseline[2021]["true_poor"]
    assert flood[2021]["new_fallbacks"] > baseline[2021]["new_fallbacks"]
    assert flood[2021]["monitored_hardship"] > baseline[2021]["monitored_hardship"]
    # Under the calibrated re-registration (5 % a year) returns are rare events at the test's scale;
    # with more of it the flood's extra returns stand above the noise of a small sample.
    detect = "dynamics.registration.p_detect_return=0.5"
    assert _run("scenario=flood_2021", detect)[2021]["returns"] > _run(detect)[2021]["returns"]


def test_migrant_shock_2020_raises_returns_and_fallbacks(baseline):
    shock = _run("scenario=migrant_shock_2020")
    assert shock[2019] == baseline[2019]
    detect = "dynamics.registration.p_detect_return=0.5"  # returns as frequent events (see the flood's test)
    assert _run("scenario=migrant_shock_2020", detect)[2020]["returns"] > _run(detect)[2020]["returns"]
    assert shock[2020]["new_fallbacks"] > baseline[2020]["new_fallbacks"]
    assert shock[2020]["true_poor"] > baseline[2020]["true_poor"]


def test_a_labour_market_shock_in_the_monitoring_years_raises_hardship(baseline):
    shock = _run("dynamics.shocks.labour_market.pinned_years=[2022]")
    assert shock[2022]["monitored_hardship"] > baseline[2022]["monitored_hardship"]
    assert shock[2022]["new_fallbacks"] > baseline[2022]["new_fallbacks"]


def test_a_background_labour_market_shock_year_is_drawn_once_for_everyone():
    every_year = _run("dynamics.shocks.labour_market.p_year=1")
    never = _run("dynamics.shocks.labour_market.p_year=0")
    assert all(every_year[y]["true_poor"] > never[y]["true_poor"] for y in (2018, 2019))
