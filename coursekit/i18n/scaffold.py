"""Start a translation (`new`) and mark one as following today's English (`stamp`).

`new LANG PAGE` copies the English file to translations/<lang>/ with front matter naming today's
English blob (a quiz gets its texts in the translation's shape): translate the copy in place.
Until its text differs from the English, status calls it `untranslated`.

`stamp LANG PAGE` is for after updating a stale translation (with `diff` as the guide): it sets
`source_blob` to today's English blob and `translated` to today, touching nothing else. It
refuses, unless `force`, a file that still holds the English text or that has not been edited
since the English text changed: stamping is the translator's word that the text was updated.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.atomic import write_text_atomic
from coursekit.kinds import Kinds
from coursekit.translations.findings import TranslationError, UserError
from coursekit.translations.frontmatter import render_front_matter, split_markdown
from coursekit.translations.git import GitError
from coursekit.translations.repository import FRESH, INVALID, ORPHANED, UNTRANSLATED, Repository


def _english(repo: Repository, source: str) -> Path:
    if source not in repo.english_sources:
        raise UserError(f"{source} is not a page this site translates (see `coursekit i18n status` for the list)")
    return repo.layout.english_path(source)


def new_translation(repo: Repository, lang: str, source: str, force: bool = False, today: dt.date | None = None) -> Path:
    """Copy the English `source` to translations/<lang>/ with front matter; returns the new file."""
    english = _english(repo, source)
    dest = repo.layout.translation_path(lang, source)
    shown = repo.layout.shown(dest)
    if dest.exists() and not force:
        raise UserError(f"{shown} already exists; pass --force to start again from the English text")
    today = today or dt.date.today()
    file = repo.english(source)
    if english.suffix == ".ipynb":
        notebook = json.loads(file.text)
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") == "code":  # the site shows the English outputs (coursekit.notebooks)
                cell["outputs"], cell["execution_count"] = [], None
        notebook.setdefault("metadata", {})["translation"] = {"source": source, "source_blob": file.blob, "translated": today.isoformat()}
        result = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    else:
        skeleton = Kinds(repo).skeleton(source)
        if skeleton is not None:
            result = render_front_matter(source, file.blob, today) + skeleton
        else:
            meta, body, _ = split_markdown(file.text, file.shown)
            result = render_front_matter(source, file.blob, today, meta or None) + body
    try:
        write_text_atomic(dest, result, overwrite=force)
    except FileExistsError:
        raise UserError(f"{shown} already exists; pass --force to start again") from None
    return dest


@dataclass
class Stamped:
    path: Path
    changed: bool  # False: it already followed today's English
    notes: list[str] = field(default_factory=list)  # warnings worth reading


def stamp_translation(repo: Repository, lang: str, source: str, today: dt.date | None = None, force: bool = False) -> Stamped:
    """Record that the translation follows today's English."""
    english = _english(repo, source)
    layout = repo.layout
    translation = repo.translation(lang, source)
    shown = layout.translation_rel(lang, source)
    if translation is None:
        raise UserError(f"{shown} does not exist; start it with `coursekit i18n new {lang} {source}`")
    if translation.state in (INVALID, ORPHANED):
        raise UserError(str(translation.problem.headline()))  # a broken file is reported, not rewritten
    blob, today = repo.english(source).blob, today or dt.date.today()
    if translation.meta.source_blob == blob:
        return Stamped(translation.path, False)
    notes = []
    if not force:
        if translation.state == UNTRANSLATED:
            raise UserError(f"{shown} is still the English text; translate it first (or pass --force to stamp it anyway)")
        reason = _not_updated(repo, translation, layout.english_rel(source), layout.translation_rel(lang, source))
        if reason:
            raise UserError(f"{shown} {reason}: update it first with `coursekit i18n diff {lang} {source}` as your guide "
                            "(or pass --force if it needs no change)")
    try:
        if repo.history.uncommitted(layout.english_rel(source)):
            notes.append(f"warning: {layout.english_rel(source)} has changes that are not committed; commit them with this "
                         "translation, or the next translator's `diff` cannot find the text you translated")
    except GitError:
        pass
    text = translation.file.text
    if english.suffix == ".ipynb":
        notebook = json.loads(text)
        notebook["metadata"]["translation"].update(source_blob=blob, translated=today.isoformat())
        result = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    else:
        result = _restamp(text, blob, today, shown)
    write_text_atomic(translation.path, result, overwrite=True)
    return Stamped(translation.path, True, notes)


def _not_updated(repo: Repository, translation, english_rel: str, translation_rel: str) -> str | None:
    """Why the translation looks untouched since the English changed, or None when it was edited
    (uncommitted changes, or a commit after the English change) or git cannot tell."""
    if translation.state == FRESH:
        return None  # only the notebook's outputs changed: nothing to translate
    history = repo.history
    try:
        if history.uncommitted(translation_rel):
            return None
        english_change = history.changed_away(english_rel, translation.meta.source_blob)
        if english_change is None:
            return "has not changed since the English text changed (the English change is not committed yet)"
        translated = history.last_commit(translation_rel)
        if translated is not None and history.contains(translated, english_change):
            return None
    except GitError:
        return None
    return "has not changed since the English text changed"


def _restamp(text: str, blob: str, today: dt.date, shown: str) -> str:
    """Replace the two values inside the leading `---` block, keeping comments and order."""
    try:
        _, _, body_line = split_markdown(text, shown)
    except TranslationError as exc:
        raise UserError(str(exc)) from None
    lines = text.splitlines(keepends=True)
    head = "".join(lines[: body_line - 1])
    for key, value in (("source_blob", blob), ("translated", today.isoformat())):
        head, count = re.subn(rf"(?m)^({key}\s*:\s*)[^\n#]*?(\s*(?:#[^\n]*)?)$", lambda m, v=value: m.group(1) + v + m.group(2), head, count=1)
        if not count:
            raise UserError(f"{shown}:1: no '{key}:' line in the front matter to update")
    return head + "".join(lines[body_line - 1:])
