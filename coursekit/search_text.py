"""The page text Material's search indexes, made cheaper to read.

Material's search plugin reads every page's HTML with Python's HTMLParser, one call per tag and
per piece of text. Highlighted code is most of those tags: Pygments wraps each token of a code
block in its own `<span>`, and the notebook pages hold thousands of them (about 57 % of all tags
in the site's articles). The search index keeps a code block's text, never its spans, so the
search plugin is handed the page with the spans inside `<pre>` removed, and afterwards the page
gets its highlighted code blocks back.
"""
from __future__ import annotations

import re

_CODE_BLOCK = re.compile(r"<pre\b[^>]*>.*?</pre>", re.S)
_SPAN_TAG = re.compile(r"</?span\b[^>]*>")


def for_search(html: str) -> tuple[str, list[str]]:
    """`html` with every `<span>` tag inside `<pre>` blocks removed (their text stays), and the
    highlighted blocks as they were, for `with_code_blocks`."""
    blocks = []

    def plain(block: re.Match) -> str:
        blocks.append(block.group(0))
        return _SPAN_TAG.sub("", block.group(0))

    return _CODE_BLOCK.sub(plain, html), blocks


def with_code_blocks(html: str, blocks: list[str]) -> str:
    """`html` (what `for_search` gave, as the search left it) with its `<pre>` blocks, in order,
    replaced by `blocks`. The search only removes `data-search-*` attributes from tags, so the
    blocks are still where they were."""
    originals = iter(blocks)
    restored = _CODE_BLOCK.sub(lambda block: next(originals), html)
    if next(originals, None) is not None:
        raise ValueError("the page has fewer code blocks than before the search read it")
    return restored
