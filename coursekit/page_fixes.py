"""Small corrections to the HTML that Material and mkdocs-jupyter write, applied to every page.

Each one answers a finding of the browser tests (axe-core, or a request the site must not make).
"""
from __future__ import annotations

import re

# Material's script fetches `<href>/sitemap.xml` for every <link rel="alternate"> in the head,
# expecting language roots; static-i18n points them at the same page in each language, so each
# page view would ask for six missing sitemaps. The header's language selector carries the same
# links, so the head links go.
_HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')

# Material's search overlay is a dialog without a name: give it the (localized) label of its
# own search field.
_SEARCH_DIALOG = re.compile(r'(<div class="md-search" data-md-component="search" role="dialog")(>.*?aria-label="([^"]*)")', re.S)

# mkdocs-jupyter's code cells scroll sideways but cannot take keyboard focus.
_NOTEBOOK_CODE = re.compile(r'<div class="(highlight-ipynb[^"]*)">')


def fix_page(html: str) -> str:
    # Only the head holds those links; a notebook page's body can be megabytes of images, and
    # the pattern's leading whitespace makes scanning it slow.
    head, end, body = html.partition("</head>")
    html = _HEAD_ALTERNATE.sub("", head) + end + body if end else html
    html = _SEARCH_DIALOG.sub(lambda m: f'{m.group(1)} aria-label="{m.group(3)}"{m.group(2)}', html, count=1)
    return _NOTEBOOK_CODE.sub(r'<div class="\1" tabindex="0">', html)
