"""Bad input through the real command line: one line, exit 2, nothing left behind.

Each case must exit with status 2 and print one ``error:`` line naming the key and the allowed
values, with no traceback, leaving no output folder and touching nothing that was there before.
Hand-written cases cover every class of bad input (unknown groups, options and keys, types,
non-finite and out-of-range numbers, year keys, lists, parse errors, sweeps, Hydra's own settings
and launchers, output paths, interpolations, populations too large or too small).  They run two at
a time, each as ``python3 run.py`` in a fork of the test process (``tests/forked.py``): the real
command line, without paying for an interpreter's start-up each time.

One more case per declared parameter bound comes from the parameter metadata.  What those add is
the bound itself, not another path through the command line (the hand-written cases have every
kind of bad number), so they are checked where the command line checks them: the override is
parsed by Hydra's grammar and set on the default configuration composed once, then validated by
``app.compose.to_run_config``, which must refuse it with the one line the command line prints.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
import typing
from pathlib import Path

import pytest

from sim import steps
from sim.schema import spec_of
from tests import forked

# (command-line arguments, the key the message must name)
CASES: list[tuple[str, str]] = [
    # config groups and options
    ("region=atlantis", "region"),
    ("region=", "region"),
    ("scenario=utopia", "scenario"),
    ("scenario=", "scenario"),
    ("population=huge", "population"),
    ("dynamics=fast", "dynamics"),
    ("policy/dibao=generous", "policy/dibao"),
    ("policy/transition=sometimes", "policy/transition"),
    ("policy/zz_lever=default", "policy/zz_lever"),
    ("region_defaults@region=other", "region_defaults"),
    # unknown keys
    ("population.scal=50", "population.scal"),
    ("+population.extra=1", "population.extra"),
    ("policy.dibao.takeup=1", "policy.dibao.takeup"),
    ("region.nme=x", "region.nme"),
    ("dynamics.medical.foo=1", "dynamics.medical.foo"),
    ("+policy.zz.enabled=true", "policy.zz"),
    ("foo=1", "foo"),
    ("+foo=1", "foo"),
    ("output.plot=true", "output.plot"),
    ("+dynamics.zz.rate=0.1", "dynamics.zz"),
    # types
    ("seed=abc", "seed"),
    ("seed=1.5", "seed"),
    ("seed=true", "seed"),
    ("seed=-3", "seed"),
    ("replicates=two", "replicates"),
    ("replicates=0", "replicates"),
    ("replicates=10001", "replicates"),
    ("population.scale=abc", "population.scale"),
    ("population.scale=true", "population.scale"),
    ("output.plots=maybe", "output.plots"),
    ("check_invariants=2", "check_invariants"),
    ("policy.dibao.enabled=yes", "policy.dibao.enabled"),
    ("policy.dibao.standard_mode=lavish", "policy.dibao.standard_mode"),
    ("policy.relocation.eligibility=anywhere", "policy.relocation.eligibility"),
    ("policy.transition.mode=maybe", "policy.transition.mode"),
    ("policy.dibao.single_person_scope=all", "policy.dibao.single_person_scope"),
    ("region.start_year=2018.5", "region.start_year"),
    ("region.name=[a,b]", "region.name"),
    ("scenario_name=[a]", "scenario_name"),
    ("policy.transition.withdrawn=industry", "policy.transition.withdrawn"),
    ("population.registered.size_probs=0.5", "population.registered.size_probs"),
    ("region.composition=0.5", "region.composition"),
    ("region.poverty_line=3000", "region.poverty_line"),
    ("region.medical=[1,2]", "region.medical"),
    # numbers: non-finite, out of range, inconsistent
    ("population.scale=-1", "population.scale"),
    ("population.scale=0", "population.scale"),
    ("population.scale=inf", "population.scale"),
    ("population.scale=nan", "population.scale"),
    ("population.scale=0.01", "population.scale"),
    ("population.scale=1e6", "population.scale"),
    ("policy.housing.cost_per_household=inf", "policy.housing.cost_per_household"),
    ("policy.public_posts.wage_per_year=1e300", "policy.public_posts.wage_per_year"),
    ("dynamics.medical.major_mean=1e39", "dynamics.medical.major_mean"),
    ("region.rural_population_persons=inf", "region.rural_population_persons"),
    ("region.rural_population_persons=100", "region.rural_population_persons"),
    ("region.registered_poor_persons=1", "region.registered_poor_persons"),
    ("region.registered_poor_persons=0", "region.registered_poor_persons"),
    ("region.registered_poor_households=5000000", "region.registered_poor_households"),
    ("region.composition.share_aged_65_plus=1.2", "region.composition.share_aged_65_plus"),
    ("region.composition.share_aged_65_plus=0.5", "region.composition.share_aged_65_plus"),
    ("population.registered.p_elder_per_member=0", "region.composition"),  # no elder to weight up to 26%
    ("region.counties.poor=500", "region.counties.poor"),
    ("region.villages.deep=5000", "region.villages.deep"),
    ("region.villages.total=0", "region.villages.total"),
    ("region.villages.total=2000000000", "region.villages.total"),
    ("region.end_year=2010", "region.end_year"),
    ("region.end_year=2100", "region.end_year"),
    ("region.start_year=1800", "region.start_year"),
    ("dynamics.health.p_chronic_recovery=0.99", "dynamics.health.p_chronic_recovery"),
    ("dynamics.employment.p_find_migrant=0.99", "dynamics.employment.p_find_migrant"),
    ("dynamics.demography.p_birth_per_adult=0.3 region.end_year=2068", "dynamics.demography.p_birth_per_adult"),
    ("dynamics.health.p_major_onset.elder=0.99", "dynamics.health.p_major_onset"),
    ("population.registered.p_migrant=0.99", "population.registered.p_local_wage"),
    ("population.registered.size_probs=[0.5,0.4]", "population.registered.size_probs"),
    ("population.registered.size_probs=[1.5,-0.5]", "population.registered.size_probs"),
    ("population.candidates_per_household=0", "population.candidates_per_household"),
    # year-keyed mappings
    ("region.poverty_line.by_year={}", "region.poverty_line.by_year"),
    ("region.poverty_line.by_year.2018=-1", "region.poverty_line.by_year.2018"),
    ("region.poverty_line.by_year.2018=inf", "region.poverty_line.by_year.2018"),
    ("region.poverty_line.by_year.99999=3000", "region.poverty_line.by_year.99999"),
    ("+policy.housing.quota_households_by_year.twenty=5", "policy.housing.quota_households_by_year.twenty"),
    ("region.planned_exits.soon=5", "region.planned_exits.soon"),
    ("+region.planned_exits.soon=5", "region.planned_exits.soon"),
    ("policy.relocation.quota_persons_by_year.2018=abc", "policy.relocation.quota_persons_by_year.2018"),
    ("policy.housing.quota_households_by_year={}", "policy.housing.quota_households_by_year"),
    # names inside lists
    ("policy.transition.withdrawn=[industri]", "policy.transition.withdrawn[0]"),
    ("policy.transition.withdrawn=[industry,dibao]", "policy.transition.withdrawn[1]"),
    ("policy.transition.withdrawn=[1]", "policy.transition.withdrawn[0]"),
    # parse errors
    ("population.scale", "population.scale"),
    ("=5", "=5"),
    ("seed=1)", "seed=1)"),
    ("policy.dibao.take_up=[0.5", "policy.dibao.take_up=[0.5"),
    ("--bogus", "--bogus"),
    # sweeps
    ("scenario=baseline,withdraw_2021", "scenario"),
    ("-m seed=interval(0,1)", "seed"),
    ("-m population.scale=400,-1", "population.scale"),
    ("-m population.scale=choice(400,-5)", "population.scale"),
    ("-m scenario=glob(zz*)", "scenario"),
    ("-m population.scale=glob(*)", "population.scale"),
    ("-m region=henan,atlantis", "region"),
    # Hydra's own settings and launchers
    ("hydra/launcher=x", "hydra/launcher"),
    ("hydra/launcher=joblib_typo", "hydra/launcher"),
    ("hydra/sweeper=x", "hydra/sweeper"),
    ("hydra.foo=1", "hydra.foo"),
    ("hydra.job.chdir=maybe", "hydra.job.chdir"),
    ("hydra/job_logging=x", "hydra/job_logging"),
    # several mistakes: the run's own settings are named before Hydra's (every combination of a sweep)
    ("population.scale=-1 hydra.foo=1", "population.scale"),
    ("-m population.scale=400,-1 hydra/launcher=x", "population.scale"),
    # output paths (OUT is the test's scratch folder)
    ("hydra.run.dir={OUT}/afile", "hydra.run.dir"),
    ("hydra.run.dir={OUT}/afile/sub", "hydra.run.dir"),
    ("hydra.run.dir=/proc/zz", "hydra.run.dir"),
    ("hydra.run.dir={OUT}/finished", "hydra.run.dir"),
    ("hydra.run.dir={OUT}/killed", "hydra.run.dir"),
    ("-m scenario=baseline hydra.sweep.dir={OUT}/afile", "hydra.sweep.dir"),
    # experiments
    ("+experiment=nope", "experiment"),
    ("+experiment=validate experiment.replicates=0", "experiment.replicates"),
    ("+experiment=validate experiment.name=calibrat", "experiment.name"),
    ("+experiment=validate experiment.name=calibrate", "experiment.uncertainty: missing"),  # its settings are absent
    ("+experiment=calibrate_henan experiment.generations=-1", "experiment.generations"),
    ("+experiment=calibrate_henan experiment.targets.guarantee_share=[0.5,0.2]", "guarantee_share"),
    ("+experiment=sensitivity experiment.samples=1", "experiment.samples"),
    # interpolations and resolvers
    ("policy.public_posts.capacity=${nope}", "policy.public_posts.capacity"),
    ("policy.public_posts.capacity=${scaled_from:atlantis,5}", "policy.public_posts.capacity"),
    ("region.near_poor_persons=${rural_share:abc}", "region.near_poor_persons"),
    ("policy.public_posts.capacity=${oops:1}", "policy.public_posts.capacity"),
    # messages that name what the user typed
    ("region=5 output.plots=false", "error: region: got '5'; allowed: henan"),
    ("store.dir=", "error: store.dir: got ''"),
    ("scenario=../conf/config", "error: scenario: got '../conf/config'; allowed: allowance_cliff"),
    ("人口.scale=5", "error: 人口.scale=5: cannot parse"),
    ("population.scale=五十", "error: population.scale=五十: cannot parse"),
    ("seed='3", "error: seed='3: cannot parse"),
    ("policy.transition.start_year=abc", "error: policy.transition.start_year: got 'abc'"),
    # the reader's language (lang=zh): the same line in Chinese
    ("lang=zh region=atlantis", "错误：region：未知的选项 'atlantis'；可用：henan"),
    ("output.lang=zh policy.dibao.take_up=2", "错误：policy.dibao.take_up：收到 2.0；可用：[0, 1] 之间的数"),
    ("lang=zh -m population.scale=400,-1", "population.scale：收到 -1.0"),
    # exited cohorts and shocks
    ("region.exited_before_start.exits.2018=5", "region.exited_before_start.exits.2018"),
    ("region.exited_before_start.register_stock.2016=1", "region.exited_before_start.register_stock.2016"),
    ("dynamics.shocks.disaster.pinned=[{year:2021,county_ids:[500]}]", "dynamics.shocks.disaster.pinned[0]"),
    ("dynamics.shocks.disaster.pinned=[{year:2021,counties:-1}]", "dynamics.shocks.disaster.pinned[0].counties"),
    ("dynamics.shocks.labour_market.pinned_years=[20]", "dynamics.shocks.labour_market.pinned_years[0]"),
]


def _outside(field_name: str, rule, kind: type, i: int) -> str:
    """A value outside the declared bounds (or not finite), varying the kind of mistake."""
    if kind is int:
        return str(int(rule.high) + 1 if i % 2 else int(rule.low) - 1)
    choices = ["inf", "nan", f"{rule.high * 10 + 1:g}", "-inf", f"{rule.low - 1:g}"]
    return choices[i % len(choices)]


def _spec_cases() -> list[tuple[str, str]]:
    """One bad value per declared numeric parameter of every lever and process block."""
    blocks = [(f"policy.{lv.name}", lv.params) for lv in steps.levers()]
    blocks += [(f"dynamics.{key}", cls) for key, cls in steps.dynamics_blocks().items()]
    cases, counter = [], itertools.count()
    for prefix, cls in blocks:
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            rule, kind = spec_of(field), hints[field.name]
            if rule is None or kind not in (int, float) or rule.low is None or rule.high is None:
                continue
            key = f"{prefix}.{field.name}"
            # Monitoring reads the transition's start year by interpolation; the message names the one typed.
            cases.append((f"{key}={_outside(field.name, rule, kind, next(counter))}", f"error: {key}: got"))
    return cases


BOUND_CASES = _spec_cases()
ALL_CASES = CASES + BOUND_CASES
#: The fast tier checks every fortieth case, a sample across the list; the full suite checks all.
FAST_EVERY = 40
PARAMS = [
    pytest.param(args, key, id=args, marks=pytest.mark.fast if i % FAST_EVERY == 0 else pytest.mark.slow)
    for i, (args, key) in enumerate(CASES)
]


def _command(args: str, out: Path) -> tuple[list[str], Path]:
    argv = [a.replace("{OUT}", str(out.parent)) for a in args.split(" ")]
    if not any(a.startswith(("hydra.run.dir", "hydra.sweep.dir")) for a in argv):
        argv.append(f"hydra.sweep.dir={out}" if "-m" in argv else f"hydra.run.dir={out}")
    return ["population.scale=400", *argv], out.parent


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, request) -> dict[str, tuple]:
    scratch = tmp_path_factory.mktemp("bad_input")
    (scratch / "afile").write_text("a file, not a folder\n")
    (scratch / "finished").mkdir()
    for name in ("results.csv", "manifest.json"):
        (scratch / "finished" / name).write_text("kept\n")
    (scratch / "killed").mkdir()
    (scratch / "killed" / ".results.csv.tmp").write_text("partial\n")
    before = {p.name for p in scratch.iterdir()}

    # Only the cases this session selected run (the fast tier selects a fortieth of them), two at a
    # time, each as `python3 run.py` in a fork of this process (tests/forked.py).
    selected = {
        item.callspec.params["args"]
        for item in request.session.items
        if item.originalname == "test_bad_input_gets_one_line_and_leaves_nothing"
    }
    chosen = [(index, args) for index, (args, _) in enumerate(ALL_CASES) if args in selected]
    outs = {args: scratch / f"out{index}" for index, args in chosen}
    done = forked.run_many([_command(args, outs[args]) for _, args in chosen])
    results = {args: (result, outs[args]) for (_, args), result in zip(chosen, done, strict=True)}
    return {args: (*results[args], before) for args in results}


def test_the_suite_is_large_enough():
    assert len(CASES) >= 130 and len(BOUND_CASES) >= 100
    assert len({args for args, _ in ALL_CASES}) == len(ALL_CASES)


@pytest.fixture(scope="module")
def bound_messages() -> dict[str, str]:
    """The message each declared bound's case gets, checked as the command line checks it (see above)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    from app.compose import UsageError, compose_dict, to_run_config
    from sim.schema import ConfigError

    base = compose_dict(["population.scale=400"])
    parser = OverridesParser.create()
    said = {}
    for args, _ in BOUND_CASES:
        override = parser.parse_overrides([args])[0]
        config = base.copy()
        OmegaConf.update(config, override.key_or_group, override.value(), merge=False)
        try:
            to_run_config(config, [args])
        except (UsageError, ConfigError) as err:
            said[args] = str(err)
        else:
            said[args] = ""
    return said


def test_a_bound_checked_in_process_gets_the_command_lines_own_line(bound_messages, tmp_path):
    """The in-process check of the bounds says exactly what ``run.py`` says (a sample of kinds)."""
    kinds = {}  # the first case of each spelling of a value: inf, nan, -inf, a whole number, any other
    for args, expected in BOUND_CASES:
        value = args.partition("=")[2]
        kinds.setdefault(
            value if value in ("inf", "nan", "-inf") else ("int" if value.lstrip("-").isdigit() else "x"),
            (args, expected),
        )
    sample = list(kinds.values())
    assert len(sample) == 5
    commands = [_command(args, tmp_path / f"out{i}") for i, (args, _) in enumerate(sample)]
    for (args, _), result in zip(sample, forked.run_many(commands), strict=True):
        assert result.returncode == 2 and result.stderr.strip() == "error: " + bound_messages[args], args


@pytest.mark.parametrize(("args", "expected"), BOUND_CASES, ids=[args for args, _ in BOUND_CASES])
def test_every_declared_bound_is_refused_with_one_line(bound_messages, args, expected):
    line = "error: " + bound_messages[args]
    assert line.startswith(expected) and "allowed" in line and "\n" not in line, line


@pytest.mark.parametrize(("args", "key"), PARAMS)
def test_bad_input_gets_one_line_and_leaves_nothing(outcomes, args, key):
    result, out, before = outcomes[args]
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert len(lines) == 1, result.stderr
    line = lines[0]
    chinese = "lang=zh" in args
    assert line.startswith("错误：" if chinese else "error: ") and "Traceback" not in result.stderr
    assert key in line, line
    assert ("可用" if chinese else "allowed") in line, line
    assert not out.exists(), f"{out} was left behind"
    scratch = out.parent
    assert (scratch / "afile").read_text() == "a file, not a folder\n"
    assert (scratch / "finished" / "results.csv").read_text() == "kept\n"
    assert (scratch / "killed" / ".results.csv.tmp").read_text() == "partial\n"
    assert os.path.isdir(scratch / "finished") and before <= {p.name for p in scratch.iterdir()}


#: Latin words a Chinese message may keep: values and names a planner types as they are.
KEPT = {
    "true",
    "True",
    "false",
    "inf",
    "nan",
    "None",
    "bool",
    "GiB",
    "ASCII",
    "key",
    "value",
    "glob",
    "interval",
    "range",
}
KEPT |= {"choice", "pattern", "start", "stop", "step", "lever", "year", "morris", "sobol", "null", "ByBand", "python3"}


def english_left(line: str) -> list[str]:
    """The Latin words left in a Chinese line, once its key, quoted values, names, lists and paths are set aside."""
    _key, _, rest = line.removeprefix("错误：").partition("：")
    rest = re.sub(r"'[^']*'|\"[^\"]*\"", " ", rest)  # quoted values
    # a list of names after "可用：" (the options, keys or values allowed)
    rest = re.sub(r"(可用|可用的键|可用于|以下之一)：[\w/<>.\-]+(, [\w/<>.\-]+)*(?=$|；)", " ", rest)
    rest = re.sub(r"\S*[/._=,()\[\]{}<>+\-\d]\S*", " ", rest)  # keys, paths, numbers, ranges
    return [word for word in re.findall(r"[A-Za-z]{2,}", rest) if word not in KEPT]


def test_every_message_reads_in_chinese(outcomes, bound_messages):
    """Every bad-input line of this session, said in Chinese, keeps no English clause (analysis.i18n)."""
    from analysis import i18n

    assert english_left("错误：seed：got 'abc'；allowed: a whole number") == ["got", "allowed", "whole", "number"]
    assert english_left("错误：region：未知的选项 'x'；可用：henan, luoyang") == []
    assert english_left("错误：foo：something odd；可用：default") == ["something", "odd"]
    lines = [result.stderr.strip() for result, _out, _before in outcomes.values()]
    lines += ["error: " + message for message in bound_messages.values()]
    checked = 0
    for line in lines:
        if not line.startswith("error: "):
            continue
        said = i18n.error_line(line.removeprefix("error: "), "zh")
        assert not english_left(said), (line, said)
        checked += 1
    assert checked == len(lines) - sum("lang=zh" in args for args in outcomes)
