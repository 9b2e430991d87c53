"""`coursekit i18n review LANG PAGE --by NAME`: record that a native speaker reviewed a translation.

The review goes into the translation's front matter (a notebook: `metadata.translation`), as
`reviewed: {by, date, blob}` (see coursekit.translations.frontmatter), tied to the English text
the translation follows. Only a fresh translation can be reviewed: a review of a text that no
longer follows the English would tell readers the page is better than it is.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import yaml

from coursekit.atomic import write_text_atomic
from coursekit.translations.findings import TranslationError, UserError
from coursekit.translations.frontmatter import split_markdown
from coursekit.translations.repository import FRESH, INVALID, ORPHANED, STALE, UNTRANSLATED, Repository

# A `reviewed:` entry in a front matter block: its line and any more-indented lines under it.
_REVIEWED = re.compile(r"(?m)^reviewed\s*:[^\n]*\n(?:[ \t]+[^\n]*\n)*")


def review_translation(repo: Repository, lang: str, source: str, by: str, today: dt.date | None = None) -> Path:
    """Stamp `reviewed` on the translation of `source` in `lang`; returns its path.
    Raises UserError (one line) for a missing, stale, untranslated or broken translation."""
    by = " ".join(by.split())
    shown = repo.layout.translation_rel(lang, source)
    if not by:
        raise UserError("--by needs the reviewer's name, such as --by \"Ana Novak\"")
    translation = repo.translation(lang, source)
    if translation is None:
        raise UserError(f"{shown} does not exist; there is nothing to review (`coursekit i18n new {lang} {source}` starts it)")
    if translation.state in (INVALID, ORPHANED):
        raise UserError(str(translation.problem.headline()))
    if translation.state == UNTRANSLATED:
        raise UserError(f"{shown} is still the English text; translate it before it is reviewed")
    if translation.state == STALE:
        raise UserError(f"{shown} is stale (the English page changed since it was translated): update it "
                        f"(`coursekit i18n diff {lang} {source}`), run `coursekit i18n stamp {lang} {source}`, then review it")
    assert translation.state == FRESH
    review = {"by": by, "date": (today or dt.date.today()).isoformat(), "blob": translation.meta.source_blob}
    text = translation.file.text
    if translation.path.suffix == ".ipynb":
        notebook = json.loads(text)
        notebook["metadata"]["translation"]["reviewed"] = review
        result = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    else:
        result = _with_review(text, review, shown)
    write_text_atomic(translation.path, result, overwrite=True)
    return translation.path


def _with_review(text: str, review: dict, shown: str) -> str:
    """`text` with one `reviewed:` line at the end of its front matter (replacing an earlier one)."""
    try:
        _, _, body_line = split_markdown(text, shown)
    except TranslationError as exc:
        raise UserError(str(exc)) from None
    lines = text.splitlines(keepends=True)
    head, closing = "".join(lines[: body_line - 2]), lines[body_line - 2]
    entry = yaml.safe_dump({"reviewed": review}, default_flow_style=True, allow_unicode=True, sort_keys=False, width=1000)[1:-2] + "\n"
    return _REVIEWED.sub("", head) + entry + closing + "".join(lines[body_line - 1:])
