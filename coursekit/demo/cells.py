"""Runnable code blocks in lesson pages.

A fenced block whose info string is `python {.runnable}` comes out of Markdown as
`<div class="runnable highlight">`; `cells_html` adds, once per page that has one, the script
that turns each into an editor with Run, Stop and Reset (assets/cells.mjs), its stylesheet,
and the strings in the page's language. Python loads on the first Run.

On a notebook page that the site lists as runnable, `runnable_notebook` marks every code cell
the same way, with one scope, so the cells share their variables as in Jupyter.
"""
from __future__ import annotations

from pathlib import Path

from coursekit.demo.markup import base_url, json_for_script, python_urls
from coursekit.demo.strings import StringTable

MARKER = '<div class="runnable highlight">'  # what the fence `python {.runnable}` renders to
NOTEBOOK_CODE = '<div class="highlight-ipynb hl-python"'  # a code cell's input, as mkdocs-jupyter renders it
NOTEBOOK_MARKER = '<div class="runnable highlight-ipynb hl-python" data-scope="notebook"'
STRINGS = StringTable(Path(__file__).with_name("cells.yml"))


def has_runnable_blocks(html: str) -> bool:
    return MARKER in html or NOTEBOOK_MARKER in html


def runnable_notebook(html: str) -> str:
    """A notebook page's HTML with each Python code cell made runnable, all in one scope."""
    return html.replace(NOTEBOOK_CODE, NOTEBOOK_MARKER)


def cells_html(lang: str, assets_url: str) -> str:
    base = base_url(assets_url)
    data = {"lang": lang, **python_urls(assets_url), "strings": STRINGS.strings(lang)}
    return "\n".join([
        f'<link rel="stylesheet" href="{base}demo/demo.css">',
        f'<script type="application/json" class="ck-cells-data">{json_for_script(data)}</script>',
        f'<script type="module" src="{base}demo/cells.mjs"></script>',
    ])
