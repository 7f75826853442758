"""Synthetic rural population of a region: registered poor, earlier exits, near-poor and non-poor strata.

Inputs are the region's published figures (stock and composition of the registered poor,
near-poor and rural population, villages, counties) and per-stratum priors (assumptions in
``conf/population/default.yaml``).  For the registered poor, candidate households drawn from
the prior are re-weighted by exponential tilting (the maximum-entropy weights closest to the
prior) so that the person-weighted shares match seed 000's composition ("因病、因残致贫比例
达到72%,无劳动能力者占比47%,65岁以上老人占比26%"), then resampled systematically.  Each
stratum's weight (real households per simulated household, about ``population.scale``) is set
so its simulated persons equal the published total exactly.

Households that left the register before the start (the region's ``exited_before_start``: Henan
registered 698万 persons in 2014 and had 221.4万 left at end-2017, seed 000 "截至2017年底...
221.4万") are synthesised as exited, one cohort per exit year, from the ``exited`` prior; each
earlier cohort's chances of illness and disability are ``exited_earlier_cohort_risk`` times the
next one's, since those who exited first were the least ill and disabled (seed 000 on the
ill, disabled and those without labour: "这些人群的比例越往后越高").  Their exit route follows
their own income at the start (:func:`assign_exit_routes`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from sim.config import AreaPrior, PopulationConfig, RegionConfig, StratumPrior
from sim.jit import kernel
from sim.processes import labour
from sim.rng import binomial_counts
from sim.schema import ConfigError
from sim.state import (
    PERSONS,
    Band,
    Cause,
    Disability,
    ExitRoute,
    Households,
    Illness,
    Job,
    Registration,
    Stratum,
    guarantee_failed,
    own_income,
)

MIN_POOL = 2000  # candidates tilted at least, whatever the sample size
MIN_REGISTERED_SAMPLE = 50  # simulated registered households at least: fewer cannot carry a composition
#: Peak bytes per simulated household over a run: the state and a year's temporaries (measured on
#: the full Henan case: 3.05 GB at 13.7M households, about 220 bytes), with a margin.
PEAK_BYTES_PER_HOUSEHOLD = 300
CHECK_POOL = 20_000  # candidates the preflight tilts to check that a composition can be reached


def available_memory() -> int | None:
    """Bytes of memory available to a new run (Linux ``MemAvailable``), or None if unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def real_households(region: RegionConfig, pop: PopulationConfig) -> dict[Stratum, float]:
    """Real households of each simulated stratum (the registered ones as published, if published)."""

    def households(prior: StratumPrior, persons: float) -> float:
        return persons / float(np.dot(np.arange(1, len(prior.size_probs) + 1), prior.size_probs))

    registered = region.registered_poor_households or households(pop.registered, region.registered_poor_persons)
    counts = {Stratum.REGISTERED: registered, Stratum.NEAR_POOR: households(pop.near_poor, region.near_poor_persons)}
    if region.exited_persons > 0:
        counts[Stratum.EXITED] = households(pop.exited, region.exited_persons)
    other = _other_persons(region)
    if pop.include_non_poor and other > 0:
        counts[Stratum.NON_POOR] = households(pop.non_poor, other)
    return counts


def _other_persons(region: RegionConfig) -> float:
    """Rural persons outside the register, its earlier exits and the near-poor."""
    return (
        region.rural_population_persons
        - region.registered_poor_persons
        - region.near_poor_persons
        - region.exited_persons
    )


def check_feasible(region: RegionConfig, pop: PopulationConfig) -> None:
    """Refuse, before anything runs, a population that cannot be synthesised or would not fit in memory.

    Raises:
        ConfigError: naming ``population.scale`` and the values that work, or the region's
            composition when no weighting of the prior reaches it.
    """
    counts = real_households(region, pop)
    largest = counts[Stratum.REGISTERED] / MIN_REGISTERED_SAMPLE
    if pop.scale > largest:
        if largest < 0.01:
            raise ConfigError(
                f"region.registered_poor_persons: got {region.registered_poor_persons:g}; allowed: enough for "
                f"{MIN_REGISTERED_SAMPLE} simulated households at population.scale >= 0.01"
            )
        raise ConfigError(
            f"population.scale: got {pop.scale:g}; allowed: at most {largest:.4g} for this region "
            f"(the sample needs at least {MIN_REGISTERED_SAMPLE} registered households)"
        )
    available = available_memory()
    needed = sum(counts.values()) / pop.scale * PEAK_BYTES_PER_HOUSEHOLD + min(pop.max_candidates, 10**9) * 150
    if available is not None and needed > available:
        smallest = sum(counts.values()) * PEAK_BYTES_PER_HOUSEHOLD / max(available - pop.max_candidates * 150, 1)
        raise ConfigError(
            f"population.scale: got {pop.scale:g}; allowed: at least {smallest:.3g} on this machine "
            f"(the population needs about {needed / 2**30:.1f} GiB; {available / 2**30:.1f} GiB is available)"
        )
    composition = region.composition
    targets = np.array(
        [composition.share_illness_disability, composition.share_no_labour, composition.share_aged_65_plus]
    )
    candidates = _candidates(pop.registered, CHECK_POOL, np.random.default_rng(0))
    features, size = composition_features(candidates)
    tilt_weights(features, size, targets, "region.composition")


@dataclasses.dataclass
class Areas:
    """Village and county layout: ids, poverty flags, the county of each village and incidence spreads.

    ``village_group`` is a village's county and designation (``2 * county + designated poor``): the
    villages whose registered incidence the area process estimates together.  ``village_relative``
    is a village's incidence relative to its group's (mean 1 over the group's villages) and
    ``county_factor`` a county's relative incidence, both log-normal with the spreads of
    ``population.areas``; deep-poverty villages and counties hold the largest.
    """

    village_county: np.ndarray  # int32, county of each village
    village_poor: np.ndarray  # bool
    village_deep: np.ndarray  # bool
    county_poor: np.ndarray  # bool
    county_deep: np.ndarray  # bool
    village_group: np.ndarray  # int32
    village_relative: np.ndarray  # float64
    county_factor: np.ndarray  # float64


def build_areas(region: RegionConfig, prior: AreaPrior, rng: np.random.Generator) -> Areas:
    """Lay out villages in counties (poor villages lean towards poor counties) and draw incidence spreads."""
    nv, nc = region.villages.total, region.counties.total
    village_poor = np.arange(nv) < region.villages.poor
    village_deep = np.arange(nv) < region.villages.deep
    county_poor = np.arange(nc) < region.counties.poor
    county_deep = np.arange(nc) < region.counties.deep
    n_poor_c = max(region.counties.poor, 1)
    any_county = rng.integers(0, nc, nv)
    in_poor_county = rng.random(nv) < region.share_poor_villages_in_poor_counties
    poor_county = rng.integers(0, n_poor_c, nv)
    other = region.counties.poor + rng.integers(0, max(nc - region.counties.poor, 1), nv)
    other = np.where(nc > region.counties.poor, other, any_county)
    county_of_poor_village = np.where(in_poor_county, poor_county, other)
    village_county = np.where(village_poor, county_of_poor_village, any_county).astype(np.int32)
    county_factor = _relative_factors(nc, region.counties.poor, prior.county_incidence_sd, rng)
    village_factor = _relative_factors(nv, region.villages.poor, prior.village_incidence_sd, rng)
    village_group = (2 * village_county + village_poor).astype(np.int32)
    villages_in_group = np.maximum(np.bincount(village_group, None, 2 * nc), 1)
    group_mean = np.bincount(village_group, village_factor, 2 * nc) / villages_in_group
    village_relative = village_factor / group_mean[village_group]
    flags = (village_poor, village_deep, county_poor, county_deep)
    return Areas(village_county, *flags, village_group, village_relative, county_factor)


def _relative_factors(n: int, n_designated: int, log_sd: float, rng: np.random.Generator) -> np.ndarray:
    """Log-normal relative incidences (mean 1); the designated areas' are sorted largest first.

    Areas are designated poor, and deep-poverty ones among them (the first ids), for their high
    incidence, so the largest factors go to the lowest designated ids.
    """
    factor = rng.lognormal(-0.5 * log_sd**2, log_sd, n)
    factor[:n_designated] = np.sort(factor[:n_designated])[::-1]
    return factor


def _candidates(prior: StratumPrior, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw ``n`` candidate households from a stratum prior (members, health, skill, housing)."""
    cumulative = np.cumsum(prior.size_probs)
    sizes = 1 + np.searchsorted(cumulative / cumulative[-1], rng.random(n), side="right").astype(np.int32)
    n_elder = binomial_counts(rng, sizes, prior.p_elder_per_member)
    n_child = binomial_counts(rng, sizes - n_elder, prior.p_child_per_member)
    n_adult = sizes - n_elder - n_child
    # A household of children alone is not a rural household: make its eldest an adult.
    lone = (n_adult == 0) & (n_elder == 0)
    n_child, n_adult = n_child - lone, n_adult + lone
    index_band = np.where(n_adult > 0, Band.ADULT, Band.ELDER)
    u_ill, u_dis, u_sev = rng.random(n), rng.random(n), rng.random(n)
    ill = u_ill < prior.p_index_ill
    illness = np.where(ill, np.where(u_sev < prior.p_major_given_ill, Illness.MAJOR, Illness.CHRONIC), Illness.NONE)
    disabled = u_dis < prior.p_index_disabled
    severe = rng.random(n) < prior.p_severe_given_disabled
    disability = np.where(disabled, np.where(severe, Disability.SEVERE, Disability.MODERATE), Disability.NONE)
    return {
        "n_child": n_child.astype(PERSONS),
        "n_adult": n_adult.astype(PERSONS),
        "n_elder": n_elder.astype(PERSONS),
        "index_band": index_band.astype(np.uint8),
        "illness": illness.astype(np.uint8),
        "disability": disability.astype(np.uint8),
        "skill": np.exp(prior.skill_log_mean + prior.skill_log_sd * rng.standard_normal(n)).astype(np.float32),
        "housing_safe": rng.random(n) >= prior.p_housing_unsafe,
        "u_job": rng.random(n),
        "p_migrant": np.full(n, prior.p_migrant),
        "p_local": np.full(n, prior.p_local_wage),
    }


def composition_features(c: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-household person counts behind the three composition shares, and household sizes.

    Returns:
        (features, size): features has columns persons in illness/disability households,
        persons without labour capacity, persons aged 65+.
    """
    size = c["n_child"].astype(np.float64) + c["n_adult"] + c["n_elder"]
    ill_or_disabled = (c["illness"] != Illness.NONE) | (c["disability"] != Disability.NONE)
    adult_index = c["index_band"] == Band.ADULT
    no_capacity = adult_index & ((c["illness"] == Illness.MAJOR) | (c["disability"] == Disability.SEVERE))
    # Children, elders and an incapacitated index adult; partial capacity still counts as capacity.
    without = size - c["n_adult"] + no_capacity
    return np.column_stack([size * ill_or_disabled, without, c["n_elder"].astype(np.float64)]), size


def tilt_weights(features: np.ndarray, size: np.ndarray, targets: np.ndarray, key: str) -> np.ndarray:
    """Maximum-entropy weights on candidates so that person-weighted shares equal ``targets``.

    Solves the convex dual ``min_lambda log mean exp(g @ lambda)`` with ``g = features -
    targets * size`` (scaled) by Newton's method with a backtracking line search (the Hessian
    is the weighted covariance of ``g``, 3 x 3); at the optimum the weighted mean of ``g`` is 0.

    Raises:
        ConfigError: naming ``key`` when the targets lie outside what the prior can produce.
    """
    g = (features - targets[None, :] * size[:, None]) / max(float(size.mean()), 1.0)
    # An unreachable target drives the multipliers to infinity; the check below reports it.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        w = _newton_dual(g)
    achieved = (w @ features) / (w @ size)
    if not np.all(np.abs(achieved - targets) < 1e-3):
        raise ConfigError(
            f"{key}: shares {targets.round(3).tolist()} cannot be reached from the population prior "
            f"(closest {achieved.round(3).tolist()}); allowed: shares consistent with each other and "
            "the prior (e.g. share_aged_65_plus <= share_no_labour)"
        )
    return w


def _newton_dual(g: np.ndarray, tolerance: float = 1e-12, max_iterations: int = 60) -> np.ndarray:
    """Normalised weights ``exp(g @ lambda)`` at the minimum of the dual (see ``tilt_weights``)."""

    def evaluate(lam: np.ndarray) -> tuple[float, np.ndarray]:
        z = g @ lam
        zmax = z.max()
        w = np.exp(z - zmax)
        total = w.sum()
        return float(np.log(total / len(z)) + zmax), w / total

    lam = np.zeros(g.shape[1])
    value, w = evaluate(lam)
    for _ in range(max_iterations):
        gradient = w @ g
        if np.abs(gradient).max() < tolerance:
            break
        hessian = (g * w[:, None]).T @ g - np.outer(gradient, gradient)
        step = np.linalg.lstsq(hessian, -gradient, rcond=None)[0]
        t, slope = 1.0, float(gradient @ step)
        while t > 1e-12:
            new_value, new_w = evaluate(lam + t * step)
            if new_value <= value + 1e-4 * t * slope:
                break
            t /= 2
        else:
            break  # no descent left: the optimum is at infinity (unreachable target)
        lam, value, w = lam + t * step, new_value, new_w
    return w


def systematic_sample(probabilities: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n`` draws by systematic resampling (low variance, order-preserving)."""
    positions = (rng.random() + np.arange(n)) / n
    cumulative = np.cumsum(probabilities)
    cumulative[-1] = 1.0
    return np.searchsorted(cumulative, positions, side="right")


def _stratum(
    prior: StratumPrior,
    persons: float,
    pop: PopulationConfig,
    rng: np.random.Generator,
    targets: np.ndarray | None,
    households: float | None,
) -> tuple[dict[str, np.ndarray], float]:
    """Sample one stratum; return its columns and its weight (persons match exactly)."""
    mean_size_prior = float(np.dot(np.arange(1, len(prior.size_probs) + 1), prior.size_probs))
    if targets is None:  # no composition to match: draw the sample directly from the prior
        real_households = households if households is not None else persons / mean_size_prior
        sample = _candidates(prior, max(round(real_households / pop.scale), 1), rng)
        size = sample["n_child"].astype(np.float64) + sample["n_adult"] + sample["n_elder"]
        return sample, persons / float(size.sum())
    n_guess = max(round(persons / mean_size_prior / pop.scale), 1)
    # A small sample still tilts a pool large enough to reach the composition.
    pool = max(n_guess, min(max(n_guess * pop.candidates_per_household, MIN_POOL), pop.max_candidates))
    cand = _candidates(prior, pool, rng)
    feats, size = composition_features(cand)
    probs = tilt_weights(feats, size, targets, "region.composition")
    real_households = households if households is not None else persons / float(probs @ size)
    n_sim = max(round(real_households / pop.scale), 1)
    # Implicit stratification: systematic sampling along candidates sorted by the composition
    # features balances the sample on them far better than random order would.
    order = np.lexsort((feats[:, 1] / size, feats[:, 2] / size, feats[:, 0] > 0))
    chosen = order[systematic_sample(probs[order], n_sim, rng)]
    sample = {k: v[chosen] for k, v in cand.items()}
    return sample, persons / float(size[chosen].sum())


def synthesise(region: RegionConfig, pop: PopulationConfig, rng: np.random.Generator) -> tuple[Households, Areas]:
    """Build the households and areas of a region at the configured scale."""
    areas = build_areas(region, pop.areas, rng)
    composition = region.composition
    targets = np.array(
        [composition.share_illness_disability, composition.share_no_labour, composition.share_aged_65_plus]
    )
    strata = [
        (Stratum.REGISTERED, pop.registered, region.registered_poor_persons, targets, region.registered_poor_households)
    ]
    if region.near_poor_persons > 0:
        strata.append((Stratum.NEAR_POOR, pop.near_poor, region.near_poor_persons, None, None))
    other = _other_persons(region)
    if pop.include_non_poor and other > 0:
        strata.append((Stratum.NON_POOR, pop.non_poor, other, None, None))
    parts = []
    for stratum, prior, persons, tgt, households in strata:
        sample, weight = _stratum(prior, persons, pop, rng, tgt, households)
        sample["stratum"] = np.full(len(sample["skill"]), stratum, dtype=np.uint8)
        sample["weight"] = np.full(len(sample["skill"]), weight)
        sample["exit_year"] = np.zeros(len(sample["skill"]), np.int16)
        parts.append(sample)
    if region.exited_persons > 0:
        parts.append(_exited_stratum(region.exit_cohorts, pop, rng))
    for sample in parts:
        sample["job"] = _initial_jobs(sample)
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0] if k not in ("u_job", "p_migrant", "p_local")}
    village = _place(cols["stratum"], region, pop, areas, rng)
    return _households(cols, village, areas), areas


def _exited_stratum(cohorts: dict[int, float], pop: PopulationConfig, rng: np.random.Generator) -> dict:
    """Households that left the register before the start, one cohort per exit year, with one weight.

    Each cohort is drawn from the ``exited`` prior with its illness and disability chances
    scaled by ``exited_earlier_cohort_risk`` for every year it exited before the latest cohort.
    """
    prior = pop.exited
    mean_size = float(np.dot(np.arange(1, len(prior.size_probs) + 1), prior.size_probs))
    latest = max(cohorts)
    parts = []
    for exit_year, persons in sorted(cohorts.items()):
        factor = pop.exited_earlier_cohort_risk ** (latest - exit_year)
        cohort_prior = dataclasses.replace(
            prior, p_index_ill=prior.p_index_ill * factor, p_index_disabled=prior.p_index_disabled * factor
        )
        sample = _candidates(cohort_prior, max(round(persons / mean_size / pop.scale), 1), rng)
        sample["exit_year"] = np.full(len(sample["skill"]), exit_year, np.int16)
        parts.append(sample)
    sample = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    size = sample["n_child"].astype(np.float64) + sample["n_adult"] + sample["n_elder"]
    n = len(size)
    sample["stratum"] = np.full(n, Stratum.EXITED, dtype=np.uint8)
    sample["weight"] = np.full(n, sum(cohorts.values()) / float(size.sum()))
    return sample


def _initial_jobs(sample: dict[str, np.ndarray]) -> np.ndarray:
    u, p_migrant, p_local = sample["u_job"], sample["p_migrant"], sample["p_local"]
    job = np.where(u < p_migrant, Job.MIGRANT, np.where(u < p_migrant + p_local, Job.LOCAL_WAGE, Job.FARMING))
    return job.astype(np.uint8)


def _place(
    stratum: np.ndarray, region: RegionConfig, pop: PopulationConfig, areas: Areas, rng: np.random.Generator
) -> np.ndarray:
    """Village of each household: the registered poor lean to poor villages and high-incidence places.

    A registered household lives in a poor village with the region's published share, or else the
    share that gives poor villages ``poor_village_incidence_ratio`` times the rural incidence
    (villages taken as equal in size); within poor or other villages it picks a village in
    proportion to the village's and its county's relative incidence.  Everyone else lives anywhere.
    """
    n = len(stratum)
    nv, n_poor = region.villages.total, region.villages.poor
    anywhere = rng.integers(0, nv, n)
    in_poor_share = region.share_registered_in_poor_villages
    if in_poor_share is None:
        in_poor_share = min(pop.areas.poor_village_incidence_ratio * n_poor / nv, 1.0)
    weight = areas.village_relative * areas.county_factor[areas.village_county]
    poor_village = _weighted_choice(weight[:n_poor], n, rng)
    other_village = n_poor + _weighted_choice(weight[n_poor:], n, rng)
    in_poor = rng.random(n) < in_poor_share
    registered_village = np.where((in_poor & (n_poor > 0)) | (nv == n_poor), poor_village, other_village)
    # Earlier exits came from the same poor villages and counties as those still registered.
    on_register = (stratum == Stratum.REGISTERED) | (stratum == Stratum.EXITED)
    return np.where(on_register, registered_village, anywhere).astype(np.int32)


def _weighted_choice(weight: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` indices into ``weight`` drawn in proportion to it (zeros if it is empty)."""
    if weight.size == 0:
        return np.zeros(n, np.int64)
    cumulative = np.cumsum(weight)
    return np.minimum(np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right"), weight.size - 1)


def _households(cols: dict[str, np.ndarray], village: np.ndarray, areas: Areas) -> Households:
    registered = cols["stratum"] == Stratum.REGISTERED
    exited = cols["stratum"] == Stratum.EXITED
    size = cols["n_child"].astype(np.int32) + cols["n_adult"] + cols["n_elder"]
    reg = np.where(registered, Registration.POOR, np.where(exited, Registration.EXITED, Registration.NEVER))
    h = Households.empty(
        len(village),
        **{
            name: cols[name] for name in ("stratum", "weight", "n_child", "n_adult", "n_elder", "skill", "housing_safe")
        },
        **{name: cols[name] for name in ("index_band", "illness", "disability", "job")},
        county=areas.village_county[village],
        village=village,
        deep_village=areas.village_deep[village],
        size=size,
        true_poor=registered,
        reg=reg.astype(np.uint8),
        reg_size=np.where(registered | exited, size, 0).astype(PERSONS),
        exit_year=cols["exit_year"],
    )
    h = h.fold(labour.step(h).updates, "labour")
    no_labour = (h.n_labour_full.astype(np.int32) + h.n_labour_partial) == 0
    partial_only = (h.n_labour_full == 0) & ~no_labour
    job = np.where(no_labour, Job.NONE, np.where(partial_only, Job.FARMING, h.job)).astype(np.uint8)
    return h.replace(job=job, cause=cause_of(h.illness, h.disability, no_labour))


def assign_exit_routes(h: Households, line: float, catastrophic_share: float) -> Households:
    """Route of each earlier exit (exited at synthesis, route not yet set) from its own income at the start.

    A household whose income without guarantee transfers clears the line, its basic guarantees
    met, exited by development; the others exited through the guarantee (兜底) and stay covered
    by it for good (seed 000 "兜底保障"; seed 002 keeps it stable), as exits in the simulated
    years do.
    """
    earlier = (h.reg == Registration.EXITED) & (h.exit_route == ExitRoute.NONE)
    developed = _developed(h.members, h.place, h.money, line, catastrophic_share)
    route = np.where(developed, ExitRoute.DEVELOPMENT, ExitRoute.GUARANTEE).astype(np.uint8)
    return h.replace(
        exit_route=np.where(earlier, route, h.exit_route).astype(np.uint8),
        guaranteed=h.guaranteed | (earlier & ~developed),
    )


@kernel
def _developed(members, place, money, line, catastrophic_share):
    """Whether each household's own income clears the line with its basic guarantees met."""
    n = members.size.size
    developed = np.zeros(n, np.bool_)
    for i in range(n):
        size = members.size[i]
        if size == 0:
            continue
        own = own_income(money, i)
        developed[i] = own / size >= line and not guarantee_failed(
            place.housing_safe[i], np.float64(money.med_oop[i]), own, size, catastrophic_share, line
        )
    return developed


def cause_of(illness: np.ndarray, disability: np.ndarray, no_labour: np.ndarray) -> np.ndarray:
    """Each household's :class:`~sim.state.Cause`: illness, else disability, else no labour, else other."""
    cause = np.full(illness.size, Cause.OTHER, dtype=np.uint8)
    cause[no_labour] = Cause.NO_LABOUR
    cause[disability != Disability.NONE] = Cause.DISABILITY
    cause[illness != Illness.NONE] = Cause.ILLNESS
    return cause
