"""The in-browser demo on the built site, in real Chromium: Start loads Pyodide from the site
itself, training runs in a worker, and the readouts move; in English and in Danish."""
from __future__ import annotations

import math
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, lang_prefix
from coursekit.demo.widget import ui

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _dataset(page, name: str) -> str | None:
    return page.eval_on_selector(".ck-demo", f"el => el.dataset.{name} ?? null")


@pytest.mark.parametrize("lang", ["en", "da"])
def test_demo_trains_offline_in_the_page_language(page, site_url, lang):
    origin = urlsplit(site_url).netloc
    foreign, errors = [], []
    page.on("request", lambda r: urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != origin
            and foreign.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    requested = []
    page.on("request", lambda r: requested.append(r.url))

    page.goto(f"{site_url}{lang_prefix(lang)}demo/")
    start = page.locator(".ck-demo-start")
    assert start.inner_text() == ui(lang, "start")
    assert not any("pyodide" in url for url in requested), "Pyodide must load only when the reader presses Start"

    start.click()
    page.wait_for_function("() => document.querySelector('.ck-demo').dataset.state === 'running'", timeout=60_000)
    page.wait_for_function("() => Number(document.querySelector('.ck-demo').dataset.step) >= 30", timeout=60_000)
    assert start.inner_text() == ui(lang, "pause")
    assert any(url.endswith("/assets/pyodide/pyodide.asm.wasm") for url in requested)
    assert math.isfinite(float(_dataset(page, "lossD"))) and math.isfinite(float(_dataset(page, "lossG")))
    assert 0 <= int(_dataset(page, "modesCovered")) <= int(_dataset(page, "modes")) == 8
    assert float(_dataset(page, "stepsPerS")) > 0

    # Pause stops the steps; Resume goes on from there.
    start.click()
    assert start.inner_text() == ui(lang, "resume")
    page.wait_for_timeout(300)
    paused_at = int(_dataset(page, "step"))
    page.wait_for_timeout(500)
    assert int(_dataset(page, "step")) == paused_at
    start.click()
    page.wait_for_function(f"() => Number(document.querySelector('.ck-demo').dataset.step) > {paused_at}",
                           timeout=30_000)

    # Reset while paused: a fresh trainer at step 0, which Resume then trains.
    start.click()
    page.locator(".ck-demo-reset").click()
    page.wait_for_function("() => document.querySelector('.ck-demo-step').textContent === '0'")
    page.wait_for_timeout(300)
    assert _dataset(page, "step") == "0"
    start.click()
    page.wait_for_function("() => Number(document.querySelector('.ck-demo').dataset.step) > 0", timeout=30_000)

    assert foreign == [], f"requests to another origin: {foreign}"
    assert errors == [], errors


def test_demo_controls_pass_axe(page, site_url):
    page.goto(f"{site_url}demo/")
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    result = page.evaluate("async () => await axe.run({include: [['.ck-demo']]}, {resultTypes: ['violations']})")
    serious = [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
