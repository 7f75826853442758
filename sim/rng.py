"""Named random streams built from ``numpy.random.SeedSequence`` (common random numbers).

One stream per stochastic process, keyed by its position in :data:`STREAMS`, so a policy
change never shifts the draws of an unrelated process.  Each stream draws for the whole
population every year (in bulk, then masked), so household ``i`` sees the same shocks under
every policy mix.  ``STREAMS`` is append-only: reordering it would change every result.
"""

from __future__ import annotations

import numpy as np

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
