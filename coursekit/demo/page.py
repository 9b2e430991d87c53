"""What the site plugin calls for each page: Python widgets put in place, in the page's language.

- `<div class="ck-demo"></div>` becomes the 2-D GAN demo (coursekit.demo.widget);
- `<div class="ck-loss-demo"></div>` becomes the loss demo (coursekit.demo.loss);
- a page with runnable code blocks gets their script (coursekit.demo.cells).
"""
from __future__ import annotations

from coursekit.demo.cells import cells_html, has_runnable_blocks
from coursekit.demo.loss import PLACEHOLDER as LOSS_PLACEHOLDER, loss_html
from coursekit.demo.widget import PLACEHOLDER as DEMO_PLACEHOLDER, demo_html


def add_widgets(html: str, lang: str, assets_url: str) -> str:
    """`assets_url`: the relative URL from the page to the site's assets/ folder."""
    if DEMO_PLACEHOLDER in html:
        html = html.replace(DEMO_PLACEHOLDER, demo_html(lang, assets_url))
    if LOSS_PLACEHOLDER in html:
        html = html.replace(LOSS_PLACEHOLDER, loss_html(lang, assets_url))
    if has_runnable_blocks(html):
        html += "\n" + cells_html(lang, assets_url)
    return html
