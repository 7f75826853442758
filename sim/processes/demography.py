"""Ageing, mortality and births of household members.

Rates are assumptions documented in ``conf/dynamics/default.yaml`` (the seeds give none).
The index member (whose health the household record carries) is drawn on its own; other
members die, age and are born by exact binomial draws per age band (one uniform per member;
the number of draws depends on demography alone, never on policy, so draws stay common
across scenarios).  When the index member dies, the index passes to a working-age member if any,
else an elder, else a child, with no illness or disability.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.rng import hits_per_entry, remove_hits, success_positions
from sim.schema import share, spec
from sim.state import PERSONS, Band, ByBand, Households, Illness
from sim.steps import Draw, DrawKind, Phase, Process, register_process
from sim.text import Text

CHILD, ADULT, ELDER = int(Band.CHILD), int(Band.ADULT), int(Band.ELDER)


@dataclasses.dataclass
class Params:
    """Yearly ageing, death and birth probabilities (``dynamics.demography``)."""

    p_child_to_adult: float = share(Text("chance a child turns 16 in a year", "儿童一年内年满 16 岁的概率"))
    p_adult_to_elder: float = share(
        Text("chance a working-age member turns 65 in a year", "劳动年龄成员一年内年满 65 岁的概率")
    )
    p_death: ByBand = spec(doc=Text("yearly death probability per member, by band", "各年龄段成员的年死亡概率"))
    death_multiplier_major_illness: float = spec(
        1.0, 50.0, "multiple", Text("on the index member's death probability", "作用于户主的死亡概率")
    )
    p_birth_per_adult: float = spec(
        0.0, 0.1, "births/person/yr", Text("births per working-age member per year", "每个劳动年龄成员每年的生育数")
    )


def step(h: Households, rates: Params, ctx: YearContext) -> Effect:
    """Advance members one year; return new band counts, sizes and index-member state."""
    rng = ctx.draws["demography"]
    p_death = rates.p_death.as_array()
    u_death, u_age = rng.random(h.n), rng.random(h.n)
    index_dies, others = _index_deaths(h.members, h.health, u_death, p_death, rates.death_multiplier_major_illness)
    totals = others.sum(axis=1)
    for b in Band:  # deaths of the other members, band by band
        totals[b] = remove_hits(others[b], success_positions(rng, int(totals[b]), float(p_death[b])))
    to_adult = hits_per_entry(
        others[Band.CHILD], success_positions(rng, int(totals[Band.CHILD]), rates.p_child_to_adult)
    )
    to_elder = hits_per_entry(
        others[Band.ADULT], success_positions(rng, int(totals[Band.ADULT]), rates.p_adult_to_elder)
    )
    births = hits_per_entry(
        others[Band.ADULT], success_positions(rng, int(totals[Band.ADULT]), rates.p_birth_per_adult)
    )
    p_age = np.array([rates.p_child_to_adult, rates.p_adult_to_elder, 0.0])
    events = (to_adult, to_elder, births)  # a tuple: no copy
    updates = _advance(h.members, h.health, index_dies, others, events, u_age, p_age)
    names = ("n_child", "n_adult", "n_elder", "size", "index_band", "illness", "disability")
    return Effect(dict(zip(names, updates, strict=True)))


@kernel
def _index_deaths(members, health, u_death, p_death, major_multiplier):
    """Whether the index member dies, and the other members by band (3 x n, int32)."""
    n = members.size.size
    dies = np.zeros(n, dtype=np.bool_)
    others = np.empty((3, n), dtype=np.int32)
    for i in range(n):
        others[0, i], others[1, i], others[2, i] = members.n_child[i], members.n_adult[i], members.n_elder[i]
        if members.size[i] == 0:
            continue
        b = health.index_band[i]
        others[b, i] = max(others[b, i] - 1, 0)
        p = p_death[b] * (major_multiplier if health.illness[i] == Illness.MAJOR else 1.0)
        dies[i] = u_death[i] < p
    return dies, others


@kernel
def _advance(members, health, index_dies, others, events, u_age, p_age):
    """New band counts, sizes, index band and index health after deaths, ageing and births.

    ``events`` rows: children turning adult, adults turning elder, births (other members).
    """
    n = members.size.size
    child, adult, elder = np.empty(n, PERSONS), np.empty(n, PERSONS), np.empty(n, PERSONS)
    new_size, new_band = np.empty(n, np.int32), np.empty(n, np.uint8)
    new_illness, new_disability = health.illness.copy(), health.disability.copy()
    for i in range(n):
        to_adult, to_elder = events[0][i], events[1][i]
        c = others[0, i] + events[2][i] - to_adult
        a = others[1, i] + to_adult - to_elder
        e = others[2, i] + to_elder
        b = int(health.index_band[i])
        if index_dies[i]:
            b = ADULT if a > 0 else (ELDER if e > 0 else CHILD)
            new_illness[i], new_disability[i] = Illness.NONE, 0
        elif members.size[i] > 0:
            if u_age[i] < p_age[b]:
                b += 1
            if b == CHILD:
                c += 1
            elif b == ADULT:
                a += 1
            else:
                e += 1
        child[i], adult[i], elder[i], new_size[i], new_band[i] = c, a, e, c + a + e, b
    return child, adult, elder, new_size, new_band, new_illness, new_disability


PROCESS = register_process(
    Process(
        "demography",
        Phase.DEMOGRAPHY,
        step,
        config="demography",
        params=Params,
        draws=(Draw("demography", "demography", DrawKind.GENERATOR),),
    )
)
