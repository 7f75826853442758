"""Illness onset and recovery, and disability onset, of the index member.

Seed 000 puts "因病、因残致贫比例达到72%" among the registered poor; the seeds give no onset
rates, so the yearly transition probabilities are assumptions in ``conf/dynamics/default.yaml``.
Illness moves between none, chronic and major; disability only worsens.  Each process uses
its own stream and one uniform per household per year, and neither reads any policy state,
so illness and disability histories are identical under every policy mix.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.rng import uniform32_at
from sim.schema import check, kernel_scalars, share, spec
from sim.state import ByBand, Disability, Households, Illness, of_band
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


# The state of each household is chosen by selection from every outcome, with no branch and no
# lookup by band, so the compiler vectorises the loops (about 5x faster than branching on the
# state); every outcome's test is the one the branches would make, so results are the same.
NONE, CHRONIC, MAJOR = int(Illness.NONE), int(Illness.CHRONIC), int(Illness.MAJOR)
NO_DISABILITY, MODERATE, SEVERE = int(Disability.NONE), int(Disability.MODERATE), int(Disability.SEVERE)


@kernel
def _illness(health, members, u, p_major, p_chronic, rates):
    n = health.illness.size
    new = np.empty(n, health.illness.dtype)
    major_child, major_adult, major_elder = p_major[0], p_major[1], p_major[2]
    ill_child, ill_adult, ill_elder = major_child + p_chronic[0], major_adult + p_chronic[1], major_elder + p_chronic[2]
    to_major, recover_chronic = rates.p_chronic_to_major, 1.0 - rates.p_chronic_recovery
    recovery, recovery_or_chronic = rates.p_major_recovery, rates.p_major_recovery + rates.p_major_to_chronic
    for i in range(n):
        x, state, b = uniform32_at(u, i), health.illness[i], health.index_band[i]
        onset_major = of_band(b, major_child, major_adult, major_elder)
        onset_any = of_band(b, ill_child, ill_adult, ill_elder)
        from_none = MAJOR if x < onset_major else (CHRONIC if x < onset_any else NONE)
        from_chronic = MAJOR if x < to_major else (NONE if x >= recover_chronic else CHRONIC)
        from_major = NONE if x < recovery else (CHRONIC if x < recovery_or_chronic else MAJOR)
        following = from_none if state == NONE else (from_chronic if state == CHRONIC else from_major)
        new[i] = NONE if members.size[i] == 0 else following
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
    n = health.disability.size
    new = np.empty(n, health.disability.dtype)
    severe_child, severe_adult, severe_elder = p_severe[0], p_severe[1], p_severe[2]
    any_child, any_adult = severe_child + p_moderate[0], severe_adult + p_moderate[1]
    any_elder = severe_elder + p_moderate[2]
    for i in range(n):
        x, state, b = uniform32_at(u, i), health.disability[i], health.index_band[i]
        onset_severe = of_band(b, severe_child, severe_adult, severe_elder)
        onset_any = of_band(b, any_child, any_adult, any_elder)
        from_none = SEVERE if x < onset_severe else (MODERATE if x < onset_any else NO_DISABILITY)
        from_moderate = SEVERE if x < p_moderate_to_severe else MODERATE
        following = from_none if state == NO_DISABILITY else (from_moderate if state == MODERATE else state)
        new[i] = NO_DISABILITY if members.size[i] == 0 else following
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
