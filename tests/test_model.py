"""Whole-model properties: accounting identity, composition, common random numbers, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from app.compose import load_config
from app.outputs import results_csv_text
from app.runner import run
from sim.model import AccountingError, PovertyModel
from sim.state import check_invariants
from tests.helpers import small_config


def yearly(table, metric):
    rows = table[table["metric"] == metric].sort_values("year")
    return rows.set_index("year")["value"]


def test_accounting_identity_holds_every_year():
    table = run(small_config()).table
    stock = yearly(table, "registered_poor")
    flows = {m: yearly(table, m) for m in ("exits", "newly_poor", "returns")}
    for year in stock.index[1:]:
        expected = stock[year - 1] - flows["exits"][year] + flows["newly_poor"][year] + flows["returns"][year]
        assert stock[year] == pytest.approx(expected, rel=1e-12, abs=1e-6)
    exits = yearly(table, "exits")
    routes = yearly(table, "exits_development") + yearly(table, "exits_guarantee") + yearly(table, "exits_deceased")
    assert np.allclose(exits.dropna(), routes.dropna())


def test_identity_check_fails_when_the_register_is_tampered_with():
    model = PovertyModel(small_config())
    model.registered = model.registered + 1.0
    with pytest.raises(AccountingError):
        model.step()


def test_initial_stock_and_composition_match_region_at_default_scale():
    config = load_config([])
    model = PovertyModel(config)
    initial = model.initial_row()
    assert initial["registered_poor"] == pytest.approx(config.region.registered_poor_persons, rel=1e-12)
    targets = config.region.composition
    for name in ("share_illness_disability", "share_no_labour", "share_aged_65_plus"):
        assert abs(initial[name] - getattr(targets, name)) <= 0.01, name
    assert initial["poor_villages"] == config.region.villages.poor
    assert initial["poor_counties"] == config.region.counties.poor


def test_weights_are_close_to_the_scale():
    model = PovertyModel(small_config())
    assert np.allclose(model.stratum_weight, 400, rtol=0.05)


def test_invariants_hold_after_every_year():
    model = PovertyModel(small_config())
    for _ in range(8):
        model.step()
        check_invariants(model.h)
        assert np.isfinite(model.h.income_pc).all()


def health_histories(*overrides):
    model = PovertyModel(small_config(*overrides))
    history = []
    for _ in range(8):
        model.step()
        history.append((model.h.illness.copy(), model.h.disability.copy(), model.h.size.copy()))
    return history


@pytest.mark.parametrize(
    "change",
    [
        "scenario=withdraw_no_monitoring",
        "policy/dibao=none",
        "policy.public_posts.capacity=0",
        "policy/health_insurance=none",
    ],
)
def test_common_random_numbers_keep_health_histories(change):
    base, changed = health_histories(), health_histories(change)
    for (ill_a, dis_a, size_a), (ill_b, dis_b, size_b) in zip(base, changed, strict=True):
        assert np.array_equal(ill_a, ill_b)
        assert np.array_equal(dis_a, dis_b)
        assert np.array_equal(size_a, size_b)


def test_a_policy_change_does_change_outcomes():
    base = run(small_config()).table
    changed = run(small_config("scenario=withdraw_no_monitoring")).table
    assert not yearly(base, "returns").equals(yearly(changed, "returns"))


def test_same_seed_gives_byte_identical_results():
    first = results_csv_text(run(small_config()).table)
    second = results_csv_text(run(small_config()).table)
    assert first == second
    other = results_csv_text(run(small_config("seed=1")).table)
    assert other != first


def test_replicate_results_do_not_depend_on_how_many_replicates_run():
    one = run(small_config()).table
    two = run(small_config("replicates=2")).table
    rep0 = two[two["replicate"] == 0].reset_index(drop=True)
    assert results_csv_text(rep0) == results_csv_text(one)
    assert not two[two["replicate"] == 1]["value"].reset_index(drop=True).equals(one["value"])


def test_disabled_lever_costs_nothing_in_the_model():
    table = run(small_config("policy/dibao=none", "policy/public_posts=none")).table
    assert (yearly(table, "cost_dibao") == 0).all()
    assert (yearly(table, "cost_public_posts") == 0).all()


def test_outputs_cover_the_contract():
    table = run(small_config()).table
    assert list(table.columns) == ["region", "scenario", "label", "replicate", "year", "metric", "value"]
    metrics = set(table["metric"])
    for name in (
        "registered_poor",
        "exits",
        "exits_development",
        "exits_guarantee",
        "returns",
        "newly_poor",
        "monitored",
        "true_poor",
        "poor_villages",
        "poor_counties",
        "cost_dibao",
        "cost_total",
        "share_illness_disability",
        "share_no_labour",
        "share_aged_65_plus",
    ):
        assert name in metrics, name
    assert table.equals(table.sort_values(["scenario", "replicate", "year", "metric"]).reset_index(drop=True))
    start = table[table["year"] == 2017]
    assert set(start["metric"]) >= {"registered_poor", "share_no_labour"}


def test_mesa_datacollector_records_every_year():
    model = PovertyModel(small_config())
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 8
    assert frame["registered_poor"].tolist() == [row["registered_poor"] for row in model.history]
    assert model.steps == 8
