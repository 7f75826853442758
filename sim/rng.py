"""Named random streams built from ``numpy.random.SeedSequence`` (common random numbers).

One stream per stochastic process, keyed by its position in :data:`STREAMS`, so a policy
change never shifts the draws of an unrelated process.  Each stream draws for the whole
population every year (in bulk, then masked), so household ``i`` sees the same shocks under
every policy mix.  ``STREAMS`` is append-only: reordering it would change every result.
"""

from __future__ import annotations

import numpy as np

from sim.jit import kernel

STREAMS: tuple[str, ...] = (
    "population",
    "demography",
    "illness",
    "disability",
    "employment",
    "income",
    "medical",
    "allocation",
    "targeting",
    "registration",
    "monitoring",
)


def make_streams(seed: int, replicate: int) -> dict[str, np.random.Generator]:
    """Return one independent PCG64 generator per named stream.

    Children are built explicitly from ``SeedSequence(seed, spawn_key=(replicate, i))``, so
    the draws of stream ``i`` in replicate ``r`` never depend on how many other streams or
    replicates exist or in what order workers run them.

    Args:
        seed: the run's root seed (0 is a valid seed).
        replicate: replicate index (0-based).
    """
    if seed < 0 or replicate < 0:
        raise ValueError("seed and replicate must be non-negative")
    return {
        name: np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(replicate, i))))
        for i, name in enumerate(STREAMS)
    }


def binomial_counts(rng: np.random.Generator, counts: np.ndarray, p: float) -> np.ndarray:
    """Exact Binomial(counts, p) per entry, drawn as one Bernoulli process over all trials.

    The trials of all entries are laid end to end; the gaps between successes are geometric,
    so only about ``p * counts.sum()`` numbers are drawn (members are many, events rare).  The
    number of draws depends only on the counts and the stream, never on policy.
    """
    positions = success_positions(rng, int(counts.sum()), p)
    return hits_per_entry(counts, positions).astype(counts.dtype, copy=False)


def success_positions(rng: np.random.Generator, total: int, p: float) -> np.ndarray:
    """Sorted positions of the successes among ``total`` Bernoulli(p) trials (geometric gaps)."""
    if total == 0 or p <= 0:
        return np.zeros(0, dtype=np.int64)
    if p >= 1:
        return np.arange(total, dtype=np.int64)
    chunk = int(total * p + 6.0 * np.sqrt(total * p) + 16)
    positions = np.cumsum(rng.geometric(p, size=chunk)) - 1
    while positions[-1] < total - 1:  # rarely needed: the chunk covers ~6 sd beyond the mean
        positions = np.concatenate([positions, positions[-1] + np.cumsum(rng.geometric(p, size=chunk))])
    return positions


@kernel
def hits_per_entry(counts, positions):  # pragma: no cover - compiled
    """Number of success positions that fall in each entry's run of trials (one merge pass)."""
    hits = np.zeros(counts.size, dtype=np.int64)
    k, n_positions, end = 0, positions.size, 0
    for i in range(counts.size):
        end += counts[i]
        while k < n_positions and positions[k] < end:
            hits[i] += 1
            k += 1
    return hits


@kernel
def remove_hits(counts, positions):  # pragma: no cover - compiled
    """Subtract from ``counts`` (in place) the successes in each entry's trials; return the new total."""
    k, n_positions, end, total = 0, positions.size, 0, 0
    for i in range(counts.size):
        c = counts[i]
        end += c
        while k < n_positions and positions[k] < end:
            c -= 1
            k += 1
        counts[i] = c
        total += c
    return total
