"""When a translation follows today's English, and when it still has to be translated at all.

- fresh: the translation's `source_blob` is today's English blob. A notebook stays fresh when only
  its English outputs change (re-rendering the notebooks must not send every translator back to
  work): what counts is the cells' text, compared in `readable_text` form.
- stale: the English text changed since; `count_changes` says by how many lines.
- untranslated: the file still holds the English text it was started from (what `coursekit i18n
  new` writes): a page whose body is the English body, a notebook whose markdown cells are the
  English ones, a data file with no text that differs from the English file's. It is shown as
  missing would be, whatever its `source_blob` says.

A translation imported from a text this repository never had (see coursekit.i18n.importer)
carries the null blob id, NULL_BLOB: stale by definition, with no earlier text to compare.
"""
from __future__ import annotations

import difflib
import json

from coursekit.translations.notebook import cell_source, cells, readable_text

NULL_BLOB = "0" * 40


def translator_text(data: bytes, name: str) -> str:
    """The text of a file as a translator reads it: a notebook's cells, anything else decoded."""
    text = data.decode("utf-8", "replace")
    if not name.endswith(".ipynb"):
        return text
    try:
        return readable_text(json.loads(text))
    except (json.JSONDecodeError, AttributeError):
        return text


def same_for_translator(then: bytes, now: bytes, name: str) -> bool:
    """The same bytes, or for a notebook the same cells' text (outputs are not translated)."""
    return then == now or (name.endswith(".ipynb") and translator_text(then, name) == translator_text(now, name))


def count_changes(old: str, new: str) -> tuple[int, int]:
    """(lines added, lines removed) going from `old` to `new`, as `git diff --numstat` counts them."""
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


# -- untranslated ---------------------------------------------------------------------------------
def page_untranslated(body: str, english_body: str) -> bool:
    return _words(body) == _words(english_body)


def notebook_untranslated(notebook: dict, english: dict) -> bool:
    ours = [_words(cell_source(c)) for c in cells(notebook) if c.get("cell_type") == "markdown"]
    theirs = [_words(cell_source(c)) for c in cells(english) if c.get("cell_type") == "markdown"]
    return bool(ours) and ours == theirs


def data_untranslated(data, english_data) -> bool:
    """A data file (quiz, glossary, labels) none of whose texts differs from the English file's."""
    ours = set(data_texts(data))
    return bool(ours) and ours <= set(data_texts(english_data))


def data_texts(value):
    if isinstance(value, str):
        if value.strip():
            yield _words(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from data_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from data_texts(item)


def _words(text: str) -> str:
    return " ".join(text.split())
