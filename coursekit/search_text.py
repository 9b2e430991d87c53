"""The page text Material's search indexes, made cheaper to read.

Material's search plugin reads every page's HTML with Python's HTMLParser, one call per tag and
per piece of text, and then scans the whole page once more with a regular expression to remove
its `data-search-*` attributes. Most of what it reads never reaches the index:
- highlighted code: Pygments wraps each token of a code block in its own `<span>`, and the
  notebook pages hold thousands of them (about 57 % of all tags in the site's articles); the index
  keeps a code block's text, never its spans;
- a notebook page's `<style>` and `<script>` elements (its stylesheet, about 0.6 MB a page), whose
  content the search skips;
- images embedded as `data:` URIs (the notebooks' plots, about 1.7 MB a page): `<img>` is a tag
  the search ignores, attributes and all.
So the search is handed the page with those set aside (spans removed from code, style and script
elements emptied, `data:` values shortened to `data:`), and afterwards the page gets them back.
"""
from __future__ import annotations

import re

# One pattern finds what is set aside, and finds it again in the page the search hands back. An
# element's body is read as runs of anything but "<" (not `.*?`, which is ten times slower here).
_SET_ASIDE = re.compile(r"(?P<open><(?P<tag>pre|style|script)\b[^>]*>)(?P<body>[^<]*(?:<(?!/(?P=tag)>)[^<]*)*)</(?P=tag)>"
                        r"|(?P<data>=\"data:)[^\"]*")
_SPAN_TAG = re.compile(r"</?span\b[^>]*>")


def for_search(html: str) -> tuple[str, list[str]]:
    """`html` with what the search does not index set aside (see the module's docstring), and
    the pieces as they were, in order, for `restored`."""
    pieces = []

    def shortened(found: re.Match) -> str:
        pieces.append(found.group(0))
        if found["data"]:
            return found["data"]
        body = _SPAN_TAG.sub("", found["body"]) if found["tag"] == "pre" else ""
        return f"{found['open']}{body}</{found['tag']}>"

    return _SET_ASIDE.sub(shortened, html), pieces


def restored(html: str, pieces: list[str]) -> str:
    """`html` (what `for_search` gave, as the search left it) with the pieces set aside put back.
    The search only removes `data-search-*` attributes from tags, so each shortened piece is still
    where it was."""
    originals = iter(pieces)
    try:
        page = _SET_ASIDE.sub(lambda found: next(originals), html)
    except StopIteration:
        raise ValueError("the page has more code, style, script or data: pieces than before the search read it") from None
    if next(originals, None) is not None:
        raise ValueError("the page has fewer code, style, script or data: pieces than before the search read it")
    return page
