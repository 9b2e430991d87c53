"""The 2D distributions the demo learns, and how close a generated point is to them.

Each target is a fixed pool of points (its training set) plus a *region map*: the plane in view
is cut into cells, and each cell close to the data (within three noise deviations of a mode
centre or of the noise-free curve) is labelled with the mode it belongs to. Scoring a generated
point is then a table look-up, cheap enough to run on every frame of the demo:
- a point is *high quality* when its cell belongs to some mode;
- a mode is *covered* when it receives at least `min_share` of its fair share of the points.
Rings and grids have one mode per Gaussian; a spiral and two moons are cut into arcs.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from ganlib.lite.portable_math import PI, cos, sin
from ganlib.lite.rand import gaussian_pairs

VIEW = 2.0  # the demo shows the square [-VIEW, VIEW]^2
CELLS = 160  # region map resolution per side
POOL_SIZE = 4096


@dataclass(frozen=True)
class Coverage:
    modes_covered: int
    modes: int
    high_quality: float  # share of points that land close to the data


class Target:
    """A pool of real points and the region map that scores generated ones."""

    def __init__(self, name: str, points: list[tuple[float, float]], modes: int, region: list[int]):
        self.name = name
        self.points = points
        self.modes = modes
        self._region = region  # CELLS * CELLS mode ids, row-major by y; -1 means off the data

    def batch(self, rng: random.Random, n: int) -> list[list[float]]:
        pool, size = self.points, len(self.points)
        return [list(pool[int(rng.random() * size)]) for _ in range(n)]

    def mode_of(self, x: float, y: float) -> int:
        """Mode whose high-density region holds (x, y), or -1."""
        i = int((x + VIEW) * (CELLS / (2 * VIEW)))
        j = int((y + VIEW) * (CELLS / (2 * VIEW)))
        if 0 <= i < CELLS and 0 <= j < CELLS:
            return self._region[j * CELLS + i]
        return -1

    def coverage(self, points: list[list[float]], min_share: float = 0.2) -> Coverage:
        counts = [0] * self.modes
        good = 0
        for x, y in points:
            mode = self.mode_of(x, y)
            if mode >= 0:
                counts[mode] += 1
                good += 1
        needed = max(1.0, min_share * len(points) / self.modes)
        covered = sum(1 for c in counts if c >= needed)
        return Coverage(covered, self.modes, good / len(points) if points else 0.0)


def _paint(region: list[int], cx: float, cy: float, radius: float, mode: int) -> None:
    """Label every cell whose centre lies within `radius` of (cx, cy) with `mode`."""
    scale = CELLS / (2 * VIEW)
    lo_i = max(0, int((cx - radius + VIEW) * scale))
    hi_i = min(CELLS - 1, int((cx + radius + VIEW) * scale))
    lo_j = max(0, int((cy - radius + VIEW) * scale))
    hi_j = min(CELLS - 1, int((cy + radius + VIEW) * scale))
    r2 = radius * radius
    for j in range(lo_j, hi_j + 1):
        y = (j + 0.5) / scale - VIEW
        for i in range(lo_i, hi_i + 1):
            x = (i + 0.5) / scale - VIEW
            if (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r2:
                region[j * CELLS + i] = mode


def _gaussian_mixture(name: str, centres: list[tuple[float, float]], std: float, seed: int) -> Target:
    rng = random.Random(seed)
    noise = gaussian_pairs(rng, POOL_SIZE)
    points = []
    for k, (nx, ny) in enumerate(noise):
        cx, cy = centres[k % len(centres)]
        points.append((cx + std * nx, cy + std * ny))
    region = [-1] * (CELLS * CELLS)
    for mode, (cx, cy) in enumerate(centres):
        _paint(region, cx, cy, 3 * std, mode)
    return Target(name, points, len(centres), region)


def _curve(name: str, curve, arcs: int, std: float, seed: int) -> Target:
    """Points on `curve(t)`, t in [0, 1), plus Gaussian noise; mode k is the arc t in [k/arcs, (k+1)/arcs)."""
    rng = random.Random(seed)
    noise = gaussian_pairs(rng, POOL_SIZE)
    points = []
    for nx, ny in noise:
        x, y = curve(rng.random())
        points.append((x + std * nx, y + std * ny))
    region = [-1] * (CELLS * CELLS)
    steps = 50 * arcs
    for s in range(steps):  # later arcs overwrite earlier ones where they touch: harmless
        t = (s + 0.5) / steps
        x, y = curve(t)
        _paint(region, x, y, 3 * std, int(t * arcs))
    return Target(name, points, arcs, region)


def ring(seed: int = 0) -> Target:
    """Eight Gaussians evenly spaced on a circle (the classic mode-collapse test)."""
    centres = [(1.2 * cos(2 * PI * k / 8), 1.2 * sin(2 * PI * k / 8)) for k in range(8)]
    return _gaussian_mixture("ring", centres, 0.06, seed)


def grid(seed: int = 0) -> Target:
    """A 5 x 5 grid of Gaussians."""
    centres = [(0.6 * (i - 2), 0.6 * (j - 2)) for j in range(5) for i in range(5)]
    return _gaussian_mixture("grid", centres, 0.05, seed)


def _spiral_point(t: float) -> tuple[float, float]:
    angle = 0.5 + 3.0 * PI * t  # one and a half turns
    radius = 0.2 + 1.3 * t
    return radius * cos(angle), radius * sin(angle)


def spiral(seed: int = 0) -> Target:
    """An Archimedean spiral; its eight arcs count as modes."""
    return _curve("spiral", _spiral_point, 8, 0.05, seed)


def _moons_point(t: float) -> tuple[float, float]:
    # The first half of t draws the upper moon, the second half the lower one.
    if t < 0.5:
        a = PI * 2 * t
        return cos(a) - 0.5, sin(a) - 0.25
    a = PI * 2 * (t - 0.5)
    return 0.5 - cos(a), 0.25 - sin(a)


def two_moons(seed: int = 0) -> Target:
    """Two interleaved half circles; each is cut into four arcs."""
    return _curve("moons", _moons_point, 8, 0.06, seed)


TARGETS = {"ring": ring, "grid": grid, "spiral": spiral, "moons": two_moons}


def make_target(name: str, seed: int = 0) -> Target:
    try:
        factory = TARGETS[name]
    except KeyError:
        raise ValueError(f"unknown target {name!r}: choose one of {', '.join(TARGETS)}") from None
    return factory(seed)
