"""The loss demo page in every language: its widget and strings, the nav entry, the lesson's link
to it, and in real Chromium (en, de, sl) the stall of log(1 - D(G(z))) next to -log D(G(z))."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import LANGUAGES, ROOT, lang_prefix, mkdocs_config, watch_page
from coursekit.demo.loss import PLACEHOLDER, STRINGS
from ganlib.lite.saturation import SaturationConfig


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_loss_page_holds_the_widget_in_its_language_and_the_lesson_links_to_it(built_site: Path, lang):
    html = (built_site / lang_prefix(lang) / "demo" / "loss" / "index.html").read_text(encoding="utf-8")
    assert PLACEHOLDER not in html and 'class="ck-loss"' in html
    data = json.loads(re.search(r'class="ck-loss-json">(.*?)</script>', html).group(1))
    assert data["lang"] == lang and data["strings"] == STRINGS.strings(lang)
    assert data["defaults"]["head_start"] == SaturationConfig().head_start
    assert f">{STRINGS.ui(lang, 'start')}<" in html and "http://" not in data["worker"]
    lesson = (built_site / lang_prefix(lang) / "lessons" / "gan" / "index.html").read_text(encoding="utf-8")
    article = lesson[lesson.index("<article"):lesson.index("</article>")]
    assert 'href="../../demo/loss/"' in article


def test_the_loss_page_is_in_the_nav_of_every_language():
    config = mkdocs_config()
    assert {"Loss demo": "demo/loss.md"} in config["nav"][1]["The lesson"]
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    for language in i18n["languages"]:
        if language["locale"] != "en":
            assert language["nav_translations"]["Loss demo"], language["locale"]
    for lang in LANGUAGES[1:]:
        assert (ROOT / "translations" / lang / "demo" / "loss.md").is_file()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang, head_start", [("en", None), ("de", "0"), ("sl", "0")])
def test_the_saturating_generator_stalls(page, site_url, lang, head_start):
    foreign, errors, _ = watch_page(page, site_url)
    page.goto(f"{site_url}{lang_prefix(lang)}demo/loss/")
    root = page.locator(".ck-loss")
    if head_start is not None:
        page.select_option(".ck-loss select[data-setting=head_start]", head_start)
        root.evaluate("el => { el.dataset.pace = '600'; }")  # the readers' pace is checked in English
    page.locator(".ck-loss-start").click()
    if head_start is None:  # phase 1 is shown, its step marked for screen readers
        page.wait_for_function("() => Number(document.querySelector('.ck-loss').dataset.dStep) >= 20", timeout=60_000)
        assert page.locator(".ck-loss-status").inner_text() == STRINGS.ui(lang, "status_phase1")
        assert page.locator(".ck-loss-phases li[aria-current]").get_attribute("data-phase") == "phase1"
        assert page.locator(".ck-loss-start").inner_text() == STRINGS.ui(lang, "pause")
    page.wait_for_function("() => ['done', 'error'].includes(document.querySelector('.ck-loss').dataset.state)",
                           timeout=90_000)
    assert root.get_attribute("data-state") == "done"
    saturating = float(root.get_attribute("data-progress-saturating"))
    non_saturating = float(root.get_attribute("data-progress-non-saturating"))
    assert saturating < 0.1 and non_saturating > 0.9 and root.get_attribute("data-stalled") == "true"
    status = page.locator(".ck-loss-status").inner_text()
    assert status.startswith(STRINGS.ui(lang, "status_done").split("{")[0])
    assert ("2 %" if lang != "en" else "2%") in status or head_start is not None
    assert foreign == [] and errors == []


@pytest.mark.browser
def test_the_loss_demo_passes_axe(page, site_url):
    page.goto(f"{site_url}sl/demo/loss/")
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    result = page.evaluate("async () => await axe.run({include: [['.ck-loss']]}, {resultTypes: ['violations']})")
    assert [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]] == []
