"""Named settings for the demo: a healthy default, mode collapse, and the lesson's remedies.

Each preset changes only a few settings of LiteConfig, so the difference is easy to see; the
page describes each one in the reader's language.
"""
from __future__ import annotations

from ganlib.lite.train import LiteConfig

# Measured on the ring over 1500 steps, two seeds, modes covered every 250 steps
# (tests/test_lite_engine.py checks the first two):
# Mode collapse: G learns ten times faster than D, so it keeps jumping to wherever D is weakest
# (0-3 of 8 modes).
COLLAPSE = {"lr_g": 1e-2, "lr_d": 1e-3}
# Too strong a discriminator: it learns ten times faster than G (5-7 modes, slowly).
STRONG_D = {"lr_g": 2e-3, "lr_d": 2e-2}

PRESETS: dict[str, dict] = {
    "default": {},
    "collapse": COLLAPSE,
    # Remedies, each one change away from COLLAPSE or from STRONG_D.
    "ttur": {**COLLAPSE, "lr_d": 2e-2},  # two time-scale update rule: D the faster learner (6-8 modes)
    "d_steps": {**COLLAPSE, "d_steps": 5},  # D catches up between G's steps (7-8 modes; 3 steps: one seed still collapsed)
    "smoothing": {**STRONG_D, "label_smoothing": 0.2},  # D less sure of itself (6-8 modes)
    "skip_d": {**STRONG_D, "d_skip_below": 0.6},  # D rests while far ahead (6-7 modes)
}


def preset_config(name: str, **overrides) -> LiteConfig:
    try:
        changes = PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}: choose one of {', '.join(PRESETS)}") from None
    return LiteConfig.from_dict({**changes, **overrides})
