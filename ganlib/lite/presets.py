"""Named settings for the demo: a healthy default, mode collapse, and the lesson's remedies.

Each preset changes only a few settings of LiteConfig, so the difference is easy to see; the
page describes each one in the reader's language.
"""
from __future__ import annotations

from ganlib.lite.train import LiteConfig

# Mode collapse: G learns ten times faster than D, so it keeps jumping to wherever D is weakest.
COLLAPSE = {"lr_g": 1e-2, "lr_d": 1e-3}

PRESETS: dict[str, dict] = {
    "default": {},
    "collapse": COLLAPSE,
    # Remedies, each one change away from the collapse settings (or from a too-strong D).
    "ttur": {"lr_g": 1e-3, "lr_d": 1e-2},  # two time-scale update rule: D is the faster learner
    "d_steps": {**COLLAPSE, "d_steps": 3},
    "smoothing": {**COLLAPSE, "label_smoothing": 0.2},
    "skip_d": {"lr_g": 2e-3, "lr_d": 2e-2, "d_skip_below": 0.6},
}


def preset_config(name: str, **overrides) -> LiteConfig:
    try:
        changes = PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}: choose one of {', '.join(PRESETS)}") from None
    return LiteConfig.from_dict({**changes, **overrides})
