"""What the levers buy, measured through the whole model: direction, grounded doses and the deadline.

- Every lever with a dose: more dose never raises true-poor person-years (summed over replicates
  with common random numbers) and never lowers its own cost.
- Public-welfare posts against seed 000's dose: "提供2万个护林员岗位,带动6.5万贫困人口增收脱贫"
  (3.25 persons lifted per post, a planning claim that counts every member of a post holder's
  household).  The model's paired effect of 20,000 posts on the truly poor must lie between 1 and
  3.25 persons per post: at most the plan's claim, and at least one person per post.
- Regions poorer than Henan, written as a planner would (lower income, higher incidence, more
  deep-poverty areas), clear their register by the deadline through the push's mechanisms (the
  register then holds only the households found returning in the deadline year itself), the
  guarantee's share of exits rises as incomes fall, and without the push they do not clear.
"""

from __future__ import annotations

import numpy as np
import pytest
from omegaconf import OmegaConf

from app.compose import compose_dict, load_config
from app.experiments.lever_response import doses
from app.experiments.uncertain import config_at
from sim import steps
from sim.model import PovertyModel
from sim.state import Job

SCALE = "population.scale=400"
REPLICATES = (0, 1)


def _history(*overrides: str, replicate: int = 0, config=None) -> dict[str, np.ndarray]:
    model = PovertyModel(config or load_config([SCALE, *overrides]), replicate=replicate)
    model.run()
    rows = model.history
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


RESOLVED = OmegaConf.to_container(compose_dict([SCALE]), resolve=True)
DOUBLED = {dose.lever: dose for dose in doses(RESOLVED, [2.0])}
_RUNS: dict[tuple[str, int], dict[str, np.ndarray]] = {}


def _at(point: dict, replicate: int) -> dict[str, np.ndarray]:
    """The history at a point of the default configuration (kept for the module's other tests)."""
    key = (repr(sorted(point.items())), replicate)
    if key not in _RUNS:
        _RUNS[key] = _history(config=config_at(RESOLVED, point), replicate=replicate)
    return _RUNS[key]


@pytest.mark.parametrize("lever", sorted(DOUBLED))
def test_more_dose_never_raises_true_poverty_and_costs_more(lever):
    poor_years, costs = [], []
    off = {f"policy.{lever}.enabled": False}
    for point in (off, {}, DOUBLED[lever].point):  # off, the default, each dose parameter doubled (within bounds)
        runs = [_at(point, r) for r in REPLICATES]
        poor_years.append(sum(run["true_poor"].sum() for run in runs))
        costs.append(sum(run[f"cost_{lever}"].sum() for run in runs))
    assert poor_years[2] <= poor_years[1] <= poor_years[0], f"{lever}: more dose raised true-poor person-years"
    assert costs[0] <= costs[1] <= costs[2], f"{lever}: more dose cost less"


@pytest.mark.parametrize("lever", sorted(lv.name for lv in steps.levers() if lv.apply is not None))
def test_no_lever_switched_off_raises_returns_above_the_worst_published_rate(lever):
    """Returns a year after the deadline stay under 5 % of a campaign year's exits with any one lever off.

    REAL_OUTCOMES.md: "60多万人" returned in 2016 against 10-13 million exits a year (about 5 %), the
    worst year published, before most of the campaign's levers were in place; returns then fell
    to "几万人" (2018) and "数千人" (2019).  No single lever can justify more than that.
    """
    for replicate in REPLICATES:
        off = _at({f"policy.{lever}.enabled": False}, replicate)
        years = off["year"]
        after = (years > 2020) & (years <= 2025)
        campaign = (years >= 2018) & (years <= 2020)
        assert off["returns"][after].mean() <= 0.05 * off["exits"][campaign].mean()


def _own_income_poor(config, replicate: int, years: int) -> np.ndarray:
    """Persons whose income without guarantee transfers is below the line, in each of the first years."""
    model = PovertyModel(config, replicate=replicate)
    found = []
    for _ in range(years):
        model.step()
        h, line = model.h, config.region.poverty_line.at(model.year)
        below = (h.own_income_pc < line) & (h.size > 0)
        found.append(float(np.sum(h.weight[below] * h.size[below])))
    return np.array(found)


def test_posts_lift_persons_within_the_band_of_the_seeds_dose():
    """Persons lifted above the line by their own income per post, 2018-2020, against the plan's claim.

    Seed 000: 20,000 ranger posts "带动6.5万贫困人口增收脱贫", 3.25 persons per post: every member of
    a post holder's household, every exit credited to the post ("一人护林、全家脱贫").  That is the
    upper bound of a causal effect.  A post pays 6,000 yuan and takes a quarter of a labourer's farm
    time, about 4,100 yuan net in 2018: the line's worth for 1.4 persons.  Posts go to the
    neediest, many of them too far below the line for one post to lift the household (the
    guarantee then does), so the lower bound is half a person per post: a post that lifts fewer
    is mostly a transfer, against seed 002's "防止泛福利化".
    """
    config = load_config(["population.scale=200"])
    without = load_config(["population.scale=200", "policy/public_posts=none"])
    posts = config.policy.public_posts.capacity
    lifted = [_own_income_poor(without, r, 3) - _own_income_poor(config, r, 3) for r in REPLICATES]
    per_post = float(np.mean(lifted)) / posts
    assert 0.5 <= per_post <= 3.25, per_post


POORER = {
    "henan_poorer_income": ["region.rural_income_per_capita=7600"],
    "henan_higher_incidence": [
        "region.registered_poor_persons=3500000",
        "region.villages.deep=3000",
        "region.counties.deep=12",
    ],
    "luoyang_poorer": [
        "region=luoyang",
        "region.rural_income_per_capita=6000",
        "region.registered_poor_persons=700000",
    ],
}


def _deadline(*overrides: str) -> tuple[dict[str, np.ndarray], int, float]:
    """The yearly history (from the start year), the deadline's index in it, and the starting register."""
    config = load_config([SCALE, *overrides])
    history = _history(*overrides)
    return history, list(history["year"]).index(config.region.deadline_year), config.region.registered_poor_persons


@pytest.mark.parametrize("region", sorted(POORER))
def test_a_poorer_region_clears_its_register_by_the_deadline(region):
    history, at, start = _deadline(*POORER[region])
    # Only the households found returning in the deadline year itself are still registered.
    assert history["registered_poor"][at] <= history["returns"][at] + 1e-6 * start
    assert history["registered_poor"][at] < 0.01 * start
    without, _, _ = _deadline(*POORER[region], "policy/deadline_push=none")
    assert without["registered_poor"][at] > 0.03 * start


def test_the_guarantee_route_grows_as_incomes_fall():
    shares = []
    for income in (12719, 9000, 6500):
        history, at, _ = _deadline(f"region.rural_income_per_capita={income}")
        exits = slice(0, at + 1)  # the start year to the deadline
        shares.append(history["exits_guarantee"][exits].sum() / history["exits"][exits].sum())
    assert shares[0] < shares[1] < shares[2], shares


def test_relocation_moves_its_quota_and_gives_every_mover_household_with_labour_a_job():
    """Seed 000: "2018年底前,完成6.29万贫困人口易地扶贫搬迁安置点建设任务", "每户至少有1人就业"."""
    config = load_config([SCALE])
    model = PovertyModel(config)
    model.step()
    h = model.h
    moved = h.relocated_year == config.region.start_year
    quota = config.policy.relocation.quota_persons_by_year[config.region.start_year]
    assert float(np.sum(h.weight[moved] * h.size[moved])) == pytest.approx(quota, rel=0.05)
    with_labour = moved & (h.n_labour_full > 0)
    assert with_labour.sum() > 10
    working = np.isin(h.job[with_labour], [Job.LOCAL_WAGE, Job.MIGRANT, Job.WORKSHOP])
    assert working.all()
