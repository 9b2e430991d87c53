"""The 2-D demo on the built site, in real Chromium: Start loads Pyodide from the site itself,
training runs in a worker, and the readouts move; arrows, the manifold, one update at a time and
slow motion; settings read from and written to the address; a target drawn from the keyboard;
numbers in the page's language; in en, de and sl; nothing from another origin, no console error."""
from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import ROOT, watch_page
from coursekit.demo.widget import ui
from ganlib.lite.protocol import DISPLAY, describe

pytestmark = [pytest.mark.browser, pytest.mark.slow]
STATE = "document.querySelector('.ck-demo').dataset"


def _dataset(page, name: str) -> str | None:
    return page.eval_on_selector(".ck-demo", f"el => el.dataset.{name} ?? null")


def test_demo_trains_with_arrows_and_steps_one_phase_at_a_time(page, site_url):
    foreign, errors, requested = watch_page(page, site_url)
    page.goto(f"{site_url}demo/")
    start = page.locator(".ck-demo-start")
    assert start.inner_text() == ui("en", "start")
    assert not any("pyodide" in url for url in requested), "Pyodide must load only when the reader presses Start"

    start.click()
    page.wait_for_function(f"() => {STATE}.state === 'running'", timeout=60_000)
    page.wait_for_function(f"() => Number({STATE}.step) >= 30 && {STATE}.arrows", timeout=60_000)
    assert start.inner_text() == ui("en", "pause")
    assert any(url.endswith("/assets/pyodide/pyodide.asm.wasm") for url in requested)
    assert _dataset(page, "fromSnapshot") == "true"  # Python started from the build's snapshot
    assert math.isfinite(float(_dataset(page, "lossD"))) and math.isfinite(float(_dataset(page, "lossG")))
    assert 0 <= int(_dataset(page, "modesCovered")) <= int(_dataset(page, "modes")) == 8
    assert float(_dataset(page, "stepsPerS")) > 0 and 0 <= float(_dataset(page, "js")) <= 1
    assert int(_dataset(page, "arrows")) == DISPLAY["arrows"] and _dataset(page, "manifold") == "0"

    # Pause stops the steps; then one update at a time, each phase named and marked.
    start.click()
    assert start.inner_text() == ui("en", "resume")
    page.wait_for_timeout(300)
    paused_at = int(_dataset(page, "step"))
    page.locator(".ck-demo-phase[data-phase=d]").click()
    page.wait_for_function(f"() => {STATE}.lastPhase === 'd'")
    assert page.locator(".ck-demo-status").inner_text().startswith(ui("en", "phase_d_done").split("{")[0])
    assert page.locator(".ck-demo-phases li[aria-current]").get_attribute("data-phase") == "d"
    assert int(_dataset(page, "step")) == paused_at  # D alone does not finish a step
    page.locator(".ck-demo-phase[data-phase=g]").click()
    page.wait_for_function(f"() => {STATE}.lastPhase === 'g'")
    assert int(_dataset(page, "step")) == paused_at + 1
    assert page.locator(".ck-demo-phases li[aria-current]").get_attribute("data-phase") == "g"
    page.locator(".ck-demo-phase[data-phase=both]").click()
    page.wait_for_function(f"() => Number({STATE}.step) === {paused_at + 2}")

    # The manifold on demand; Reset while paused gives a fresh trainer at step 0.
    page.locator("input[data-view=manifold]").check()
    page.wait_for_function(f"() => Number({STATE}.manifold) === {DISPLAY['manifold'] ** 2}")
    assert parse_qs(urlsplit(page.url).query)["manifold"] == ["1"]
    page.locator(".ck-demo-reset").click()
    page.wait_for_function("() => document.querySelector('.ck-demo-step').textContent === '0'")
    start.click()
    page.wait_for_function(f"() => Number({STATE}.step) > 0", timeout=30_000)
    assert foreign == [] and errors == []


def test_settings_come_from_the_address_and_a_drawn_target_trains(page, site_url):
    foreign, errors, _ = watch_page(page, site_url)
    page.goto(f"{site_url}de/demo/?target=drawn&loss=lsq&lr_g=0.002&arrows=0&drawing=0,1_-1,-1,1,-1")
    values = page.eval_on_selector_all(".ck-demo select", "els => Object.fromEntries(els.map(e => [e.name, e.value]))")
    assert (values["target"], values["loss"], values["lr_g"]) == ("drawn", "lsq", "0.002")
    assert not page.locator("input[data-view=arrows]").is_checked()
    assert page.locator("select[data-setting=lr_d] option[value='0.01']").inner_text() == "0,01"  # German notation
    # Draw a stroke from the keyboard: focus the plane, move, pen down, move, pen up.
    plane = page.locator(".ck-demo-plane")
    assert plane.get_attribute("role") == "application"
    plane.focus()
    for key in ["ArrowUp", "ArrowUp", " ", "ArrowRight", "ArrowRight", "ArrowRight", " "]:
        page.keyboard.press(key)
    assert page.locator(".ck-demo-status").inner_text() == ui("de", "pen_up")
    drawing = parse_qs(urlsplit(page.url).query)["drawing"][0]
    assert drawing == "0,1_-1,-1,1,-1_0,0.2,0.1,0.2,0.2,0.2,0.3,0.2"
    page.locator(".ck-demo-start").click()
    page.wait_for_function(f"() => Number({STATE}.step) >= 20 && {STATE}.modes", timeout=60_000)
    assert int(_dataset(page, "modes")) == 1 + 4 + 1  # the dot, the 2-long stroke in 4 pieces, the new one
    assert "," in page.locator(".ck-demo-loss-d").inner_text() and _dataset(page, "arrows") == "0"
    assert foreign == [] and errors == []


def test_slow_motion_shows_the_phases_in_turn(page, site_url):
    foreign, errors, _ = watch_page(page, site_url)
    page.goto(f"{site_url}sl/demo/?pace=slow&preset=collapse")
    assert page.locator(".ck-demo-help[data-preset=collapse]").is_visible()
    collapse = describe()["presets"]["collapse"]
    assert page.locator("select[data-setting=lr_g]").input_value() == f"{collapse['lr_g']:g}"  # the preset's own values
    page.locator(".ck-demo-start").click()
    page.wait_for_function(f"() => {STATE}.lastPhase === 'd'", timeout=60_000)
    page.wait_for_function(f"() => {STATE}.lastPhase === 'g'", timeout=5_000)
    page.wait_for_function(f"() => {STATE}.lastPhase === 'd'", timeout=5_000)
    assert _dataset(page, "state") == "running" and int(_dataset(page, "step")) <= 3  # slowly
    assert page.locator(".ck-demo-status").inner_text().endswith(ui("sl", "status_running"))
    assert foreign == [] and errors == []


def test_demo_controls_pass_axe(page, site_url):
    page.goto(f"{site_url}demo/?target=drawn")  # the drawing area and its help shown as well
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    result = page.evaluate("async () => await axe.run({include: [['.ck-demo']]}, {resultTypes: ['violations']})")
    assert [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]] == []
