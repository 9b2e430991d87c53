"""The demo's controls and canvases as HTML, in the page's language.

A demo page holds one placeholder line, `<div class="ck-demo"></div>`; the site plugin replaces
it with `demo_html(lang, assets_url)`. Everything a reader sees is in the page already, in their
language; demo.js only needs the few strings it writes at run time, which travel in a JSON
script tag with the presets and the address of the wheel. Nothing loads until Start.
"""
from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path

import yaml

from coursekit.demo.build import wheel_filename

PLACEHOLDER = '<div class="ck-demo"></div>'
UI_FILE = Path(__file__).with_name("ui.yml")
DEFAULT = "en"
TARGET_NAMES = ("ring", "grid", "spiral", "moons")
# The strings demo.js writes while the demo runs (the rest are rendered here).
JS_STRINGS = ("start", "pause", "resume", "status_loading", "status_ready", "status_running", "status_paused",
              "status_error", "steps_per_s", "modes_value")
# Choices offered for the live settings; the presets' values are among them.
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2)
D_STEPS = (1, 2, 3, 5)
SKIP_BELOW = (0.0, 0.3, 0.6, 0.9)
SMOOTHING = (0.0, 0.1, 0.2, 0.3)


@cache
def _table() -> dict[str, dict[str, str]]:
    return yaml.safe_load(UI_FILE.read_text(encoding="utf-8"))


def ui(lang: str, key: str, **values) -> str:
    """The string `key` in `lang`, English where the language lacks it."""
    table = _table()
    text = table.get(lang, {}).get(key) or table[DEFAULT][key]
    return text.format(**values) if values else text


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _select(name: str, label: str, options: list[tuple[str, str]], selected: str, live: bool = True) -> str:
    items = "".join(
        f'<option value="{_esc(value)}"{" selected" if value == selected else ""}>{_esc(text)}</option>'
        for value, text in options
    )
    return (f'<label class="ck-demo-field"><span>{_esc(label)}</span>'
            f'<select name="{name}" data-setting="{name}"{" data-live" if live else ""}>{items}</select></label>')


def _number(value: float) -> str:
    return f"{value:g}"


def demo_html(lang: str, assets_url: str) -> str:
    """The widget for a page in `lang`; `assets_url` is the relative URL of the site's assets/ folder."""
    from ganlib.lite.presets import PRESETS, preset_config

    presets = {name: preset_config(name).to_dict() for name in PRESETS}
    default = presets["default"]
    t = lambda key, **values: _esc(ui(lang, key, **values))  # noqa: E731
    base = assets_url.rstrip("/") + "/"
    data = {
        "lang": lang,
        "worker": f"{base}demo/worker.mjs",
        "wheel": f"{base}demo/{wheel_filename()}",
        "presets": presets,
        "strings": {key: ui(lang, key) for key in JS_STRINGS},
    }
    off = ui(lang, "setting_off")
    controls = [
        _select("target", ui(lang, "target"), [(n, ui(lang, f"target_{n}")) for n in TARGET_NAMES],
                default["target"], live=False),
        _select("preset", ui(lang, "preset"), [(n, ui(lang, f"preset_{n}")) for n in PRESETS], "default", live=False),
        _select("lr_g", ui(lang, "lr_g"), [(_number(v), _number(v)) for v in LEARNING_RATES], _number(default["lr_g"])),
        _select("lr_d", ui(lang, "lr_d"), [(_number(v), _number(v)) for v in LEARNING_RATES], _number(default["lr_d"])),
        _select("d_steps", ui(lang, "d_steps"), [(str(v), str(v)) for v in D_STEPS], str(default["d_steps"])),
        _select("d_skip_below", ui(lang, "d_skip_below"),
                [(_number(v), _number(v) if v else off) for v in SKIP_BELOW], _number(default["d_skip_below"])),
        _select("label_smoothing", ui(lang, "label_smoothing"),
                [(_number(v), _number(v) if v else off) for v in SMOOTHING], _number(default["label_smoothing"])),
    ]
    preset_help = "".join(
        f'<p class="ck-demo-help" data-preset="{name}"{"" if name == "default" else " hidden"}>{t("help_" + name)}</p>'
        for name in PRESETS
    )
    readouts = [
        ("step", "step", "0"),
        ("speed", "speed", "–"),
        ("modes", "modes", "–"),
        ("quality", "quality", "–"),
        ("loss_d", "loss-d", "–"),
        ("loss_g", "loss-g", "–"),
    ]
    readout_html = "".join(
        f'<div><dt>{t(key)}</dt><dd class="ck-demo-{css}">{value}</dd></div>' for key, css, value in readouts
    )
    return "\n".join([
        f'<link rel="stylesheet" href="{base}demo/demo.css">',
        f'<div class="ck-demo" data-state="idle" lang="{_esc(lang)}">',
        f'<script type="application/json" class="ck-demo-data">{_json_for_script(data)}</script>',
        f'<noscript><p>{t("noscript")}</p></noscript>',
        '<div class="ck-demo-buttons">',
        f'<button type="button" class="md-button md-button--primary ck-demo-start">{t("start")}</button>',
        f'<button type="button" class="md-button ck-demo-reset" disabled>{t("reset")}</button>',
        "</div>",
        f'<p class="ck-demo-status" role="status" aria-live="polite">{t("status_idle")}</p>',
        f'<div class="ck-demo-controls">{"".join(controls)}</div>',
        preset_help,
        '<div class="ck-demo-views">',
        f'<figure><canvas class="ck-demo-plane" width="400" height="400" role="img" aria-label="{t("canvas_label")}"></canvas>',
        '<figcaption class="ck-demo-legend">'
        f'<span class="ck-demo-key ck-demo-key-real"></span>{t("legend_real")} '
        f'<span class="ck-demo-key ck-demo-key-fake"></span>{t("legend_fake")}; {t("legend_heatmap")}</figcaption></figure>',
        f'<figure><canvas class="ck-demo-chart" width="400" height="220" role="img" aria-label="{t("chart_label")}"></canvas>',
        f'<figcaption>{t("losses")}: <span class="ck-demo-key ck-demo-key-lossd"></span>{t("loss_d")} '
        f'<span class="ck-demo-key ck-demo-key-lossg"></span>{t("loss_g")}</figcaption></figure>',
        f'<dl class="ck-demo-readouts">{readout_html}</dl>',
        "</div>",
        f'<p class="ck-demo-note">{t("privacy")}</p>',
        "</div>",
        f'<script src="{base}demo/demo.js" defer></script>',
    ])


def _json_for_script(data: dict) -> str:
    # Inside <script>, "</" would end the element; escaped this way the JSON stays valid.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
