"""Translation status: for each language and page, fresh, stale, missing, orphaned or invalid.

- fresh: the translation's `source_blob` is today's English blob (for a notebook: a blob whose
  cells have today's text; see coursekit.i18n.diff.english_changed);
- stale: it is not; `added`/`removed` count the English lines changed since (None when the
  earlier English text is not in git history);
- missing: no translation file;
- orphaned: a translation file whose English source does not exist (moved or deleted);
- invalid: a translation file whose front matter is broken (`detail` says `file:line: message`).

For the site: `collect(root)` gives the rows, `render_markdown(rows, lang)` the table in that
language's words and `render_page(rows, lang)` a whole page; `is_stale(root, lang, source)` is
the single check a banner needs.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from coursekit.frontmatter import TranslationError, TranslationMeta, read_translation_meta
from coursekit.gitblob import GitError
from coursekit.strings import StringTable
from coursekit.i18n.diff import english_changed, english_then, count_changes, readable_text
from coursekit.i18n.site import (
    english_path, english_sources, translated_languages, translation_path, translation_sources,
)

FRESH, STALE, MISSING, ORPHANED, INVALID = "fresh", "stale", "missing", "orphaned", "invalid"
STATES = (FRESH, STALE, MISSING, ORPHANED, INVALID)
UI_FILE = Path(__file__).with_name("ui.yml")


@dataclass(frozen=True)
class StatusRow:
    lang: str
    source: str  # the page (see coursekit.i18n.site)
    state: str  # one of STATES
    path: str  # the translation file, relative to the repository root (it may not exist)
    translated: str | None = None  # ISO date from the front matter
    added: int | None = None  # stale: English lines added since the translation
    removed: int | None = None  # stale: English lines removed since
    detail: str = ""  # invalid: `file:line: message`; stale with unknown counts: why

    @property
    def changed(self) -> int | None:
        return None if self.added is None or self.removed is None else self.added + self.removed


def is_stale(root: Path, lang: str, source: str) -> tuple[bool, TranslationMeta | None]:
    """(stale?, front matter) of the `lang` translation of `source`; (False, None) when there is
    none. Raises TranslationError (`file:line: message`) for a broken one."""
    path = translation_path(root, lang, source)
    if not path.is_file():
        return False, None
    meta = read_translation_meta(path, expected_source=source)
    return english_changed(english_path(root, source), meta), meta


def collect(root: Path, languages: list[str] | None = None) -> list[StatusRow]:
    """One row per language and page: every English page, and every translation file.
    `languages` defaults to every translated language; the default language (English, the
    source) is left out if given."""
    root = Path(root)
    english = english_sources(root)
    translated = translated_languages(root)
    rows = []
    for lang in [lang for lang in languages or translated if lang in translated]:
        present = translation_sources(root, lang)
        for source in sorted(set(english) | set(present)):
            rows.append(_row(root, lang, source, source in english, source in present))
    return rows


def _row(root: Path, lang: str, source: str, has_english: bool, has_translation: bool) -> StatusRow:
    path = translation_path(root, lang, source)
    shown = path.relative_to(root).as_posix()
    if not has_translation:
        return StatusRow(lang, source, MISSING, shown)
    if not has_english:
        return StatusRow(lang, source, ORPHANED, shown, detail=f"{shown}:1: there is no English {source} for this file to translate")
    try:
        stale, meta = is_stale(root, lang, source)
    except TranslationError as exc:
        return StatusRow(lang, source, INVALID, shown, detail=f"{shown}:{exc.line}: {exc.message}")
    translated = meta.translated.isoformat()
    if not stale:
        return StatusRow(lang, source, FRESH, shown, translated)
    try:
        then = english_then(root, meta)
    except GitError as exc:
        return StatusRow(lang, source, STALE, shown, translated, detail=str(exc))
    if then is None:
        return StatusRow(lang, source, STALE, shown, translated, detail="the English text it was made from is not in git history")
    added, removed = count_changes(readable_text(then, source), readable_text(english_path(root, source).read_bytes(), source))
    return StatusRow(lang, source, STALE, shown, translated, added, removed)


def summary(rows: list[StatusRow]) -> dict[str, dict[str, int]]:
    """{lang: {state: count}} with every state present."""
    counts: dict[str, Counter] = {}
    for row in rows:
        counts.setdefault(row.lang, Counter())[row.state] += 1
    return {lang: {state: counter[state] for state in STATES} for lang, counter in counts.items()}


def to_json(rows: list[StatusRow]) -> str:
    return json.dumps({"rows": [dict(asdict(row), changed=row.changed) for row in rows], "summary": summary(rows)},
                      indent=2, ensure_ascii=False)


# -- text for people -------------------------------------------------------------------------
def _grid(rows: list[StatusRow]) -> tuple[list[str], list[str], dict[tuple[str, str], StatusRow]]:
    langs = list(dict.fromkeys(row.lang for row in rows))
    sources = sorted({row.source for row in rows})
    return langs, sources, {(row.source, row.lang): row for row in rows}


def _terminal_cell(row: StatusRow | None) -> str:
    if row is None:
        return ""
    if row.state == STALE:
        return f"stale +{row.added} -{row.removed}" if row.changed is not None else "stale (?)"
    return row.state


def render_text(rows: list[StatusRow]) -> str:
    """The table for a terminal, then a line per problem and a count per language."""
    langs, sources, cells = _grid(rows)
    table = [["page", *langs]] + [[source, *(_terminal_cell(cells.get((source, lang))) for lang in langs)] for source in sources]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in table]
    details = [row.detail for row in rows if row.detail and row.state in (INVALID, ORPHANED)]
    if details:
        out += [""] + details
    out.append("")
    for lang, counts in summary(rows).items():
        out.append(f"{lang}: " + ", ".join(f"{counts[state]} {state}" for state in STATES if counts[state]))
    return "\n".join(out) + "\n"


# The status page's words per language; the terminal table stays English.
ui = StringTable(UI_FILE).ui


def _page_cell(row: StatusRow | None, lang: str) -> str:
    if row is None:
        return ""
    word = ui(lang, f"status_{row.state}")
    if row.state == STALE and row.changed is not None:
        word += f" ({ui(lang, 'status_changed', n=row.changed)})"
    return word


def render_markdown(rows: list[StatusRow], lang: str, language_names: dict[str, str] | None = None) -> str:
    """A Markdown table, pages down and languages across, in the words of `lang`.
    `language_names` ({"da": "Dansk", ...}) labels the columns; locale codes otherwise."""
    langs, sources, cells = _grid(rows)
    names = language_names or {}
    header = [ui(lang, "status_page"), *(names.get(code, code) for code in langs)]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for source in sources:
        row = [f"`{source}`", *(_page_cell(cells.get((source, code)), lang) for code in langs)]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines) + "\n"


def render_page(rows: list[StatusRow], lang: str, language_names: dict[str, str] | None = None) -> str:
    """A whole "Translation status" page: title, one paragraph, the table."""
    return f"# {ui(lang, 'status_title')}\n\n{ui(lang, 'status_intro')}\n\n" + render_markdown(rows, lang, language_names)
