"""Intervals over replicates: Student-t for means, paired bootstrap for differences, Kaplan-Meier.

Replicates are the unit of uncertainty: replicate ``r`` of every scenario draws the same
household shocks (common random numbers, :mod:`sim.rng`), so the difference between two
scenarios is taken replicate by replicate (r against r) and its interval comes from the
bootstrap of those paired differences (``scipy.stats.bootstrap``, BCa).  Pairing removes the
shared noise: a scenario against itself differs by exactly zero with a zero-width interval.
A mean's interval is Student's t with ``n - 1`` degrees of freedom (at 5 replicates the normal
1.96 is about 29 % too narrow).  Fewer than two replicates give no interval (NaN), never a
zero-width one.  Every bootstrap draws from a generator seeded by what it estimates, so an
analysis gives the same bytes every time.
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
from scipy import special

# scipy.stats is imported where the bootstrap and Kaplan-Meier need it: it costs about half a
# second at start-up, and every run prints a yearly table with t intervals (``special.stdtrit``
# is what ``stats.t.ppf`` computes).

CONFIDENCE = 0.95
RESAMPLES = 9999
MIN_REPLICATES = 2  # an interval needs at least two replicates


def t_interval(values, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Mean and Student-t interval of the mean: ``(mean, low, high)``; NaN bounds below two values."""
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if n == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(x.mean())
    if n < MIN_REPLICATES:
        return (mean, np.nan, np.nan)
    half = float(special.stdtrit(n - 1, 0.5 + confidence / 2) * x.std(ddof=1) / np.sqrt(n))
    return (mean, mean - half, mean + half)


def generator(*key) -> np.random.Generator:
    """A generator seeded by ``key`` (what is being estimated), so every analysis repeats exactly."""
    digest = hashlib.sha256(repr(key).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def paired_difference(values, reference, *key, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Mean paired difference ``values - reference`` and its bootstrap interval: ``(mean, low, high)``.

    ``values[i]`` and ``reference[i]`` are the same replicate of two scenarios.  Constant
    differences (a scenario against itself, a metric no lever moves) give their value with a
    zero-width interval; fewer than two pairs give NaN bounds.
    """
    d = np.asarray(values, dtype=np.float64) - np.asarray(reference, dtype=np.float64)
    if d.size == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(d.mean())
    if d.size < MIN_REPLICATES:
        return (mean, np.nan, np.nan)
    if np.all(d == d[0]):
        return (float(d[0]), float(d[0]), float(d[0]))
    from scipy import stats

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # near-degenerate samples: BCa falls back on its own
        result = stats.bootstrap(
            (d,), np.mean, n_resamples=RESAMPLES, confidence_level=confidence, method="BCa", rng=generator(*key)
        )
    low, high = result.confidence_interval
    if not (np.isfinite(low) and np.isfinite(high)):  # BCa undefined (e.g. all resamples on one side)
        low, high = np.percentile(result.bootstrap_distribution, [50 * (1 - confidence), 50 * (1 + confidence)])
    return (mean, float(low), float(high))


def ratio_of_paired_means(
    numerator, denominator, *key, confidence: float = CONFIDENCE
) -> tuple[float, float, float, str]:
    """``mean(numerator) / mean(denominator)`` over paired replicates, with a bootstrap interval.

    Used for cost per outcome prevented: numerator = extra cost, denominator = outcomes
    prevented, both paired differences against the reference.  Returns ``(ratio, low, high,
    note)``.  Nothing prevented on average (denominator mean <= 0) gives NaN throughout and a
    note: a cost per prevented outcome does not exist, rather than being infinite.  When some
    bootstrap resamples prevent nothing the interval is unbounded: NaN bounds, with a note.
    """
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    if den.size == 0 or den.mean() <= 0:
        return (np.nan, np.nan, np.nan, "nothing prevented")
    ratio = float(num.mean() / den.mean())
    if den.size < MIN_REPLICATES:
        return (ratio, np.nan, np.nan, "too few replicates for an interval")
    rng = generator(*key)
    picks = rng.integers(0, den.size, size=(RESAMPLES, den.size))
    den_means = den[picks].mean(axis=1)
    num_means = num[picks].mean(axis=1)
    lo_q, hi_q = 50 * (1 - confidence), 50 * (1 + confidence)
    if np.any(den_means <= 0):
        share = float(np.mean(den_means <= 0))
        return (ratio, np.nan, np.nan, f"interval unbounded: {share:.1%} of resamples prevent nothing")
    low, high = np.percentile(num_means / den_means, [lo_q, hi_q])
    return (ratio, float(low), float(high), "")


def kaplan_meier(durations, observed, times) -> np.ndarray:
    """Kaplan-Meier survival at ``times`` from right-censored durations (``scipy.stats.ecdf``).

    Args:
        durations: time to the event, or to censoring where ``observed`` is False.
        observed: whether the event happened (False: censored at that duration).
        times: where to evaluate the survival function.
    """
    durations = np.asarray(durations, dtype=np.float64)
    observed = np.asarray(observed, dtype=bool)
    times = np.asarray(times, dtype=np.float64)
    if durations.size == 0:
        return np.full(times.size, np.nan)
    if not observed.any():
        return np.where(times <= durations.max(), 1.0, np.nan)
    from scipy import stats

    data = stats.CensoredData(uncensored=durations[observed], right=durations[~observed])
    return stats.ecdf(data).sf.evaluate(times)
