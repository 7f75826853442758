"""Every config group option composes and validates; bad input gets one precise line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.compose import CONF_DIR, UsageError, group_options, load_config
from sim import steps
from sim.model import PovertyModel
from sim.population import tilt_weights
from sim.schema import ConfigError

GROUPS = ["region", "population", "dynamics", "scenario", *(f"policy/{lever.name}" for lever in steps.levers())]


@pytest.mark.parametrize(("group", "option"), [(g, o) for g in GROUPS for o in group_options(g)])
def test_every_group_option_composes(group, option):
    config = load_config([f"{group}={option}"])
    assert config.region.start_year <= config.region.end_year


@pytest.mark.parametrize("lever", steps.levers(), ids=lambda lever: lever.name)
def test_every_lever_has_its_default_and_a_none_option(lever):
    options = group_options(f"policy/{lever.name}")
    assert lever.default_option in options and "none" in options
    assert (CONF_DIR / "policy" / lever.name / f"{lever.default_option}.yaml").exists()
    assert getattr(load_config([f"policy/{lever.name}=none"]).policy, lever.name).enabled is False


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["region=atlantis"], "region: unknown option 'atlantis'; allowed: henan, luoyang"),
        (["scenario=utopia"], "scenario: unknown option 'utopia'; allowed: allowance_cliff, allowance_plus, baseline,"),
        (["policy/dibao=generous"], "policy/dibao: unknown option 'generous'; allowed: default, none"),
        (["population.scal=3"], "population.scal: unknown key; allowed keys under 'population': "),
        (["+population.extra=1"], "population.extra: unknown key; allowed keys under 'population': "),
        (["population.scale=-1"], "population.scale: got -1.0; allowed: a number in [0.01, 1e+06]"),
        (["population.scale=abc"], "population.scale: got 'abc'; allowed: a number"),
        (["seed=-3"], "seed: got -3; allowed: a whole number in [0, inf]"),
        (
            ["region.composition.share_no_labour=1.5"],
            "region.composition.share_no_labour: got 1.5; allowed: a number in [0, 1]",
        ),
        (["policy.dibao.take_up=2"], "policy.dibao.take_up: got 2.0; allowed: a number in [0, 1]"),
        (
            ["policy.dibao.standard_mode=lavish"],
            "policy.dibao.standard_mode: got 'lavish'; allowed: absolute, relative",
        ),
        (["policy.transition.mode=maybe"], "policy.transition.mode: got 'maybe'; allowed: keep, withdraw, phased"),
        (["region.counties.poor=500"], "region.counties.poor: got 500; allowed: a whole number in [0, total=158]"),
        (["region.end_year=2010"], "region.end_year: got 2010; allowed: a year in [start_year=2018"),
        (["replicates=0"], "replicates: got 0; allowed: a whole number in [1, 10000]"),
        (["output.plots=maybe"], "output.plots: got 'maybe'; allowed: true or false"),
        (["population.scale"], "population.scale: cannot parse this override; allowed: key=value"),
    ],
)
def test_bad_input_gets_one_precise_line(overrides, message):
    with pytest.raises(UsageError) as info:
        load_config(overrides)
    text = str(info.value)
    assert text.startswith(message), text
    assert "\n" not in text


def test_unreachable_composition_names_the_key():
    # No candidate has an elder, so no weighting can reach a 26% share of persons aged 65+.
    features = np.column_stack([np.ones(50), np.zeros(50), np.zeros(50)])
    with pytest.raises(ConfigError, match=r"^region.composition: shares .* cannot be reached"):
        tilt_weights(features, np.ones(50), np.array([0.72, 0.47, 0.26]), "region.composition")


def test_composition_shares_must_be_consistent():
    with pytest.raises(UsageError, match=r"share_aged_65_plus: got 0\.5; allowed: at most share_no_labour"):
        load_config(["region.composition.share_aged_65_plus=0.5"])


REGION_TEMPLATE = """
name: {name}
label: A test province written from published figures only
start_year: 2018
end_year: 2023
registered_poor_persons: 900000
rural_population_persons: 20000000
near_poor_persons: 800000
composition: {{share_illness_disability: 0.60, share_no_labour: 0.40, share_aged_65_plus: 0.20}}
counties: {{total: 90, poor: 20, deep: 2}}
villages: {{total: 15000, poor: 1500, deep: 300}}
share_registered_in_poor_villages: 0.5
poverty_line: {{by_year: {{2017: 2952, 2018: 2995}}, growth_after: 0.03}}
dibao_standard: {{by_year: {{2018: 4200}}, growth_after: 0.04}}
pension_minimum_per_month: {{by_year: {{2018: 110}}, growth_after: 0.02}}
rural_income_per_capita: 14000
income_growth: 0.07
medical: {{basic_ratio: 0.5, basic_ratio_poor: 0.8, critical_threshold: 12000, critical_threshold_poor: 6000,
          critical_ratio: 0.6, supplementary_ratio: 0.5, assistance_ratio: 0.7, assistance_cap: 20000}}
exit_incidence_village: 0.03
exit_incidence_county: 0.03
"""


@pytest.fixture
def region_file():
    path = CONF_DIR / "region" / "zz_test_province.yaml"
    path.write_text(REGION_TEMPLATE.format(name="zz_test_province"), encoding="utf-8")
    yield path
    path.unlink()


def test_a_new_region_needs_only_a_yaml_file(region_file: Path):
    config = load_config(["region=zz_test_province", "population.scale=200"])
    model = PovertyModel(config)
    initial = model.initial_row()
    assert initial["registered_poor"] == pytest.approx(900_000, rel=1e-12)
    assert abs(initial["share_illness_disability"] - 0.60) <= 0.01
    assert abs(initial["share_no_labour"] - 0.40) <= 0.01
    assert abs(initial["share_aged_65_plus"] - 0.20) <= 0.01
    assert initial["poor_villages"] == 1500 and initial["poor_counties"] == 20
    rows = model.run()
    assert [r["year"] for r in rows] == list(range(2018, 2024))


def test_a_malformed_region_file_names_the_missing_key(region_file: Path):
    text = region_file.read_text().replace("rural_income_per_capita: 14000\n", "")
    region_file.write_text(text)
    with pytest.raises(UsageError, match=r"^region.rural_income_per_capita: missing required key"):
        load_config(["region=zz_test_province"])


def test_a_region_file_that_is_not_yaml(region_file: Path):
    region_file.write_text("name: [unclosed\n")
    with pytest.raises(UsageError) as info:
        load_config(["region=zz_test_province"])
    assert "\n" not in str(info.value)


def test_programme_volumes_scale_with_the_region(region_file: Path):
    henan = load_config([]).policy
    other = load_config(["region=zz_test_province"]).policy
    ratio = 900_000 / 2_214_000
    assert henan.public_posts.capacity == 150_000 and henan.relocation.quota_persons_by_year[2018] == 62_900
    assert other.public_posts.capacity == pytest.approx(150_000 * ratio)
    assert other.relocation.quota_persons_by_year[2018] == pytest.approx(62_900 * ratio)
    assert other.housing.quota_households_by_year[2019] == pytest.approx(55_000 * ratio)
    assert load_config(["region=zz_test_province", "policy.public_posts.capacity=5"]).policy.public_posts.capacity == 5


MINIMAL_REGION = """
name: zz_minimal
start_year: 2018
registered_poor_persons: 500000
rural_population_persons: 12000000
composition: {share_illness_disability: 0.65, share_no_labour: 0.45, share_aged_65_plus: 0.22}
counties: {total: 40, poor: 10, deep: 1}
villages: {total: 9000, poor: 800, deep: 150}
poverty_line: {by_year: {2017: 2952, 2018: 2995, 2019: 3218}, growth_after: 0.03}
dibao_standard: {by_year: {2018: 3900}, growth_after: 0.05}
pension_minimum_per_month: {by_year: {2018: 105}, growth_after: 0.03}
rural_income_per_capita: 11000
"""


def test_a_minimal_region_file_uses_documented_defaults():
    path = CONF_DIR / "region" / "zz_minimal.yaml"
    path.write_text(MINIMAL_REGION, encoding="utf-8")
    try:
        config = load_config(["region=zz_minimal", "population.scale=100"])
        assert config.region.end_year == 2025
        assert config.region.near_poor_persons == pytest.approx(0.05 * 12_000_000)
        assert config.region.medical.basic_ratio_poor == 0.85
        rows = PovertyModel(config).run()
        assert rows[-1]["year"] == 2025
    finally:
        path.unlink()


def _shape(node, path: str = "") -> list[tuple]:
    """Every node of a composed tree: its place, kind, flags, declared types and value (resolve nothing)."""
    from omegaconf import DictConfig, ListConfig

    meta = node._metadata
    rows = [(path, type(node).__name__, dict(meta.flags or {}), str(meta.ref_type), str(meta.object_type), meta.key)]
    if not isinstance(node, DictConfig | ListConfig):
        return [*rows, (path, repr(node._value()))]
    if node._is_none() or node._is_missing() or node._is_interpolation():
        return [*rows, (path, node._value())]
    keys = node.keys() if isinstance(node, DictConfig) else range(len(node))
    for key in keys:
        rows += _shape(node._get_node(key), f"{path}.{key}")
    return rows


COMPOSITIONS = [
    [],
    ["region=luoyang", "population.scale=400"],
    ["policy/dibao=none", "policy.monitoring.threshold_ratio=2"],
    ["hydra/launcher=joblib", "hydra.run.dir=x"],
    ["+experiment=validate"],
    ["region.poverty_line.by_year={2018:3000}", "seed=4"],
]


def test_a_composition_is_hydras_own_node_for_node_and_each_gets_its_own_copy():
    """app.config_cache changes what a composition costs, never what it gives (with Hydra's settings or without)."""
    from app import config_cache
    from app.compose import compose_dict

    # Hydra alone takes a third of a second a composition: a scenario of each kind, and the other commands
    scenarios = [["scenario=withdraw_2021"], ["scenario=flood_2021"], ["scenario=relocation_max"]]
    commands = [(command, True) for command in scenarios + COMPOSITIONS] + [([], False), (scenarios[0], False)]
    first = [compose_dict(command, with_hydra=hydra) for command, hydra in commands]
    parsed = dict(config_cache._parsed)
    assert any(key[0] == "file" for key in parsed) and any(key[0] == "pkg" for key in parsed)
    first[0].region.name = "changed"  # a composition's tree is its own: later ones do not see this
    again = [compose_dict(command, with_hydra=hydra) for command, hydra in commands]  # from what was kept
    assert {k: id(v) for k, v in config_cache._parsed.items() if k in parsed} == {k: id(v) for k, v in parsed.items()}
    with config_cache.Uninstalled():
        hydras = [compose_dict(command, with_hydra=hydra) for command, hydra in commands]
    assert again[0].region.name != "changed"
    for (command, _), ours, theirs in zip(commands, again, hydras, strict=True):
        assert _shape(ours) == _shape(theirs), command
    assert _shape(first[1]) == _shape(hydras[1])


def test_an_edited_scenario_or_region_file_is_composed_anew():
    """What was kept for a composition is keyed by the files' bytes: an edit of the same size is seen at once."""
    from app.compose import SCENARIO_DIR, compose_dict

    scenario, region = SCENARIO_DIR / "zz_kept_edit.yaml", CONF_DIR / "region" / "zz_kept_edit.yaml"
    try:
        # the scenario (a stored node) and the region (a file) edited together, then each alone
        for grace, incidence in ((1, 1), (1, 2), (2, 2)):
            scenario.write_text(f"policy:\n  dibao:\n    grace_years: {grace}\n", encoding="utf-8")
            text = REGION_TEMPLATE.format(name="zz_kept_edit")
            region.write_text(text.replace("exit_incidence_county: 0.03", f"exit_incidence_county: 0.0{incidence}"))
            for with_hydra in (True, False):
                cfg = compose_dict(["scenario=zz_kept_edit", "region=zz_kept_edit"], with_hydra=with_hydra)
                assert (cfg.policy.dibao.grace_years, cfg.region.exit_incidence_county) == (grace, incidence / 100)
    finally:
        scenario.unlink(missing_ok=True)
        region.unlink(missing_ok=True)


def test_a_stored_node_pickle_cannot_take_is_copied_as_hydra_copies_it():
    """A schema class pickle cannot name (as in a sweep's worker, after Hydra's plugin scan) is deep-copied instead."""
    import dataclasses

    from hydra.core.config_store import ConfigStore
    from omegaconf import OmegaConf

    @dataclasses.dataclass
    class Local:  # defined in a function: pickle cannot name it
        x: int = 1

    store = ConfigStore.instance()
    store.store(group="zz_test_only", name="local", node=Local)
    try:
        loaded = store.load("zz_test_only/local.yaml")
        assert OmegaConf.get_type(loaded.node) is Local and loaded.node.x == 1
        loaded.node.x = 2  # the copy is the caller's own
        assert store.load("zz_test_only/local.yaml").node.x == 1
    finally:
        del store.repo["zz_test_only"]


def test_an_interpolated_defaults_entry_is_still_resolved(tmp_path):
    """Hydra builds its map of choices only for lists that need it; a list that does gets it as before."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from omegaconf import OmegaConf

    from app import config_cache

    (tmp_path / "config.yaml").write_text("defaults:\n  - size: small\n  - shape: round\n  - pair: ${size}_${shape}\n")
    for group, options in {"size": ("small", "large"), "shape": ("round", "flat")}.items():
        (tmp_path / group).mkdir()
        for option in options:
            (tmp_path / group / f"{option}.yaml").write_text(f"{group}_name: {option}\n")
    (tmp_path / "pair").mkdir()
    for size in ("small", "large"):
        for shape in ("round", "flat"):
            (tmp_path / "pair" / f"{size}_{shape}.yaml").write_text(f"made: {size}-{shape}\n")

    def composed(overrides: list[str]) -> dict:
        GlobalHydra.instance().clear()
        try:
            with initialize_config_dir(config_dir=str(tmp_path), version_base="1.3"):
                return OmegaConf.to_container(compose(config_name="config", overrides=overrides))
        finally:
            GlobalHydra.instance().clear()

    ours = composed(["size=large", "shape=flat"])
    with config_cache.Uninstalled():
        theirs = composed(["size=large", "shape=flat"])
    assert ours == theirs and ours["pair"]["made"] == "large-flat"


def test_a_file_rewritten_at_once_is_read_again_and_yaml_errors_read_as_pyyaml_says_them(tmp_path):
    import yaml

    from app.config_cache import read_yaml

    path = tmp_path / "s.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    value = read_yaml(path)
    value["a"] = 5  # the caller's copy
    assert read_yaml(path) == {"a": 1}
    path.write_text("a: 2\n", encoding="utf-8")  # same size, within the clock's granularity
    assert read_yaml(path) == {"a": 2}
    path.write_text("a: [1\nb: 2\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError) as ours:
        read_yaml(path)
    with pytest.raises(yaml.YAMLError) as theirs:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    assert str(ours.value) == str(theirs.value)
