"""Line plots and 2-D scatter plots for code that runs in the lesson's pages.

    from ganlib.lite.plot import Figure
    fig = Figure(title="Losses", xlabel="step", ylabel="loss")
    fig.line(steps, losses, label="D")
    fig.scatter(points, label="generated")      # points: rows [x, y], as ganlib.lite makes them
    fig.show()

Options: `xlim`/`ylim` fix an axis's range, a series may name its `color` (any CSS colour), and
`shade(xs, ys, values)` draws a grid of values behind the rest, from blue (the lowest) through
white to orange (the highest), as the demo draws the discriminator's verdict.

A figure is plain data (`to_dict()`); `show()` hands it to the display the page installed with
`set_display` (the runnable code block draws it under the code). Without a page it prints a
one-line summary, so the same code runs in a terminal.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from math import isfinite

MAX_POINTS = 20_000  # per figure: more would make the page slow to draw

_display: Callable[[dict], None] | None = None


def set_display(display: Callable[[dict], None] | None) -> None:
    """Where `Figure.show()` sends figures (None: print a summary)."""
    global _display
    _display = display


def _numbers(values: Iterable, what: str) -> list[float | None]:
    """Floats, with None for NaN and infinities (JSON has neither; the page leaves a gap)."""
    out = []
    for k, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"{what}[{k}] is {v!r}, not a number")
        v = float(v)
        out.append(v if isfinite(v) else None)
    return out


def _limits(value, name: str) -> list[float]:
    pair = _numbers(value, name)
    if len(pair) != 2 or None in pair or not pair[0] < pair[1]:
        raise ValueError(f"{name} must be (low, high) with low < high, got {value!r}")
    return pair


def _size(series: dict) -> int:
    return len(series.get("z", series["x"]))


class Figure:
    def __init__(self, title: str = "", xlabel: str = "", ylabel: str = "", *, ylog: bool = False,
                 equal: bool = False, xlim=None, ylim=None):
        """`ylog`: a logarithmic y axis; `equal`: the same scale on both axes (for points in a plane);
        `xlim`, `ylim`: (low, high) of an axis, instead of the data's range."""
        self.title, self.xlabel, self.ylabel = str(title), str(xlabel), str(ylabel)
        self.ylog, self.equal = bool(ylog), bool(equal)
        self.limits = {name: _limits(value, name) for name, value in (("xlim", xlim), ("ylim", ylim))
                       if value is not None}
        self.series: list[dict] = []

    def _add(self, series: dict, points: int, color: str | None) -> "Figure":
        if sum(_size(s) for s in self.series) + points > MAX_POINTS:
            raise ValueError(f"{series['kind']}(): a figure holds at most {MAX_POINTS} points; plot every n-th one")
        if color is not None:
            series["color"] = str(color)
        self.series.append(series)
        return self

    def _xy(self, kind: str, xs: list, ys: list, label: str, color: str | None) -> "Figure":
        if len(xs) != len(ys):
            raise ValueError(f"{kind}(): {len(xs)} x values but {len(ys)} y values")
        return self._add({"kind": kind, "label": str(label), "x": xs, "y": ys}, len(xs), color)

    def line(self, xs, ys=None, *, label: str = "", color: str | None = None) -> "Figure":
        """A line through (xs[i], ys[i]); `line(ys)` alone plots ys against 0, 1, 2, ...
        A NaN lifts the pen, so one line can draw separate segments."""
        if ys is None:
            ys = list(xs)
            xs = range(len(ys))
        return self._xy("line", _numbers(xs, "x"), _numbers(ys, "y"), label, color)

    def scatter(self, xs, ys=None, *, label: str = "", color: str | None = None) -> "Figure":
        """Points: `scatter(xs, ys)`, or `scatter(points)` with points as [x, y] rows."""
        if ys is None:
            rows = list(xs)
            if any(len(row) != 2 for row in rows):
                raise ValueError("scatter(points): each point must be a pair [x, y]")
            xs, ys = [row[0] for row in rows], [row[1] for row in rows]
        return self._xy("scatter", _numbers(xs, "x"), _numbers(ys, "y"), label, color)

    def shade(self, xs, ys, values, *, label: str = "") -> "Figure":
        """A grid of values behind the other series, coloured from blue (the lowest) through white
        to orange (the highest): `values[j][i]` at (xs[i], ys[j]), xs and ys evenly spaced."""
        xs, ys = _numbers(xs, "x"), _numbers(ys, "y")
        rows = [list(row) for row in values]
        if len(rows) != len(ys) or any(len(row) != len(xs) for row in rows):
            raise ValueError(f"shade(): values must be {len(ys)} rows (one per y) of {len(xs)} (one per x)")
        z = _numbers((v for row in rows for v in row), "values")
        return self._add({"kind": "shade", "label": str(label), "x": xs, "y": ys, "z": z}, len(z), None)

    def to_dict(self) -> dict:
        return {"title": self.title, "xlabel": self.xlabel, "ylabel": self.ylabel, "ylog": self.ylog,
                "equal": self.equal, **self.limits, "series": self.series}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), allow_nan=False)

    def show(self) -> None:
        if _display is not None:
            _display(self.to_dict())
        else:
            points = sum(_size(s) for s in self.series)
            print(f"[figure {self.title!r}: {len(self.series)} series, {points} points]")
