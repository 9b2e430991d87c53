"""The site's Python widgets: ganlib.lite in Pyodide, in one Web Worker per page.

- `page.add_widgets`: what the site plugin calls for each page (demos, runnable code blocks);
- `widget`: the 2-D GAN demo; `loss`: the loss demo; `cells`: runnable code blocks (and the code
  cells of runnable notebooks); their
  strings in ui.yml, loss.yml and cells.yml;
- `build`: the Pyodide runtime and the ganlib.lite wheel, written into the built site;
- `assets/`: worker.mjs (Pyodide), client.mjs and figure.mjs (shared by the pages' scripts),
  demo.mjs, loss.mjs, cells.mjs, demo.css;
- `bench`: `python -m coursekit.demo bench`, measured in headless Chromium;
- `picture`: `python -m coursekit.demo picture`, the mode-collapse picture for the lesson.
"""
from __future__ import annotations

from pathlib import Path

from coursekit.demo.build import DemoBuildError, build_lite_wheel, wheel_filename, write_demo_assets
from coursekit.demo.cells import runnable_notebook
from coursekit.demo.page import add_widgets
from coursekit.demo.widget import PLACEHOLDER, demo_html

ASSETS_DIR = Path(__file__).with_name("assets")
# (site path, source) of the widgets' scripts and stylesheet.
DEMO_ASSETS = [(f"assets/demo/{path.name}", path) for path in sorted(ASSETS_DIR.iterdir())
               if path.suffix in (".js", ".mjs", ".css")]

__all__ = ["DEMO_ASSETS", "PLACEHOLDER", "DemoBuildError", "add_widgets", "build_lite_wheel", "demo_html",
           "runnable_notebook", "wheel_filename", "write_demo_assets"]
