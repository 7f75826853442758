"""Each concept is declared once and everything else derives from it (docs/DESIGN.md, "Adding things")."""

from __future__ import annotations

import dataclasses
import typing

import numpy as np
import pytest
from hydra.core.config_store import ConfigStore

from app.compose import CONF_DIR, UsageError, load_config
from app.runner import run
from sim import metrics, steps
from sim.context import Effect
from sim.model import PovertyModel
from sim.policies.base import target_group
from sim.schema import ConfigError, spec, spec_of, year_keyed_paths, yuan
from sim.state import COLUMNS, GROUPS, Households, Job, Registration, check_invariants, codebook
from sim.text import Text
from tests.helpers import households, small_config

#: The planner's name every toy lever declares (a lever without one is refused).
TOY_TITLE = Text("Toy lever", "示例政策")

# --- columns ---------------------------------------------------------------------------------


def test_empty_households_take_each_declared_default_and_dtype():
    h = Households.empty(3, n_adult=2)
    for c in COLUMNS:
        array = getattr(h, c.name)
        assert array.dtype == c.dtype and array.shape == (3,), c.name
    assert h.n_adult.tolist() == [2, 2, 2] and h.job.tolist() == [Job.NONE] * 3
    with pytest.raises(TypeError, match="unknown household columns"):
        Households.empty(3, n_adlt=2)


def test_each_group_is_a_named_tuple_of_its_columns():
    h = households(2)
    assert sum(len(t._fields) for t in GROUPS.values()) == len(COLUMNS)
    assert h.money.inc_farm is h.inc_farm and h.members._fields == ("n_child", "n_adult", "n_elder", "size")


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        ({"job": np.zeros(2, np.float64)}, r"wrote job as float64 \(2,\); the column is uint8 \(2,\)"),
        ({"job": np.zeros(3, np.uint8)}, r"wrote job as uint8 \(3,\); the column is uint8 \(2,\)"),
        ({"jobs": np.zeros(2, np.uint8)}, r"updated an unknown household column 'jobs'"),
        ({"inc_farm": [0.0, 1.0]}, r"wrote inc_farm as list"),
    ],
)
def test_folding_an_effect_checks_name_dtype_and_shape(updates, message):
    with pytest.raises(TypeError, match=message):
        households(2).fold(updates, "a toy step")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("inc_wage", np.array([-1.0, 0.0], np.float32), "inc_wage must be non-negative"),
        ("income_pc", np.array([np.nan, 0.0], np.float32), "income_pc must be finite"),
        ("size", np.array([1, 1], np.int64), "size is int64"),
    ],
)
def test_invariants_derive_from_the_declarations(column, value, message):
    h = households(2)
    check_invariants(h)
    with pytest.raises(AssertionError, match=message):
        check_invariants(h.replace(**{column: value}))


def test_codebook_labels_enum_codes():
    book = codebook()
    assert book["reg"]["codes"] == {0: "never", 1: "poor", 2: "exited"}
    assert book["inc_dibao"]["unit"] == "yuan/household/yr" and "低保" in book["inc_dibao"]["meaning"]


# --- the year as data --------------------------------------------------------------------------


def test_the_year_runs_every_registered_step_once_in_phase_order():
    year = steps.year_steps()
    names = [s.name for s in year]
    assert len(names) == len(set(names))
    assert [s.phase for s in year] == sorted(s.phase for s in year)
    acting = {lv.name for lv in steps.levers() if lv.apply is not None}
    assert {s.name for s in year if s.is_lever} == acting
    assert {s.name for s in year if not s.is_lever} == {p.name for p in steps.processes()}
    position = {name: i for i, name in enumerate(names)}
    for declared in (*steps.processes(), *steps.levers()):
        for earlier in declared.after:
            assert position[earlier] < position[declared.name], (earlier, declared.name)


@dataclasses.dataclass
class ToyParams:
    """A toy lever's parameters."""

    enabled: bool
    amount_per_person: float = yuan(Text("cash per registered person", "每名建档立卡人员的现金"), unit="yuan/person/yr")


def _noop(h, params, ctx):
    return Effect()


@pytest.mark.parametrize(
    ("lever", "message"),
    [
        (
            steps.Lever("zz_toy", ToyParams, _noop, "transfers", title=TOY_TITLE),
            "phase 'transfers' is not a Phase; allowed: DEMOGRAPHY",
        ),
        (
            steps.Lever("dibao", ToyParams, _noop, steps.Phase.TRANSFERS, title=TOY_TITLE),
            "a step named 'dibao' is already registered",
        ),
        (
            steps.Lever("zz_toy", ToyParams, None, steps.Phase.TRANSFERS, title=TOY_TITLE),
            "give both apply and phase, or neither",
        ),
    ],
)
def test_a_badly_declared_lever_fails_when_registered(lever, message):
    with pytest.raises(ValueError, match=message):
        steps.register_lever(lever)
    assert "zz_toy" not in {lv.name for lv in steps.levers()}


@pytest.mark.parametrize(
    ("after", "message"),
    [
        (("income",), "names 'income' in 'after', but it runs in another phase"),
        (("nothing",), "must follow 'nothing', which is not a step of the year"),
    ],
)
def test_a_step_out_of_place_fails_when_the_year_is_resolved(after, message):
    steps.register_lever(steps.Lever("zz_toy", ToyParams, _noop, steps.Phase.TRANSFERS, after=after, title=TOY_TITLE))
    try:
        with pytest.raises(ValueError, match=message):
            steps.year_steps()
    finally:
        steps.unregister("zz_toy")
    assert "zz_toy" not in [s.name for s in steps.year_steps()]


def test_circular_after_declarations_fail():
    steps.register_lever(steps.Lever("zz_a", ToyParams, _noop, steps.Phase.TRANSFERS, after=("zz_b",), title=TOY_TITLE))
    steps.register_lever(steps.Lever("zz_b", ToyParams, _noop, steps.Phase.TRANSFERS, after=("zz_a",), title=TOY_TITLE))
    try:
        with pytest.raises(ValueError, match="form a cycle"):
            steps.year_steps()
    finally:
        steps.unregister("zz_a")
        steps.unregister("zz_b")


# --- levers and parameters ---------------------------------------------------------------------


def test_withdrawn_levers_default_to_every_withdrawable_one():
    withdrawn = small_config("scenario=withdraw_2021").policy.transition.withdrawn
    assert withdrawn == list(steps.withdrawable())
    assert "dibao" not in withdrawn and "guarantee" not in withdrawn  # 兜底 stays


@pytest.mark.parametrize("names", ["[industri]", "[industry,dibao]"])
def test_withdrawn_names_are_validated(names):
    with pytest.raises(UsageError) as info:
        load_config([f"policy.transition.withdrawn={names}"])
    assert str(info.value).startswith("policy.transition.withdrawn[")
    assert f"allowed: {', '.join(sorted(steps.withdrawable()))}" in str(info.value)


def test_the_config_lists_no_lever_by_hand():
    lines = (CONF_DIR / "config.yaml").read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if line.strip().startswith("- policy/")]
    assert not list(CONF_DIR.glob("policy/*/none.yaml"))  # derived for every lever


def _parameter_classes() -> list[type]:
    classes = [lv.params for lv in steps.levers()] + list(steps.dynamics_blocks().values())
    seen, stack = [], list(classes)
    from sim.config import RunConfig

    stack += [RunConfig]
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.append(cls)
        for tp in typing.get_type_hints(cls).values():
            if dataclasses.is_dataclass(tp):
                stack.append(tp)
    return seen


@pytest.mark.parametrize("cls", _parameter_classes(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_number_declares_its_bounds(cls):
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        numeric = hints[field.name] in (int, float, list[float], dict[int, float], float | None)
        if numeric and field.name not in ("seed", "replicates"):
            rule = spec_of(field)
            assert rule is not None and rule.low is not None and rule.high is not None, f"{cls.__name__}.{field.name}"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "policy.housing.cost_per_household=inf",
            "policy.housing.cost_per_household: got inf; allowed: a finite number",
        ),
        (
            "policy.public_posts.wage_per_year=1e300",
            "policy.public_posts.wage_per_year: got 1e+300; allowed: a number in [0, 1e+06]",
        ),
        ("dynamics.medical.major_mean=nan", "dynamics.medical.major_mean: got nan; allowed: a finite number"),
        ("region.rural_population_persons=inf", "region.rural_population_persons: got inf; allowed: a finite number"),
        (
            "+policy.housing.quota_households_by_year.twenty=5",
            "policy.housing.quota_households_by_year.twenty: got 'twenty'",
        ),
        ("region.poverty_line.by_year={}", "region.poverty_line.by_year: got {}; allowed: {year: value, ...}"),
        ("policy.relocation.quota_persons_by_year.2018=-5", "policy.relocation.quota_persons_by_year.2018: got -5.0"),
    ],
)
def test_parameter_metadata_gives_one_line(override, message):
    with pytest.raises(UsageError) as info:
        load_config([override])
    assert str(info.value).startswith(message), str(info.value)
    assert "\n" not in str(info.value)


def test_year_keyed_values_are_overridden_by_year():
    config = small_config("region.poverty_line.by_year.2018=3000", "region.poverty_line.by_year.2030=5000")
    assert config.region.poverty_line.by_year == {2017: 2952.0, 2018: 3000.0, 2019: 3218.0, 2030: 5000.0}
    config = small_config("policy.relocation.quota_persons_by_year.2019=100")
    assert (
        config.policy.relocation.quota_persons_by_year[2019] == 100
        and 2018 in config.policy.relocation.quota_persons_by_year
    )
    assert "region.planned_exits" in year_keyed_paths(type(config))


def test_the_region_stock_is_written_once_in_conf():
    files = [p for p in CONF_DIR.rglob("*.yaml") if "2214000" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(CONF_DIR).as_posix() for p in files] == ["region/henan.yaml"]


def test_a_declared_bound_is_checked_once_by_the_builder():
    from sim.schema import build

    @dataclasses.dataclass
    class Block:
        rate: float = spec(0.0, 2.0, "share", Text("a rate", "比率"))

    assert build(Block, {"rate": 1.5}).rate == 1.5
    with pytest.raises(ConfigError, match=r"^x.rate: got 2.5; allowed: a number in \[0, 2\]$"):
        build(Block, {"rate": 2.5}, "x")


# --- the recipes: a toy lever and a toy metric, registered at test time -------------------------


def flat_cash(h: Households, params: ToyParams, ctx) -> Effect:
    """A flat yearly cash transfer per person in registered households, paid as a guarantee transfer."""
    if not params.enabled:
        return Effect()
    paid = (h.reg == Registration.POOR) & (h.size > 0)
    per_household = np.where(paid, params.amount_per_person * h.size, 0.0)
    cost = float(np.sum(h.weight * per_household))
    return Effect({"inc_guarantee": (h.inc_guarantee + per_household).astype(np.float32)}, cost)


@pytest.fixture
def toy_lever():
    steps.register_lever(
        steps.Lever("flat_cash", ToyParams, flat_cash, steps.Phase.TRANSFERS, after=("guarantee",), title=TOY_TITLE)
    )
    ConfigStore.instance().store(
        group="policy/flat_cash", name="default", node={"enabled": True, "amount_per_person": 3000.0}
    )
    yield
    steps.unregister("flat_cash")


def test_a_lever_registered_at_test_time_joins_the_year_config_and_costs(toy_lever):
    order = [s.name for s in steps.year_steps()]
    assert order.index("flat_cash") > order.index("guarantee")
    with_cash = run(load_config(["population.scale=400", "region.end_year=2019"])).table
    without = run(load_config(["population.scale=400", "region.end_year=2019", "policy/flat_cash=none"])).table

    def value(table, metric, year=2018):
        return float(table[(table["metric"] == metric) & (table["year"] == year)]["value"].iloc[0])

    assert value(without, "cost_flat_cash") == 0.0
    cost = value(with_cash, "cost_flat_cash")
    # Everything before the transfer is identical (common random numbers), so the whole change
    # in spending in the first year is the toy lever's; 3,000 yuan per registered person.
    assert cost == pytest.approx(value(with_cash, "cost_total") - value(without, "cost_total"), rel=1e-9)
    assert cost == pytest.approx(3000 * value(without, "registered_poor", 2017), rel=0.02)
    # The transfer raises incomes: fewer truly poor.
    assert value(with_cash, "true_poor") < value(without, "true_poor")


def test_a_registered_lever_is_paid_to_its_target_group(toy_lever):
    model = PovertyModel(load_config(["population.scale=400", "region.end_year=2018"]))
    before = model.h
    model.step()
    assert model.current["cost_flat_cash"] > 0
    assert target_group  # the recipe's levers usually use it; this toy pays the register directly
    assert (before.reg == Registration.POOR).any()


def test_a_metric_registered_at_test_time_reaches_the_results(tmp_path):
    metric = metrics.Metric(
        "dibao_households",
        "households",
        metrics.Kind.STOCK,
        lambda r: float(r.h.weight[r.h.dibao].sum()),
        "households receiving 低保 at year end",
        title=Text("Households receiving the allowance", "低保户"),
    )
    metrics.register_metric(metric)
    try:
        model = PovertyModel(small_config())
        model.step()
        assert model.current["dibao_households"] == pytest.approx(float(model.h.weight[model.h.dibao].sum()))
        table = run(small_config()).table
        rows = table[table["metric"] == "dibao_households"]
        assert sorted(rows["year"]) == list(range(2018, 2026)) and (rows["value"] > 0).all()
    finally:
        metrics.unregister_metric("dibao_households")
    assert "dibao_households" not in metrics.yearly_names()


def test_a_metric_reading_a_count_no_step_declares_is_refused_not_read_as_zero():
    metric = metrics.Metric(
        "returnz", "persons", metrics.Kind.FLOW, metrics.Flow("returnz"), "a misspelt count", title=TOY_TITLE
    )
    metrics.register_metric(metric)
    try:
        with pytest.raises(ValueError, match="metric 'returnz' reads the count 'returnz', which no step declares"):
            metrics.metrics()
    finally:
        metrics.unregister_metric("returnz")
    assert "returns" in steps.declared_counts() and len(metrics.metrics()) > 0


def test_a_step_reporting_a_count_it_does_not_declare_fails_the_year():
    def noisy(h, params, ctx):
        return Effect(counts={"surprise": np.zeros(3)})

    steps.register_lever(steps.Lever("zz_noisy", ToyParams, noisy, steps.Phase.TRANSFERS, title=TOY_TITLE))
    ConfigStore.instance().store(
        group="policy/zz_noisy", name="default", node={"enabled": True, "amount_per_person": 1.0}
    )
    try:
        model = PovertyModel(load_config(["population.scale=400", "region.end_year=2018"]))
        with pytest.raises(ValueError, match="step 'zz_noisy' reports counts \\['surprise'\\] it does not declare"):
            model.step()
    finally:
        steps.unregister("zz_noisy")
