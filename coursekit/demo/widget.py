"""The 2-D GAN demo's controls and views as HTML, in the page's language.

A demo page holds one placeholder line, `<div class="ck-demo"></div>`; the site plugin replaces
it with `demo_html(lang, assets_url)`. Everything a reader sees is in the page already, in their
language; demo.mjs gets the rest in a JSON script tag: the engine's description
(ganlib.lite.protocol.describe: settings, presets, field names), the addresses of the worker and
the wheel, and the strings it writes at run time. Nothing loads until Start (or a step button).
"""
from __future__ import annotations

from pathlib import Path

from coursekit.demo.markup import base_url, esc, json_for_script, python_urls
from coursekit.demo.strings import StringTable

PLACEHOLDER = '<div class="ck-demo"></div>'
STRINGS = StringTable(Path(__file__).with_name("ui.yml"))
ui = STRINGS.ui
# The strings demo.mjs writes while the demo runs (the rest are rendered here).
JS_STRINGS = ("start", "pause", "resume", "status_idle", "status_loading", "status_ready", "status_running",
              "status_paused", "status_error", "steps_per_s", "modes_value", "phase_d_done", "phase_d_skipped",
              "phase_g_done", "draw_empty", "pen_down", "pen_up", "js_value", "coverage_title", "modes_share",
              "js_bits", "x_step", "losses", "loss_d", "loss_g", "link_copied", "canvas_label", "draw_label")
# Choices offered for the live settings; the presets' values are among them.
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2)
D_STEPS = (1, 2, 3, 5)
SKIP_BELOW = (0.0, 0.3, 0.6, 0.9)
SMOOTHING = (0.0, 0.1, 0.2, 0.3)
CHOICES = {"lr_g": LEARNING_RATES, "lr_d": LEARNING_RATES, "d_steps": D_STEPS, "d_skip_below": SKIP_BELOW,
           "label_smoothing": SMOOTHING}
VIEWS = (("heatmap", True), ("arrows", True), ("manifold", False))  # what the plane shows, and the default


def _number(value: float) -> str:
    return f"{value:g}"


def _select(name: str, label: str, options: list[tuple[str, str]], selected: str) -> str:
    items = "".join(
        f'<option value="{esc(value)}"{" selected" if value == selected else ""}>{esc(text)}</option>'
        for value, text in options
    )
    return (f'<label class="ck-demo-field"><span>{esc(label)}</span>'
            f'<select name="{name}" data-setting="{name}">{items}</select></label>')


def _controls(lang: str, engine: dict) -> list[str]:
    t = lambda key: ui(lang, key)  # noqa: E731
    default = engine["presets"]["default"]
    off = t("setting_off")
    # demo.mjs writes the numbers as the page's language does (Intl.NumberFormat).
    numbers = {key: [(_number(v), _number(v) if v else off) for v in values] for key, values in CHOICES.items()}
    return [
        _select("target", t("target"), [(n, t(f"target_{n}")) for n in engine["targets"]], default["target"]),
        _select("preset", t("preset"), [(n, t(f"preset_{n}")) for n in engine["presets"]], "default"),
        _select("loss", t("loss"), [(n, t(f"loss_{n}")) for n in engine["losses"]], default["loss"]),
        *(_select(key, t(key), numbers[key], _number(default[key])) for key in CHOICES),
        _select("pace", t("pace"), [("full", t("pace_full")), ("slow", t("pace_slow"))], "full"),
    ]


def demo_html(lang: str, assets_url: str) -> str:
    """The widget for a page in `lang`; `assets_url` is the relative URL of the site's assets/ folder."""
    from ganlib.lite.protocol import describe

    engine = describe()
    base = base_url(assets_url)
    t = lambda key, **values: esc(ui(lang, key, **values))  # noqa: E731
    data = {"lang": lang, **python_urls(assets_url), "engine": engine, "choices": CHOICES,
            "strings": {key: ui(lang, key) for key in JS_STRINGS}}
    preset_help = "".join(
        f'<p class="ck-demo-help" data-preset="{name}"{"" if name == "default" else " hidden"}>{t("help_" + name)}</p>'
        for name in engine["presets"]
    )
    views = "".join(f'<label><input type="checkbox" data-view="{name}"{" checked" if on else ""}> {t("show_" + name)}</label>'
                    for name, on in VIEWS)
    readouts = "".join(
        f'<div><dt>{t(key)}</dt><dd class="ck-demo-{css}">{value}</dd></div>'
        for key, css, value in (("step", "step", "0"), ("speed", "speed", "–"), ("modes", "modes", "–"),
                                ("quality", "quality", "–"), ("js", "js", "–"), ("loss_d", "loss-d", "–"),
                                ("loss_g", "loss-g", "–"))
    )
    step_buttons = "".join(f'<button type="button" class="md-button ck-demo-phase" data-phase="{phase}">{t("step_" + phase)}</button>'
                           for phase in ("d", "g", "both"))
    return "\n".join([
        f'<link rel="stylesheet" href="{base}demo/demo.css">',
        f'<div class="ck-demo" data-state="idle" lang="{esc(lang)}">',
        f'<script type="application/json" class="ck-demo-data">{json_for_script(data)}</script>',
        f'<noscript><p>{t("noscript")}</p></noscript>',
        '<div class="ck-demo-buttons">',
        f'<button type="button" class="md-button md-button--primary ck-demo-start">{t("start")}</button>',
        f'<button type="button" class="md-button ck-demo-reset" disabled>{t("reset")}</button>',
        f'<span class="ck-demo-group" role="group" aria-label="{t("step_group")}">{step_buttons}</span>',
        "</div>",
        f'<p class="ck-demo-status" role="status" aria-live="polite">{t("status_idle")}</p>',
        f'<ol class="ck-phases ck-demo-phases" aria-label="{t("phases_label")}">'
        f'<li data-phase="d">{t("phase1")}</li><li data-phase="g">{t("phase2")}</li></ol>',
        f'<div class="ck-demo-controls">{"".join(_controls(lang, engine))}</div>',
        preset_help,
        f'<fieldset class="ck-demo-views-choice"><legend>{t("show")}</legend>{views}</fieldset>',
        f'<div class="ck-demo-draw" hidden><p id="ck-demo-draw-help">{t("draw_help")}</p>'
        f'<button type="button" class="md-button ck-demo-clear">{t("draw_clear")}</button></div>',
        '<div class="ck-demo-views">',
        f'<figure><canvas class="ck-demo-plane" width="400" height="400" role="img" aria-label="{t("canvas_label")}"></canvas>',
        '<figcaption class="ck-demo-legend">'
        f'<span class="ck-demo-key ck-demo-key-real"></span>{t("legend_real")} '
        f'<span class="ck-demo-key ck-demo-key-fake"></span>{t("legend_fake")}; {t("legend_heatmap")}; '
        f'{t("legend_arrows")}; {t("legend_manifold")}</figcaption></figure>',
        f'<figure><canvas class="ck-demo-chart" width="400" height="220" role="img" aria-label="{t("chart_label")}"></canvas>',
        f'<canvas class="ck-demo-coverage" width="400" height="200" role="img" aria-label="{t("coverage_label")}"></canvas></figure>',
        f'<dl class="ck-demo-readouts">{readouts}</dl>',
        "</div>",
        f'<div class="ck-demo-share"><label for="ck-demo-link">{t("share_label")}</label>'
        f'<input id="ck-demo-link" class="ck-demo-link" type="text" readonly>'
        f'<button type="button" class="md-button ck-demo-copy">{t("copy_link")}</button></div>',
        f'<p class="ck-demo-note">{t("privacy")}</p>',
        "</div>",
        f'<script type="module" src="{base}demo/demo.mjs"></script>',
    ])
