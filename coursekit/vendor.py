"""Browser libraries the site serves itself (no CDN): copied from node_modules, installed by `npm ci`."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from mkdocs.exceptions import PluginError


def vendored_assets(node_modules: Path) -> Iterator[tuple[str, Path]]:
    """(site path, source file) for each vendored file."""
    katex = node_modules / "katex" / "dist"
    if not katex.is_dir():
        raise PluginError(f"{katex} is missing: run `npm ci` in the repository root (make serve does)")
    for name in ("katex.min.js", "katex.min.css"):
        yield f"assets/katex/{name}", katex / name
    # The stylesheet lists woff2 first; every browser the site supports takes that one.
    for font in sorted((katex / "fonts").glob("*.woff2")):
        yield f"assets/katex/fonts/{font.name}", font
