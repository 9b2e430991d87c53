"""Where the build finds translated pages: `translations/<lang>/<path>` becomes `<path>` in that language.

mkdocs-static-i18n (suffix structure) expects `docs/<stem>.<lang>.<ext>`. Rather than copying
files into docs/, the plugin adds each translation to the build as a virtual file with that
suffixed name, reading from its real path. Front matter is validated here, so a malformed
translation stops the build with `file:line: message`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from coursekit.frontmatter import TranslationMeta, read_translation_meta
from coursekit.i18n.diff import english_changed

PAGE_SUFFIXES = {".md", ".ipynb"}


@dataclass(frozen=True)
class Translation:
    lang: str
    rel: str  # path under docs/, POSIX style
    path: Path  # the real file under translations/<lang>/
    meta: TranslationMeta
    stale: bool  # the English file changed since it was translated

    @property
    def src_uri(self) -> str:
        """The name static-i18n knows this page by (a page built from data gets its own name)."""
        return suffixed(self.rel, self.lang)


def suffixed(rel: str, lang: str) -> str:
    """`lessons/gan/index.md` in `da` -> `lessons/gan/index.da.md` (static-i18n's suffix naming)."""
    path = PurePosixPath(rel)
    return str(path.with_name(f"{path.stem}.{lang}{path.suffix}"))


def find_translations(translations_dir: Path, docs_dir: Path, languages: list[str]) -> list[Translation]:
    """Every translated page of every language, validated. Raises TranslationError on the first bad file."""
    found = []
    for lang in languages:
        root = translations_dir / lang
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix not in PAGE_SUFFIXES or not path.is_file() or ".ipynb_checkpoints" in path.parts:
                continue
            found.append(read_translation(lang, path.relative_to(root).as_posix(), path, docs_dir))
    return found


def read_translation(lang: str, rel: str, path: Path, docs_dir: Path) -> Translation:
    """The translation at `path` of docs/`rel`, with its front matter checked and freshness known."""
    meta = read_translation_meta(path, expected_source=rel)
    return Translation(lang, rel, path, meta, english_changed(docs_dir / rel, meta))
