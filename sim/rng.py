"""Named random streams built from ``numpy.random.SeedSequence`` (common random numbers).

One stream per stochastic process, keyed by its *name*, so a policy change never shifts the
draws of an unrelated process and a new process that names a new stream leaves every other
stream untouched.  Stream ``name`` of replicate ``r`` is ``PCG64(SeedSequence(seed,
spawn_key=(r, stream_key(name))))``, where ``stream_key`` is derived from the name by SHA-256;
a test checks that no two declared streams share a key.  Each stream draws for the whole
population every year (in bulk, then masked), so household ``i`` sees the same shocks under
every policy mix.
"""

from __future__ import annotations

import hashlib

import numpy as np

from sim.jit import kernel

#: How streams are seeded (recorded in every manifest).
STREAM_RULE = (
    "numpy SeedSequence(seed, spawn_key=(replicate, stream_key(name))) -> PCG64; "
    "stream_key(name) = the first 4 bytes of SHA-256(name), little-endian"
)
POPULATION = "population"  # the stream synthesis draws from


def name_hash(name: str, bits: int = 64) -> int:
    """A stable integer derived from ``name`` (SHA-256), for stream keys and lever salts."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[: bits // 8], "little")


def stream_key(name: str) -> int:
    """The spawn-key entry of stream ``name``."""
    return name_hash(name, 32)


class Streams(dict):
    """Generators by stream name, each created on first use from (seed, replicate, name)."""

    def __init__(self, seed: int, replicate: int) -> None:
        """Streams of replicate ``replicate`` under root ``seed`` (0 is a valid seed)."""
        if seed < 0 or replicate < 0:
            raise ValueError("seed and replicate must be non-negative")
        super().__init__()
        self.seed, self.replicate = seed, replicate

    def __missing__(self, name: str) -> np.random.Generator:
        """Create stream ``name``: its draws never depend on which other streams exist or run first."""
        sequence = np.random.SeedSequence(self.seed, spawn_key=(self.replicate, stream_key(name)))
        generator = np.random.Generator(np.random.PCG64(sequence))
        self[name] = generator
        return generator


def make_streams(seed: int, replicate: int) -> Streams:
    """The named streams of one replicate (see :class:`Streams`).

    Args:
        seed: the run's root seed (0 is a valid seed).
        replicate: replicate index (0-based).
    """
    return Streams(seed, replicate)


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
