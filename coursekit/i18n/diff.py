"""What changed in English since a translation was made: the text at `source_blob`, read from git,
against today's English file.

Notebooks are compared by their cells' text (a header line per cell, then its source): outputs,
execution counts and metadata are not translated, and diffing the raw JSON would bury the
sentences a translator needs among quoting and output noise. For the same reason a notebook
translation stays fresh when only the English outputs change (`english_changed`): re-rendering
the notebooks must not send every translator back to work.

A translation imported from a text this repository never had (see coursekit.i18n.importer)
carries the null blob id, NULL_BLOB; it is stale by definition and has no earlier text to show.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from coursekit.frontmatter import TranslationError, TranslationMeta, read_translation_meta
from coursekit.gitblob import GitError, blob_id, file_blob_id, read_blob
from coursekit.i18n.site import I18nError, english_path, english_rel, translation_path

NULL_BLOB = "0" * 40


class NoEarlierText(I18nError):
    """The English text a translation was made from cannot be had (not in git history)."""


def readable_text(data: bytes, name: str) -> str:
    """The text of a file as a translator reads it: a notebook's cells, anything else decoded."""
    text = data.decode("utf-8", "replace")
    if not name.endswith(".ipynb"):
        return text
    try:
        cells = json.loads(text).get("cells", [])
    except (json.JSONDecodeError, AttributeError):
        return text
    parts = [f"# --- cell {number} ({cell.get('cell_type', '?')}) ---\n{cell_source(cell).rstrip()}\n"
             for number, cell in enumerate(cells, 1)]
    return "\n".join(parts)


def cell_source(cell: dict) -> str:
    """A notebook cell's source as one string (nbformat stores a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def count_changes(old: str, new: str) -> tuple[int, int]:
    """(lines added, lines removed) going from `old` to `new`, as `git diff --numstat` counts them."""
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def english_then(root: Path, meta: TranslationMeta) -> bytes | None:
    """The English file as it was when translated (from git), or None when history lacks it."""
    current = english_path(root, meta.source)
    if current.is_file() and file_blob_id(current) == meta.source_blob:
        return current.read_bytes()
    if meta.source_blob == NULL_BLOB:
        return None
    return read_blob(root, meta.source_blob)


def english_changed(english: Path, meta: TranslationMeta) -> bool:
    """Has the English file at `english` changed for a translator since `meta.source_blob`?
    Any byte counts, except in a notebook, where only the cells' text does. A missing English
    file has not changed (the page is orphaned, which is reported elsewhere)."""
    if not english.is_file():
        return False
    now = english.read_bytes()
    if blob_id(now) == meta.source_blob:
        return False
    if not english.name.endswith(".ipynb") or meta.source_blob == NULL_BLOB:
        return True
    try:
        then = read_blob(english.parent, meta.source_blob)
    except GitError:
        return True
    return then is None or not same_for_translator(then, now, english.name)


def same_for_translator(then: bytes, now: bytes, name: str) -> bool:
    """The same bytes, or for a notebook the same cells' text (outputs are not translated)."""
    return then == now or (name.endswith(".ipynb") and readable_text(then, name) == readable_text(now, name))


def blob_line(path: Path) -> int:
    """The line of `source_blob` in a translation file (for messages about it)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if "source_blob" in line:
                return number
    except OSError:
        pass
    return 1


@dataclass(frozen=True)
class EnglishDiff:
    source: str
    meta: TranslationMeta
    fresh: bool
    text: str  # a unified diff; empty when fresh
    added: int
    removed: int


def english_diff(root: Path, lang: str, source: str, context: int = 3) -> EnglishDiff:
    """The English diff a translator of `source` into `lang` needs. Raises I18nError with a
    one-line `file:line: message` when there is no translation or no earlier text to compare."""
    root = Path(root)
    path = translation_path(root, lang, source)
    shown = path.relative_to(root).as_posix()
    if not path.is_file():
        raise I18nError(f"{shown} does not exist: there is no {lang} translation of {source} (start one with `coursekit i18n new {lang} {source}`)")
    try:
        meta = read_translation_meta(path, expected_source=source)
    except TranslationError as exc:
        raise I18nError(f"{shown}:{exc.line}: {exc.message}") from None
    english = english_path(root, source)
    if not english.is_file():
        raise I18nError(f"{shown}:1: its English source {english_rel(source)} does not exist (moved or deleted?)")
    now = english.read_bytes()
    try:
        then = english_then(root, meta)
    except GitError as exc:
        raise I18nError(f"{shown}:{blob_line(path)}: {exc}") from None
    if then is None:
        if meta.source_blob == NULL_BLOB:
            why = "was imported from an English text this repository never had (source_blob is the null id)"
        else:
            why = (f"was made from English text {meta.source_blob[:12]} that is not in this repository's history "
                   "(a shallow clone? run `git fetch --unshallow`; or a blob id mistyped)")
        raise NoEarlierText(f"{shown}:{blob_line(path)}: this translation {why}; compare it with all of {english_rel(source)}")
    if same_for_translator(then, now, source):
        return EnglishDiff(source, meta, True, "", 0, 0)
    old, new = readable_text(then, source), readable_text(now, source)
    added, removed = count_changes(old, new)
    name = english_rel(source)
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{name} @ {meta.source_blob[:12]} (translated {meta.translated.isoformat()})",
        tofile=f"{name} (now)", n=context,
    )
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return EnglishDiff(source, meta, False, text, added, removed)
