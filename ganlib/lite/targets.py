"""The 2D distributions the demo learns, and how close a generated point is to them.

Each target is a fixed pool of points (its training set) plus a *region map*: the plane in view
is cut into cells, and each cell close to the data (within three noise deviations of a mode
centre or of the noise-free curve) is labelled with the mode it belongs to. Scoring a generated
point is then a table look-up, cheap enough to run on every frame of the demo:
- a point is *high quality* when its cell belongs to some mode;
- a mode is *covered* when it receives at least `min_share` of its fair share of the points.
Rings and grids have one mode per Gaussian; a spiral and two moons are cut into arcs, and so is
a target the reader draws (each stroke into pieces of at most `ARC` in length; a dot is a mode).

`js_divergence` compares the points with the data as a whole: the Jensen-Shannon divergence, in
bits (0: the same, 1: disjoint), between histograms of the two on a coarse grid.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from math import ceil, fsum, sqrt

from ganlib.lite.portable_math import INV_LN2, PI, cos, log, sin
from ganlib.lite.rand import gaussian_pairs

VIEW = 2.0  # the demo shows the square [-VIEW, VIEW]^2
CELLS = 160  # region map resolution per side
POOL_SIZE = 4096
JS_CELLS = 20  # histogram cells per side for the Jensen-Shannon divergence
DRAWN_STD = 0.06  # noise around a drawn stroke
ARC = 0.6  # a drawn stroke is cut into modes of at most this length
MAX_DRAWN_POINTS = 400  # x, y pairs over all strokes: enough for a drawing, small enough for a link


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
        self._histogram = None

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

    def js_divergence(self, points: list[list[float]]) -> float:
        """Jensen-Shannon divergence in bits between `points` and the pool, on a JS_CELLS grid."""
        if self._histogram is None:
            self._histogram = histogram(self.points)
        return js_bits(self._histogram, histogram(points))


def histogram(points) -> list[float]:
    """Shares of `points` in each of JS_CELLS x JS_CELLS cells over the view, then one for outside it."""
    counts = [0] * (JS_CELLS * JS_CELLS + 1)
    scale = JS_CELLS / (2 * VIEW)
    last = JS_CELLS - 1
    for x, y in points:
        if -VIEW <= x < VIEW and -VIEW <= y < VIEW:  # False for NaN too
            counts[min(last, int((y + VIEW) * scale)) * JS_CELLS + min(last, int((x + VIEW) * scale))] += 1
        else:
            counts[-1] += 1
    total = len(points) or 1
    return [c / total for c in counts]


def js_bits(p: list[float], q: list[float]) -> float:
    """Jensen-Shannon divergence of two histograms, in bits (portable log, left-to-right exact sums)."""
    terms = []
    for a, b in zip(p, q):
        m = (a + b) / 2
        if a > 0.0:
            terms.append(0.5 * a * log(a / m))
        if b > 0.0:
            terms.append(0.5 * b * log(b / m))
    return max(0.0, fsum(terms) * INV_LN2)


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


def validate_drawing(drawing) -> None:
    """A drawing is a list of strokes, each a flat [x, y, x, y, ...] list inside the view."""
    if not drawing:
        raise ValueError("target 'drawn' needs a drawing: at least one stroke of x, y points")
    pairs = 0
    for k, stroke in enumerate(drawing):
        if len(stroke) < 2 or len(stroke) % 2:
            raise ValueError(f"drawing: stroke {k} must be a flat list of x, y pairs, got {len(stroke)} numbers")
        if not all(-VIEW <= v <= VIEW for v in stroke):
            raise ValueError(f"drawing: stroke {k} leaves the view [-{VIEW:g}, {VIEW:g}]")
        pairs += len(stroke) // 2
    if pairs > MAX_DRAWN_POINTS:
        raise ValueError(f"drawing: {pairs} points, at most {MAX_DRAWN_POINTS}")


def _stroke_modes(stroke: list[float]) -> list[tuple[list[tuple[float, float]], list[float], float, float]]:
    """A stroke cut into pieces of equal length, at most ARC each: (points, cumulative lengths, start, end)."""
    points = [(stroke[i], stroke[i + 1]) for i in range(0, len(stroke), 2)]
    lengths = [0.0]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        lengths.append(lengths[-1] + sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)))
    total = lengths[-1]
    pieces = max(1, ceil(total / ARC))
    return [(points, lengths, total * k / pieces, total * (k + 1) / pieces) for k in range(pieces)]


def _along(points: list[tuple[float, float]], lengths: list[float], s: float) -> tuple[float, float]:
    """The point at arc length `s` along the polyline."""
    for k in range(1, len(points)):
        if s <= lengths[k] or k == len(points) - 1:
            span = lengths[k] - lengths[k - 1]
            t = (s - lengths[k - 1]) / span if span > 0.0 else 0.0
            (x0, y0), (x1, y1) = points[k - 1], points[k]
            return x0 + t * (x1 - x0), y0 + t * (y1 - y0)
    return points[0]


def drawn(drawing, seed: int = 0) -> Target:
    """The reader's own target: Gaussian noise around drawn strokes; each piece of a stroke is a mode."""
    validate_drawing(drawing)
    modes = [piece for stroke in drawing for piece in _stroke_modes(list(stroke))]
    rng = random.Random(seed)
    noise = gaussian_pairs(rng, POOL_SIZE)
    points = []
    for k, (nx, ny) in enumerate(noise):  # the modes in turn, each an equal share
        line, lengths, start, end = modes[k % len(modes)]
        x, y = _along(line, lengths, start + rng.random() * (end - start))
        points.append((x + DRAWN_STD * nx, y + DRAWN_STD * ny))
    region = [-1] * (CELLS * CELLS)
    for mode, (line, lengths, start, end) in enumerate(modes):
        samples = max(1, ceil((end - start) / 0.02))
        for s in range(samples + 1):
            x, y = _along(line, lengths, start + (end - start) * s / samples)
            _paint(region, x, y, 3 * DRAWN_STD, mode)
    return Target("drawn", points, len(modes), region)


TARGETS = {"ring": ring, "grid": grid, "spiral": spiral, "moons": two_moons}


def make_target(name: str, seed: int = 0, drawing=()) -> Target:
    if name == "drawn":
        return drawn(drawing, seed)
    try:
        factory = TARGETS[name]
    except KeyError:
        raise ValueError(f"unknown target {name!r}: choose one of {', '.join([*TARGETS, 'drawn'])}") from None
    return factory(seed)
