"""What the demo's Web Worker calls: a trainer behind a JSON-in, JSON-out interface.

Pyodide converts Python objects to JavaScript one by one; a JSON string crosses in one piece and
keeps every float exact (repr round-trips), so the page sees the numbers CPython would print.
"""
from __future__ import annotations

import json

from ganlib.lite.presets import PRESETS, preset_config
from ganlib.lite.train import GanTrainer, LiteConfig


class Session:
    def __init__(self, settings_json: str = "{}"):
        self.trainer = GanTrainer(LiteConfig.from_dict(json.loads(settings_json)))

    def train(self, steps: int) -> str:
        """Run `steps` training steps; per step:
        [step, loss_d, loss_g, d_real, d_fake, d_skipped, modes_covered, high_quality] (see StepStats)."""
        stats = self.trainer.run(int(steps))
        return json.dumps([[s.step, s.loss_d, s.loss_g, s.d_real, s.d_fake, s.d_skipped, s.modes_covered,
                            s.high_quality] for s in stats])

    def update(self, changes_json: str) -> None:
        self.trainer.update(**json.loads(changes_json))

    def snapshot(self, heatmap_resolution: int = 0) -> str:
        """Generated points (flat x, y list), their coverage, and D's decision map if asked for."""
        points = self.trainer.generated()
        coverage = self.trainer.coverage(points)
        return json.dumps({
            "step": self.trainer.steps_done,
            "fake": [v for p in points for v in p],
            "modes_covered": coverage.modes_covered,
            "modes": coverage.modes,
            "high_quality": coverage.high_quality,
            "heatmap": self.trainer.decision_map(heatmap_resolution) if heatmap_resolution else None,
        })

    def real_points(self, n: int = 512) -> str:
        """A fixed sample of the training set to draw (flat x, y list): the pool's first n points,
        which visit the modes in turn (a stride through the pool could land on one mode only)."""
        return json.dumps([v for p in self.trainer.target.points[:n] for v in p])


def presets_json() -> str:
    return json.dumps({name: preset_config(name).to_dict() for name in PRESETS})


def reference_run(settings: dict, steps: int) -> dict:
    """A run summarised in plain numbers, for comparing CPython with Pyodide bit for bit."""
    trainer = GanTrainer(LiteConfig.from_dict(settings))
    stats = trainer.run(steps)
    coverage = trainer.coverage()
    return {
        "stats": [[s.loss_d, s.loss_g, s.d_real, s.d_fake, s.d_skipped, s.modes_covered, s.high_quality]
                  for s in stats],
        "generator": [v for row in trainer.G.parameters() for v in row],
        "discriminator": [v for row in trainer.D.parameters() for v in row],
        "modes_covered": coverage.modes_covered,
        "high_quality": coverage.high_quality,
        "decision_map": trainer.decision_map(8),
    }
