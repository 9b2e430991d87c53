"""The search reads pages with their code unhighlighted (coursekit.search_text), and indexes the
same text as from the highlighted page."""
from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from material.plugins.search.plugin import SearchIndex

from coursekit.search_text import for_search, with_code_blocks


def _entries(html: str) -> list[dict]:
    index = SearchIndex()
    index.add_entry_from_context(SimpleNamespace(meta={}, content=html, toc=[], url="page/", title="Page"))
    return index.entries


def _article(page) -> str:
    html = page.read_text(encoding="utf-8")
    return re.search(r'<article class="md-content__inner md-typeset">(.*)</article>', html, re.S).group(1)


def test_a_notebook_page_indexes_the_same_text_without_its_highlighting(built_site):
    page = built_site / "de" / "notebooks" / "gan-pytorch" / "index.html"
    highlighted = _article(page)
    plain, blocks = for_search(highlighted)
    assert highlighted.count("<span") > 1000 and plain.count("<span") < highlighted.count("<span") / 10
    assert _entries(plain) == _entries(highlighted)
    assert with_code_blocks(plain, blocks) == highlighted


def test_spans_outside_code_blocks_stay_and_the_blocks_come_back():
    html = ('<p data-search-boost="2">Math <span class="arithmatex">x</span></p>'
            '<pre><code><span class="n">G</span>(z)</code></pre><pre><span class="k">def</span></pre>')
    plain, blocks = for_search(html)
    assert plain == ('<p data-search-boost="2">Math <span class="arithmatex">x</span></p>'
                     '<pre><code>G(z)</code></pre><pre>def</pre>')
    # After indexing, the search removes the data-search-* attributes; the code comes back highlighted.
    searched = plain.replace(' data-search-boost="2"', "")
    assert with_code_blocks(searched, blocks) == html.replace(' data-search-boost="2"', "")
    with pytest.raises(ValueError, match="fewer code blocks"):
        with_code_blocks("<p>no code</p>", blocks)


def test_the_site_keeps_its_highlighting_and_its_search_has_the_code(built_site):
    page = built_site / "notebooks" / "gan-pytorch" / "index.html"
    assert '<span class="n">' in page.read_text(encoding="utf-8")
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = [doc["text"] for doc in index["docs"] if doc["location"].startswith("notebooks/gan-pytorch/")]
    assert any("gan_step" in text for text in texts)
