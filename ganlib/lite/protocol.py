"""What the demo page needs to know about the engine, in one JSON object (`describe()`).

The widget writes it into the page, so demo.mjs reads names, settings and presets from here
instead of keeping copies of them.
"""
from __future__ import annotations

from ganlib.lite.presets import PRESETS, preset_config
from ganlib.lite.targets import MAX_DRAWN_POINTS, TARGETS, VIEW
from ganlib.lite.train import CHANCE_LOSSES, LIVE_SETTINGS, LOSSES, STATS_FIELDS

# How much the page asks a snapshot for: heatmap cells per side, generator arrows, manifold grid size.
DISPLAY = {"heatmap": 24, "arrows": 128, "manifold": 15, "real_points": 512}


def describe() -> dict:
    return {
        "view": VIEW,
        "targets": [*TARGETS, "drawn"],
        "max_drawn_points": MAX_DRAWN_POINTS,
        "losses": list(LOSSES),
        "chance": CHANCE_LOSSES,
        "live_settings": list(LIVE_SETTINGS),
        "stats_fields": list(STATS_FIELDS),
        "presets": {name: preset_config(name).to_dict() for name in PRESETS},
        "display": DISPLAY,
    }
