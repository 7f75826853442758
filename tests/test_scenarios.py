"""The scenario catalogue: every scenario composes, validates, runs and says what it asks.

Each file in ``scenarios/`` opens with the question it answers and the seed passage that grounds
it, changes something against the baseline, and runs on a small population.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from app.compose import SCENARIO_DIR, group_options, scenario_question, scenario_title
from app.runner import run
from tests import forked
from tests.helpers import small_config

CATALOGUE = group_options("scenario")
#: The scenarios planners compare (issue: the scenario catalogue); the files may hold more.
REQUIRED = {
    "baseline", "allowance_plus", "allowance_cliff", "jobs_push", "relocation_max", "health_plus",
    "withdraw_2021", "phased_2021", "monitoring_strong", "no_monitoring", "no_deadline_push",
    "flood_2021", "migrant_shock_2020",
}  # fmt: skip


def test_the_catalogue_holds_every_required_scenario():
    assert set(CATALOGUE) >= REQUIRED


@pytest.mark.parametrize("name", CATALOGUE)
def test_each_scenario_opens_with_its_question_and_its_grounding(name):
    text = (SCENARIO_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    comments = [
        line[2:]
        for line in text.splitlines()[1:]
        if line.startswith("# ") and not line.startswith(("# Title: ", "# 问题："))
    ]
    assert comments and comments[0].startswith("Question: ") and "?" in " ".join(comments)
    grounding = " ".join(comments[next(i for i, c in enumerate(comments) if c.startswith("Grounding: ")) :])
    assert re.search(r"seed 00\d", grounding) and re.search(r"[\u4e00-\u9fff]", grounding)  # a seed, quoted


@pytest.mark.parametrize("name", CATALOGUE)
def test_each_scenario_has_a_planner_name_in_both_languages(name):
    title = scenario_title(name)
    assert title is not None and not title.missing() and title.en != name
    chinese = scenario_question(name, lang="zh")
    assert chinese != scenario_question(name) and re.search(r"[\u4e00-\u9fff]", chinese) and "？" in chinese


@pytest.mark.parametrize("name", [n for n in CATALOGUE if n != "baseline"])
def test_each_scenario_changes_something_against_the_baseline(name):
    baseline, scenario = small_config(), small_config(f"scenario={name}")
    assert scenario.scenario_name == name
    changed = dataclasses.replace(scenario, scenario_name="baseline")
    assert changed != baseline


@pytest.mark.parametrize("name", CATALOGUE)
def test_each_scenario_runs_on_a_small_population(name):
    table = run(small_config(f"scenario={name}", "replicates=1")).table
    assert set(table["scenario"]) == {name}
    assert table["value"].notna().all() and table["year"].max() == small_config().region.end_year


def test_info_lists_each_scenario_with_its_question_one_line_each():
    result = forked.run(["--info"])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == CATALOGUE
    for name, line in zip(CATALOGUE, lines, strict=True):
        assert line.rstrip().endswith(scenario_question(name)) and "?" in line
