"""How long a run will take, said at its start when it is long: from a short timing of its first
steps. A learner on a laptop should know before waiting an hour, and what would make it shorter.
"""
from __future__ import annotations

import time

ANNOUNCE_AFTER = 120.0  # seconds: a run expected to be shorter starts without an estimate


def duration(seconds: float) -> str:
    """"about 40 s", "about 7 min", "about 1.5 h"."""
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} min"
    return f"about {seconds / 3600:.1f} h"


def round_down(n: float) -> int:
    """n rounded down to two significant digits (for suggested step counts): 1234 -> 1200, 87 -> 87."""
    n = int(n)
    if n < 10:
        return max(1, n)
    unit = 10 ** (len(str(n)) - 2)
    return n // unit * unit


class StepClock:
    """Seconds per step, from the steps after the first `warmup` (those also pay for warm-up:
    allocations, oneDNN's and cuDNN's kernel choice, torch.compile), once at least `min_steps`
    steps and `min_seconds` seconds have been timed."""

    def __init__(self, min_steps: int = 5, min_seconds: float = 2.0, warmup: int = 1):
        self.min_steps, self.min_seconds, self.warmup = min_steps, min_seconds, warmup
        self.start: float | None = None
        self.ticks = 0
        self.done = False

    def tick(self) -> float | None:
        """Call at the end of each step; returns the seconds per step once, when it is known."""
        now = time.perf_counter()
        if self.done:
            return None
        self.ticks += 1
        if self.ticks <= self.warmup:
            self.start = now  # the clock starts at the end of the last warm-up step
            return None
        steps = self.ticks - self.warmup
        elapsed = now - self.start
        if steps >= self.min_steps and elapsed >= self.min_seconds:
            self.done = True
            return elapsed / steps
        return None
