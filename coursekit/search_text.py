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
  the search ignores, attributes and all;
- comments, which it ignores too.
So the search is handed the page with those set aside (spans removed from code, style and script
elements and comments emptied, `data:` values in tags shortened to `data:`), and afterwards the
page gets them back.
"""
from __future__ import annotations

import re

# One pattern finds what is set aside, and finds it again in the page the search hands back:
# - an element's body is read as runs of anything but "<" (a lazy `.*?` scans five times slower);
# - a data: value only inside a tag (`<img src="data:...`), never in text or code that shows one;
# - comments are read too, so a `<style>` inside one does not start an element.
_SET_ASIDE = re.compile(
    r"<(?:(?P<open>(?P<tag>pre|style|script)\b[^>]*>)(?P<body>[^<]*(?:<(?!/(?P=tag)\s*>)[^<]*)*)(?P<close></(?P=tag)\s*>)"
    r"|(?P<data>[a-z][^<>]*?\s(?!data-search-)[\w:-]+=\"data:)(?P<value>[^\"]*)"
    r"|!--(?P<comment>.*?)-->)", re.I | re.S)
_SPAN_TAG = re.compile(r"</?span\b[^>]*>", re.I)


def for_search(html: str) -> tuple[str, list[str]]:
    """`html` with what the search does not index set aside (see the module's docstring), and
    the pieces as they were, in order, for `restored`."""
    pieces = []

    def shortened(found: re.Match) -> str:
        if found["data"]:
            pieces.append(found["value"])
            return f"<{found['data']}"
        if found["open"]:
            pieces.append(found["body"])
            body = _SPAN_TAG.sub("", found["body"]) if found["tag"].lower() == "pre" else ""
            return f"<{found['open']}{body}{found['close']}"
        pieces.append(found["comment"])
        return "<!---->"

    return _SET_ASIDE.sub(shortened, html), pieces


def restored(html: str, pieces: list[str]) -> str:
    """`html` (what `for_search` gave, as the search left it) with the pieces set aside put back.
    The search only removes `data-search-*` attributes from tags, so each shortened piece is still
    where it was; what the search changed in the tags themselves stays changed."""
    originals = iter(pieces)

    def whole(found: re.Match) -> str:
        original = next(originals)
        if found["data"]:
            return f"<{found['data']}{original}"
        if found["open"]:
            return f"<{found['open']}{original}{found['close']}"
        return f"<!--{original}-->"

    try:
        page = _SET_ASIDE.sub(whole, html)
    except StopIteration:
        raise ValueError("the page has more code, style, script, comment or data: pieces than before the search read it") from None
    if next(originals, None) is not None:
        raise ValueError("the page has fewer code, style, script, comment or data: pieces than before the search read it")
    return page
