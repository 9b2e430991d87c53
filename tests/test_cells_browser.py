"""Runnable code blocks in the built lesson, in real Chromium: Python loads on the first Run and not
before; a block prints, plots, shows the traceback of bad code, resets, and can be stopped; the
editor keeps Tab for indenting until Esc; nothing comes from another origin; axe finds nothing.
The first-look notebook's cells run on its page too, sharing their variables as in Jupyter."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, lang_prefix, watch_page
from coursekit.demo.cells import STRINGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLOT_AND_PRINT = "from ganlib.lite.plot import Figure\nFigure('t').line([1, 3, 2]).show()\nprint('after the plot')"


def wait_for(cell, *states: str, timeout: int = 60_000) -> str:
    cell.page.wait_for_function("([el, states]) => states.includes(el.dataset.state)", arg=[cell.element_handle(), list(states)],
                                timeout=timeout)
    return cell.get_attribute("data-state")


def painted_pixels(canvas) -> int:
    return canvas.evaluate("""c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 200 && d[i + 2] > 150) n++; return n; }""")


def red_pixels(canvas) -> int:
    return canvas.evaluate("""c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] > 180 && d[i + 1] < 90 && d[i + 2] < 90) n++; return n; }""")


@pytest.mark.parametrize("lang", ["en", "de", "sl"])
def test_a_block_runs_prints_plots_fails_and_resets_in_the_page_language(page, site_url, lang):
    strings = STRINGS.strings(lang)
    foreign, errors, _ = watch_page(page, site_url)
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{site_url}{lang_prefix(lang)}lessons/gan/style-transfer/")
    cell = page.locator(".ck-cell").first
    run, reset = cell.locator(".ck-cell-run"), cell.locator(".ck-cell-reset")
    assert run.inner_text() == strings["run"] and reset.is_disabled()
    assert not any("pyodide" in url for url in requested), "Python must load only on the first Run"
    original = cell.locator("textarea").input_value()

    run.click()
    assert wait_for(cell, "done", "error") == "done"
    assert any(url.endswith("/assets/pyodide/pyodide.asm.wasm") for url in requested)
    assert cell.locator("pre.ck-cell-stdout").inner_text().splitlines() == ["[2.0, 0.0, 3.0]", "[0.0, 2.0, 0.0]",
                                                                           "[3.0, 0.0, 5.0]", "True"]
    assert cell.locator(".ck-cell-status").inner_text().startswith(strings["status_done"].split("{")[0])

    cell.locator("textarea").fill(PLOT_AND_PRINT)
    run.click()
    assert wait_for(cell, "done", "error") == "done"
    canvas = cell.locator("canvas.ck-cell-plot")
    assert canvas.get_attribute("aria-label") == "t" and painted_pixels(canvas) > 200
    assert cell.locator("pre.ck-cell-stdout").inner_text().strip() == "after the plot"
    assert cell.locator(".ck-cell-output > *").evaluate_all("els => els.map(e => e.tagName)") == ["CANVAS", "PRE"]

    cell.locator("textarea").fill("x = 1\ny = x / 0")
    run.click()
    assert wait_for(cell, "done", "error") == "error"
    traceback = cell.locator("pre.ck-cell-error").inner_text()
    assert 'File "<code>", line 2, in <module>' in traceback
    assert traceback.strip().endswith("ZeroDivisionError: division by zero")
    assert cell.locator(".ck-cell-status").inner_text() == strings["status_error"]

    reset.click()
    assert cell.locator("textarea").input_value() == original
    assert cell.locator(".ck-cell-output").is_hidden() and cell.get_attribute("data-state") == "idle"
    assert foreign == [] and errors == []


def test_a_long_run_stops_and_the_editor_keeps_tab_until_escape(page, site_url):
    foreign, errors, _ = watch_page(page, site_url)
    page.goto(f"{site_url}lessons/gan/style-transfer/")
    cell = page.locator(".ck-cell").first
    editor = cell.locator("textarea")
    editor.fill("")
    editor.focus()
    page.keyboard.type("while True:")
    page.keyboard.press("Enter")  # keeps the block's indentation, one level in
    page.keyboard.type("pass")
    assert editor.input_value() == "while True:\n    pass"
    page.keyboard.press("Shift+Tab")
    assert editor.input_value() == "while True:\npass"
    page.keyboard.press("Tab")
    assert editor.input_value() == "while True:\n    pass"
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # now Tab leaves the editor, to the Run button
    assert page.evaluate("document.activeElement.classList.contains('ck-cell-run')")

    page.keyboard.press("Enter")
    assert wait_for(cell, "running") == "running"
    page.wait_for_timeout(300)
    cell.locator(".ck-cell-stop").click()
    assert wait_for(cell, "stopped", timeout=5_000) == "stopped"
    assert cell.locator(".ck-cell-status").inner_text() == STRINGS.ui("en", "status_stopped")

    cell.locator(".ck-cell-reset").click()
    cell.locator(".ck-cell-run").click()  # a fresh worker after the stop
    assert wait_for(cell, "done", "error") == "done"
    assert foreign == [] and errors == []


def test_runnable_blocks_pass_axe(page, site_url):
    page.goto(f"{site_url}de/lessons/gan/style-transfer/")
    cell = page.locator(".ck-cell").first
    cell.locator("textarea").fill("print('x')\n1 / 0")
    cell.locator(".ck-cell-run").click()
    wait_for(cell, "error")
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    result = page.evaluate("async () => await axe.run({include: [['.ck-cell']]}, {resultTypes: ['violations']})")
    assert [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]] == []


@pytest.mark.parametrize("lang", ["en", "sl"])
def test_the_first_look_notebook_runs_cell_by_cell_in_its_page(page, site_url, built_site, lang):
    notebook = json.loads((built_site / f"{lang_prefix(lang)}notebooks/first-look/first-look.ipynb").read_text("utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    stored = ["".join(o.get("text", "")) for o in code[3]["outputs"]]
    foreign, errors, _ = watch_page(page, site_url)
    page.goto(f"{site_url}{lang_prefix(lang)}notebooks/first-look/")
    cells = page.locator(".jp-CodeCell .ck-cell")
    assert cells.count() == len(code)
    assert cells.nth(0).locator(".ck-cell-run").inner_text() == STRINGS.ui(lang, "run")
    stored_output = page.locator(".jp-CodeCell[id]").nth(3).locator(".jp-Cell-outputWrapper")  # the inner one of each pair
    assert stored_output.is_visible()

    cells.nth(3).locator(".ck-cell-run").click()  # before the cells it needs: the name is unknown
    assert wait_for(cells.nth(3), "done", "error") == "error"
    assert "NameError: name 'gan' is not defined" in cells.nth(3).locator("pre.ck-cell-error").inner_text()
    assert 'File "<cell 4>", line 10' in cells.nth(3).locator("pre.ck-cell-error").inner_text()
    for i in range(4):  # then in order: each cell uses what the ones above it made
        cells.nth(i).locator(".ck-cell-run").click()
        assert wait_for(cells.nth(i), "done", "error") == "done", cells.nth(i).inner_text()
    # The same numbers as the notebook's stored output, which CPython made; shown in its place.
    assert cells.nth(3).locator("pre.ck-cell-stdout").inner_text() == "".join(stored)
    assert stored_output.is_hidden()
    cells.nth(3).locator(".ck-cell-reset").click()
    assert stored_output.is_visible()

    plot_cell = cells.nth(4)  # matplotlib's picture in Jupyter; the page has none, so ganlib.lite's figure
    plot_cell.locator(".ck-cell-run").click()
    assert wait_for(plot_cell, "done", "error") == "done", plot_cell.inner_text()
    canvas = plot_cell.locator("canvas.ck-cell-plot")
    assert canvas.get_attribute("aria-label").startswith("An untrained generator")
    assert red_pixels(canvas) > 100  # the generated points
    assert "matplotlib" not in plot_cell.locator(".ck-cell-output").inner_text()

    cells.nth(1).locator("textarea").fill("while True:\n    pass")
    cells.nth(1).locator(".ck-cell-run").click()
    wait_for(cells.nth(1), "running")
    cells.nth(1).locator(".ck-cell-stop").click()
    assert wait_for(cells.nth(1), "stopped", timeout=5_000) == "stopped"
    assert cells.nth(1).locator(".ck-cell-status").inner_text() == STRINGS.ui(lang, "status_stopped_shared")
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    result = page.evaluate("async () => await axe.run({include: [['.ck-cell']]}, {resultTypes: ['violations']})")
    assert [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]] == []
    assert foreign == [] and errors == []
