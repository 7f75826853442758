"""Village and county exits (贫困村退出, 贫困县摘帽) from registered-poor incidence.

A poor village or county exits when the persons on the register, as a share of its residents,
fall below the region's threshold (``region.exit_incidence_village``, ``..._county``; external:
the 2016 national exit rules, 2% in central provinces, 3% in the west); an exited area stays
exited.  Area status lives in :class:`sim.population.Areas`, not in the household columns.
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
    residents, registered = village_totals(h, region.villages.total)
    county_of, n_counties = areas.village_county, region.counties.total
    village_poor = areas.village_poor & ~incidence_below(residents, registered, region.exit_incidence_village)
    county_poor = areas.county_poor & ~incidence_below(
        np.bincount(county_of, weights=residents, minlength=n_counties),
        np.bincount(county_of, weights=registered, minlength=n_counties),
        region.exit_incidence_county,
    )
    return Effect(areas={"village_poor": village_poor, "county_poor": county_poor})


def village_totals(h: Households, n_villages: int) -> tuple[np.ndarray, np.ndarray]:
    """(residents, registered recorded persons) per village, real persons."""
    return _village_totals(h.place.village, h.identity, h.members, h.registration, n_villages)


@kernel
def _village_totals(village, identity, members, registration, n_villages):
    residents, registered = np.zeros(n_villages), np.zeros(n_villages)
    for i in range(village.size):
        residents[village[i]] += identity.weight[i] * members.size[i]
        if registration.reg[i] == Registration.POOR:
            registered[village[i]] += identity.weight[i] * registration.reg_size[i]
    return residents, registered


def incidence_below(residents: np.ndarray, registered: np.ndarray, threshold: float) -> np.ndarray:
    """Areas whose registered-poor incidence (recorded persons / residents) is below ``threshold``."""
    incidence = np.divide(registered, residents, out=np.zeros(residents.size), where=residents > 0)
    return incidence < threshold


PROCESS = register_process(Process("areas", Phase.AREAS, step))
