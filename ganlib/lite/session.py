"""What the demo's Web Worker calls: a trainer behind a JSON-in, JSON-out interface.

Pyodide converts Python objects to JavaScript one by one; a JSON string crosses in one piece and
keeps every float exact (repr round-trips), so the page sees the numbers CPython would print.
The page learns the shapes (field names, settings, presets) from `ganlib.lite.protocol.describe`.
"""
from __future__ import annotations

import json
from dataclasses import astuple

from ganlib.lite.saturation import SaturationConfig, SaturationRun
from ganlib.lite.train import GanTrainer, LiteConfig


class Session:
    def __init__(self, settings_json: str = "{}"):
        self.trainer = GanTrainer(LiteConfig.from_dict(json.loads(settings_json)))

    def train(self, steps: int) -> str:
        """Run `steps` training steps; one row per step, in the order of protocol.STATS_FIELDS."""
        return json.dumps([astuple(s) for s in self.trainer.run(int(steps))])

    def phase(self, name: str) -> str:
        """One phase on its own: "d" (a discriminator update) or "g" (a generator update)."""
        if name == "d":
            p = self.trainer.d_update()
            return json.dumps({"phase": "d", "step": self.trainer.steps_done, "loss_d": p.loss_d,
                               "d_real": p.d_real, "d_fake": p.d_fake, "skipped": p.skipped})
        if name == "g":
            g = self.trainer.g_update()
            return json.dumps({"phase": "g", "step": self.trainer.steps_done, "loss_g": g.loss_g})
        raise ValueError(f"unknown phase {name!r}: choose d or g")

    def update(self, changes_json: str) -> None:
        self.trainer.update(**json.loads(changes_json))

    def snapshot(self, options_json: str = "{}") -> str:
        """Generated points (flat x, y list), their coverage and JS divergence, and what `options`
        asks for: {"heatmap": cells per side, "arrows": how many points, "manifold": grid size}."""
        options = json.loads(options_json)
        trainer = self.trainer
        points = trainer.generated()
        coverage = trainer.coverage(points)
        snap = {
            "step": trainer.steps_done,
            "fake": [v for p in points for v in p],
            "modes_covered": coverage.modes_covered,
            "modes": coverage.modes,
            "high_quality": coverage.high_quality,
            "js": trainer.target.js_divergence(points),
        }
        if options.get("heatmap"):
            snap["heatmap"] = trainer.decision_map(int(options["heatmap"]))
        if options.get("arrows"):
            snap["arrows"] = trainer.generator_arrows(int(options["arrows"]), points)
        if options.get("manifold"):
            snap["manifold"] = trainer.manifold(int(options["manifold"]))
        return json.dumps(snap)

    def target(self, n: int = 512) -> str:
        """A fixed sample of the training set to draw (flat x, y list: the pool's first n points,
        which visit the modes in turn), its number of modes, and the JS divergence of that sample
        from the whole pool: the best a generator's n points can score."""
        target = self.trainer.target
        sample = [list(p) for p in target.points[:int(n)]]
        return json.dumps({"real": [v for p in sample for v in p], "modes": target.modes,
                           "js_floor": target.js_divergence(sample)})


class SaturationSession:
    """The loss demo (ganlib.lite.saturation): its rows, a chunk at a time."""

    def __init__(self, settings_json: str = "{}"):
        self.run = SaturationRun(SaturationConfig.from_dict(json.loads(settings_json)))

    def advance(self, steps: int) -> str:
        return json.dumps({**self.run.advance(int(steps)), "done": self.run.done})


def reference_run(settings: dict, steps: int) -> dict:
    """A run summarised in plain numbers, for comparing CPython with Pyodide bit for bit."""
    session = Session(json.dumps(settings))
    trainer = session.trainer
    stats = trainer.run(steps)
    phases = [json.loads(session.phase(name)) for name in "dggd"]  # then single phases, in any order
    points = trainer.generated()
    coverage = trainer.coverage(points)
    return {
        "stats": [list(astuple(s))[1:] for s in stats],
        "phases": phases,
        "generator": [v for row in trainer.G.parameters() for v in row],
        "discriminator": [v for row in trainer.D.parameters() for v in row],
        "modes_covered": coverage.modes_covered,
        "high_quality": coverage.high_quality,
        "js": trainer.target.js_divergence(points),
        "decision_map": trainer.decision_map(8),
        "arrows": trainer.generator_arrows(16),
        "manifold": trainer.manifold(4),
    }

