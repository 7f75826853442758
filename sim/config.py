"""Typed configuration of a run: population synthesis, outputs, and the blocks the registry derives.

Every default *value* lives in ``conf/`` with its source; these classes hold the schema: each
field's bounds, unit and meaning (:func:`sim.schema.spec`) and cross-field checks.  Region data
is in :mod:`sim.region`.  The ``dynamics`` and ``policy`` blocks are derived from the registered
processes and levers (:mod:`sim.steps`): each declares its parameter class in its own module.
"""

from __future__ import annotations

import dataclasses
import enum

import sim.policies
import sim.processes  # noqa: F401  (registers every process)
from sim.processes import shocks
from sim.region import RegionConfig
from sim.schema import ConfigError, build, check, share, spec
from sim.steps import DynamicsConfig, PolicyConfig, year_steps
from sim.text import Text

year_steps()  # resolve the order now: a step declared out of place fails at import


@dataclasses.dataclass
class StratumPrior:
    """Prior for synthesising one stratum's households (tilted to the region's figures)."""

    size_probs: list[float] = share(Text("P(household size = 1, 2, ...)", "家庭人口数为 1、2、……人的概率"))
    p_elder_per_member: float = share(Text("chance a member is 65+", "成员为 65 岁及以上的概率"))
    p_child_per_member: float = share(Text("chance a non-elder member is 0-15", "非老年成员为 0-15 岁的概率"))
    p_index_ill: float = share(
        Text("chance the index member has a chronic or major illness", "户主患慢性病或大病的概率")
    )
    p_index_disabled: float = share(Text("chance the index member is disabled", "户主残疾的概率"))
    skill_log_mean: float = spec(
        -5.0, 5.0, "log multiple", Text("mean of the log earnings multiplier", "收入倍数对数的均值")
    )
    skill_log_sd: float = spec(
        0.0, 3.0, "log multiple", Text("sd of the log earnings multiplier", "收入倍数对数的标准差")
    )
    p_housing_unsafe: float = share(Text("chance the dwelling is unsafe (危房)", "住房为危房的概率"))
    p_major_given_ill: float = share(Text("share of illnesses that are major", "疾病中大病所占比例"))
    p_severe_given_disabled: float = share(Text("share of disabilities that are severe", "残疾中重度残疾所占比例"))
    p_migrant: float = share(
        Text("chance a main worker with full capacity holds a migrant job", "全劳动力主要劳动者外出务工的概率")
    )
    p_local_wage: float = share(
        Text("chance a main worker with full capacity holds a local wage job", "全劳动力主要劳动者在本地务工的概率")
    )

    def __post_init__(self) -> None:
        check(
            1 <= len(self.size_probs) <= 20 and abs(sum(self.size_probs) - 1.0) < 1e-6,
            "size_probs",
            "1 to 20 non-negative shares (sizes 1, 2, ...) summing to 1",
            self.size_probs,
        )
        check(self.p_migrant + self.p_local_wage <= 1.0, "p_local_wage", "at most 1 - p_migrant", self.p_local_wage)


@dataclasses.dataclass
class AreaPrior:
    """How unevenly the registered poor are spread over villages and counties at the start.

    Village and county exits (sim.processes.areas) turn on these spreads: seed 000 plans most poor
    villages out in the first year although half of the registered persons remain, which only
    happens if incidence differs widely between villages.
    """

    poor_village_incidence_ratio: float = spec(
        1.0,
        50.0,
        "x rural incidence",
        Text(
            "poor villages' registered incidence over the region's rural average",
            "贫困村的建档立卡贫困发生率与全省农村平均之比",
        ),
    )
    county_incidence_sd: float = spec(
        0.0, 3.0, "log multiple", Text("spread of counties' registered incidence", "各县建档立卡贫困发生率的离散程度")
    )
    village_incidence_sd: float = spec(
        0.0,
        3.0,
        "log multiple",
        Text("spread of villages' registered incidence within their county", "县内各村建档立卡贫困发生率的离散程度"),
    )


@dataclasses.dataclass
class PopulationConfig:
    """Synthetic population: sample scale and the priors of each stratum."""

    scale: float = spec(
        0.01,
        1e6,
        "households",
        Text("real households represented by one simulated household", "一个模拟户代表的实际户数"),
    )
    include_non_poor: bool = spec(doc=Text("also simulate the non-poor rural population", "同时模拟非贫困农村人口"))
    registered: StratumPrior = spec(
        doc=Text(
            "prior of the registered poor (tilted to the region's composition)",
            "建档立卡贫困户的先验分布（按本地区构成调整）",
        )
    )
    near_poor: StratumPrior = spec(doc=Text("prior of the near-poor", "边缘户的先验分布"))
    non_poor: StratumPrior = spec(doc=Text("prior of the rest of the rural population", "其余农村人口的先验分布"))
    exited: StratumPrior = spec(
        doc=Text(
            "prior of the latest cohort that left the register before the start",
            "起始前最近一批退出建档立卡的人群的先验分布",
        )
    )
    exited_earlier_cohort_risk: float = share(
        Text(
            "illness and disability chances of each exit cohort relative to the cohort a year later",
            "各退出批次的患病、残疾概率相对晚一年批次之比",
        )
    )
    areas: AreaPrior = spec(
        doc=Text("spread of the registered poor over villages and counties", "建档立卡贫困人口在村、县间的分布")
    )
    candidates_per_household: int = spec(
        1, 100, "draws", Text("prior draws per synthesised registered household", "每个合成建档立卡户的先验抽样数")
    )
    max_candidates: int = spec(
        1,
        10**9,
        "draws",
        Text("cap on the tilting pool (never below the sample size)", "调整抽样池的上限（不低于样本量）"),
    )


class Ledger(enum.Enum):
    """Whether a run keeps the household event ledger (:mod:`sim.events`)."""

    AUTO = "auto"  # kept up to ``output.events_max_households`` simulated households
    ALWAYS = "always"
    NEVER = "never"


class Language(enum.Enum):
    """The languages of what a reader sees (analysis.i18n)."""

    EN = "en"
    ZH = "zh"


@dataclasses.dataclass
class OutputConfig:
    """What a run writes."""

    plots: bool = True
    panel: bool = False  # household-year panel (large at scale)
    print_table: bool = True
    progress: bool = True  # progress bar on a terminal (never when output is not a terminal)
    events: Ledger = spec(
        doc=Text(
            "keep the household event ledger (events.parquet): auto, always or never",
            "是否保存家庭事件台账（events.parquet）：auto、always 或 never",
        ),
        default=Ledger.AUTO,
    )
    events_max_households: int = spec(
        0,
        10**9,
        "households",
        Text("largest simulated population whose ledger `auto` keeps", "`auto` 保留台账的最大模拟人口"),
        default=2_000_000,
    )
    lang: Language = spec(
        doc=Text(
            "language of what is printed (table, summary, --describe, messages)",
            "输出文字的语言（表格、汇总、--describe、提示信息）",
        ),
        default=Language.EN,
    )

    def keeps_events(self, n_households: int) -> bool:
        """Whether a run of ``n_households`` simulated households keeps the event ledger."""
        if self.events is Ledger.AUTO:
            return n_households <= self.events_max_households
        return self.events is Ledger.ALWAYS


@dataclasses.dataclass
class StoreConfig:
    """Where finished replicates are kept (app.store) and whether a run reuses them."""

    dir: str = "store"  # folder of the Parquet result store; relative paths are from the working directory
    reuse: bool = True  # take replicates already in the store instead of simulating them again

    def __post_init__(self) -> None:
        check(bool(self.dir.strip()), "dir", "a folder path", self.dir)


@dataclasses.dataclass
class RunConfig:
    """Everything one run needs; built from the composed Hydra config by :func:`from_mapping`."""

    scenario_name: str
    seed: int = spec(
        0,
        None,
        "seed",
        Text(
            "root of every replicate's random streams (numpy SeedSequence)",
            "每个重复的随机数流的根（numpy SeedSequence）",
        ),
    )
    replicates: int = spec(
        1,
        10_000,
        "replicates",
        Text("independent samples of the population and its shocks", "人口及其冲击的独立样本数"),
    )
    region: RegionConfig
    population: PopulationConfig
    dynamics: DynamicsConfig
    policy: PolicyConfig
    output: OutputConfig
    store: StoreConfig
    check_invariants: bool = True
    label: str | None = None  # the run's label; None derives it from the scenario and overrides (app.identity)

    def __post_init__(self) -> None:
        check(bool(self.scenario_name.strip()), "scenario_name", "non-empty text", self.scenario_name)
        check(
            self.label is None or (bool(self.label.strip()) and "/" not in self.label and self.label.isprintable()),
            "label",
            "printable text without '/', or null to derive it from the scenario and overrides",
            self.label,
        )
        shocks.check_region(self.dynamics.shocks, self.region.counties.total)


def from_mapping(data: dict) -> RunConfig:
    """Validate a plain mapping (the resolved Hydra config) into a :class:`RunConfig`."""
    data = {k: v for k, v in data.items() if k != "hydra"}
    return build(RunConfig, data)


__all__ = ["ConfigError", "DynamicsConfig", "PolicyConfig", "RegionConfig", "RunConfig", "from_mapping"]
