"""The planner's comparison (``python -m analysis``): intervals, pairing, survival, costs, figures, report."""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import analysis.__main__ as command
from analysis import i18n, plots, runs, survival, tables
from analysis.__main__ import main as analysis_main
from analysis.analyse import analyse
from analysis.figures import FIGURES, file_name
from analysis.stats import kaplan_meier, paired_difference, ratio_of_paired_means, t_interval
from app.compose import group_options
from app.outputs import manifest, write_manifest, write_parquet, write_results
from app.runner import run
from sim import events
from sim.events import Event
from sim.model import PovertyModel
from tests import forked
from tests.helpers import small_config

REPLICATES = "replicates=3"


def finished_run(run_dir: Path, *overrides: str, ledger: bool = True) -> Path:
    """Write a finished run (results, ledger, then its manifest) of the small configuration."""
    run_dir.mkdir(parents=True)
    config = small_config(*overrides)
    result = run(config)
    write_results(result.table, run_dir)
    if ledger and result.ledgers:
        write_parquet(result.ledgers, run_dir / "events.parquet", events.codebook())
    write_manifest(manifest(config, result, 0.0, list(overrides), "what if?"), run_dir)
    return run_dir


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """A small sweep: the baseline, a copy of it under another label, no monitoring and a withdrawal."""
    root = tmp_path_factory.mktemp("analysis") / "sweep"
    finished_run(root / "henan" / "baseline", REPLICATES, "label=baseline")
    finished_run(root / "henan" / "copy", REPLICATES, "label=copy")
    finished_run(root / "henan" / "no_monitoring", REPLICATES, "scenario=no_monitoring", "label=no_monitoring")
    finished_run(root / "henan" / "withdraw", REPLICATES, "scenario=withdraw_2021", "label=withdraw")
    return root


@pytest.fixture(scope="module")
def analysed(sweep):
    """The sweep analysed, and its files written."""
    assert analysis_main([str(sweep), "--lang", "en,zh"]) == 0
    return analyse([sweep], on_warning=lambda _m: None)


def test_the_analysis_of_a_small_sweep_writes_every_file(sweep, analysed):
    record = json.loads((sweep / "analysis.json").read_text())
    expected = {
        "summary.csv",
        "period_totals.csv",
        "cost_effectiveness.csv",
        "frontier.csv",
        "survival.csv",
        "report.html",
        "report_zh.html",
        "analysis.json",
        *(f"figures/{spec.name}_henan.png" for spec in FIGURES),
        *(f"figures/{spec.name}_henan_zh.png" for spec in FIGURES),
    }
    assert set(record["files"]) == expected
    for name in expected:
        assert (sweep / name).stat().st_size > 0, name
    summary = pd.read_csv(sweep / "summary.csv")
    assert {"curve_exit", "curve_return", "curve_fallback", "returns", "new_fallbacks"} <= set(summary["metric"])
    assert (summary["replicates"] == 3).all()
    finite = summary.dropna(subset=["low", "high"])
    assert (finite["low"] <= finite["mean"] + 1e-9).all() and (finite["mean"] <= finite["high"] + 1e-9).all()
    totals = pd.read_csv(sweep / "period_totals.csv")
    returns = totals[(totals["quantity"] == "returns") & (totals["label"] == "withdraw")].iloc[0]
    assert returns["period"] == "2021-2025" and returns["diff_low"] > 0  # withdrawal adds returns, surely
    costs = totals[totals["quantity"].str.startswith("cost_") & (totals["period"] == "2021-2025")]
    assert {"cost_total", "cost_dibao", "cost_monitoring"} <= set(costs["quantity"])
    curves = pd.read_csv(sweep / "survival.csv")
    assert set(curves["curve"]) == set(survival.CURVES) and set(curves["group"]) == set(survival.GROUPS)


def test_a_scenario_paired_with_itself_differs_by_exactly_zero_with_a_zero_width_interval(analysed):
    for frame in (analysed.summary, analysed.totals):
        for label in ("baseline", "copy"):  # the reference itself, and the same configuration under another label
            rows = frame[(frame["label"] == label) & frame["mean"].notna()]
            assert len(rows) > 0
            assert (rows["diff"] == 0).all() and (rows["diff_low"] == 0).all() and (rows["diff_high"] == 0).all()
    assert paired_difference([1.5, 2.0, 7.0], [1.5, 2.0, 7.0]) == (0.0, 0.0, 0.0)


def test_the_t_interval_matches_scipy_stats_t_on_known_data():
    data = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    mean, low, high = t_interval(data)
    expected = stats.t.interval(0.95, df=4, loc=data.mean(), scale=stats.sem(data))
    assert mean == pytest.approx(4.0)
    assert (low, high) == pytest.approx(expected, rel=1e-12)
    # wider than the normal approximation that the old summary used (1.96)
    assert high - mean > 1.96 * stats.sem(data) * 1.3
    mean, low, high = t_interval([5.0])
    assert mean == 5.0 and np.isnan(low) and np.isnan(high)  # one replicate: no interval, not a zero-width one


def test_the_paired_bootstrap_interval_covers_the_mean_difference_and_repeats_exactly():
    rng = np.random.default_rng(1)
    reference = rng.normal(100, 10, 20)
    values = reference + rng.normal(3, 1, 20)  # shared noise cancels in the pairs
    first = paired_difference(values, reference, "key")
    assert first == paired_difference(values, reference, "key")
    mean, low, high = first
    assert low < mean < high and high - low < 2.0


def test_kaplan_meier_matches_a_hand_computed_censored_example():
    durations = [1, 2, 2, 3, 4, 5]
    observed = [True, True, False, True, False, True]
    # at risk 6, 5, 3, 1; events at 1, 2, 3, 5; censored at 2 and 4
    expected = [1.0, 5 / 6, 5 / 6 * 4 / 5, 5 / 6 * 4 / 5 * 2 / 3, 5 / 6 * 4 / 5 * 2 / 3, 0.0]
    assert kaplan_meier(durations, observed, np.arange(6)) == pytest.approx(expected, abs=1e-12)


def test_durations_follow_the_ledger_with_censoring_at_dissolution_and_the_last_year():
    def row(household, year, event, cause=0):
        return (0, household, year, int(event), cause)

    ledger = pd.DataFrame(
        [
            row(1, 2017, Event.INITIAL_REGISTER),
            row(1, 2019, Event.EXIT_DEVELOPMENT),
            row(1, 2022, Event.FALLBACK),
            row(1, 2023, Event.RETURN),
            row(2, 2017, Event.INITIAL_REGISTER, 2),
            row(2, 2020, Event.EXIT_GUARANTEE, 2),
            row(2, 2021, Event.DISSOLVED, 2),
            row(3, 2017, Event.INITIAL_REGISTER),  # never exits: censored at the end (8 years)
            row(4, 2019, Event.NEWLY_REGISTERED),  # not on the initial register: not in the curves
            row(4, 2020, Event.EXIT_DEVELOPMENT),
        ],
        columns=["replicate", "household", "year", "event", "cause"],
    )
    spans = survival.durations(ledger, 2018, 2025).set_index(["curve", "household"])
    assert tuple(spans.loc[("exit", 1), ["duration", "observed"]]) == (2.0, True)
    assert tuple(spans.loc[("exit", 3), ["duration", "observed"]]) == (8.0, False)
    assert tuple(spans.loc[("fallback", 1), ["duration", "observed"]]) == (3.0, True)
    assert tuple(spans.loc[("return", 1), ["duration", "observed"]]) == (4.0, True)
    assert tuple(spans.loc[("fallback", 2), ["duration", "observed"]]) == (1.0, False)  # dissolved in 2021
    assert 4 not in spans.index.get_level_values("household")


def test_the_ledger_agrees_with_the_yearly_flows():
    model = PovertyModel(small_config())
    for _ in range(4):
        before = model.h
        model.step()
        ledger = model.ledger()
        year = ledger[ledger["year"] == model.year]
        row = model.history[-1]

        def persons(event, h, column, year=year):
            rows = year.loc[year["event"] == event, "household"].to_numpy()
            return float(np.sum(h.weight[rows] * getattr(h, column)[rows]))

        assert persons(Event.EXIT_DEVELOPMENT, before, "reg_size") == pytest.approx(row["exits_development"])
        assert persons(Event.EXIT_GUARANTEE, before, "reg_size") == pytest.approx(row["exits_guarantee"])
        assert persons(Event.RETURN, model.h, "reg_size") == pytest.approx(row["returns"])
        assert persons(Event.FALLBACK, model.h, "size") == pytest.approx(row["new_fallbacks"])
    assert (model.ledger()["event"] == Event.INITIAL_REGISTER).sum() == (model.h.stratum == 0).sum()


def test_cost_per_prevented_return_comes_from_the_paired_differences_and_is_absent_when_nothing_is_prevented():
    rows = []
    for replicate, (cost_ref, returns_ref) in enumerate([(100.0, 50.0), (110.0, 60.0), (90.0, 40.0)]):
        for label, extra_cost, prevented in (("baseline", 0.0, 0.0), ("better", 30.0, 10.0), ("worse", -5.0, -4.0)):
            for quantity, value in (
                ("cost_total_run", cost_ref + extra_cost + replicate),
                ("returns_run", returns_ref - prevented - replicate),
                ("new_fallbacks_run", returns_ref),  # nothing prevented for anyone
                ("sustained_exits_last", 10.0),
            ):
                rows.append(("henan", label, replicate, quantity, "2018-2025", "", value))
    frame = pd.DataFrame(rows, columns=["region", "label", "replicate", "quantity", "period", "unit", "value"])
    comparison = {"henan": tables.Comparison("henan", "baseline", 2018, 2025, 2021)}
    table = tables.cost_effectiveness(frame, comparison).set_index(["label", "measure"])
    # better: 30 + r extra yuan vs 10 + r fewer returns... paired: (30+r-r)/(10+r-r) -> 30 / 10
    assert table.loc[("better", "cost_per_prevented_return"), "value"] == pytest.approx(3.0)
    assert table.loc[("better", "cost_per_prevented_return"), "verdict"] == "trade"
    for label, measure, verdict in (
        ("worse", "cost_per_prevented_return", "cheaper_worse"),
        ("better", "cost_per_prevented_fallback", "dominated"),
    ):
        row = table.loc[(label, measure)]
        assert np.isnan(row["value"]) and not np.isinf(row["value"]) and row["verdict"] == verdict
    assert ("baseline", "cost_per_prevented_return") not in table.index  # the reference prevents nothing of itself
    ratio, low, high, _note = ratio_of_paired_means([30.0, 33.0, 27.0], [10.0, 12.0, 8.0], "k")
    assert ratio == pytest.approx(3.0) and low <= ratio <= high


@pytest.mark.parametrize(
    ("extra_cost", "prevented", "poverty_prevented", "verdict"),
    [
        (10.0, 5.0, 3.0, "trade"),
        (-10.0, 5.0, 3.0, "dominant"),
        (10.0, -5.0, None, "dominated"),
        (-10.0, -5.0, -3.0, "cheaper_worse"),
        (0.0, 0.0, 0.0, "same"),
        # fewer returns counted while more people are truly poor (no monitoring): never a saving
        (-10.0, 5.0, -3.0, "fewer_found"),
        # more returns counted while fewer are truly poor (stronger monitoring): more are found
        (10.0, -5.0, 3.0, "more_found"),
    ],
)
def test_a_cost_per_outcome_says_what_happened_and_never_saves_money_while_the_truly_poor_rise(
    extra_cost, prevented, poverty_prevented, verdict
):
    assert tables.verdict(extra_cost, prevented, poverty_prevented) == verdict


def test_a_cheaper_scenario_with_fewer_returns_but_more_true_poverty_is_not_called_a_saving():
    rows = []
    for replicate in range(3):
        for label, cost, returns, poverty in (("baseline", 100.0, 50.0, 1000.0), ("blind", 90.0, 40.0, 1300.0)):
            for quantity, value in (
                ("cost_total_run", cost + replicate),
                ("returns_run", returns),
                ("true_poor_years_run", poverty + replicate),
            ):
                rows.append(("henan", label, replicate, quantity, "2018-2025", "", value))
    frame = pd.DataFrame(rows, columns=["region", "label", "replicate", "quantity", "period", "unit", "value"])
    comparison = {"henan": tables.Comparison("henan", "baseline", 2018, 2025, 2021)}
    table = tables.cost_effectiveness(frame, comparison).set_index(["label", "measure"])
    assert table.loc[("blind", "cost_per_prevented_return"), "verdict"] == "fewer_found"
    assert table.loc[("blind", "cost_per_poverty_year_prevented"), "verdict"] == "cheaper_worse"
    assert np.isnan(table.loc[("blind", "cost_per_prevented_return"), "value"])


def test_the_frontier_keeps_scenarios_no_other_beats_on_cost_and_outcome():
    totals = pd.DataFrame(
        [
            ("henan", label, "cost_total_run", cost)
            for label, cost in (("cheap", 1.0), ("dear", 3.0), ("wasteful", 3.0), ("middle", 2.0))
        ]
        + [
            ("henan", label, "returns_run", value)
            for label, value in (("cheap", 10.0), ("dear", 1.0), ("wasteful", 5.0), ("middle", 5.0))
        ],
        columns=["region", "label", "quantity", "mean"],
    )
    points = tables.frontier(totals).set_index(["outcome", "label"])["on_frontier"]
    assert points["returns_run"].to_dict() == {"cheap": True, "dear": True, "wasteful": False, "middle": True}


def test_plots_return_their_axes_and_render_the_same_bytes_twice(sweep, analysed):
    region, reference = "henan", "baseline"
    summary = analysed.summary
    calls = [
        lambda ax: plots.fan_chart(summary, ax, "curve_exit", reference, 2021),
        lambda ax: plots.registered_vs_true(summary, ax, reference, 2021),
        lambda ax: plots.paired_deltas(analysed.totals, ax, "returns", reference),
        lambda ax: plots.survival(analysed.survival, ax, "fallback", "illness", reference),
        lambda ax: plots.frontier(analysed.frontier, ax, "returns_run", reference),
        lambda ax: plots.exit_routes(analysed.totals, ax, reference),
        lambda ax: plots.spending_change(analysed.totals, ax, reference, "zh"),
        lambda ax: plots.yearly_difference(summary, ax, "withdraw", "true_poor", reference, 2021, "zh"),
    ]
    for draw in calls:
        fig, ax = plt.subplots()
        assert draw(ax) is ax
        plt.close(fig)

    # Drawn again, each figure is the very file the command wrote (the small sweep's analysis, above).
    for spec in FIGURES:
        png = command.figure_png(spec.draw(analysed, region, "zh"))
        assert png == (sweep / "figures" / file_name(spec, region, "zh")).read_bytes(), spec.name


def test_every_catalogue_scenario_keeps_one_distinct_colour_in_every_figure_and_the_reference_is_black():
    catalogue = group_options("scenario")
    assert set(catalogue) <= set(plots.SCENARIO_COLOURS)
    assert len(set(plots.SCENARIO_COLOURS.values())) == len(plots.SCENARIO_COLOURS)
    assert plots.REFERENCE_COLOUR not in plots.SCENARIO_COLOURS.values()
    alone = plots.colours(["baseline", "withdraw_2021"], reference="baseline")
    among = plots.colours(list(reversed(catalogue)), reference="no_monitoring")
    assert alone["baseline"] == among["no_monitoring"] == (plots.REFERENCE_COLOUR, "-")
    assert alone["withdraw_2021"] == among["withdraw_2021"] == (plots.SCENARIO_COLOURS["withdraw_2021"], "-")
    # a label built on a scenario keeps the scenario's colour, dashed; a label outside the catalogue its own
    assert plots.colour_of("jobs_push+dibao.grace_years=2") == (plots.SCENARIO_COLOURS["jobs_push"], "--")
    assert plots.colour_of("my_own") == plots.colour_of("my_own") and plots.colour_of("my_own")[0] in plots.PALETTE


def test_every_phrase_of_the_catalogue_and_every_declared_name_has_both_languages():
    assert i18n.missing() == []
    with pytest.raises(ValueError, match="lang: got 'fr'; allowed: en, zh"):
        i18n.say("report.title", "fr", regions="x")


def _declared_parameters():
    """(dataclass, field, Spec) of every parameter of the run configuration, the levers and the processes."""
    import typing

    from sim import steps
    from sim.config import RunConfig
    from sim.schema import spec_of

    found, pending, seen = [], [RunConfig, *(lv.params for lv in steps.levers())], set()
    pending += list(steps.dynamics_blocks().values())
    while pending:
        cls = pending.pop()
        if cls in seen or not dataclasses.is_dataclass(cls):
            continue
        seen.add(cls)
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            rule = spec_of(field)
            if rule is not None:
                found.append((cls, field, rule))
            kind = hints.get(field.name)
            pending += [a for a in (kind, *typing.get_args(kind)) if dataclasses.is_dataclass(a)]
    return found


def test_every_declared_unit_has_its_chinese_name():
    units = {rule.unit for _cls, _field, rule in _declared_parameters() if rule.unit}
    assert units and not (units - set(i18n.UNITS_ZH)), sorted(units - set(i18n.UNITS_ZH))


def test_every_parameter_with_a_range_says_what_it_is_in_both_languages():
    parameters = _declared_parameters()
    ranged = [(c, f, r) for c, f, r in parameters if r.low is not None or r.high is not None]
    assert len(ranged) > 150
    lacking = [f"{c.__qualname__}.{f.name}" for c, f, r in ranged if r.doc is None]
    lacking += [f"{c.__qualname__}.{f.name}: {r.doc.missing()}" for c, f, r in parameters if r.doc and r.doc.missing()]
    assert not lacking, lacking
    # Chinese that is not a copy of the English
    assert all(re.search(r"[\u4e00-\u9fff]", r.doc.zh) for _c, _f, r in parameters if r.doc), (
        "a meaning left in English"
    )


def test_amounts_are_written_in_the_readers_units():
    assert i18n.amount(2_214_000, "persons", "zh") == "221.4万人"
    assert i18n.amount(2_214_000, "persons", "en") == "2,214,000 persons"
    assert i18n.amount(228.9e9, "yuan", "zh") == "2,289亿元"
    assert i18n.amount(228.9e9, "yuan", "en") == "228.9 billion yuan"
    assert i18n.amount(-4_815, "persons", "zh", sign=True) == "-0.48万人"


def _visible(page: str) -> str:
    """The text a reader sees in the report's body, without the manifests and code labels."""
    body = re.sub(r"<details>.*?</details>|<style>.*?</style>|<span class=\"code\">.*?</span>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_chinese_report_reads_in_chinese_with_wan_and_yi(sweep, analysed):
    page = (sweep / "report_zh.html").read_text(encoding="utf-8")
    seen = _visible(page)
    assert "实际贫困人年" in seen and "万人" in seen and "亿元" in seen and '<html lang="zh-Hans">' in page
    english = [t.en for t in i18n.PHRASES.values() if len(t.en) > 15 and "{" not in t.en]
    assert not [phrase for phrase in english if phrase in seen]
    assert "persons" not in seen and "billion yuan" not in seen


def test_the_key_table_leads_with_true_poverty_and_every_column_names_its_period(sweep, analysed):
    for name, lang in (("report.html", "en"), ("report_zh.html", "zh")):
        page = (sweep / name).read_text(encoding="utf-8")
        table = re.search(r'<table class="key">(.*?)</table>', page, flags=re.S).group(1)
        headers = re.findall(r"<th[^>]*>(.*?)</th>", table.split("</tr>")[0])
        assert headers[1].startswith(i18n.quantity_name("true_poor_years_run", lang))
        assert all(re.search(r"20\d\d-20\d\d", h) for h in headers[1:]), headers
        yearly = re.search(r'<table class="yearly-differences">(.*?)</table>', page, flags=re.S).group(1)
        assert all(str(year) in yearly for year in range(2018, 2026))
    assert "saves money" not in (sweep / "report.html").read_text(encoding="utf-8")


def test_the_report_is_one_file_with_no_external_reference(sweep, analysed):
    text = (sweep / "report.html").read_text(encoding="utf-8")
    assert text.count("<img") == len(FIGURES)
    sources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", text)
    assert sources and all(s.startswith("data:") for s in sources)
    assert "url(" in text and all(u.startswith("data:") for u in re.findall(r"url\(([^)]*)\)", text))
    assert "<link" not in text and "<script" not in text and "@import" not in text
    assert "http://" not in text and "https://" not in text
    assert "@font-face" in text and "返贫" in text  # Chinese terms shown, and the glyphs they need embedded
    for finished in analysed.loaded.runs:
        assert finished.config_hash in text  # the manifests behind the numbers


def test_warnings_name_unfinished_runs_collisions_mixed_regions_and_too_few_replicates(tmp_path, capsys):
    finished_run(tmp_path / "a", "replicates=2", "label=mine", "policy.dibao.grace_years=1")
    finished_run(tmp_path / "b", "replicates=2", "label=mine", "policy.dibao.grace_years=2")
    finished_run(tmp_path / "c", "region=luoyang", "region.end_year=2023", "label=solo", ledger=False)
    finished_run(tmp_path / "d", "replicates=2", "region.end_year=2024", "label=short")
    (tmp_path / "killed").mkdir()
    (tmp_path / "killed" / "results.csv").write_text("region,scenario,label,replicate,year,metric,value\n")
    assert analysis_main([str(tmp_path), "--reference", "mine"]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert any("skipping unfinished run" in line and "killed" in line for line in lines)
    assert any("label 'mine' (henan) names 2 different configurations" in line for line in lines)
    assert any(line.startswith("warning: mixed regions (henan, luoyang)") for line in lines)
    assert any(line.startswith("warning: mixed year ranges in henan (2018-2024, 2018-2025)") for line in lines)
    assert any("solo (luoyang) has 1 replicate: no interval" in line for line in lines)
    assert any("no reference 'mine' in henan" in line for line in lines)  # ambiguous after the collision
    assert any("solo (luoyang) has no event ledger" in line for line in lines)
    labels = set(pd.read_csv(tmp_path / "summary.csv")["label"])
    assert {label for label in labels if label.startswith("mine [")} and "solo" in labels
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "mixed regions" in report and "Warnings" in report


def test_reruns_of_one_configuration_are_merged_and_regions_and_year_ranges_kept_apart(tmp_path):
    finished_run(tmp_path / "one", "replicates=2")
    finished_run(tmp_path / "again", "replicates=2")  # the same configuration: the same run, not a collision
    finished_run(tmp_path / "luoyang", "region=luoyang", "region.end_year=2023")
    loaded = runs.load([tmp_path], on_warning=lambda _m: None)
    counts = loaded.table.groupby(["region", "label", "year", "metric"]).size()
    assert set(counts) == {2, 1}
    years = loaded.table.groupby("region")["year"].agg(["min", "max"])
    assert tuple(years.loc["henan"]) == (2017, 2025) and tuple(years.loc["luoyang"]) == (2014, 2023)
    assert loaded.ledgers[("henan", "baseline+population.scale=400")]["replicate"].nunique() == 2


@pytest.fixture
def first_figure_only(monkeypatch):
    """The command draws its first figure only: for tests whose point is not the figures.

    Every figure is drawn, in both languages, by the small sweep's analysis and checked there;
    a figure costs about a second.
    """
    monkeypatch.setattr(command, "FIGURES", command.FIGURES[:1])


def test_a_file_in_the_way_stops_the_analysis_and_an_earlier_analysis_is_replaced(tmp_path, capsys, first_figure_only):
    finished_run(tmp_path / "run", "replicates=2")
    (tmp_path / "summary.csv").write_text("mine\n")
    assert analysis_main([str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: --out: ") and "summary.csv" in err
    assert (tmp_path / "summary.csv").read_text() == "mine\n" and not (tmp_path / "report.html").exists()
    out = tmp_path / "comparison"
    assert analysis_main([str(tmp_path / "run"), "--out", str(out)]) == 0
    first = (out / "summary.csv").read_bytes()
    assert analysis_main([str(tmp_path / "run"), "--out", str(out)]) == 0  # its own files: replaced
    assert (out / "summary.csv").read_bytes() == first


def test_a_missing_directory_is_one_error_line(tmp_path, capsys):
    assert analysis_main([str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: ")


def test_years_a_scenario_pins_a_shock_to_are_marked_in_the_comparison_figures_and_report(tmp_path, first_figure_only):
    root = tmp_path / "shocks"
    finished_run(root / "henan" / "baseline", "replicates=2", "label=baseline")
    finished_run(root / "henan" / "flood", "replicates=2", "scenario=flood_2021", "label=flood")
    finished_run(
        root / "henan" / "both",
        "replicates=2",
        "scenario=migrant_shock_2020",
        "dynamics.shocks.disaster.pinned=[{year:2021,county_ids:[3,7]}]",
        "label=both",
    )
    analysed = analyse([root], on_warning=lambda _m: None)
    assert analysed.comparisons["henan"].shock_years == {
        2020: "labour-market shock (both)",
        2021: "disaster in 10 counties (flood); disaster in counties 3, 7 (both)",
    }
    fig, ax = plt.subplots()
    plots.fan_chart(analysed.summary, ax, "true_poor", "baseline", 2021, shock_years={2021: "flood"})
    shaded = [p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx(plt.matplotlib.colors.to_rgb("#d95f02"))]
    assert len(shaded) == 1 and shaded[0].get_x() == pytest.approx(2020.5)
    plt.close(fig)
    assert analysis_main([str(root)]) == 0
    report = (root / "report.html").read_text(encoding="utf-8")
    assert "Shock years" in report and "2020: labour-market shock (both)" in report


@pytest.fixture(scope="module")
def two_runs_made(tmp_path_factory) -> Path:
    """Two finished runs, made once; each test that damages or compares them takes its own copy."""
    root = tmp_path_factory.mktemp("two_runs") / "sweep"
    finished_run(root / "henan" / "baseline", "replicates=2", "label=baseline")
    finished_run(root / "henan" / "other", "replicates=2", "scenario=no_monitoring", "label=other")
    return root


@pytest.fixture
def two_runs(two_runs_made, tmp_path) -> Path:
    """A copy of the two finished runs in this test's folder (``<tmp>/sweep``)."""
    return Path(shutil.copytree(two_runs_made, tmp_path / "sweep"))


def _cut_row(text: str) -> str:
    lines = text.splitlines(True)
    return "".join(lines[:100] + lines[101:])


def _nan_value(text: str) -> str:
    lines = text.splitlines(True)
    lines[50] = lines[50].rsplit(",", 1)[0] + ",nan\n"
    return "".join(lines)


@pytest.mark.parametrize(
    ("damage", "fault"),
    [
        (_cut_row, "rows are missing"),
        (_nan_value, "not a finite number"),
        (lambda t: t[: len(t) // 2], "results.csv: line"),
        (lambda t: "\n".join(line.rsplit(",", 1)[0] for line in t.splitlines()) + "\n", "columns"),
        (lambda t: "", "cannot be read as CSV"),
        (lambda t: t.replace(",0.000000\n", ",zero\n", 1), "not a finite number"),
    ],
    ids=["a row deleted", "a nan", "cut in half", "value column gone", "empty", "a word for a number"],
)
def test_a_damaged_run_is_skipped_with_a_warning_naming_it_and_the_rest_compared(two_runs, capsys, damage, fault):
    """Each damage is found where the runs are read; the first goes through the whole command."""
    root = two_runs
    results = root / "henan" / "other" / "results.csv"
    results.write_text(damage(results.read_text()))
    if damage is _cut_row:
        assert analysis_main([str(root)]) == 0
        err = capsys.readouterr().err
        compared = set(pd.read_csv(root / "summary.csv")["label"])
    else:  # the figures and report of the one run left would add nothing to what is checked
        said: list[str] = []
        compared = set(analyse([root], on_warning=said.append).summary["label"])
        err = "\n".join(said)
    assert f"skipping run {root / 'henan' / 'other'}" in err and fault in err
    assert compared == {"baseline"}


def test_a_damaged_manifest_or_ledger_is_one_warning_not_a_traceback(two_runs, capsys):
    root = two_runs
    (root / "henan" / "other" / "manifest.json").write_text('{"config": {}}')
    (root / "henan" / "baseline" / "events.parquet").write_bytes(b"not parquet")
    assert analysis_main([str(root)]) == 0
    err = capsys.readouterr().err
    assert "not a run manifest" in err and "leaving out the ledger" in err and "Traceback" not in err


def test_a_killed_comparison_leaves_nothing_that_blocks_or_fools_the_next(two_runs, monkeypatch):
    root = two_runs

    def killed(*_args, **_kwargs):
        raise KeyboardInterrupt  # stands for a kill part-way through the figures

    # The second figure is killed: the first is drawn, the tables are written, nothing is moved into place.
    figures = list(command.FIGURES)
    figures[1] = dataclasses.replace(figures[1], draw=killed)
    monkeypatch.setattr(command, "FIGURES", tuple(figures))
    with pytest.raises(KeyboardInterrupt):
        analysis_main([str(root)])
    record = json.loads((root / "analysis.json").read_text())
    # Nothing half-written is in the folder: the tables wait in the staging folder.
    assert record["finished"] is False and not (root / "summary.csv").exists()
    assert (root / ".comparison-staging" / "summary.csv").is_file()
    monkeypatch.undo()
    assert analysis_main([str(root)]) == 0
    assert json.loads((root / "analysis.json").read_text())["finished"] is True
    assert (root / "summary.csv").is_file() and not (root / ".comparison-staging").exists()


def test_a_staging_folder_of_someone_else_is_refused(two_runs, capsys):
    root = two_runs
    (root / ".comparison-staging").mkdir()
    (root / ".comparison-staging" / "notes.txt").write_text("mine")
    assert analysis_main([str(root)]) == 2
    assert "comparison-staging" in capsys.readouterr().err
    assert (root / ".comparison-staging" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("where", ["a file", "under a file", "figures is a file", "unwritable"])
def test_a_bad_output_folder_is_refused_before_any_work(two_runs, tmp_path, capsys, monkeypatch, where):
    root = two_runs
    blocker = tmp_path / "blocker"
    blocker.write_text("mine")
    out = {"a file": blocker, "under a file": blocker / "out", "figures is a file": tmp_path / "o1",
           "unwritable": tmp_path / "ro" / "out"}[where]  # fmt: skip
    if where == "figures is a file":
        out.mkdir()
        (out / "figures").write_text("my figures")
    if where == "unwritable":
        (tmp_path / "ro").mkdir()
        monkeypatch.setattr("os.access", lambda *_a, **_k: False)
    monkeypatch.setattr("analysis.__main__.analyse", lambda *_a, **_k: pytest.fail("worked before checking --out"))
    assert analysis_main([str(root), "--out", str(out)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: --out:")
    assert blocker.read_text() == "mine"


def test_a_sweep_job_that_never_finished_is_named(tmp_path, capsys, first_figure_only):
    sweep = tmp_path / "sweep"
    result = forked.run(
        ["-m", "population.scale=400", "output.plots=false", "scenario=baseline,no_monitoring", "replicates=2",
         f"hydra.sweep.dir={sweep}"],
        env={**os.environ, "POVERTY_STORE": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    jobs = json.loads((sweep / "jobs.json").read_text())["jobs"]
    assert jobs == ["henan/baseline+population.scale=400", "henan/no_monitoring+population.scale=400"]
    missing = sweep / jobs[1]
    for path in missing.iterdir():  # the second job's folder as a kill before it began leaves it: empty
        path.unlink()
    capsys.readouterr()
    assert analysis_main([str(sweep)]) == 0
    err = capsys.readouterr().err
    assert f"sweep job {missing} has no finished run" in err
