"""The loss demo's controls and charts as HTML, in the page's language.

A page holds the placeholder `<div class="ck-loss-demo"></div>`; `loss_html(lang, assets_url)`
replaces it. The experiment is ganlib.lite.saturation, run in the site's Python worker; the
page (assets/loss.mjs) plays its rows back and draws them. Nothing loads until Start.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from coursekit.demo.markup import base_url, esc, json_for_script, python_urls
from coursekit.demo.strings import StringTable
from ganlib.lite.saturation import SaturationConfig

PLACEHOLDER = '<div class="ck-loss-demo"></div>'
STRINGS = StringTable(Path(__file__).with_name("loss.yml"))
LEARNING_RATES = (0.03, 0.1, 0.3, 1.0)  # for D; the default, 1, makes it sure of itself fast
HEAD_STARTS = (0, 50, 200)
CHARTS = (("data", 480, 260), ("losses", 480, 240), ("grads", 480, 240), ("means", 480, 240))


def _select(name: str, label: str, options: list[tuple[str, str]], selected: str) -> str:
    items = "".join(f'<option value="{esc(v)}"{" selected" if v == selected else ""}>{esc(t)}</option>'
                    for v, t in options)
    return (f'<label class="ck-demo-field"><span>{esc(label)}</span>'
            f'<select data-setting="{name}">{items}</select></label>')


def loss_html(lang: str, assets_url: str) -> str:
    base = base_url(assets_url)
    strings = STRINGS.strings(lang)
    t = lambda key: esc(strings[key])  # noqa: E731
    defaults = asdict(SaturationConfig())
    data = {"lang": lang, **python_urls(assets_url), "defaults": defaults, "strings": strings}
    controls = [
        _select("lr_d", strings["lr_d"], [(f"{v:g}", f"{v:g}") for v in LEARNING_RATES], f"{defaults['lr_d']:g}"),
        _select("head_start", strings["head_start"],
                [(str(v), STRINGS.ui(lang, "head_start_value", steps=v)) for v in HEAD_STARTS], str(defaults["head_start"])),
    ]
    charts = "".join(
        f'<figure><canvas class="ck-loss-{name}" width="{w}" height="{h}" role="img" aria-label="{t(name + "_label")}">'
        f'</canvas></figure>' for name, w, h in CHARTS)
    readouts = "".join(f'<div><dt>{t("readout_" + key)}</dt><dd class="ck-loss-{key}">–</dd></div>'
                       for key in ("d_step", "step", "grad_sat", "grad_ns", "mean_sat", "mean_ns"))
    return "\n".join([
        f'<link rel="stylesheet" href="{base}demo/demo.css">',
        f'<div class="ck-loss" data-state="idle" lang="{esc(lang)}">',
        f'<script type="application/json" class="ck-loss-json">{json_for_script(data)}</script>',
        f'<noscript><p>{t("noscript")}</p></noscript>',
        '<div class="ck-demo-buttons">',
        f'<button type="button" class="md-button md-button--primary ck-loss-start">{t("start")}</button>',
        f'<button type="button" class="md-button ck-loss-reset" disabled>{t("reset")}</button>',
        "</div>",
        f'<div class="ck-demo-controls">{"".join(controls)}</div>',
        f'<ol class="ck-phases ck-loss-phases" aria-label="{t("phases_label")}">'
        f'<li data-phase="phase1">{t("phase1")}</li><li data-phase="phase2">{t("phase2")}</li></ol>',
        f'<p class="ck-loss-status" role="status" aria-live="polite">{t("status_idle")}</p>',
        f'<div class="ck-demo-views">{charts}<dl class="ck-demo-readouts">{readouts}</dl></div>',
        f'<p class="ck-demo-note">{t("privacy")}</p>',
        "</div>",
        f'<script type="module" src="{base}demo/loss.mjs"></script>',
    ])
