"""Each policy lever at its thresholds (table-driven), and ``enabled: false`` as an exact no-op."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.runner import run
from sim import steps
from sim.policies import (
    base,
    dibao,
    guarantee,
    health_insurance,
    housing,
    industry,
    monitoring,
    pension,
    public_posts,
    relocation,
    training,
    transfer_employment,
    transition,
    workshops,
)
from sim.processes import income
from sim.state import Job, MonitorCategory, Registration, SideJob
from tests.helpers import context, households, small_config

POLICY = small_config().policy
LINE_2018 = 2995.0
STANDARD_2018 = 3450.0  # Henan's published 低保 standard used by the default (absolute) mode


def dibao_benefit(params=None, u=0.5, **columns) -> float:
    h = households(1, **columns)
    effect = dibao.apply(h, params or POLICY.dibao, context(1, u_target=np.array([u], np.float32)))
    return float(effect.updates["inc_dibao"][0])


@pytest.mark.parametrize(
    ("case", "columns", "expected"),
    [
        ("gap filled below the standard", {"n_labour_full": 0, "inc_farm": 1000}, STANDARD_2018 - 1000),
        ("one yuan below", {"n_labour_full": 0, "inc_farm": 3449}, 1.0),
        ("at the standard: not eligible", {"n_labour_full": 0, "inc_farm": 3450}, 0.0),
        ("full labour excluded (兜底 rule)", {"n_labour_full": 1, "inc_farm": 1000}, 0.0),
        ("medical spending deducted", {"n_labour_full": 0, "inc_farm": 4000, "med_oop": 1000}, STANDARD_2018 - 3000),
        ("work-cost disregard 10%", {"n_labour_full": 0, "inc_wage": 3500}, STANDARD_2018 - 3150),
        ("pension counted", {"n_labour_full": 0, "inc_pension": 1176}, STANDARD_2018 - 1176),
        (
            "two persons: gap per person",
            {"n_labour_full": 0, "n_adult": 1, "n_child": 1, "inc_farm": 2000},
            2 * (STANDARD_2018 - 1000),
        ),
        (
            "特困: no working-age member",
            {"n_adult": 0, "n_elder": 1, "index_band": 2, "n_labour_full": 0, "inc_farm": 1000},
            1.3 * STANDARD_2018 - 1000,
        ),
        (
            "渐退期: benefit kept one more year",
            {"n_labour_full": 0, "inc_farm": 5000, "dibao": True, "dibao_grace": 1, "inc_dibao": 500},
            500.0,
        ),
        (
            "渐退期 exhausted",
            {"n_labour_full": 0, "inc_farm": 5000, "dibao": True, "dibao_grace": 0, "inc_dibao": 500},
            0.0,
        ),
        (
            "单人保 for a severely ill member",
            {"n_adult": 2, "n_labour_full": 1, "illness": 2, "inc_farm": 10000},
            STANDARD_2018,
        ),
        (
            "no 单人保 for a registered household above the low-income line",
            {"n_adult": 2, "n_labour_full": 1, "illness": 2, "inc_farm": 11000},
            0.0,
        ),
        (
            "no 单人保 outside the register",
            {"n_adult": 2, "n_labour_full": 1, "illness": 2, "inc_farm": 10000, "reg": Registration.NEVER},
            0.0,
        ),
    ],
)
def test_dibao_thresholds(case, columns, expected):
    assert dibao_benefit(**columns) == pytest.approx(expected, abs=0.01), case


@pytest.mark.parametrize(
    ("u", "expected"),
    [(0.0, STANDARD_2018 - 1000), (0.85, STANDARD_2018 - 1000), (0.86, 0.0)],  # take-up 0.9 x (1 - 0.05)
)
def test_dibao_take_up_and_exclusion(u, expected):
    assert dibao_benefit(u=u, n_labour_full=0, inc_farm=1000) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(("u", "expected"), [(0.02, 0.0), (0.5, 0.0)])
def test_dibao_inclusion_error_pays_nothing_above_standard(u, expected):
    # Wrongly enrolled households above the standard are on the roll but receive no gap payment.
    assert dibao_benefit(u=u, n_labour_full=1, inc_farm=4000) == pytest.approx(expected)


def test_dibao_relative_standard():
    params = dataclasses.replace(POLICY.dibao, standard_mode=dibao.StandardMode.RELATIVE, standard_ratio_to_line=1.2)
    assert dibao_benefit(params, n_labour_full=0, inc_farm=0) == pytest.approx(1.2 * LINE_2018, rel=1e-6)


def test_dibao_low_income_single_person_scope():
    params = dataclasses.replace(POLICY.dibao, single_person_scope=dibao.SinglePersonScope.LOW_INCOME)
    near = {"n_adult": 2, "n_labour_full": 1, "disability": 2, "reg": Registration.NEVER}
    assert dibao_benefit(params, inc_farm=9000, **near) == pytest.approx(STANDARD_2018)  # 4500 < 1.5 x std
    assert dibao_benefit(params, inc_farm=11000, **near) == 0.0  # 5500 > 1.5 x std


def test_pension_pays_elders_and_contributions():
    h = households(2, n_elder=[2, 0], n_adult=[0, 2], dibao=[False, True], weight=[10.0, 10.0])
    effect = pension.apply(h, POLICY.pension, context(2))
    assert effect.updates["inc_pension"].tolist() == [2 * 98 * 12, 0]
    assert effect.cost == pytest.approx(10 * 2 * 98 * 12 + 10 * 2 * 100)


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"n_labour_full": 0, "inc_farm": 1000}, 1.05 * LINE_2018 - 1000),
        ({"n_labour_full": 0, "inc_farm": 1000, "disability": 1}, 1.05 * LINE_2018 - 1000),  # subsidy counted
        ({"n_labour_full": 0, "inc_farm": 4000}, 0.0),
        ({"n_labour_full": 1, "inc_farm": 1000}, 0.0),
        ({"n_labour_full": 0, "inc_farm": 1000, "reg": Registration.NEVER}, 0.0),
    ],
)
def test_guarantee_top_up(columns, expected):
    effect = guarantee.apply(households(1, **columns), POLICY.guarantee, context(1))
    assert float(effect.updates["inc_guarantee"][0]) == pytest.approx(expected, abs=0.01)


def test_allocate_by_need_not_array_order():
    need = np.array([1.0, 3.0, 2.0, 3.0])
    tie = np.array([0.9, 0.2, 0.5, 0.1])
    weight = np.ones(4)
    chosen = base.allocate(np.ones(4, bool), need, tie, weight, capacity=2)
    assert chosen.tolist() == [False, True, False, True]
    order = np.array([3, 2, 1, 0])
    reversed_choice = base.allocate(np.ones(4, bool), need[order], tie[order], weight, capacity=2)
    assert reversed_choice[np.argsort(order)].tolist() == chosen.tolist()


def test_allocate_keeps_incumbents_and_respects_capacity():
    need = np.array([0.0, 5.0, 9.0])
    chosen = base.allocate(
        np.ones(3, bool),
        need,
        np.zeros(3),
        np.array([2.0, 2.0, 2.0]),
        capacity=4.5,
        incumbent=np.array([True, False, False]),
    )
    assert chosen.tolist() == [True, False, True]


def _allocate_by_full_sort(need, tie, weight, capacity):
    """Reference rule: sort everyone by (need desc, tie asc), take the longest prefix that fits."""
    order = np.lexsort((tie, -need))
    n_fit = int(np.searchsorted(np.cumsum(weight[order]), capacity + 1e-9, side="right"))
    chosen = np.zeros(need.size, dtype=bool)
    chosen[order[:n_fit]] = True
    return chosen


@pytest.mark.parametrize("seed", range(40))
def test_allocate_equals_a_full_sort(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    need = rng.integers(0, 12, n).astype(float)  # many ties in need
    tie = rng.random(n)
    weight = rng.choice([1.0, 3.0, 20.0], n) if seed % 2 else np.full(n, 20.0)
    capacity = float(rng.uniform(0, weight.sum() * 1.2))
    chosen = base.allocate(np.ones(n, bool), need, tie, weight, capacity)
    assert chosen.tolist() == _allocate_by_full_sort(need, tie, weight, capacity).tolist()
    assert weight[chosen].sum() <= capacity + 1e-9


@pytest.mark.parametrize("seed", range(12))
def test_allocate_through_served_indices_equals_allocate_on_their_copies(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300))
    among = np.flatnonzero(rng.random(n) < 0.4)
    need, tie, weight = rng.integers(0, 8, among.size).astype(float), rng.random(n), rng.choice([1.0, 5.0], n)
    eligible, incumbent = rng.random(among.size) < 0.8, rng.random(among.size) < 0.3
    capacity = float(rng.uniform(0, weight.sum() * 0.6))
    through = base.allocate(eligible, need, tie, weight, capacity, incumbent=incumbent, among=among)
    copied = base.allocate(eligible, need, tie[among], weight[among], capacity, incumbent=incumbent)
    assert through.tolist() == copied.tolist()


def test_served_indices_follow_a_change_of_registration_within_the_year():
    h = households(4, reg=np.array([Registration.POOR, Registration.NEVER, Registration.EXITED, Registration.POOR]))
    ctx = context(4)
    assert base.served(h, ctx, "public_posts").tolist() == [0, 2, 3]
    assert base.served(h, context(4, published={"intensity": {"public_posts": 0.0}}), "public_posts").tolist() == [0, 3]
    registered = h.replace(
        reg=np.array([Registration.NEVER, Registration.POOR, Registration.EXITED, Registration.POOR], np.uint8)
    )
    assert base.served(registered, ctx, "public_posts").tolist() == [1, 2, 3]  # a new array: found anew
    emptied = registered.replace(size=np.array([3, 0, 3, 3], registered.size.dtype))
    assert base.served(emptied, ctx, "public_posts").tolist() == [2, 3]
    assert base.target_group(emptied, ctx, "public_posts").tolist() == [False, False, True, True]


def test_public_posts_are_side_jobs_for_the_neediest_who_stay_home():
    h = households(
        5,
        income_pc_prev=[500, 100, 300, 50, 400],
        job=[Job.FARMING, Job.FARMING, Job.FARMING, Job.MIGRANT, Job.NONE],
        n_labour_full=[0, 1, 1, 1, 0],
        n_labour_partial=[1, 0, 0, 0, 0],
    )
    effect = public_posts.apply(h, dataclasses.replace(POLICY.public_posts, capacity=2), context(5))
    # a migrant household and one without labour are not eligible; the partly able move up the queue
    assert (effect.updates["side_job"] == SideJob.PUBLIC_POST).tolist() == [True, True, False, False, False]
    assert "job" not in effect.updates  # the main job (and the farm) stays
    assert effect.updates["side_wage"].tolist() == [6000, 6000, 0, 0, 0]
    assert effect.cost == pytest.approx(2 * 6000)


def test_public_post_released_when_capacity_shrinks_or_the_household_migrates():
    h = households(3, side_job=SideJob.PUBLIC_POST, side_wage=6000.0, income_pc_prev=[100, 200, 50])
    h = h.replace(job=np.array([Job.FARMING, Job.FARMING, Job.MIGRANT], np.uint8))
    effect = public_posts.apply(h, dataclasses.replace(POLICY.public_posts, capacity=1), context(3))
    assert effect.updates["side_job"].tolist() == [SideJob.PUBLIC_POST, SideJob.NONE, SideJob.NONE]
    assert effect.updates["side_wage"].tolist() == [6000, 0, 0]


def test_a_post_adds_its_pay_and_keeps_most_of_the_farm():
    config = small_config()
    params = config.dynamics.income
    plain = households(1, n_labour_full=1, job=Job.FARMING)
    posted = plain.replace(side_job=np.array([SideJob.PUBLIC_POST], np.uint8), side_wage=np.array([6000], np.float32))
    ctx = context(1)
    a = income.step(plain, params, ctx).updates
    b = income.step(posted, params, ctx).updates
    assert b["inc_wage"][0] == pytest.approx(a["inc_wage"][0] + 6000)
    assert b["inc_farm"][0] == pytest.approx(a["inc_farm"][0] * (1 - params.side_job_labour_unit), rel=1e-5)
    assert b["inc_wage"][0] + b["inc_farm"][0] > a["inc_wage"][0] + a["inc_farm"][0]


def test_workshops_are_for_those_tied_to_home_and_the_relocated():
    # partly able; a carer of a severely disabled member; a free full labourer; relocated
    h = households(
        4,
        income_pc_prev=[100, 100, 50, 5000],
        n_labour_full=[0, 1, 1, 1],
        n_labour_partial=[1, 0, 0, 0],
        n_adult=[1, 2, 1, 1],
        disability=[0, 2, 0, 0],
        relocated_year=[0, 0, 0, 2018],
    )
    effect = workshops.apply(h, dataclasses.replace(POLICY.workshops, capacity=10), context(4))
    assert effect.updates["job"].tolist() == [Job.WORKSHOP, Job.WORKSHOP, Job.FARMING, Job.WORKSHOP]


def test_carers_are_not_placed_away_from_home():
    h = households(2, n_adult=2, illness=[2, 0])
    effect = transfer_employment.apply(
        h, dataclasses.replace(POLICY.transfer_employment, placements_per_year=5), context(2)
    )
    assert effect.updates["job"].tolist() == [Job.FARMING, Job.MIGRANT]


def test_relocated_households_with_labour_get_a_job_on_moving():
    h = households(2, deep_village=True, n_labour_full=[1, 0], n_labour_partial=[0, 1], income_pc_prev=[100, 200])
    params = dataclasses.replace(POLICY.relocation, quota_persons_by_year={2018: 10.0})
    effect = relocation.apply(h, params, context(2))
    assert effect.updates["relocated_year"].tolist() == [2018, 2018]
    assert effect.updates["job"].tolist() == [Job.LOCAL_WAGE, Job.FARMING]  # "每户至少有1人就业"


def test_transfer_employment_needs_full_labour():
    h = households(2, n_labour_full=[0, 1], n_labour_partial=[1, 0])
    effect = transfer_employment.apply(
        h, dataclasses.replace(POLICY.transfer_employment, placements_per_year=5), context(2)
    )
    assert effect.updates["job"].tolist() == [Job.FARMING, Job.MIGRANT]
    assert effect.cost == pytest.approx(1000)


@pytest.mark.parametrize("u", [0.0, 0.1, 0.37, 0.5, 0.93])
def test_training_coverage_follows_the_lever_key(u):
    ctx = context(1, year=2019, u_alloc=np.array([u]))
    effect = training.apply(households(1), dataclasses.replace(POLICY.training, coverage=0.3), ctx)
    trained = effect.updates["trained_until"][0] == 2019 + POLICY.training.effect_years - 1
    assert trained == (ctx.lever_key("training")[0] < 0.3)


@pytest.mark.parametrize(
    ("trained_until", "year", "multiplier"), [(2020, 2019, 1.5), (2020, 2020, 1.0), (0, 2019, 1.0)]
)
def test_training_raises_next_years_job_finding_while_effective(trained_until, year, multiplier):
    # The column the employment process reads next year: raised while the training lasts.
    h = households(1, trained_until=trained_until, job=Job.MIGRANT)  # a migrant is not trained again
    params = dataclasses.replace(POLICY.training, finding_multiplier=1.5)
    effect = training.apply(h, params, context(1, year=year))
    assert effect.updates["finding_multiplier"][0] == multiplier


def test_relocation_quota_in_persons():
    h = households(3, n_adult=3, n_labour_full=3, deep_village=[True, True, False], income_pc_prev=[900, 100, 50])
    params = dataclasses.replace(POLICY.relocation, quota_persons_by_year={2018: 3.0})
    effect = relocation.apply(h, params, context(3))
    assert effect.updates["relocated_year"].tolist() == [0, 2018, 0]
    assert effect.updates["housing_safe"].all()
    assert effect.cost == pytest.approx(3 * 60_000)


def test_housing_quota_and_after_listed_years():
    params = dataclasses.replace(POLICY.housing, quota_households_by_year={2018: 1.0}, quota_after_listed=2.0)
    assert [housing.quota(params, y) for y in (2017, 2018, 2019)] == [0.0, 1.0, 2.0]
    h = households(3, housing_safe=False, income_pc_prev=[3, 1, 2])
    effect = housing.apply(h, params, context(3))
    assert effect.updates["housing_safe"].tolist() == [False, True, False]


def test_health_tiers_lower_out_of_pocket_for_target_group():
    gross = 50_000.0
    h = households(2, med_gross=gross, med_oop=20_000.0, reg=[Registration.POOR, Registration.NEVER])
    effect = health_insurance.apply(h, dataclasses.replace(POLICY.health_insurance, oop_cap_share=0.1), context(2))
    oop = effect.updates["med_oop"]
    assert oop[0] <= 0.1 * gross + 1e-3
    assert oop[1] == 20_000.0


def test_industry_raises_farm_income_or_pays_dividend():
    h = households(2, n_labour_full=[1, 0], inc_farm=1000.0)
    ctx = context(2, u_alloc=np.array([0.1, 0.1]))
    covered = ctx.lever_key("industry") < 0.8
    effect = industry.apply(h, dataclasses.replace(POLICY.industry, coverage=0.8), ctx)
    assert effect.updates["inc_farm"].tolist() == [1400.0 if covered[0] else 1000.0, 1000.0]
    assert effect.updates["inc_property"][1] == (800.0 if covered[1] else 0.0)


@pytest.mark.parametrize(
    ("year", "income_pc", "flagged"),
    [(2020, 1000, False), (2021, 3000, True), (2021, 1.19 * LINE_2018, True), (2021, 1.21 * LINE_2018, False)],
)
def test_monitoring_threshold(year, income_pc, flagged):
    params = dataclasses.replace(POLICY.monitoring, p_detect=1.0, threshold_ratio=1.2, lag_years=0)
    h = households(1, reg=Registration.EXITED, income_pc=income_pc, income_pc_prev=income_pc)
    ctx = context(1, year=year, poverty_line=LINE_2018)
    effect = monitoring.apply(h, params, ctx)
    assert bool(effect.updates.get("monitored", np.array([False]))[0]) is flagged


def test_monitoring_flags_income_drop_only_in_hardship():
    params = dataclasses.replace(POLICY.monitoring, hardship_ratio=2.0, p_detect=1.0, lag_years=0)
    h = households(2, reg=Registration.EXITED, income_pc=[5000, 7000], income_pc_prev=[9000, 12000])
    effect = monitoring.apply(h, params, context(2, year=2021))
    assert effect.updates["monitored"].tolist() == [True, False]  # below 2x the line, and not


@pytest.mark.parametrize(("flag_assisted", "flagged"), [(False, False), (True, True)])
def test_monitoring_leaves_households_secured_by_dibao_to_dibao(flag_assisted, flagged):
    params = dataclasses.replace(POLICY.monitoring, p_detect=1.0, flag_assisted=flag_assisted)
    income = 1.1 * LINE_2018  # below the monitoring line, above the poverty line: at risk by income only
    h = households(1, reg=Registration.EXITED, income_pc=income, income_pc_prev=income, dibao=True)
    effect = monitoring.apply(h, params, context(1, year=2021, poverty_line=LINE_2018))
    assert bool(effect.updates["monitored"][0]) is flagged


@pytest.mark.parametrize(
    ("mode", "year", "expected"),
    [
        (transition.Mode.KEEP, 2023, 1.0),
        (transition.Mode.WITHDRAW, 2020, 1.0),
        (transition.Mode.WITHDRAW, 2021, 0.0),
        (transition.Mode.PHASED, 2021, 2 / 3),
        (transition.Mode.PHASED, 2022, 1 / 3),
        (transition.Mode.PHASED, 2023, 0.0),
    ],
)
def test_transition_intensity(mode, year, expected):
    params = dataclasses.replace(POLICY.transition, mode=mode, phase_years=3)
    assert transition.intensity(params, year, "public_posts") == pytest.approx(expected)
    assert transition.intensity(params, year, "dibao") == 1.0  # 兜底 stays stable


def test_withdrawal_removes_exited_households_from_target_group():
    h = households(1, reg=Registration.EXITED)
    kept = context(1)
    withdrawn = context(1, published={"intensity": {"public_posts": 0.0}})
    assert base.target_group(h, kept, "public_posts")[0]
    assert not base.target_group(h, withdrawn, "public_posts")[0]


@pytest.mark.parametrize("lever", [lv for lv in steps.levers() if lv.apply is not None], ids=lambda lv: lv.name)
def test_disabled_lever_is_exact_no_op(lever):
    name = lever.name
    config = small_config()
    h = households(
        5,
        n_labour_full=[0, 1, 1, 0, 1],
        inc_farm=[0, 500, 9000, 100, 50],
        reg=[1, 1, 2, 2, 0],
        housing_safe=[False, True, False, True, True],
        deep_village=True,
        med_gross=1000.0,
        med_oop=600.0,
        income_pc=[0, 500, 9000, 100, 50],
    )
    params = dataclasses.replace(getattr(config.policy, name), enabled=False)
    effect = lever.apply(h, params, context(5, year=2022))
    assert effect.updates == {} and effect.cost == 0.0
    enabled = lever.apply(h, getattr(config.policy, name), context(5, year=2022))
    if not (enabled.updates or enabled.cost > 0):  # a lever for households this fixture lacks: a small run
        table = run(small_config()).table
        acted = table[(table["metric"] == f"cost_{name}") & (table["value"] > 0)]
        assert len(acted), f"{name} at its defaults does nothing here nor in a small run"


def test_monitoring_lag_delays_discovery():
    params = dataclasses.replace(POLICY.monitoring, lag_years=1, p_detect=1.0)
    h = households(1, reg=Registration.EXITED, income_pc=1000.0, income_pc_prev=1000.0)
    first = monitoring.apply(h, params, context(1, year=2021))
    assert not first.updates["monitored"][0] and first.updates["risk_wait"][0] == 1
    h = h.replace(risk_wait=first.updates["risk_wait"])
    second = monitoring.apply(h, params, context(1, year=2022))
    assert second.updates["monitored"][0]


def test_transfer_quota_is_new_placements_whatever_the_number_of_migrants():
    # Existing migrants neither use up the quota nor lose their jobs.
    h = households(4, job=[Job.MIGRANT, Job.MIGRANT, Job.FARMING, Job.FARMING], income_pc_prev=[0, 0, 10, 20])
    params = dataclasses.replace(POLICY.transfer_employment, placements_per_year=2)
    effect = transfer_employment.apply(h, params, context(4))
    assert (effect.updates["job"] == Job.MIGRANT).all()
    assert effect.cost == pytest.approx(2 * params.cost_per_placement)


@pytest.mark.parametrize(
    ("reg", "income_pc", "income_pc_prev", "med_oop", "category"),
    [
        (Registration.EXITED, 1000.0, 1000.0, 0.0, MonitorCategory.UNSTABLE),  # exited and below the line
        (Registration.NEVER, 1000.0, 1000.0, 0.0, MonitorCategory.EDGE),  # never registered, below the line
        (Registration.NEVER, 5000.0, 9000.0, 0.0, MonitorCategory.HARDSHIP),  # income fell sharply, above the line
        (Registration.NEVER, 5000.0, 5000.0, 3000.0, MonitorCategory.HARDSHIP),  # large medical spending
    ],
)
def test_monitoring_puts_a_flagged_household_in_seed_002s_groups(reg, income_pc, income_pc_prev, med_oop, category):
    params = dataclasses.replace(POLICY.monitoring, p_detect=1.0, lag_years=0, hardship_ratio=2.0)
    h = households(1, reg=reg, income_pc=income_pc, income_pc_prev=income_pc_prev, med_oop=med_oop, med_gross=med_oop)
    effect = monitoring.apply(h, params, context(1, year=2021))
    assert effect.updates["monitored"][0] and effect.updates["ever_monitored"][0]
    assert effect.updates["monitor_category"][0] == category


def test_monitoring_counts_eliminated_risk_and_keeps_the_group_while_monitored():
    params = dataclasses.replace(POLICY.monitoring, years_to_clear=2, p_review=1.0)
    common = {"reg": Registration.EXITED, "monitored": True, "ever_monitored": True, "monitor_category": 1}
    h = households(2, income_pc=[9000.0, 9000.0], income_pc_prev=[9000.0, 9000.0], monitor_clear=[0, 1], **common)
    effect = monitoring.apply(h, params, context(2, year=2022))
    assert effect.updates["monitored"].tolist() == [True, False]  # the second has been stable for two years
    assert effect.updates["monitor_category"].tolist() == [MonitorCategory.UNSTABLE, MonitorCategory.NONE]
    assert effect.updates["ever_monitored"].all()
    assert effect.counts["monitoring_eliminated"].sum() == 1.0  # one person, risk eliminated (风险消除)


def test_risk_is_eliminated_only_when_the_periodic_review_reaches_the_household():
    params = dataclasses.replace(POLICY.monitoring, years_to_clear=1, p_review=0.6)
    common = {"reg": Registration.EXITED, "monitored": True, "ever_monitored": True, "monitor_category": 1}
    h = households(2, income_pc=9000.0, income_pc_prev=9000.0, monitor_clear=1, **common)
    u_monitor = np.array([0.5, 0.7], np.float32)  # reviewed; not reviewed this year
    effect = monitoring.apply(h, params, context(2, year=2022, u_monitor=u_monitor))
    assert effect.updates["monitored"].tolist() == [False, True]
    assert effect.updates["monitor_clear"][1] == 2  # still counting its years out of risk
