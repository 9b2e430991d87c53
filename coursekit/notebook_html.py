"""A notebook page's HTML, table of contents and title, converted once per notebook content.

The conversion is mkdocs-jupyter's (its nbconvert templates and highlighting), called here rather
than through its MkDocs plugin:
- the plugin module imports nbconvert when MkDocs loads it, about a second of every build, while
  a build whose notebooks are all in the cache converts nothing; here nbconvert is imported only
  when a notebook has to be converted;
- its cache evicts, at the end of each of static-i18n's language passes, the entries that pass
  did not use: the other languages' notebooks. Here eviction waits for the end of the whole build.

A converted page is kept under `.cache/coursekit/notebook-pages/<key>.json`, the key a hash of
the notebook's bytes, of the conversion options and of the converter's versions, so an edited
notebook or an upgraded nbconvert is converted again.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from coursekit.atomic import write_text_atomic

CACHE_DIR = ".cache/coursekit/notebook-pages"  # under the repository root
TOC_DEPTH = 6
# mkdocs-jupyter's nb2html options as the site uses them: stored outputs (never executed), inputs
# and prompts shown, no extra highlighting classes, no require.js, no MathJax from elsewhere.
OPTIONS = dict(execute=False, kernel_name="", theme="", allow_errors=True, show_input=True, no_input=False,
               no_prompt=False, remove_tag_config={}, highlight_extra_classes="", include_requirejs=False,
               custom_mathjax_url="")
CONVERTERS = ("mkdocs-jupyter", "nbconvert", "Pygments", "mistune")


@dataclass(frozen=True)
class NotebookPage:
    content: str  # the page's HTML
    toc_tokens: list  # MkDocs' table-of-contents tokens (mkdocs.structure.toc.get_toc)
    title: str | None  # the first level-1 heading, if any


class NotebookPages:
    """Converts notebooks to pages, each content once, and keeps the conversions on disk."""

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir
        self.used: set[str] = set()  # keys of the conversions this build's pages used
        self._converted: dict[str, NotebookPage] = {}
        self._salt: bytes | None = None

    def page(self, notebook: Path) -> NotebookPage:
        key = self._key(notebook.read_bytes())
        self.used.add(key)
        if key not in self._converted:
            entry = self.cache_dir / f"{key}.json"
            try:
                self._converted[key] = NotebookPage(**json.loads(entry.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):  # not converted yet, or an unreadable entry
                self._converted[key] = convert(notebook)
                write_text_atomic(entry, json.dumps(asdict(self._converted[key])), overwrite=True)
        return self._converted[key]

    def evict_unused(self) -> None:
        """Forgets the conversions no page of this build used, on disk too (called once a whole
        build, every language, is done)."""
        for entry in self.cache_dir.glob("*.json"):
            if entry.stem not in self.used:
                entry.unlink(missing_ok=True)
        self._converted = {key: page for key, page in self._converted.items() if key in self.used}
        self.used = set()

    def _key(self, data: bytes) -> str:
        if self._salt is None:
            versions = [f"{name}={_version(name)}" for name in CONVERTERS]
            self._salt = json.dumps([versions, OPTIONS, TOC_DEPTH], sort_keys=True).encode()
        return hashlib.sha256(self._salt + data).hexdigest()


def convert(notebook: Path) -> NotebookPage:
    """The page of `notebook`, converted by mkdocs-jupyter's nbconvert templates."""
    import markdown
    from markdown.extensions.toc import TocExtension
    from mkdocs_jupyter import convert as nbconvert  # imports nbconvert: only when something is converted

    content = nbconvert.nb2html(str(notebook), **OPTIONS)
    # The table of contents comes from the notebook's Markdown without its code, as mkdocs-jupyter makes it.
    md = markdown.Markdown(extensions=[TocExtension(toc_depth=TOC_DEPTH)])
    md.convert(nbconvert.nb2md(str(notebook)))
    title = next((token["name"] for token in md.toc_tokens if token["level"] == 1), None)
    return NotebookPage(content, md.toc_tokens, title)


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"
