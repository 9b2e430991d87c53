"""What changed in English since a translation was made, shown where a translator works.

The English text at the translation's `source_blob` (read from git) is compared with today's.
Each change is shown under the section it is in (the Markdown heading, or the notebook cell) with
the place in the translation to look at (the same section there, and its line), the English lines
removed and added, and a word-level view: `[-removed words-]` and `{+added words+}`.
`unified=True` gives the classic unified diff instead.

Notebooks are compared by their cells' text, not their JSON: outputs, execution counts and
metadata are not translated (coursekit.translations.freshness).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from coursekit.translations import mdscan
from coursekit.translations.findings import UserError
from coursekit.translations.freshness import NULL_BLOB, count_changes, same_for_translator, translator_text
from coursekit.translations.git import GitError
from coursekit.translations.notebook import SourceLines, cells
from coursekit.translations.repository import INVALID, ORPHANED, Repository, TranslationFile

_CELL_HEADER = re.compile(r"^# --- (?P<label>(?P<kind>\w+) cell (?P<number>\d+).*) ---$")


class NoEarlierText(UserError):
    """The English text a translation was made from cannot be had (not in git history)."""


@dataclass(frozen=True)
class EnglishDiff:
    source: str
    translation: TranslationFile
    fresh: bool
    text: str  # for people; empty when fresh
    added: int
    removed: int


def english_diff(repo: Repository, lang: str, source: str, context: int = 2, unified: bool = False) -> EnglishDiff:
    """The English changes a translator of `source` into `lang` needs. Raises UserError with a
    one-line message when there is no translation or no earlier text to compare."""
    layout = repo.layout
    shown = layout.translation_rel(lang, source)
    translation = repo.translation(lang, source)
    if translation is None:
        if source in repo.english_sources:
            raise UserError(f"{shown} does not exist: there is no {lang} translation of {source} yet "
                            f"(start one with `coursekit i18n new {lang} {source}`)")
        raise UserError(f"there is no English page {source}; `coursekit i18n status --lang {lang}` lists the pages")
    if translation.state == ORPHANED:
        raise UserError(f"{shown}:1: its English source {layout.english_rel(source)} does not exist (moved or deleted?)")
    if translation.state == INVALID:
        raise UserError(str(translation.problem.headline()))
    meta = translation.meta
    try:
        then = repo.english_then(meta)
    except GitError as exc:
        raise UserError(f"{shown}:{meta.blob_line}: {exc}") from None
    if then is None:
        if meta.source_blob == NULL_BLOB:
            why = "was imported from an English text this repository never had (source_blob is the null id)"
        else:
            why = (f"was made from English text {meta.source_blob[:12]} that is not in this repository's history "
                   "(a shallow clone? run `git fetch --unshallow`; or a blob id mistyped)")
        raise NoEarlierText(f"{shown}:{meta.blob_line}: this translation {why}; compare it with all of {layout.english_rel(source)}")
    now = repo.english(source).raw
    if same_for_translator(then, now, source):
        return EnglishDiff(source, translation, True, "", 0, 0)
    old, new = translator_text(then, source), translator_text(now, source)
    added, removed = count_changes(old, new)
    name = layout.english_rel(source)
    header = f"--- {name} @ {meta.source_blob[:12]} (translated {meta.translated.isoformat()})\n+++ {name} (now)\n"
    if unified:
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), n=context)
        body = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in list(lines)[2:])
        return EnglishDiff(source, translation, False, header + body, added, removed)
    return EnglishDiff(source, translation, False, header + _readable(repo, translation, old, new, context), added, removed)


def _readable(repo: Repository, translation: TranslationFile, old: str, new: str, context: int) -> str:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    sections = _Sections(repo, translation, new_lines)
    out = ["Changes are marked [-removed-] and {+added+} (the English words)."]
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first_change = next((j1 for tag, _, _, j1, _ in group if tag != "equal"), group[0][3])
        out += ["", sections.describe(first_change)]
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [f"    {line}" for line in new_lines[j1:j2]]
                continue
            out += [f"  - {line}" for line in old_lines[i1:i2]]
            out += [f"  + {line}" for line in new_lines[j1:j2]]
            if tag == "replace":
                out.append(f"  words: {word_diff(' '.join(old_lines[i1:i2]), ' '.join(new_lines[j1:j2]))}")
    return "\n".join(out) + "\n"


def word_diff(old: str, new: str) -> str:
    """`new` with the words taken out of `old` as [-...-] and the words put in as {+...+}
    (words and punctuation compared one by one, spacing kept as in `new`)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append("".join(b[j1:j2]))
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if removed.strip():
            parts.append("[-" + removed.strip() + "-]")
        if added.strip():
            lead = added[: len(added) - len(added.lstrip())]
            parts.append(lead + "{+" + added.strip() + "+}" + added[len(added.rstrip()):])
        elif added:
            parts.append(added)
    return "".join(parts)


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


class _Sections:
    """Names the section of the English text a line is in, and the same place in the translation."""

    def __init__(self, repo: Repository, translation: TranslationFile, english_lines: list[str]):
        self.lines = english_lines
        self.notebook = translation.source.endswith(".ipynb")
        self.translation = translation
        if self.notebook:
            self.locate = SourceLines(translation.file.text, cells(translation.file.notebook))
        else:
            self.headings = mdscan.headings(translation.file.body) if translation.file.text is not None else []
            masked = mdscan.mask("\n".join(english_lines))
            self.english_headings = mdscan.headings("\n".join(english_lines), masked)

    def describe(self, index: int) -> str:
        if self.notebook:
            for i in range(min(index, len(self.lines) - 1), -1, -1):
                match = _CELL_HEADER.match(self.lines[i])
                if match:
                    cell = int(match["number"]) - 1
                    return (f"in {match['label']} (English); in your translation {self.translation.shown}, "
                            f"the same cell starts on line {self.locate(cell)}:")
            return f"in {self.translation.shown}:"
        before = [(n, h) for n, h in enumerate(self.english_headings) if h.line <= index + 1]
        if not before:
            return f"before the first heading (English line {index + 1}); in your translation {self.translation.shown}, near the top:"
        number, heading = before[-1]
        theirs = f'in section "{heading.text}" (English line {index + 1})'
        if number < len(self.headings):
            ours = self.headings[number]
            line = ours.line + self.translation.file.body_line - 1
            return f'{theirs}; in your translation {self.translation.shown}: section "{ours.text}", line {line}:'
        return f"{theirs}; in your translation {self.translation.shown}:"
