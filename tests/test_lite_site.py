"""The demo on the site: interface strings in every language, the widget's controls, and what the
build writes (pages, Pyodide runtime, wheel) with addresses that work under /<lang>/."""
from __future__ import annotations

import json
import re
import string
from pathlib import Path
from urllib.parse import urljoin

import pytest

from conftest import COMPLETE, LANGUAGES, lang_prefix
from coursekit.demo import DEMO_ASSETS, PLACEHOLDER, demo_html, wheel_filename
from coursekit.demo.build import PYODIDE_CORE
from coursekit.demo.cells import MARKER, NOTEBOOK_MARKER, STRINGS as CELL_STRINGS
from coursekit.demo.loss import STRINGS as LOSS_STRINGS
from coursekit.demo.widget import CHOICES, STRINGS as DEMO_STRINGS
from ganlib.lite.presets import PRESETS, preset_config
from ganlib.lite.protocol import describe


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("table", [DEMO_STRINGS.table, CELL_STRINGS.table, LOSS_STRINGS.table],
                         ids=["ui.yml", "cells.yml", "loss.yml"])
def test_every_site_language_has_every_widget_string_with_the_same_placeholders(table):
    assert {"en", *COMPLETE} <= set(table)  # a language in progress may still show the English words
    english = table["en"]
    for lang in ["en", *COMPLETE]:
        assert set(table[lang]) == set(english), lang
        for key, text in english.items():
            assert isinstance(table[lang][key], str) and table[lang][key].strip(), (lang, key)
            assert placeholders(table[lang][key]) == placeholders(text), (lang, key)


def test_every_preset_target_and_loss_has_a_name_and_the_presets_values_are_offered():
    english = DEMO_STRINGS.table["en"]
    engine = describe()
    for name in PRESETS:
        assert f"preset_{name}" in english and f"help_{name}" in english
        config = preset_config(name).to_dict()
        for key, offered in CHOICES.items():
            assert config[key] in offered, f"preset {name}: {key}={config[key]} is not among the choices"
    assert all(f"target_{name}" in english for name in engine["targets"])
    assert all(f"loss_{name}" in english for name in engine["losses"])
    assert set(CHOICES) == set(engine["live_settings"])


def test_widget_is_in_the_page_language_with_relative_addresses():
    page = demo_html("de", "../../assets")
    data = json.loads(re.search(r'<script type="application/json" class="ck-demo-data">(.*?)</script>', page).group(1))
    assert data["worker"] == "../../assets/demo/worker.mjs"
    assert data["wheel"] == f"../../assets/demo/{wheel_filename()}"
    assert data["strings"]["pause"] == DEMO_STRINGS.table["de"]["pause"]
    assert data["engine"] == json.loads(json.dumps(describe()))
    assert ">Zurücksetzen<" in page and 'src="../../assets/demo/demo.mjs"' in page
    assert f'>{DEMO_STRINGS.table["de"]["step_d"]}<' in page and 'data-view="arrows" checked' in page
    assert "http://" not in page and "https://" not in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_built_demo_page_and_its_files(built_site: Path, lang):
    page_dir = built_site / lang_prefix(lang) / "demo"
    html = (page_dir / "index.html").read_text(encoding="utf-8")
    assert PLACEHOLDER not in html and 'class="ck-demo"' in html
    assert f">{DEMO_STRINGS.table[lang]['start']}<" in html
    data = json.loads(re.search(r'class="ck-demo-data">(.*?)</script>', html).group(1))
    page_url = f"http://site/{lang_prefix(lang)}demo/"
    for relative in (data["worker"], data["wheel"], data["snapshot"]):
        path = urljoin(page_url, relative).removeprefix("http://site/")
        assert (built_site / path).is_file(), f"{lang}: {relative} -> {path} is missing"
    assert (built_site / "assets/demo/pyodide-snapshot.gz").read_bytes()[:2] == b"\x1f\x8b"  # gzip
    for name in PYODIDE_CORE:
        assert (built_site / "assets" / "pyodide" / name).is_file()
    for site_path, _ in DEMO_ASSETS:
        assert (built_site / site_path).is_file()


def test_exercises_page_links_the_demo(built_site: Path):
    html = (built_site / "lessons" / "gan" / "exercises" / "index.html").read_text("utf-8")
    article = html[html.index("<article"):html.index("</article>")]  # not the navigation
    assert 'href="../../../demo/"' in article


def _cells_data(html: str) -> dict | None:
    found = re.search(r'<script type="application/json" class="ck-cells-data">(.*?)</script>', html)
    return json.loads(found.group(1)) if found else None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lesson_pages_hold_runnable_blocks_with_their_script_in_the_page_language(built_site: Path, lang):
    for page, blocks in (("lessons/gan", 2), ("lessons/gan/style-transfer", 1)):
        page_dir = built_site / lang_prefix(lang) / page
        html = (page_dir / "index.html").read_text(encoding="utf-8")
        assert html.count(MARKER) == blocks, (lang, page)
        data = _cells_data(html)
        assert data["lang"] == lang and data["strings"] == CELL_STRINGS.strings(lang)
        page_url = f"http://site/{lang_prefix(lang)}{page}/"
        for relative in (data["worker"], data["wheel"]):
            assert (built_site / urljoin(page_url, relative).removeprefix("http://site/")).is_file()
        assert html.count('src="' + data["worker"].replace("worker.mjs", "cells.mjs")) == 1
    # A page without runnable blocks gets neither the script nor the strings.
    exercises = (built_site / lang_prefix(lang) / "lessons/gan/exercises/index.html").read_text(encoding="utf-8")
    assert _cells_data(exercises) is None and "cells.mjs" not in exercises


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_listed_notebook_has_runnable_cells_and_the_others_none(built_site: Path, lang):
    first_look = built_site / lang_prefix(lang) / "notebooks/first-look"
    notebook = json.loads((first_look / "first-look.ipynb").read_text(encoding="utf-8"))
    html = (first_look / "index.html").read_text(encoding="utf-8")
    assert html.count(NOTEBOOK_MARKER) == sum(c["cell_type"] == "code" for c in notebook["cells"])
    assert _cells_data(html)["strings"] == CELL_STRINGS.strings(lang)
    torch_notebook = (built_site / lang_prefix(lang) / "notebooks/gan-pytorch/index.html").read_text(encoding="utf-8")
    assert NOTEBOOK_MARKER not in torch_notebook and _cells_data(torch_notebook) is None
