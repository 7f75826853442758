"""The campaign's mechanisms: stable exit, the deadline push, follow-up support, and their directions.

Unit cases pin each rule on hand-made households; direction cases run the model with a mechanism
stronger and weaker (common random numbers, small scale) and check that the outcome moves the way
the mechanism says, in every replicate.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.runner import run
from sim.policies import deadline_push, follow_up
from sim.processes import registration
from sim.state import ExitRoute, Job, Registration
from tests.helpers import context, households, small_config

CONFIG = small_config()
LINE_2018 = 2995.0
RULES = dataclasses.replace(
    CONFIG.dynamics.registration, p_verify_exit=1.0, exit_income_margin=0.3, exit_stable_years=2
)


@pytest.mark.parametrize(
    ("income_pc", "above_before", "exits"),
    [
        (1.1 * LINE_2018, 0, False),  # just above the line, first assessment: not yet stable
        (1.1 * LINE_2018, 1, True),  # second consecutive assessment above the line
        (1.31 * LINE_2018, 0, True),  # above the margin: stable at once
    ],
)
def test_exit_needs_a_margin_or_consecutive_years_above_the_line(income_pc, above_before, exits):
    h = households(
        1, true_poor=False, income_pc=income_pc, inc_farm=income_pc, above_line_years=above_before, n_adult=1
    )
    effect = registration.step(h, RULES, context(1, year=2018, u_registration=np.zeros(1, np.float32)))
    assert bool(effect.updates["reg"][0] == Registration.EXITED) is exits
    assert effect.updates["above_line_years"][0] == above_before + 1


def test_a_household_covered_by_the_guarantee_is_a_stable_exit_at_once():
    income = 1.1 * LINE_2018
    h = households(1, true_poor=False, income_pc=income, inc_farm=500.0, inc_guarantee=income - 500.0, guaranteed=True)
    effect = registration.step(h, RULES, context(1, year=2020, u_registration=np.zeros(1, np.float32)))
    assert effect.updates["reg"][0] == Registration.EXITED
    assert effect.updates["exit_route"][0] == ExitRoute.GUARANTEE


def test_the_push_raises_verification_above_the_rules():
    rules = dataclasses.replace(RULES, p_verify_exit=0.2)
    h = households(1, true_poor=False, income_pc=9000.0, inc_farm=9000.0)
    u = np.array([0.5], np.float32)
    plain = registration.step(h, rules, context(1, u_registration=u))
    pushed = registration.step(h, rules, context(1, u_registration=u, published={"verification_effort": 0.8}))
    assert plain.updates["reg"][0] == Registration.POOR and pushed.updates["reg"][0] == Registration.EXITED


def test_a_household_out_of_poverty_only_through_transfers_exits_once_covered():
    income = 1.2 * LINE_2018  # above the line with 低保, far below it without
    for covered in (False, True):
        h = households(
            1, true_poor=False, income_pc=income, inc_farm=500.0, inc_dibao=income - 500.0,
            above_line_years=5, guaranteed=covered,
        )  # fmt: skip
        effect = registration.step(h, RULES, context(1, year=2018, u_registration=np.zeros(1, np.float32)))
        assert bool(effect.updates["reg"][0] == Registration.EXITED) is covered


@pytest.mark.parametrize(
    ("ramp_years", "year", "effort"),
    [(2, 2017, 0.0), (2, 2018, 0.0), (2, 2019, 0.5), (2, 2020, 1.0), (2, 2021, 0.0), (3, 2018, 1 / 3), (1, 2019, 0.0)],
)
def test_verification_effort_rises_linearly_to_the_deadline(ramp_years, year, effort):
    params = dataclasses.replace(
        CONFIG.policy.deadline_push, deadline_year=2020, ramp_years=ramp_years, effort_at_deadline=1.0
    )
    assert deadline_push.verification_effort(params, year) == pytest.approx(effort)


def test_the_push_covers_those_who_cannot_clear_the_line_by_development():
    params = dataclasses.replace(
        CONFIG.policy.deadline_push, deadline_year=2020, ramp_years=2, top_up_ratio_to_line=1.1
    )
    # registered and poor by own income; registered and above it; exited and already covered
    h = households(
        3,
        reg=[Registration.POOR, Registration.POOR, Registration.EXITED],
        inc_farm=[1000.0, 9000.0, 1000.0],
        guaranteed=[False, False, True],
    )
    before = deadline_push.apply(h, params, context(3, year=2018, poverty_line=LINE_2018))
    assert not before.updates  # the push starts ramp_years before the deadline, counting the deadline year
    for year in (2020, 2023):  # from the deadline on, everyone who cannot clear the line is covered
        effect = deadline_push.apply(h, params, context(3, year=year, poverty_line=LINE_2018))
        assert effect.updates["guaranteed"].tolist() == [True, False, True]
        assert effect.updates["inc_guarantee"].tolist() == pytest.approx(
            [1.1 * LINE_2018 - 1000.0, 0.0, 1.1 * LINE_2018 - 1000.0]
        )
        assert effect.cost == pytest.approx(2 * (1.1 * LINE_2018 - 1000.0), rel=1e-6)


def test_the_cover_secures_housing_and_medical_care():
    params = dataclasses.replace(CONFIG.policy.deadline_push, deadline_year=2020, ramp_years=2)
    # an unsafe dwelling; out-of-pocket costs that would push income below the line; both fine
    h = households(
        3,
        inc_farm=[9000.0, 9000.0, 9000.0],
        housing_safe=[False, True, True],
        med_gross=[0.0, 8000.0, 500.0],
        med_oop=[0.0, 8000.0, 500.0],
    )
    effect = deadline_push.apply(h, params, context(3, year=2020, poverty_line=LINE_2018))
    assert not effect.updates["guaranteed"].any()  # their own income clears the line: no income cover for good
    assert effect.updates["housing_safe"].all()
    # medical assistance pays what would take the household below the line, no more
    assert effect.updates["med_oop"].tolist() == pytest.approx([0.0, 9000.0 - LINE_2018, 500.0])
    renovation = params.renovation_cost_per_household
    assert effect.cost == pytest.approx(renovation + 8000.0 - (9000.0 - LINE_2018), rel=1e-6)


def test_the_register_takes_no_new_households_from_the_deadline_year():
    config = small_config()
    h = households(2, reg=[Registration.NEVER, Registration.EXITED], true_poor=True, exit_year=[0, 2018])
    ctx = context(2, year=2020, u_registration=np.zeros(2), published={"register_closed": 1.0})
    effect = registration.step(h, config.dynamics.registration, ctx)
    assert effect.updates["reg"].tolist() == [Registration.NEVER, Registration.POOR]  # returns are still found
    ctx = context(2, year=2019, u_registration=np.zeros(2))
    effect = registration.step(h, config.dynamics.registration, ctx)
    assert effect.updates["reg"].tolist() == [Registration.POOR, Registration.POOR]


def test_the_deadline_year_counts_a_developed_household_as_stably_out_at_once():
    config = small_config()
    # own income just above the line (below the stable margin), first year above it
    h = households(1, inc_farm=LINE_2018 * 1.01, income_pc=LINE_2018 * 1.01, above_line_years=0)
    rules = dataclasses.replace(config.dynamics.registration, exit_income_margin=0.3, p_verify_exit=1.0)
    for published, exits in (({}, False), ({"final_verification": 1.0}, True)):
        ctx = context(1, year=2020, poverty_line=LINE_2018, u_registration=np.zeros(1), published=published)
        effect = registration.step(h, rules, ctx)
        assert (effect.updates["reg"][0] == Registration.EXITED) == exits


def test_the_cover_reaches_the_push_progress_share_each_year():
    params = dataclasses.replace(CONFIG.policy.deadline_push, deadline_year=2020, ramp_years=4)
    n = 20_000
    h = households(n, reg=Registration.POOR, inc_farm=1000.0)
    u_alloc = np.random.default_rng(1).random(n)
    effect = deadline_push.apply(h, params, context(n, year=2018, poverty_line=LINE_2018, u_alloc=u_alloc))
    assert effect.updates["guaranteed"].mean() == pytest.approx(0.5, abs=0.02)  # second of four push years


@pytest.mark.parametrize(("p_find", "intensity", "supported"), [(1.0, 1.0, True), (0.0, 1.0, False), (1.0, 0.0, False)])
def test_follow_up_tops_up_exited_households_below_the_line(p_find, intensity, supported):
    params = dataclasses.replace(CONFIG.policy.follow_up, p_find=p_find, top_up_ratio_to_line=1.0)
    h = households(2, reg=[Registration.EXITED, Registration.POOR], inc_farm=[1000.0, 1000.0], job=Job.FARMING)
    ctx = context(2, poverty_line=LINE_2018, published={"intensity": {"follow_up": intensity}})
    effect = follow_up.apply(h, params, ctx)
    paid = effect.updates.get("inc_guarantee", np.zeros(2, np.float32))
    assert paid.tolist() == pytest.approx([LINE_2018 - 1000.0 if supported else 0.0, 0.0])  # never the registered


def _total(table, metric, first, last):
    rows = table[(table["metric"] == metric) & table["year"].between(first, last)]
    return rows.groupby("replicate")["value"].sum().to_numpy()


def _lower(a, b) -> bool:
    """``a`` below ``b``: never above it in a replicate, below it in total (rare events may tie at small scale)."""
    return bool((a <= b).all() and a.sum() < b.sum())


def _runs(*variants: tuple[str, ...]):
    return [run(small_config("replicates=3", *variant)).table for variant in variants]


def test_the_deadline_push_clears_more_of_the_register_by_the_deadline():
    pushed, unpushed = _runs((), ("policy/deadline_push=none",))
    left = [_total(t, "cohort_registered", 2020, 2020) for t in (pushed, unpushed)]
    assert (left[0] < left[1]).all()
    guarantee = [_total(t, "exits_guarantee", 2020, 2020) for t in (pushed, unpushed)]
    assert (guarantee[0] > guarantee[1]).all()  # the push lifts the last ones through the guarantee


def test_removing_follow_up_support_raises_fallbacks_and_returns():
    kept, removed = _runs((), ("policy/follow_up=none",))
    for metric in ("fallbacks", "returns"):
        assert _lower(_total(kept, metric, 2019, 2025), _total(removed, metric, 2019, 2025)), metric


def test_a_stricter_stable_exit_test_lowers_campaign_returns():
    loose, strict = _runs(
        ("dynamics.registration.exit_income_margin=0", "dynamics.registration.exit_stable_years=1"),
        ("dynamics.registration.exit_income_margin=0.5", "dynamics.registration.exit_stable_years=3"),
    )
    assert _lower(_total(strict, "returns", 2018, 2020), _total(loose, "returns", 2018, 2020))


def test_the_guarantee_route_grows_toward_the_deadline():
    (table,) = _runs(())
    share = [_total(table, "exits_guarantee", y, y) / _total(table, "exits", y, y) for y in (2018, 2020)]
    assert (share[1] > share[0]).all()


def test_guarantee_exits_record_their_route():
    h = households(1, true_poor=False, income_pc=3500.0, inc_farm=500.0, inc_guarantee=3000.0, guaranteed=True)
    effect = registration.step(h, RULES, context(1, year=2018, u_registration=np.zeros(1, np.float32)))
    assert effect.updates["exit_route"][0] == ExitRoute.GUARANTEE


def test_poor_villages_with_a_higher_starting_incidence_exit_later():
    low, high = _runs(
        ("population.areas.poor_village_incidence_ratio=1.5",),
        ("population.areas.poor_village_incidence_ratio=4",),
    )
    exited = [_total(t, "poor_villages", 2017, 2017) - _total(t, "poor_villages", 2018, 2018) for t in (low, high)]
    assert (exited[1] < exited[0]).all()
