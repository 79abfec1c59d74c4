"""Named random streams, one per model component.

Each component (arrivals, camps, escorts, barriers, migrants, guards, exposure) draws from its own generator,
derived from the model's seed sequence and a stable hash of the component's name. Two scenarios run with one
seed therefore see the same arrivals even when their guards draw a different number of random numbers: common
random numbers, so that scenario differences come from policy, not noise. Adding a component never reshuffles
the others.
"""

from __future__ import annotations

import zlib

import numpy as np

STREAMS: tuple[str, ...] = ("arrivals", "camps", "escorts", "barriers", "migrants", "guards", "exposure")


def stream_key(name: str) -> int:
    """A stable 32-bit key for a stream name (Python's hash() is salted per process, crc32 is not)."""
    return zlib.crc32(name.encode("utf-8"))


def named_streams(rng: np.random.Generator, names: tuple[str, ...] = STREAMS) -> dict[str, np.random.Generator]:
    """Child generators of `rng`'s seed sequence, one per name, independent of the order of names."""
    seq = rng.bit_generator.seed_seq
    if not isinstance(seq, np.random.SeedSequence):  # pragma: no cover - numpy always gives one for default_rng
        raise TypeError("the model generator has no SeedSequence to derive named streams from")
    return {
        name: np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(entropy=seq.entropy, spawn_key=(*seq.spawn_key, stream_key(name))))
        )
        for name in names
    }
