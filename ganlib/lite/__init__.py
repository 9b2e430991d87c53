"""ganlib.lite: small GANs in pure Python, for the in-browser demos and the lesson's runnable code (Pyodide).

Standard library only (Pyodide ships no numpy here), valid on Python 3.11 and 3.14, and
bit-for-bit reproducible: the same seed gives the same numbers in CPython and in Pyodide.
- `train`: a GAN on 2D points (GanTrainer), its two phases and two losses; `targets`: the data;
- `saturation`: the 1-D toy of the loss demo; `plot`: figures that a page draws;
- `session`, `protocol`, `cell`: what the page's Web Worker calls.
"""
from ganlib.lite.train import LIVE_SETTINGS, GanTrainer, LiteConfig, StepStats
from ganlib.lite.targets import TARGETS, Coverage, make_target

__all__ = ["LIVE_SETTINGS", "TARGETS", "Coverage", "GanTrainer", "LiteConfig", "StepStats", "make_target"]
