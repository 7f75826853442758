"""Village and county exits (贫困村退出, 贫困县摘帽) from registered-poor incidence.

A poor village or county exits when the persons on the register, as a share of its residents,
fall below the region's threshold (``region.exit_incidence_village``, ``..._county``; external:
the 2016 national exit rules, 2% in central provinces, 3% in the west).  The assessment is made
at the end of the year on the register after that year's household exits, and an area that
passes counts as exited in that year (seed 000 plans household, village and county exits for the
same years: "2018年,实现110万农村贫困人口脱贫、2365个贫困村脱贫、33个贫困县摘帽"); an exited area stays
exited.

A county holds hundreds of simulated households, so its incidence is read from them.  A village
holds a handful at any affordable scale, so its incidence is estimated (a small-area estimate):
the incidence of its *group* (the poor, or the other, villages of its county), read from the
households, times the village's persistent relative incidence drawn at synthesis
(``Areas.village_relative``, spread ``population.areas.village_incidence_sd``).  Villages are
taken as equal in size.  The estimate keeps each group's registered persons, so villages leave
the poor list in the order of their starting incidence as their county's register shrinks.
Area status lives in :class:`sim.population.Areas`, not in the household columns.
"""

from __future__ import annotations

import numpy as np

from sim.context import Effect, YearContext
from sim.jit import kernel
from sim.state import Households, Registration
from sim.steps import Phase, Process, register_process


def step(h: Households, params: None, ctx: YearContext) -> Effect:
    """Exit poor villages and counties whose registered incidence is below the thresholds."""
    region, areas = ctx.region, ctx.areas
    n_groups = 2 * region.counties.total
    residents, registered = group_totals(h, areas.village_group, n_groups)
    village_incidence = incidence(residents, registered)[areas.village_group] * areas.village_relative
    village_poor = areas.village_poor & ~(village_incidence < region.exit_incidence_village)
    county_of_group = np.arange(n_groups) // 2
    county_incidence = incidence(
        np.bincount(county_of_group, weights=residents, minlength=region.counties.total),
        np.bincount(county_of_group, weights=registered, minlength=region.counties.total),
    )
    county_poor = areas.county_poor & ~(county_incidence < region.exit_incidence_county)
    return Effect(areas={"village_poor": village_poor, "county_poor": county_poor})


def group_totals(h: Households, village_group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(residents, registered recorded persons) per village group, real persons."""
    return _group_totals(h.place.village, village_group, h.identity, h.members, h.registration, n_groups)


@kernel
def _group_totals(village, village_group, identity, members, registration, n_groups):
    residents, registered = np.zeros(n_groups), np.zeros(n_groups)
    for i in range(village.size):
        g = village_group[village[i]]
        residents[g] += identity.weight[i] * members.size[i]
        if registration.reg[i] == Registration.POOR:
            registered[g] += identity.weight[i] * registration.reg_size[i]
    return residents, registered


def incidence(residents: np.ndarray, registered: np.ndarray) -> np.ndarray:
    """Registered-poor incidence (recorded persons / residents); 0 where nobody lives."""
    return np.divide(registered, residents, out=np.zeros(residents.size), where=residents > 0)


PROCESS = register_process(Process("areas", Phase.AREAS, step))
