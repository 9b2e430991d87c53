"""The in-browser GAN demo on the site: ganlib.lite in Pyodide, in a Web Worker.

- `build`: the Pyodide runtime and the ganlib.lite wheel, written into the built site;
- `widget`: the demo's controls in the page's language (strings in `ui.yml`);
- `assets/`: demo.js (page), worker.mjs (Pyodide and the trainer), demo.css;
- `bench`: `python -m coursekit.demo bench`, the three figures measured in headless Chromium.
"""
from __future__ import annotations

from pathlib import Path

from coursekit.demo.build import DemoBuildError, build_lite_wheel, wheel_filename, write_demo_assets
from coursekit.demo.widget import PLACEHOLDER, demo_html

ASSETS_DIR = Path(__file__).with_name("assets")
# (site path, source) of the demo's own scripts and stylesheet.
DEMO_ASSETS = [(f"assets/demo/{name}", ASSETS_DIR / name) for name in ("demo.js", "demo.css", "worker.mjs")]

__all__ = ["DEMO_ASSETS", "PLACEHOLDER", "DemoBuildError", "build_lite_wheel", "demo_html", "wheel_filename",
           "write_demo_assets"]
