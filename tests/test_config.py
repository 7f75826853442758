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


def test_each_config_file_is_parsed_once_and_every_composition_gets_its_own_copy():
    """app.config_cache: a second composition parses nothing again and equals one composed uncached."""
    from omegaconf import OmegaConf

    from app import config_cache
    from app.compose import compose_dict

    first = compose_dict(["population.scale=400"], with_hydra=True)
    parsed = dict(config_cache._parsed)
    assert any(key[0] == "file" for key in parsed) and any(key[0] == "pkg" for key in parsed)
    again = compose_dict(["population.scale=400", "scenario=withdraw_2021"], with_hydra=True)
    assert {k: id(v) for k, v in config_cache._parsed.items() if k in parsed} == {k: id(v) for k, v in parsed.items()}
    again.region.name = "changed"  # a composition's tree is its own: later ones do not see this
    config_cache._parsed.clear()
    try:
        uncached = compose_dict(["population.scale=400"], with_hydra=True)
    finally:
        config_cache._parsed.update(parsed)
    cached = compose_dict(["population.scale=400"], with_hydra=True)
    for cfg in (first, cached):
        assert OmegaConf.to_container(cfg, resolve=False) == OmegaConf.to_container(uncached, resolve=False)


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
