"""Start a translation (`new`) and mark one as following today's English (`stamp`).

`new LANG PAGE` copies the English file to translations/<lang>/ with front matter naming today's
English blob: translate the copy in place. `stamp LANG PAGE` is for after updating a stale
translation (with `diff` as the guide): it sets `source_blob` to today's English blob and
`translated` to today, touching nothing else in the file.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import yaml

from coursekit.frontmatter import TranslationError, read_translation_meta, render_front_matter, split_markdown
from coursekit.gitblob import file_blob_id
from coursekit.atomic import write_text_atomic
from coursekit.i18n.site import I18nError, english_path, english_sources, is_quiz, translation_path


def _english(root: Path, source: str) -> Path:
    if source not in english_sources(root):
        raise I18nError(f"{source} is not a page this site translates (see `coursekit i18n status` for the list)")
    return english_path(root, source)


def new_translation(root: Path, lang: str, source: str, force: bool = False, today: dt.date | None = None) -> Path:
    """Copy the English `source` to translations/<lang>/ with front matter; returns the new file."""
    root = Path(root)
    english = _english(root, source)
    dest = translation_path(root, lang, source)
    if dest.exists() and not force:
        raise I18nError(f"{dest.relative_to(root).as_posix()} already exists; pass --force to start again from the English text")
    today = today or dt.date.today()
    blob = file_blob_id(english)
    text = english.read_text(encoding="utf-8")
    if english.suffix == ".ipynb":
        notebook = json.loads(text)
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") == "code":  # the site shows the English outputs (coursekit.notebooks)
                cell["outputs"], cell["execution_count"] = [], None
        notebook.setdefault("metadata", {})["translation"] = {"source": source, "source_blob": blob, "translated": today.isoformat()}
        result = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    elif is_quiz(source):
        result = render_front_matter(source, blob, today) + _quiz_skeleton(root, source)
    else:
        meta, body, _ = split_markdown(text, english)
        result = render_front_matter(source, blob, today, meta or None) + body
    try:
        write_text_atomic(dest, result, overwrite=force)
    except FileExistsError:
        raise I18nError(f"{dest.relative_to(root).as_posix()} already exists; pass --force to start again") from None
    return dest


def _quiz_skeleton(root: Path, source: str) -> str:
    """A quiz translation holds text per id and no answer key: the English text in that shape."""
    from coursekit.quiz.bank import english_text, load_quiz

    quiz, problems = load_quiz(english_path(root, source), root)
    if quiz is None:
        raise I18nError(f"{source} has errors ({problems[0] if problems else 'see coursekit quiz validate'}); fix the English quiz first")
    text = english_text(quiz)
    data: dict = {"title": text.title}
    if text.intro:
        data["intro"] = text.intro
    data["questions"] = {
        qid: {key: value for key, value in (("text", q.text), ("options", q.options or None), ("explanation", q.explanation)) if value}
        for qid, q in text.questions.items()
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def stamp_translation(root: Path, lang: str, source: str, today: dt.date | None = None) -> tuple[Path, bool]:
    """Record that the translation follows today's English. Returns (file, whether it changed)."""
    root = Path(root)
    english = _english(root, source)
    path = translation_path(root, lang, source)
    shown = path.relative_to(root).as_posix()
    if not path.is_file():
        raise I18nError(f"{shown} does not exist; start it with `coursekit i18n new {lang} {source}`")
    meta = read_translation_meta(path, expected_source=source)  # a broken file is reported, not rewritten
    blob, today = file_blob_id(english), today or dt.date.today()
    if meta.source_blob == blob:
        return path, False
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        notebook = json.loads(text)
        notebook["metadata"]["translation"].update(source_blob=blob, translated=today.isoformat())
        result = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    else:
        result = _restamp(text, blob, today, shown)
    write_text_atomic(path, result, overwrite=True)
    return path, True


def _restamp(text: str, blob: str, today: dt.date, shown: str) -> str:
    """Replace the two values inside the leading `---` block, keeping comments and order."""
    try:
        _, _, body_line = split_markdown(text, shown)
    except TranslationError as exc:
        raise I18nError(str(exc)) from None
    lines = text.splitlines(keepends=True)
    head = "".join(lines[: body_line - 1])
    for key, value in (("source_blob", blob), ("translated", today.isoformat())):
        head, count = re.subn(rf"(?m)^({key}\s*:\s*)[^\n#]*?(\s*(?:#[^\n]*)?)$", lambda m, v=value: m.group(1) + v + m.group(2), head, count=1)
        if not count:
            raise I18nError(f"{shown}:1: no '{key}:' line in the front matter to update")
    return head + "".join(lines[body_line - 1:])

