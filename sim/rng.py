"""Random numbers keyed by name: a counter-based generator for the year, named streams for synthesis.

Every yearly draw is a pure function of (seed, replicate, stream, year, household, slot): the
year's key of a stream is 64 bits of ``numpy.random.SeedSequence(seed, spawn_key=(replicate,
stream_key(stream), year))`` and household ``i``'s number is the SplitMix64 finaliser of ``key +
(counter + 1) * 0x9E3779B97F4A7C15`` with ``counter = 16 i + slot`` (Steele, Lea and Flood,
"Fast splittable pseudorandom number generators", OOPSLA 2014; the finaliser is Stafford's
"Mix13").  So a household sees the same shocks under every policy mix (common random numbers),
whatever the order the steps draw in, how many numbers other households or earlier years used,
or how large the population is; a step that declares a new stream leaves every other stream
untouched, and replicate results never depend on how many replicates run or in which process.
Kernels draw inline (:func:`uniform`, :func:`uniform32`, :func:`uniform_pair`, and from a draw
source, a key or a filled array, :func:`uniform32_at` and :func:`uniform64_at`), so a number
costs a few nanoseconds and only where a step uses it; :func:`normals32_of` makes the normals of
the households a step names; :func:`uniforms`, :func:`uniforms32` and :func:`normals32` fill
whole arrays.

Population synthesis, which runs once per replicate, draws from the named numpy stream
``population`` (``PCG64(SeedSequence(seed, spawn_key=(replicate, stream_key(name))))``), and
area-level draws of a year from a PCG64 generator keyed by the year as above.  ``stream_key``
is the first 4 bytes of SHA-256 of the name; a test checks that no two declared streams share
one.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numba.core import types
from numba.extending import overload

from sim.jit import inline, kernel

#: How streams are seeded (recorded in every manifest).
STREAM_RULE = (
    "yearly draws: key = SeedSequence(seed, spawn_key=(replicate, stream_key(stream), year)).generate_state(1, "
    "uint64); household i, slot k: splitmix64_mix(key + (16 i + k + 1) * 0x9E3779B97F4A7C15); float64 uniform = "
    "top 53 bits / 2^53, float32 uniform = top 24 bits / 2^24, float32 normal = Box-Muller of two 24-bit halves; "
    "synthesis: SeedSequence(seed, spawn_key=(replicate, stream_key(name))) -> PCG64; "
    "stream_key(name) = the first 4 bytes of SHA-256(name), little-endian"
)
#: Counter slots per household and stream: a step may take up to this many numbers a year from one stream.
SLOTS = 16
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
        generator = np.random.Generator(np.random.PCG64(_sequence(self.seed, self.replicate, name)))
        self[name] = generator
        return generator


def _sequence(seed: int, replicate: int, stream: str, *year: int) -> np.random.SeedSequence:
    """The seed sequence of ``stream`` in replicate ``replicate`` (of one year, if given)."""
    return np.random.SeedSequence(seed, spawn_key=(replicate, stream_key(stream), *year))


def year_key(seed: int, replicate: int, stream: str, year: int) -> np.uint64:
    """The 64-bit key of ``stream``'s numbers in ``year`` (see the module docstring)."""
    return _sequence(seed, replicate, stream, year).generate_state(1, np.uint64)[0]


def year_generator(seed: int, replicate: int, stream: str, year: int) -> np.random.Generator:
    """A numpy generator for ``stream``'s area-level draws in ``year`` (as many as the state needs)."""
    return np.random.Generator(np.random.PCG64(_sequence(seed, replicate, stream, year)))


_GAMMA = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio, odd: SplitMix64's counter increment
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
# numba turns uint64 mixed with a signed integer into float64: every operand below is uint64
_S11, _S27, _S30, _S31, _S32, _S40 = (np.uint64(k) for k in (11, 27, 30, 31, 32, 40))
_ONE, _SLOTS, _LOW24, _LOW32 = np.uint64(1), np.uint64(SLOTS), np.uint64(0xFFFFFF), np.uint64(0xFFFFFFFF)
_TO_UNIT53, _TO_UNIT32, _TO_UNIT24 = 1.0 / 2.0**53, 1.0 / 2.0**32, 1.0 / 2.0**24


@inline
def bits(key, i, slot):  # pragma: no cover - compiled
    """64 random bits for household ``i``, counter slot ``slot`` (< :data:`SLOTS`), under ``key``."""
    z = key + (np.uint64(i) * _SLOTS + np.uint64(slot) + _ONE) * _GAMMA
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@inline
def uniform(key, i, slot):  # pragma: no cover - compiled
    """A float64 uniform on [0, 1) for household ``i``, slot ``slot`` (53 random bits)."""
    return np.float64(np.int64(bits(key, i, slot) >> _S11)) * _TO_UNIT53  # signed: converts in one instruction


@inline
def uniform32(key, i, slot):  # pragma: no cover - compiled
    """A uniform on [0, 1) with float32's 24 bits, as float64, for household ``i``, slot ``slot``."""
    return np.float64(np.int64(bits(key, i, slot) >> _S40)) * _TO_UNIT24


@inline
def uniform_pair(key, i, slot):  # pragma: no cover - compiled
    """Two uniforms on [0, 1) with 32 random bits each (the two halves of one slot's bits), as float64."""
    b = bits(key, i, slot)
    return np.float64(np.int64(b >> _S32)) * _TO_UNIT32, np.float64(np.int64(b & _LOW32)) * _TO_UNIT32


@kernel
def uniforms(key, n):  # pragma: no cover - compiled
    """Slot-0 float64 uniforms of households ``0..n-1``."""
    out = np.empty(n, np.float64)
    for i in range(n):
        out[i] = uniform(key, i, 0)
    return out


@kernel
def uniforms32(key, n):  # pragma: no cover - compiled
    """Slot-0 float32 uniforms of households ``0..n-1`` (24 random bits each)."""
    out = np.empty(n, np.float32)
    for i in range(n):
        out[i] = np.float32(uniform32(key, i, 0))
    return out


@kernel
def _normal_halves(key, n, among):  # pragma: no cover - compiled
    """Box-Muller's two float32 uniforms from slot 0's bits: (0, 1] and [0, 1).

    Of households ``0..n-1``, or of the households ``among`` (numba prunes the test of None).
    """
    size = n if among is None else among.size
    radius, angle = np.empty(size, np.float32), np.empty(size, np.float32)
    for j in range(size):
        b = bits(key, j if among is None else among[j], 0)
        radius[j] = np.float32((np.float64(np.int64(b >> _S40)) + 0.5) * _TO_UNIT24)
        angle[j] = np.float32(np.float64(np.int64(b & _LOW24)) * _TO_UNIT24)
    return radius, angle


def normals32(key: np.uint64, n: int) -> np.ndarray:
    """Slot-0 standard normals (float32, Box-Muller) of households ``0..n-1``.

    The logarithm and cosine run as numpy's vectorised float32 functions (about 4x faster than
    a scalar loop or numpy's own normal generator); the 24-bit radius bounds a draw at 5.9 sd.
    """
    return _box_muller(*_normal_halves(key, n, None))


def _box_muller(radius: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Normals from Box-Muller's two uniforms, in place in ``radius`` (numpy's float32 functions)."""
    np.log(radius, out=radius)
    radius *= np.float32(-2.0)
    np.sqrt(radius, out=radius)
    angle *= np.float32(2.0 * np.pi)
    np.cos(angle, out=angle)
    radius *= angle
    return radius


def uniform32_at(draw, i):
    """Household ``i``'s slot-0 float32 uniform, as float64, from a draw source.

    ``draw`` is the year's key, drawn inline (so households a kernel skips cost nothing), or a
    filled array (a neutral year's 0.5s, a test's chosen numbers), read at ``i``; the key gives
    the same number :func:`uniforms32` puts at ``i``.  In a kernel numba compiles the branch of
    the source's type alone (:func:`_uniform32_at`).
    """
    if isinstance(draw, np.ndarray):
        return float(draw[i])
    return float(uniform32(np.uint64(draw), i, 0))


def uniform64_at(draw, i):
    """Household ``i``'s slot-0 float64 uniform from a draw source (see :func:`uniform32_at`)."""
    if isinstance(draw, np.ndarray):
        return float(draw[i])
    return float(uniform(np.uint64(draw), i, 0))


@overload(uniform32_at, inline="always")
def _uniform32_at(draw, i):  # pragma: no cover - compiled
    if isinstance(draw, types.Array):
        return lambda draw, i: np.float64(draw[i])
    return lambda draw, i: uniform32(draw, i, 0)


@overload(uniform64_at, inline="always")
def _uniform64_at(draw, i):  # pragma: no cover - compiled
    if isinstance(draw, types.Array):
        return lambda draw, i: np.float64(draw[i])
    return lambda draw, i: uniform(draw, i, 0)


def normals32_of(draw, n: int, among: np.ndarray | None = None) -> np.ndarray:
    """The slot-0 standard normals (float32) of households ``among`` (ascending), or of all ``n`` if None.

    ``draw`` is the year's key or a filled array (see :func:`uniform32_at`).  From a key, only the
    numbers asked for are made, each equal to what :func:`normals32` puts at its row: the
    vectorised logarithm and cosine give an element the same result wherever it sits in the array.
    """
    if isinstance(draw, np.ndarray):
        return draw if among is None else draw[among]
    if among is None:
        return normals32(draw, n)
    return _box_muller(*_normal_halves(draw, n, among))


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
