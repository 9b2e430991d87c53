"""HTML helpers shared by the Python widgets (the demos and runnable code blocks)."""
from __future__ import annotations

import html
import json

from coursekit.demo.build import SNAPSHOT_NAME, wheel_filename


def esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def json_for_script(data: dict) -> str:
    """JSON to put inside <script type="application/json">: "</" would end the element, so
    <, > and & are written as \\u escapes, which keep the JSON valid."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def base_url(assets_url: str) -> str:
    """The relative URL of the site's assets/ folder, ending in a slash."""
    return assets_url.rstrip("/") + "/"


def python_urls(assets_url: str) -> dict[str, str]:
    """Where a widget's page finds the Python worker, the ganlib.lite wheel and the worker's
    start-up snapshot (relative URLs)."""
    base = base_url(assets_url)
    return {"worker": f"{base}demo/worker.mjs", "wheel": f"{base}demo/{wheel_filename()}",
            "snapshot": f"{base}demo/{SNAPSHOT_NAME}"}
