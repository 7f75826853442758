"""Illness onset and recovery, and disability onset, of the index member.

Seed 000 puts "因病、因残致贫比例达到72%" among the registered poor; the seeds give no onset
rates, so the yearly transition probabilities are assumptions in ``conf/dynamics/default.yaml``.
Illness moves between none, chronic and major; disability only worsens.  Each process uses
its own stream and one uniform per household per year, and neither reads any policy state,
so illness and disability histories are identical under every policy mix.
"""

from __future__ import annotations

import dataclasses

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.rng import uniform32_at
from sim.schema import check, kernel_scalars, share, spec
from sim.state import ByBand, Disability, Households, Illness
from sim.steps import Draw, DrawKind, Phase, Process, register_process
from sim.text import Text


@dataclasses.dataclass
class Params:
    """Yearly illness and disability transitions of the index member (``dynamics.health``)."""

    p_chronic_onset: ByBand = spec(
        doc=Text("chance a healthy index member becomes chronically ill", "健康户主患慢性病的概率")
    )
    p_major_onset: ByBand = spec(doc=Text("chance a healthy index member falls seriously ill", "健康户主患大病的概率"))
    p_chronic_to_major: float = share(
        Text("chance a chronic illness becomes major in a year", "慢性病一年内转为大病的概率")
    )
    p_chronic_recovery: float = share(Text("chance a chronic illness ends in a year", "慢性病一年内痊愈的概率"))
    p_major_recovery: float = share(Text("chance a major illness ends in a year", "大病一年内痊愈的概率"))
    p_major_to_chronic: float = share(
        Text("chance a major illness becomes chronic in a year", "大病一年内转为慢性病的概率")
    )
    p_moderate_disability_onset: ByBand = spec(
        doc=Text("chance of a moderate disability in a year", "一年内发生中度残疾的概率")
    )
    p_severe_disability_onset: ByBand = spec(
        doc=Text("chance of a severe disability in a year", "一年内发生重度残疾的概率")
    )
    p_moderate_to_severe: float = share(
        Text("chance a moderate disability becomes severe in a year", "中度残疾一年内转为重度的概率")
    )

    def __post_init__(self) -> None:
        check(
            self.p_chronic_to_major + self.p_chronic_recovery <= 1.0,
            "p_chronic_recovery",
            "at most 1 - p_chronic_to_major",
            self.p_chronic_recovery,
        )
        check(
            self.p_major_recovery + self.p_major_to_chronic <= 1.0,
            "p_major_to_chronic",
            "at most 1 - p_major_recovery",
            self.p_major_to_chronic,
        )
        for a, b in (
            ("p_chronic_onset", "p_major_onset"),
            ("p_moderate_disability_onset", "p_severe_disability_onset"),
        ):
            total = getattr(self, a).as_array() + getattr(self, b).as_array()
            check(bool((total <= 1.0).all()), b, f"at most 1 - {a} in each band", getattr(self, b))


def illness_step(h: Households, rates: Params, ctx: YearContext) -> Effect:
    """One year of illness transitions of the index member."""
    illness = _illness(
        h.health, h.members, ctx.draws["u_illness"], rates.p_major_onset.as_array(),
        rates.p_chronic_onset.as_array(), kernel_scalars(rates),
    )  # fmt: skip
    return Effect({"illness": illness})


@kernel
def _illness(health, members, u, p_major, p_chronic, rates):
    new = health.illness.copy()
    recover_chronic = 1.0 - rates.p_chronic_recovery
    for i in range(new.size):
        x, state = uniform32_at(u, i), health.illness[i]
        if members.size[i] == 0:
            new[i] = Illness.NONE
        elif state == Illness.NONE:
            b = health.index_band[i]
            if x < p_major[b]:
                new[i] = Illness.MAJOR
            elif x < p_major[b] + p_chronic[b]:
                new[i] = Illness.CHRONIC
        elif state == Illness.CHRONIC:
            if x < rates.p_chronic_to_major:
                new[i] = Illness.MAJOR
            elif x >= recover_chronic:
                new[i] = Illness.NONE
        elif x < rates.p_major_recovery:
            new[i] = Illness.NONE
        elif x < rates.p_major_recovery + rates.p_major_to_chronic:
            new[i] = Illness.CHRONIC
    return new


def disability_step(h: Households, rates: Params, ctx: YearContext) -> Effect:
    """One year of disability onset and worsening of the index member."""
    disability = _disability(
        h.health, h.members, ctx.draws["u_disability"], rates.p_severe_disability_onset.as_array(),
        rates.p_moderate_disability_onset.as_array(), rates.p_moderate_to_severe,
    )  # fmt: skip
    return Effect({"disability": disability})


@kernel
def _disability(health, members, u, p_severe, p_moderate, p_moderate_to_severe):
    new = health.disability.copy()
    for i in range(new.size):
        x = uniform32_at(u, i)
        if members.size[i] == 0:
            new[i] = Disability.NONE
        elif health.disability[i] == Disability.NONE:
            b = health.index_band[i]
            if x < p_severe[b]:
                new[i] = Disability.SEVERE
            elif x < p_severe[b] + p_moderate[b]:
                new[i] = Disability.MODERATE
        elif health.disability[i] == Disability.MODERATE and x < p_moderate_to_severe:
            new[i] = Disability.SEVERE
    return new


ILLNESS = register_process(
    Process(
        "illness",
        Phase.HEALTH,
        illness_step,
        config="health",
        params=Params,
        draws=(Draw("u_illness", "illness", DrawKind.UNIFORM32),),
    )
)
DISABILITY = register_process(
    Process(
        "disability",
        Phase.HEALTH,
        disability_step,
        config="health",
        params=Params,
        draws=(Draw("u_disability", "disability", DrawKind.UNIFORM32),),
        after=("illness",),
    )
)
