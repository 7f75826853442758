"""Shocks that strike many households at once: area disasters and labour-market shocks.

Seed 002 names the causes behind its third monitored group, households in sudden hardship:
"因病、因灾、因疫情、因意外事故等刚性支出较大或收入大幅缩减"; seed 001 "防止因灾因病等特殊原因返贫";
seed 004 "因病、因残、因灾致贫因素尚未得到根除".  A disaster strikes a county and, within it, a
group of villages in the same year; an epidemic year stops migrant work for many at once.  Both
are *covariate* shocks: every household of a struck place, or every worker in a shock year, is
exposed together, unlike the private farm, medical and job draws of the other processes.

**Area disasters** (``dynamics.shocks.disaster``).  Each year each county is struck with
``p_county`` (the background risk), and a scenario may pin events to a year: a number of
counties drawn at random, or named counties (``pinned``), which strike those counties and no
others.  Within a struck county each village is struck with ``p_village``.  In a struck
village, farm income loses ``farm_loss`` this year (``farm_loss`` column, read by the income
process); a household's dwelling is destroyed with ``p_housing_damage`` (unsafe housing fails
the housing guarantee, 住房安全有保障, until it is rebuilt or renovated) and a member is injured
with ``p_injury`` (``injury_cost`` of medical spending, at the year before the start's prices,
read by the medical process through ``shock_medical``).  A dwelling a disaster destroyed is
rebuilt by the household with disaster relief (灾后重建) with ``p_rebuild`` a year; the housing
lever may renovate it sooner for the target group.

**Labour-market shocks** (``dynamics.shocks.labour_market``).  A year is a shock year with
``p_year`` (background) or when a scenario pins it (``pinned_years``).  In a shock year a migrant
worker loses the job with ``migrant_job_loss`` and a local wage worker with ``local_job_loss``
(they fall back to farming), and market job finding is multiplied by ``finding_factor``
(``labour_demand`` column, read by the employment process).  Placed jobs (public-welfare posts,
workshops) are not affected.

Draws: the areas' uniforms come from their own stream (``shock_areas``: counties, then the pick
of pinned counties, then villages, then the year's labour-market uniform, the same number
every year), the households' from ``shocks``; so every scenario sees the same disasters and
shock years (common random numbers), and a pinned event changes nothing outside its counties.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.context import Effect, YearContext, lever_key_one
from sim.jit import kernel
from sim.rng import name_hash, uniform64_at
from sim.schema import ConfigError, check, share, spec, year, yuan
from sim.state import Households, Job
from sim.steps import Draw, DrawKind, Phase, Process, register_process
from sim.text import Text

FARMING, NONE = int(Job.FARMING), int(Job.NONE)
#: Salt that turns a household's shock uniform into an independent one for labour-market job loss.
LABOUR_SALT = np.uint64(name_hash("labour_market_shock"))


@dataclasses.dataclass
class PinnedDisaster:
    """A disaster a scenario pins to a year: ``counties`` drawn at random, and/or named ``county_ids``."""

    year: int = year(Text("year the disaster strikes", "灾害发生的年份"))
    counties: int = spec(
        0, 10**6, "counties", Text("counties struck, drawn at random", "受灾县数，随机抽取"), default=0
    )
    county_ids: list[int] = spec(
        0, 10**6, "id", Text("counties struck, by id (0-based)", "受灾县的编号（从 0 开始）"), default_factory=list
    )


@dataclasses.dataclass
class DisasterParams:
    """Area disasters: where they strike and what they destroy."""

    p_county: float = share(Text("background: chance a county is struck in a year", "背景：每个县一年内受灾的概率"))
    p_village: float = share(Text("chance a village of a struck county is struck", "受灾县中每个村受灾的概率"))
    farm_loss: float = share(
        Text("share of the year's farm income lost in a struck village", "受灾村当年损失的农业收入比例")
    )
    p_housing_damage: float = share(
        Text("chance a household's dwelling in a struck village is destroyed", "受灾村中家庭住房被毁的概率")
    )
    p_injury: float = share(
        Text("chance a household in a struck village has a member injured", "受灾村中家庭有成员受伤的概率")
    )
    injury_cost: float = yuan(
        Text("medical spending of an injury, at the year before the start's prices", "受伤的医疗支出，按起始前一年价格")
    )
    p_rebuild: float = share(
        Text(
            "chance a destroyed dwelling is rebuilt in a later year (灾后重建)",
            "被毁住房在以后年份重建的概率（灾后重建）",
        )
    )
    pinned: list[PinnedDisaster] = spec(
        doc=Text("disasters pinned to a year and counties (scenarios)", "固定到年份和县的灾害（情景用）")
    )

    def __post_init__(self) -> None:
        check(self.p_housing_damage + self.p_injury <= 1.0, "p_injury", "at most 1 - p_housing_damage", self.p_injury)


@dataclasses.dataclass
class LabourMarketParams:
    """Labour-market shocks (an epidemic year): migrant and local work lost, finding cut."""

    p_year: float = share(
        Text("background: chance a year is a labour-market shock year", "背景：某年为劳动力市场冲击年的概率")
    )
    pinned_years: list[int] = spec(
        1901, 2199, "year", Text("years pinned as shock years (scenarios)", "固定为冲击年的年份（情景用）")
    )
    migrant_job_loss: float = share(
        Text("chance a migrant worker loses the job in a shock year", "外出务工者在冲击年失业的概率")
    )
    local_job_loss: float = share(
        Text("chance a local wage worker loses the job in a shock year", "本地工资性就业者在冲击年失业的概率")
    )
    finding_factor: float = spec(
        0.0,
        1.0,
        "multiple",
        Text("market job finding in a shock year, relative to normal", "冲击年市场就业概率相对正常年份之比"),
    )


@dataclasses.dataclass
class Params:
    """Covariate shocks (``dynamics.shocks``)."""

    disaster: DisasterParams = spec(
        doc=Text("area disasters (floods, droughts, storms)", "区域性灾害（洪涝、干旱、风暴）")
    )
    labour_market: LabourMarketParams = spec(
        doc=Text("labour-market shocks (an epidemic year)", "劳动力市场冲击（疫情之年）")
    )


def check_region(params: Params, counties: int, key: str = "dynamics.shocks") -> None:
    """Refuse pinned disasters naming a county the region does not have, or more counties than it has."""
    for i, event in enumerate(params.disaster.pinned):
        where = f"{key}.disaster.pinned[{i}]"
        if event.counties > counties:
            raise ConfigError(f"{where}.counties: got {event.counties}; allowed: a whole number in [0, {counties}]")
        for j, county in enumerate(event.county_ids):
            if county >= counties:
                raise ConfigError(f"{where}.county_ids[{j}]: got {county}; allowed: a county id in [0, {counties - 1}]")


def struck_counties(params: DisasterParams, when: int, u_county: np.ndarray, u_pick: np.ndarray) -> np.ndarray:
    """Counties struck in year ``when``: the background draws plus every event pinned to that year."""
    struck = u_county < params.p_county
    for event in params.pinned:
        if event.year != when:
            continue
        struck[np.asarray(event.county_ids, dtype=np.int64)] = True
        if event.counties:
            struck[np.argsort(u_pick, kind="stable")[: event.counties]] = True
    return struck


def is_shock_year(params: LabourMarketParams, when: int, u_year: float) -> bool:
    """Whether ``when`` is a labour-market shock year: pinned, or drawn at the background rate."""
    return when in params.pinned_years or u_year < params.p_year


def step(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Strike this year's disasters and labour-market shock; write what other processes read."""
    areas_rng = ctx.draws["shock_areas"]
    n_counties = ctx.areas.county_poor.size
    u_county, u_pick = areas_rng.random(n_counties), areas_rng.random(n_counties)
    u_village, u_year = areas_rng.random(ctx.areas.village_county.size), float(areas_rng.random())
    disaster, labour = params.disaster, params.labour_market
    struck = struck_counties(disaster, ctx.year, u_county, u_pick)
    village_struck = struck[ctx.areas.village_county] & (u_village < disaster.p_village)
    shock_year = is_shock_year(labour, ctx.year, u_year)
    losses = (labour.migrant_job_loss, labour.local_job_loss) if shock_year else (0.0, 0.0)
    severity = (disaster.farm_loss, disaster.p_housing_damage, disaster.p_injury, disaster.p_rebuild)
    injury = disaster.injury_cost * ctx.medical_index
    disaster_year, housing_safe, farm_loss, medical, job = _strike(
        h.place, h.labour, village_struck, ctx.draws["u_shock"], severity, injury, losses, ctx.year
    )
    demand = np.full(h.n, labour.finding_factor if shock_year else 1.0, np.float32)
    updates = {
        "disaster_year": disaster_year,
        "housing_safe": housing_safe,
        "farm_loss": farm_loss,
        "shock_medical": medical,
        "job": job,
        "labour_demand": demand,
    }
    return Effect(updates)


@kernel
def _strike(place, labour, village_struck, u, severity, injury_cost, losses, this_year):
    """Per-household effects of the year's disasters and labour-market shock.

    ``severity`` is (farm loss, p housing damage, p injury, p rebuild); ``losses`` the chances a
    migrant and a local wage worker lose the job this year.  In a struck village the household's
    uniform decides a destroyed dwelling (below p damage) or an injury (above 1 - p injury);
    elsewhere it decides the rebuilding of a dwelling an earlier disaster destroyed.
    """
    farm_share, p_damage, p_injury, p_rebuild = severity
    migrant_loss, local_loss = losses
    n = place.village.size
    # Most years strike no village and shake no job: the columns they would change are then
    # returned as they are (a step never writes into a column's array), and the two zero columns
    # share one array; a household's number is made only where something can happen to it.
    any_struck, labour_shock = village_struck.any(), migrant_loss > 0.0 or local_loss > 0.0
    disaster_year = place.disaster_year.copy() if any_struck else place.disaster_year
    housing_safe = place.housing_safe.copy()
    farm_loss = np.zeros(n, np.float32)
    medical = np.zeros(n, np.float32) if any_struck else farm_loss
    job = labour.job.copy() if labour_shock else labour.job
    for i in range(n):
        if any_struck and village_struck[place.village[i]]:
            x = uniform64_at(u, i)
            disaster_year[i] = this_year
            farm_loss[i] = farm_share
            if x < p_damage:
                housing_safe[i] = False
            elif x >= 1.0 - p_injury:
                medical[i] = injury_cost
        elif not housing_safe[i] and disaster_year[i] > 0 and uniform64_at(u, i) < p_rebuild:
            housing_safe[i] = True
        if labour_shock:
            p_loss = migrant_loss if job[i] == Job.MIGRANT else (local_loss if job[i] == Job.LOCAL_WAGE else 0.0)
            if p_loss > 0.0 and lever_key_one(uniform64_at(u, i), LABOUR_SALT) < p_loss:
                has_labour = labour.n_labour_full[i] + labour.n_labour_partial[i] > 0
                job[i] = FARMING if has_labour else NONE
    return disaster_year, housing_safe, farm_loss, medical, job


PROCESS = register_process(
    Process(
        "shocks",
        Phase.SHOCKS,
        step,
        config="shocks",
        params=Params,
        draws=(
            Draw("u_shock", "shocks", DrawKind.UNIFORM64),
            Draw("shock_areas", "shock_areas", DrawKind.GENERATOR),
        ),
    )
)
