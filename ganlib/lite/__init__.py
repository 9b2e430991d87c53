"""ganlib.lite: a GAN on 2D points in pure Python, for the in-browser demo (Pyodide).

Standard library only (Pyodide ships no numpy here), valid on Python 3.11 and 3.14, and
bit-for-bit reproducible: the same seed gives the same numbers in CPython and in Pyodide.
"""
from ganlib.lite.train import LIVE_SETTINGS, GanTrainer, LiteConfig, StepStats
from ganlib.lite.targets import TARGETS, Coverage, make_target

__all__ = ["LIVE_SETTINGS", "TARGETS", "Coverage", "GanTrainer", "LiteConfig", "StepStats", "make_target"]
