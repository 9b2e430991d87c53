"""Notebook pages are converted once per notebook content: a language pass whose notebook is the
same as another's, and a later build of an unchanged notebook, convert nothing; the cache keeps
what any language of the build used and forgets the rest only when the whole build is done."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from coursekit import notebook_html
from coursekit.notebook_html import NotebookPages


def write_notebook(path: Path, title: str, section: str) -> Path:
    cells = [
        {"cell_type": "markdown", "id": "title", "metadata": {}, "source": [f"# {title}\n", "\n", "Some text."]},
        {"cell_type": "code", "id": "sum", "metadata": {}, "execution_count": 1, "source": ["print(6 * 7)"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["42\n"]}]},
        {"cell_type": "markdown", "id": "section", "metadata": {}, "source": [f"## {section}"]},
    ]
    notebook = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def conversions(monkeypatch):
    """The notebooks really converted (by mkdocs-jupyter's nbconvert templates), in order."""
    converted = []
    real = notebook_html.convert
    monkeypatch.setattr(notebook_html, "convert", lambda path: converted.append(path.name) or real(path))
    return converted


def test_a_notebook_page_has_the_converted_notebook_its_title_and_sections(tmp_path, conversions):
    page = NotebookPages(tmp_path / "cache").page(write_notebook(tmp_path / "a.ipynb", "A first look", "The noise"))
    assert page.title == "A first look"
    assert [token["name"] for token in page.toc_tokens] == ["A first look"]
    assert [child["id"] for child in page.toc_tokens[0]["children"]] == ["the-noise"]
    assert "print" in page.content and "42" in page.content and 'id="the-noise"' in page.content


def test_each_notebook_content_is_converted_once_per_build_and_kept_for_the_next(tmp_path, conversions):
    cache = tmp_path / "cache"
    english = write_notebook(tmp_path / "en" / "a.ipynb", "A first look", "The noise")
    fallback = tmp_path / "sv" / "a.ipynb"  # a language showing the English notebook
    fallback.parent.mkdir()
    fallback.write_bytes(english.read_bytes())
    danish = write_notebook(tmp_path / "da" / "a.ipynb", "Et første kig", "Støjen")

    build = NotebookPages(cache)
    pages = [build.page(path) for path in (english, danish, fallback)]
    assert conversions == ["a.ipynb", "a.ipynb"], "the same content is converted once"
    assert pages[2] == pages[0] and pages[1].title == "Et første kig"
    build.evict_unused()  # the end of the build: everything was used
    assert len(list(cache.glob("*.json"))) == 2

    write_notebook(danish, "Et første kig", "Støjen, nu rettet")  # edited before the next build
    again = NotebookPages(cache)
    assert again.page(english) == pages[0] and again.page(fallback) == pages[0]
    assert again.page(danish).toc_tokens[0]["children"][0]["name"] == "Støjen, nu rettet"
    assert conversions == ["a.ipynb", "a.ipynb", "a.ipynb"], "only the edited notebook is converted again"
    again.evict_unused()
    assert len(list(cache.glob("*.json"))) == 2, "the old Danish conversion is gone, the others stay"


def test_an_unreadable_cache_entry_is_converted_again(tmp_path, conversions):
    notebook = write_notebook(tmp_path / "a.ipynb", "A first look", "The noise")
    first = NotebookPages(tmp_path / "cache")
    expected = first.page(notebook)
    entry, = (tmp_path / "cache").glob("*.json")
    entry.write_text('{"content": "half-writ', encoding="utf-8")
    assert NotebookPages(tmp_path / "cache").page(notebook) == expected
    assert len(conversions) == 2
