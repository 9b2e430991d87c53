"""Translation status: for each language and page, one of

- fresh: the translation follows today's English text;
- stale: the English text changed since (`added`/`removed` count the English lines; None when the
  earlier English text is not in git history);
- untranslated: the file still holds the English text it was started from;
- missing: no translation file;
- orphaned: a translation file whose English source does not exist (moved or deleted);
- invalid: a translation file that cannot be read (`detail` says `file:line: message`).

A fresh or stale translation also has a review state (`review`: reviewed, changed-since-review or
unreviewed; see coursekit.translations.repository) and, unless its review covers the text it has
now, `words` to review: the words of its prose (code and link targets left out). The words per
language tell a volunteer reviewer where to start.

`collect(repo)` gives the rows, `render_text(rows)` the table for a terminal with a legend and
the next step for each page that needs work, `render_markdown(rows, lang, strings)` the table in
a language's own words, `render_page(...)` the site's "Translation status" page.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass

from coursekit.translations import freshness, mdscan
from coursekit.translations.git import GitError
from coursekit.translations.layout import STATUS_PAGE, suffixed
from coursekit.translations.notebook import cell_source, cells
from coursekit.translations.repository import (FRESH, INVALID, MISSING, ORPHANED, REVIEWED, STALE, STATES, UNTRANSLATED, Repository,
                                               TranslationFile)

# What each state means and what to do about it, for the terminal (the site page has its own words).
LEGEND = {
    FRESH: "follows today's English text; nothing to do",
    STALE: "the English text changed since it was translated: coursekit i18n diff LANG PAGE, update, then coursekit i18n stamp LANG PAGE",
    UNTRANSLATED: "still the English text it was started from: translate it in place",
    MISSING: "no translation yet: coursekit i18n new LANG PAGE",
    ORPHANED: "its English page is gone: move or delete the translation",
    INVALID: "the file cannot be read: see the message below the table",
}
REVIEW_LEGEND = {
    "reviewed": "a native speaker reviewed the text it has now",
    "changed-since-review": "reviewed once, updated for newer English since: review it again (coursekit i18n review LANG PAGE --by NAME)",
    "unreviewed": "translated by the course team, not yet reviewed by a native speaker (coursekit i18n review LANG PAGE --by NAME)",
}
# Files whose path alone does not say what they are.
DESCRIPTIONS = {"glossary.yml": "the glossary", "assets/diagrams/labels.yml": "the words in the diagrams"}


@dataclass(frozen=True)
class StatusRow:
    lang: str
    source: str  # the page (see coursekit.translations.layout)
    state: str  # one of STATES
    path: str  # the translation file, relative to the repository root (it may not exist)
    translated: str | None = None  # ISO date from the front matter
    added: int | None = None  # stale: English lines added since the translation
    removed: int | None = None  # stale: English lines removed since
    detail: str = ""  # invalid/orphaned: `file:line: message`; stale with unknown counts: why
    review: str | None = None  # fresh/stale: reviewed, changed-since-review or unreviewed
    words: int = 0  # words a reviewer has to read (0 when reviewed, or nothing to review)

    @property
    def changed(self) -> int | None:
        return None if self.added is None or self.removed is None else self.added + self.removed


def collect(repo: Repository, languages: list[str] | None = None) -> list[StatusRow]:
    """One row per language and page: every English page, and every translation file.
    `languages` defaults to every translated language; the default language is left out."""
    layout = repo.layout
    rows = []
    for lang in [lang for lang in languages or layout.translated if lang in layout.translated]:
        present = repo.translations(lang)
        for source in sorted(set(repo.english_sources) | set(present)):
            rows.append(_row(repo, lang, source, present.get(source)))
    return rows


def _row(repo: Repository, lang: str, source: str, translation) -> StatusRow:
    shown = repo.layout.translation_rel(lang, source)
    if translation is None:
        return StatusRow(lang, source, MISSING, shown)
    if translation.state in (INVALID, ORPHANED):
        return StatusRow(lang, source, translation.state, shown, detail=str(translation.problem.headline()))
    translated = translation.meta.translated.isoformat()
    review = {"review": translation.review, "words": 0 if translation.review in (None, REVIEWED) else words_to_review(repo, translation)}
    if translation.state != STALE:
        return StatusRow(lang, source, translation.state, shown, translated, **review)
    try:
        then = repo.english_then(translation.meta)
    except GitError as exc:
        return StatusRow(lang, source, STALE, shown, translated, detail=str(exc), **review)
    if then is None:
        return StatusRow(lang, source, STALE, shown, translated, detail="the English text it was made from is not in git history", **review)
    now = repo.english(source).raw
    added, removed = freshness.count_changes(freshness.translator_text(then, source), freshness.translator_text(now, source))
    return StatusRow(lang, source, STALE, shown, translated, added, removed, **review)


# -- words to review ------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")


def count_words(markdown_text: str) -> int:
    """Words of the prose in Markdown: code, HTML comments and link targets left out."""
    return len(_WORD.findall(_LINK_TARGET.sub("]", mdscan.mask(markdown_text))))


def words_to_review(repo: Repository, translation: TranslationFile) -> int:
    """The words a reviewer reads in a translation: a page's body, a notebook's Markdown cells,
    a data file's texts that differ from the English file's (quiz questions, glossary
    definitions, diagram labels; not the ids and paths they share with it)."""
    file = translation.file
    if translation.source.endswith(".ipynb"):
        return sum(count_words(cell_source(cell)) for cell in cells(file.notebook) if cell.get("cell_type") == "markdown")
    if translation.source.endswith(".md"):
        return count_words(file.body)
    data, problems = repo.yaml_body(file.path)
    if problems:
        return 0
    # Texts the same as in the English file (ids, option keys, paths, names) are not translations.
    english, _ = repo.yaml_body(repo.layout.english_path(translation.source))
    same = set(freshness.data_texts(english))
    return sum(count_words(text) for text in freshness.data_texts(data) if text not in same)


def words_by_language(rows: list[StatusRow]) -> dict[str, int]:
    """{lang: words to review} over every language in `rows` (0 where all is reviewed)."""
    found: Counter = Counter()
    for row in rows:
        found[row.lang] += row.words
    return {lang: found[lang] for lang in dict.fromkeys(row.lang for row in rows)}


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
    cell = row.state
    if row.state == STALE and row.changed is not None:
        cell = f"stale: {row.changed} lines"
    return f"{cell}, {row.review}" if row.review else cell


def _label(source: str) -> str:
    return f"{source} ({DESCRIPTIONS[source]})" if source in DESCRIPTIONS else source


def next_step(row: StatusRow) -> str:
    """The command (or action) that moves this row towards fresh."""
    if row.state == STALE:
        return f"coursekit i18n diff {row.lang} {row.source}   (then update {row.path} and run coursekit i18n stamp {row.lang} {row.source})"
    if row.state == MISSING:
        return f"coursekit i18n new {row.lang} {row.source}"
    if row.state == UNTRANSLATED:
        return f"translate {row.path}, then coursekit i18n lint {row.path}"
    return row.detail or LEGEND[row.state]


def render_text(rows: list[StatusRow], steps: bool = True) -> str:
    """The table for a terminal, a legend of the states it shows, then the next step for each
    page that needs work and a count per language."""
    langs, sources, cells = _grid(rows)
    table = [["page", *langs]] + [[_label(source), *(_terminal_cell(cells.get((source, lang))) for lang in langs)] for source in sources]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in table]
    shown = [state for state in STATES if any(row.state == state for row in rows)]
    if shown:
        out += ["", "legend:"] + [f"  {state:<12} {LEGEND[state]}" for state in shown]
        out += [f"  {review:<12} {text}" for review, text in REVIEW_LEGEND.items() if any(row.review == review for row in rows)]
    todo = [row for row in rows if row.state != FRESH]
    if steps and todo:
        out += ["", "next steps:"] + [f"  {row.path}: {row.state}: {next_step(row)}" for row in todo]
    out.append("")
    words = words_by_language(rows)
    for lang, counts in summary(rows).items():
        out.append(f"{lang}: " + ", ".join(f"{counts[state]} {state}" for state in STATES if counts[state])
                   + f"; {words[lang]} words to review")
    return "\n".join(out) + "\n"


def _page_cell(row: StatusRow | None, lang: str, strings) -> str:
    if row is None:
        return ""
    word = strings.ui("status", lang, f"status_{row.state}")
    if row.state == STALE and row.changed is not None:
        word += f" ({strings.ui('status', lang, 'status_changed', n=row.changed)})"
    if row.review:
        word += f"; {strings.ui('status', lang, 'status_' + row.review.replace('-', '_'))}"
    return word


def _file_link(row: StatusRow | None, links) -> str | None:
    """Where a volunteer goes from a cell: the translation file in the host's editor, or the
    host's form that creates it when it is missing."""
    if row is None or links is None:
        return None
    return links.new(row.path) if row.state == MISSING else links.edit(row.path)


def render_markdown(rows: list[StatusRow], lang: str, strings, language_names: dict[str, str] | None = None,
                    links=None) -> str:
    """A Markdown table, pages down and languages across, in the words of `lang` (`strings`:
    a coursekit.strings.Strings). `language_names` ({"da": "Dansk", ...}) labels the columns;
    with `links` (a coursekit.repo_links.RepoLinks) each cell links to its translation file."""
    langs, sources, cells = _grid(rows)
    names = language_names or {}
    header = [strings.ui("status", lang, "status_page"), *(names.get(code, code) for code in langs)]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for source in sources:
        row = [f"`{source}`"]
        for code in langs:
            text, url = _page_cell(cells.get((source, code)), lang, strings), _file_link(cells.get((source, code)), links)
            row.append(f"[{text}]({url})" if text and url else text)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    words = words_by_language(rows)
    lines.append(f"| **{strings.ui('status', lang, 'status_words')}** | " + " | ".join(f"**{words[code]}**" for code in langs) + " |")
    return "\n".join(lines) + "\n"


def render_summary(rows: list[StatusRow], repo: Repository, strings, language_names: dict[str, str] | None = None) -> str:
    """The table and, for every page that is not fresh, its next step: what a CI job summary shows.
    A stale row also names today's English blob, for whoever updates the file on the website
    (where `coursekit i18n stamp` cannot run) and so writes the header by hand."""
    layout = repo.layout
    out = [render_markdown(rows, layout.default_language, strings, language_names)]
    todo = [row for row in rows if row.state != FRESH]
    if todo:
        out += ["", "Not fresh (a page shows an \"older translation\" banner or the English text until then):", ""]
        for row in todo:
            step = f"- `{row.path}`: {row.state}: {next_step(row)}"
            if row.state == STALE:
                step += (f"; editing on the website, update the text, then set `source_blob: {repo.english(row.source).blob}` "
                         f"and today's date as `translated:` in its header")
            out.append(step)
    return "\n".join(out) + "\n"


def render_page(rows: list[StatusRow], lang: str, strings, language_names: dict[str, str] | None = None, links=None) -> str:
    """A whole "Translation status" page: title, two paragraphs, the table (its cells linking to
    the files with `links`)."""
    return (f"# {strings.ui('status', lang, 'status_title')}\n\n{strings.ui('status', lang, 'status_intro')}\n\n"
            f"{strings.ui('status', lang, 'status_review_intro')}\n\n" + render_markdown(rows, lang, strings, language_names, links))


def pages(site) -> dict[str, str]:
    """The "Translation status" page in every language, in its own words (a page provider for the
    plugin; see coursekit.site)."""
    layout = site.repo.layout
    rows = collect(site.repo)
    return {(STATUS_PAGE if lang == layout.default_language else suffixed(STATUS_PAGE, lang)):
            render_page(rows, lang, site.strings, layout.names, site.repo_links) for lang in layout.locales}
