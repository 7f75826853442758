"""Ageing, mortality and births of household members.

Rates are assumptions documented in ``conf/dynamics/default.yaml`` (the seeds give none).
The index member (whose health the household record carries) is drawn on its own; other
members die, age and are born by exact binomial draws per household and age band, each by
inversion of one uniform from the year's ``demography`` key (:mod:`sim.rng`: two 32-bit
uniforms per counter slot), in one pass over the households.  The numbers depend on the
household and the year alone, never on policy, so draws stay common across scenarios.  When the
index member dies, the index passes to a working-age member if any, else an elder, else a child,
with no illness or disability.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import inline, kernel
from sim.rng import uniform_pair
from sim.schema import share, spec
from sim.state import Band, ByBand, Households, Illness, rows_where
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


#: Counter slots of the ``demography`` key (each gives two 32-bit uniforms; rng.SLOTS bounds them):
#: the index member's death and ageing; other children's and adults' deaths; other elders' deaths
#: and children turning 16; adults turning 65 and births.
INDEX_SLOT, DEATHS_SLOT, ELDER_SLOT, ADULT_SLOT = range(4)
#: Event rows of ``p_event``: other members' deaths by band, children turning 16, adults turning 65, births.
TO_ADULT, TO_ELDER, BIRTHS = 3, 4, 5


def step(h: Households, rates: Params, ctx: YearContext) -> Effect:
    """Advance members one year; return new band counts, sizes and index-member state."""
    p_event = np.array(
        [*rates.p_death.as_array(), rates.p_child_to_adult, rates.p_adult_to_elder, rates.p_birth_per_adult]
    )
    most = int(h.size.max(initial=0))  # no band of a household holds more members than the household
    updates = _advance(
        h.members, h.health, ctx.draws["demography"], p_event, binomial_cdf(p_event, most),
        rates.death_multiplier_major_illness,
    )  # fmt: skip
    names = ("n_child", "n_adult", "n_elder", "size", "index_band", "illness", "disability")
    return Effect(dict(zip(names, updates, strict=True)))


def binomial_cdf(p_event: np.ndarray, most: int) -> np.ndarray:
    """``cdf[row, m, k]``: P(at most k events among m members) at probability ``p_event[row]``.

    Built once a year by the recurrence pmf(k + 1) = pmf(k) (m - k) / (k + 1) p / (1 - p) from
    pmf(0) = (1 - p)^m, so a draw in the kernel is a walk of compares with no division (the
    divisions made the rare households with an event cost as much as all the others together).
    ``cdf[row, m, 0]`` is the chance of no event; at p = 1 every entry below k = m is 0.
    """
    none_of = (1.0 - p_event)[:, None] ** np.arange(most + 1)  # P(no event among m members)
    cdf = np.zeros((p_event.size, most + 1, most + 1))
    for row, p in enumerate(p_event.tolist()):
        for m in range(most + 1):
            none = float(none_of[row, m])
            if p >= 1.0:  # every member has the event: the walk must reach k = m
                cdf[row, m, 0] = none
                continue
            pmf, total, odds = none, none, p / (1.0 - p)
            cdf[row, m, 0] = total
            for k in range(m):
                pmf *= (m - k) / (k + 1) * odds
                total += pmf
                cdf[row, m, k + 1] = total
    return cdf


@inline
def binomial(m, row, u, cdf):  # pragma: no cover - compiled
    """Binomial(m, p_event[row]) by inversion of the uniform ``u`` (exact up to rounding; see :func:`binomial_cdf`)."""
    k = 0
    while k < m and u >= cdf[row, m, k]:
        k += 1
    return k


@inline
def _member_events(c, a, e, u, cdf):  # pragma: no cover - compiled
    """Band counts of the other members after deaths, then ageing and births among the survivors.

    ``u`` holds the six uniforms in the order of ``p_event``'s rows.
    """
    c -= binomial(c, CHILD, u[0], cdf)
    a -= binomial(a, ADULT, u[1], cdf)
    e -= binomial(e, ELDER, u[2], cdf)
    to_adult = binomial(c, TO_ADULT, u[3], cdf)
    to_elder = binomial(a, TO_ELDER, u[4], cdf)
    births = binomial(a, BIRTHS, u[5], cdf)
    return c + births - to_adult, a + to_adult - to_elder, e + to_elder


@kernel
def _advance(members, health, key, p_event, cdf, major_multiplier):  # pragma: no cover - compiled
    """New band counts, sizes, index band and index health after deaths, ageing and births.

    Other members die first; children turning 16, adults turning 65 and births come from the
    survivors.  The index member's own death and ageing are drawn on their own.  Most
    households have no event in a year: a first, branch-free pass (which the compiler
    vectorises) finds the households that surely have none, which keep their copied counts; the
    second pass draws the events of the rest.
    """
    n = members.size.size
    # Copies of every household's counts and index: a calm household keeps them
    child, adult, elder = members.n_child.copy(), members.n_adult.copy(), members.n_elder.copy()
    new_size, new_band = np.empty(n, np.int32), health.index_band.copy()
    for i in range(n):
        new_size[i] = np.int32(child[i]) + np.int32(adult[i]) + np.int32(elder[i])
    new_illness, new_disability = health.illness.copy(), health.disability.copy()
    for i in rows_where(_eventful(members, health, key, p_event, major_multiplier)):
        b = int(health.index_band[i])
        c, a, e = int(members.n_child[i]), int(members.n_adult[i]), int(members.n_elder[i])
        if members.size[i] == 0:
            child[i], adult[i], elder[i], new_size[i], new_band[i] = 0, 0, 0, 0, b
            continue
        if b == CHILD:  # the index member is drawn on its own
            c = max(c - 1, 0)
        elif b == ADULT:
            a = max(a - 1, 0)
        else:
            e = max(e - 1, 0)
        u_dies, u_ages = uniform_pair(key, i, INDEX_SLOT)
        u_child, u_adult = uniform_pair(key, i, DEATHS_SLOT)
        u_elder, u_to_adult = uniform_pair(key, i, ELDER_SLOT)
        u_to_elder, u_births = uniform_pair(key, i, ADULT_SLOT)
        # One test of all six events on the counts before deaths (valid for ageing and births
        # too when nobody died) keeps the households with no member event free of branches.
        quiet = (
            (u_child < cdf[CHILD, c, 0]) & (u_adult < cdf[ADULT, a, 0]) & (u_elder < cdf[ELDER, e, 0])
            & (u_to_adult < cdf[TO_ADULT, c, 0]) & (u_to_elder < cdf[TO_ELDER, a, 0])
            & (u_births < cdf[BIRTHS, a, 0])
        )  # fmt: skip
        if not quiet:
            u_events = (u_child, u_adult, u_elder, u_to_adult, u_to_elder, u_births)
            c, a, e = _member_events(c, a, e, u_events, cdf)
        p_index = p_event[b] * (major_multiplier if health.illness[i] == Illness.MAJOR else 1.0)
        if u_dies < p_index:
            b = ADULT if a > 0 else (ELDER if e > 0 else CHILD)
            new_illness[i], new_disability[i] = Illness.NONE, 0
        else:
            if b < ELDER and u_ages < p_event[TO_ADULT + b]:
                b += 1
            if b == CHILD:
                c += 1
            elif b == ADULT:
                a += 1
            else:
                e += 1
        child[i], adult[i], elder[i], new_size[i], new_band[i] = c, a, e, c + a + e, b
    return child, adult, elder, new_size, new_band, new_illness, new_disability


#: Below 1 - m p, a uniform is surely below P(no event among m) = (1 - p)^m (Bernoulli's
#: inequality; equal at m = 1); the margin keeps rounding of the table on the safe side.
_SURE_MARGIN = 1e-9


@inline
def _eventful(members, health, key, p_event, major_multiplier):  # pragma: no cover - compiled
    """Which households may have an event this year: all but those that surely have none.

    A conservative test: a household it passes over has no event by the full draw.
    Branch-free and with no table lookups, so the compiler vectorises it: each binomial's
    chance of no event is bounded below by 1 - m p instead of read from the table.
    """
    n = members.size.size
    eventful = np.empty(n, np.bool_)
    p_child, p_adult, p_elder = p_event[CHILD], p_event[ADULT], p_event[ELDER]
    p_to_adult, p_to_elder, p_births = p_event[TO_ADULT], p_event[TO_ELDER], p_event[BIRTHS]
    for i in range(n):
        b = health.index_band[i]
        c0, a0, e0 = np.float64(members.n_child[i]), np.float64(members.n_adult[i]), np.float64(members.n_elder[i])
        is_child, is_adult, is_elder = b == CHILD, b == ADULT, b > ADULT
        c, a, e = c0 - is_child, a0 - is_adult, e0 - is_elder  # the other members
        u_dies, u_ages = uniform_pair(key, i, INDEX_SLOT)
        u_child, u_adult = uniform_pair(key, i, DEATHS_SLOT)
        u_elder, u_to_adult = uniform_pair(key, i, ELDER_SLOT)
        u_to_elder, u_births = uniform_pair(key, i, ADULT_SLOT)
        p_index = p_child if is_child else (p_adult if is_adult else p_elder)
        p_index = p_index * major_multiplier if health.illness[i] == Illness.MAJOR else p_index
        p_ages = p_to_adult if is_child else (p_to_elder if is_adult else 0.0)
        calm = (
            (members.size[i] != 0) & (c >= 0.0) & (a >= 0.0) & (e >= 0.0)
            & (u_child < 1.0 - c * p_child - _SURE_MARGIN) & (u_adult < 1.0 - a * p_adult - _SURE_MARGIN)
            & (u_elder < 1.0 - e * p_elder - _SURE_MARGIN) & (u_to_adult < 1.0 - c * p_to_adult - _SURE_MARGIN)
            & (u_to_elder < 1.0 - a * p_to_elder - _SURE_MARGIN) & (u_births < 1.0 - a * p_births - _SURE_MARGIN)
            & (u_dies >= p_index) & (u_ages >= p_ages)
        )  # fmt: skip
        eventful[i] = not calm
    return eventful


PROCESS = register_process(
    Process(
        "demography",
        Phase.DEMOGRAPHY,
        step,
        config="demography",
        params=Params,
        draws=(Draw("demography", "demography", DrawKind.KEY),),
    )
)
