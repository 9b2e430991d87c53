"""Named settings for the demo: a healthy default, mode collapse, and the lesson's remedies.

Each preset changes only a few settings of LiteConfig, so the difference is easy to see; the
page describes each one in the reader's language.
"""
from __future__ import annotations

from ganlib.lite.train import LiteConfig

PRESETS: dict[str, dict] = {
    "default": {},
}


def preset_config(name: str, **overrides) -> LiteConfig:
    try:
        changes = PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}: choose one of {', '.join(PRESETS)}") from None
    return LiteConfig.from_dict({**changes, **overrides})
