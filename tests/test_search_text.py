"""The search reads pages without what it does not index (coursekit.search_text): code without its
highlighting, empty style and script elements, short data: URIs; it indexes the same text as from
the whole page, and the page gets all of it back."""
from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from material.plugins.search.plugin import SearchIndex

from coursekit.search_text import for_search, restored


def _entries(html: str) -> list[dict]:
    index = SearchIndex()
    index.add_entry_from_context(SimpleNamespace(meta={}, content=html, toc=[], url="page/", title="Page"))
    return index.entries


def _article(page) -> str:
    html = page.read_text(encoding="utf-8")
    return re.search(r'<article class="md-content__inner md-typeset">(.*)</article>', html, re.S).group(1)


def test_a_notebook_page_indexes_the_same_text_from_a_tenth_of_its_html(built_site):
    page = built_site / "de" / "notebooks" / "gan-pytorch" / "index.html"
    whole = _article(page)
    plain, pieces = for_search(whole)
    assert whole.count("<span") > 1000 and plain.count("<span") < whole.count("<span") / 10
    assert len(plain) < len(whole) / 10  # the stylesheet and the plots' PNGs were most of it
    assert _entries(plain) == _entries(whole)
    assert restored(plain, pieces) == whole


def test_spans_outside_code_blocks_stay_and_every_piece_set_aside_comes_back():
    html = ('<style type="text/css">pre { color: red }</style><!-- a <style> in a comment -->'
            '<p data-search-boost="2">Math <span class="arithmatex">x</span> and src="data:" in prose</p>'
            '<pre data-search-boost="2"><code><span class="n">G</span>(z)</code></pre>'
            '<img alt="plot" src="data:image/png;base64,iVBORw0K">'
            '<p><code>&lt;img src="data:image/png;base64,AAA"&gt;</code></p><h2 id="next">Next</h2>'
            '<script>let a = "<pre>";</script ><PRE><SPAN class="k">def</SPAN></PRE>')
    plain, pieces = for_search(html)
    assert plain == ('<style type="text/css"></style><!---->'
                     '<p data-search-boost="2">Math <span class="arithmatex">x</span> and src="data:" in prose</p>'
                     '<pre data-search-boost="2"><code>G(z)</code></pre><img alt="plot" src="data:">'
                     '<p><code>&lt;img src="data:image/png;base64,AAA"&gt;</code></p><h2 id="next">Next</h2>'
                     '<script></script ><PRE>def</PRE>')
    assert _entries(plain) == _entries(html)
    # After indexing, the search removes the data-search-* attributes, and they stay removed; the
    # page gets everything else back.
    searched = plain.replace(' data-search-boost="2"', "")
    assert restored(searched, pieces) == html.replace(' data-search-boost="2"', "")
    with pytest.raises(ValueError, match="fewer code, style, script, comment or data: pieces"):
        restored("<p>no code</p>", pieces)
    with pytest.raises(ValueError, match="more code, style, script, comment or data: pieces"):
        restored(plain + "<pre>x</pre>", pieces)


def test_the_site_keeps_its_highlighting_and_its_search_has_the_code(built_site):
    page = built_site / "notebooks" / "gan-pytorch" / "index.html"
    assert '<span class="n">' in page.read_text(encoding="utf-8")
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = [doc["text"] for doc in index["docs"] if doc["location"].startswith("notebooks/gan-pytorch/")]
    assert any("gan_step" in text for text in texts)
