"""The page text Material's search indexes, made cheaper to read.

Material's search plugin reads every page's HTML with Python's HTMLParser, one call per tag and
per piece of text. Highlighted code is most of those tags: Pygments wraps each token of a code
block in its own `<span>`, and the notebook pages hold thousands of them (about 57 % of all tags
in the site's articles). The search index keeps a code block's text, never its spans, so the
search plugin is handed the page with the spans inside `<pre>` removed, and the page itself keeps
them. That takes a quarter or more off a strict build.
"""
from __future__ import annotations

import re

_CODE_BLOCK = re.compile(r"<pre\b[^>]*>.*?</pre>", re.S)
_SPAN_TAG = re.compile(r"</?span\b[^>]*>")
# Material's search removes these attributes from the page once it has indexed it.
_SEARCH_ATTRIBUTE = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


def for_search(html: str) -> str:
    """`html` with every `<span>` tag inside `<pre>` blocks removed (their text stays)."""
    return _CODE_BLOCK.sub(lambda block: _SPAN_TAG.sub("", block.group(0)), html)


def without_search_attributes(html: str) -> str:
    """`html` as Material's search leaves a page after indexing it."""
    return _SEARCH_ATTRIBUTE.sub("", html)
