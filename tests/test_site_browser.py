"""The built site in real Chromium: every language loads cleanly, stays on its origin, is accessible."""
from __future__ import annotations

import json
import re

import pytest

from conftest import ARTIFACTS, LANGUAGES, ROOT, lang_prefix
from coursekit.diagrams import LABELS_FILE, load_labels, merge_labels
from coursekit.translations.layout import Layout
from coursekit.translations.repository import Repository

pytestmark = pytest.mark.browser

PAGES = ["", "lessons/gan/", "lessons/gan/style-transfer/", "notebooks/first-look/", "notebooks/gan-pytorch/",
         "notebooks/style-transfer/"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def visit(page, url):
    """Open `url`; return (console errors, URLs requested)."""
    errors, requests = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.ok, f"{url}: {response.status if response else 'no response'}"
    return errors, requests


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_load_without_errors_or_foreign_requests(page, site_url, lang):
    for path in PAGES:
        url = f"{site_url}{lang_prefix(lang)}{path}"
        errors, requests = visit(page, url)
        assert errors == [], f"{url}: {errors}"
        foreign = [r for r in requests if not r.startswith(site_url) and not r.startswith("data:")]
        assert foreign == [], f"{url} requested {foreign}"
        assert page.locator("html").get_attribute("lang") == lang
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{site_url}{lang_prefix(lang)}lessons/gan/")
    page.screenshot(path=str(ARTIFACTS / f"lesson-{lang}.png"), full_page=False)


@pytest.mark.parametrize("path", PAGES)
def test_language_selector_keeps_the_page(page, site_url, path):
    page.goto(f"{site_url}{path}")
    for lang in ("de", "sl", "en"):
        page.locator(".md-header__option .md-select").hover()
        page.locator(f'.md-select__link[hreflang="{lang}"]').click()
        page.wait_for_load_state()
        assert page.url == f"{site_url}{lang_prefix(lang)}{path}"
        assert page.locator("html").get_attribute("lang") == lang


@pytest.mark.parametrize("lang", ["en", "da", "sl"])
def test_axe_finds_no_serious_violations(page, site_url, lang):
    for path in PAGES:
        page.goto(f"{site_url}{lang_prefix(lang)}{path}", wait_until="networkidle")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], json.dumps(
            [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]} for v in serious], indent=1
        )


def test_math_is_typeset(page, site_url):
    page.goto(f"{site_url}lessons/gan/", wait_until="networkidle")
    assert page.locator(".arithmatex .katex").count() >= 1


def _expected_diagram_words(lang: str) -> dict:
    """{svg name: Diagram} as `lang` should show it: its labels file over the English one."""
    repo = Repository(Layout.read(ROOT))
    english = load_labels(repo, ROOT / "docs" / LABELS_FILE)
    translated = ROOT / "translations" / lang / LABELS_FILE
    return merge_labels(english, load_labels(repo, translated), repo.layout.shown(translated)) if translated.is_file() else english


def _squash(text: str) -> str:  # line breaks in a label become separate <tspan>s when drawn
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lesson_diagrams_are_drawn_with_the_languages_labels(page, site_url, lang):
    """Each diagram on the lesson page renders, has this language's alt text, and the SVG the
    browser drew holds this language's label for every text id."""
    expected = _expected_diagram_words(lang)
    page.goto(f"{site_url}{lang_prefix(lang)}lessons/gan/", wait_until="networkidle")
    images = page.locator("img[src*='assets/diagrams/']")
    assert images.count() == len(expected)
    ARTIFACTS.mkdir(exist_ok=True)
    for i in range(images.count()):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), image.get_attribute("src")
        name = re.sub(rf"(\.{lang})?\.svg$", ".svg", image.get_attribute("src").rsplit("/", 1)[1])
        diagram = expected[name]
        assert image.get_attribute("alt") == " ".join(diagram.alt.split())
        drawn = image.evaluate("""async img => {
            const svg = new DOMParser().parseFromString(await (await fetch(img.currentSrc)).text(), 'image/svg+xml');
            return Object.fromEntries([...svg.querySelectorAll('[id]')].map(el => [el.id, el.textContent]));
        }""")
        for label_id, text in diagram.labels.items():
            assert _squash(drawn[label_id]) == _squash(text), f"{lang} {name} {label_id}: {drawn[label_id]!r}"
        image.screenshot(path=str(ARTIFACTS / f"diagram-{lang}-{name}.png"))
