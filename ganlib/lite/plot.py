"""Line plots and 2-D scatter plots for code that runs in the lesson's pages.

    from ganlib.lite.plot import Figure
    fig = Figure(title="Losses", xlabel="step", ylabel="loss")
    fig.line(steps, losses, label="D")
    fig.scatter(points, label="generated")      # points: rows [x, y], as ganlib.lite makes them
    fig.show()

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


class Figure:
    def __init__(self, title: str = "", xlabel: str = "", ylabel: str = "", *, ylog: bool = False,
                 equal: bool = False):
        """`ylog`: a logarithmic y axis; `equal`: the same scale on both axes (for points in a plane)."""
        self.title, self.xlabel, self.ylabel = str(title), str(xlabel), str(ylabel)
        self.ylog, self.equal = bool(ylog), bool(equal)
        self.series: list[dict] = []

    def _add(self, kind: str, xs: list, ys: list, label: str) -> "Figure":
        if len(xs) != len(ys):
            raise ValueError(f"{kind}(): {len(xs)} x values but {len(ys)} y values")
        if sum(len(s["x"]) for s in self.series) + len(xs) > MAX_POINTS:
            raise ValueError(f"{kind}(): a figure holds at most {MAX_POINTS} points; plot every n-th one")
        self.series.append({"kind": kind, "label": str(label), "x": xs, "y": ys})
        return self

    def line(self, xs, ys=None, *, label: str = "") -> "Figure":
        """A line through (xs[i], ys[i]); `line(ys)` alone plots ys against 0, 1, 2, ..."""
        if ys is None:
            ys = list(xs)
            xs = range(len(ys))
        return self._add("line", _numbers(xs, "x"), _numbers(ys, "y"), label)

    def scatter(self, xs, ys=None, *, label: str = "") -> "Figure":
        """Points: `scatter(xs, ys)`, or `scatter(points)` with points as [x, y] rows."""
        if ys is None:
            rows = list(xs)
            if any(len(row) != 2 for row in rows):
                raise ValueError("scatter(points): each point must be a pair [x, y]")
            xs, ys = [row[0] for row in rows], [row[1] for row in rows]
        return self._add("scatter", _numbers(xs, "x"), _numbers(ys, "y"), label)

    def to_dict(self) -> dict:
        return {"title": self.title, "xlabel": self.xlabel, "ylabel": self.ylabel, "ylog": self.ylog,
                "equal": self.equal, "series": self.series}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), allow_nan=False)

    def show(self) -> None:
        if _display is not None:
            _display(self.to_dict())
        else:
            points = sum(len(s["x"]) for s in self.series)
            print(f"[figure {self.title!r}: {len(self.series)} series, {points} points]")
