"""Random numbers that are the same in CPython and in Pyodide for the same seed.

`random.Random.random()` is guaranteed reproducible across Python versions and platforms; other
methods (gauss, randrange, ...) are not promised to be, so everything is built on random() and on
portable_math.
"""
from __future__ import annotations

import random

from math import sqrt

from ganlib.lite.portable_math import log


def gaussian_pairs(rng: random.Random, n: int) -> list[tuple[float, float]]:
    """n pairs of independent standard normal numbers (Marsaglia's polar method)."""
    pairs = []
    while len(pairs) < n:
        u = 2.0 * rng.random() - 1.0
        v = 2.0 * rng.random() - 1.0
        s = u * u + v * v
        if 0.0 < s < 1.0:
            f = sqrt(-2.0 * log(s) / s)
            pairs.append((u * f, v * f))
    return pairs


def uniform_batch(rng: random.Random, n: int, dim: int) -> list[list[float]]:
    """n vectors uniform in [-1, 1]^dim (the generator's latent noise)."""
    r = rng.random
    return [[2.0 * r() - 1.0 for _ in range(dim)] for _ in range(n)]
