"""Translation front matter: what a translated file says about the English text it was made from.

Every file under `translations/<lang>/` (but the language's own language.yml) carries:

    source: lessons/gan/index.md   # path under docs/ (a quiz: quiz/<id>.yml)
    source_blob: <40 hex>          # git blob id of that English file when it was translated
    translated: 2026-11-22

Markdown and YAML files carry it as a leading `---` block; notebooks carry it as
`metadata.translation` in the notebook JSON. Other keys are kept and passed on in `extra` (the
importer's `origin`) and passed on in `extra`. Errors name the file and line.

A native speaker's review is recorded beside them (`coursekit i18n review` writes it):

    reviewed: {by: Ana Novak, date: 2026-12-06, blob: <source_blob when reviewed>}

`blob` ties the review to the English text the reviewed translation followed: once the
translation is updated for a newer English text (stamped with another `source_blob`), the review
covers an earlier text, and status says "changed since review".
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from coursekit.translations.findings import TranslationError
from coursekit.translations.syntax import Map, line_of, parse_yaml

REQUIRED = ("source", "source_blob", "translated")
BLOB = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class TranslationMeta:
    source: str  # path under docs/ (or quiz/<id>.yml), POSIX style
    source_blob: str
    translated: dt.date
    line: int = 1  # where the front matter starts, for messages
    blob_line: int = 1  # the line of `source_blob`
    extra: dict = field(default_factory=dict, compare=False)  # any other keys, as written
    review: Review | None = None  # the native speaker's review, when there was one


@dataclass(frozen=True)
class Review:
    by: str
    date: dt.date
    blob: str  # the translation's source_blob when it was reviewed


def split_markdown(text: str, path: str = "<text>") -> tuple[dict, str, int]:
    """Split a leading `---` YAML block from Markdown or YAML text.
    Returns (meta, body, the body's first line); ({}, text, 1) when there is no block."""
    if not text.startswith("---"):
        return {}, text, 1
    lines = text.splitlines(keepends=True)
    if lines[0].strip() != "---":
        return {}, text, 1
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise TranslationError(path, 1, "front matter opened with '---' is never closed; add a closing '---' line")
    meta, found = parse_yaml("".join(lines[1:end]), path, first_line=2, what="YAML in the front matter")
    if found:
        raise TranslationError(path, found[0].line, found[0].message, found[0].detail)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise TranslationError(path, 2, "front matter must be a mapping of 'key: value' lines")
    return meta, "".join(lines[end + 1:]), end + 2


def check_meta(meta: dict, path: str, expected_source: str | None = None, first_line: int = 1, text: str = "") -> TranslationMeta:
    """Validate the three keys; `expected_source` is the path the file's location implies.
    Lines come from a Map's key lines, or for plain dicts (notebook JSON) from searching `text`."""
    key_line = (lambda key: line_of(meta, key)) if isinstance(meta, Map) else (lambda key: _json_key_line(text, key, after=first_line))
    for key in REQUIRED:
        if key not in meta:
            raise TranslationError(path, first_line, f"front matter lacks '{key}' (it needs {', '.join(REQUIRED)})")
    source = meta["source"]
    if not isinstance(source, str) or not source:
        raise TranslationError(path, key_line("source"), "'source' must be a path under docs/")
    if expected_source is not None and source != expected_source:
        raise TranslationError(path, key_line("source"),
                               f"'source' is {source!r} but this file translates {expected_source!r}; write source: {expected_source}")
    blob = str(meta["source_blob"])
    if not BLOB.fullmatch(blob):
        raise TranslationError(path, key_line("source_blob"),
                               f"'source_blob' {blob!r} is not a 40-hex git blob id (git hash-object docs/{source})")
    translated = meta["translated"]
    if isinstance(translated, str):
        try:
            translated = dt.date.fromisoformat(translated)
        except ValueError:
            translated = None
    if not isinstance(translated, dt.date) or isinstance(translated, dt.datetime):
        raise TranslationError(path, key_line("translated"), "'translated' must be a date like 2026-11-22")
    extra = {key: value for key, value in meta.items() if key not in REQUIRED}
    review = check_review(meta["reviewed"], path, key_line("reviewed")) if "reviewed" in meta else None
    return TranslationMeta(source, blob, translated, first_line, key_line("source_blob"), extra, review)


def check_review(value, path: str, line: int) -> Review:
    """The `reviewed:` mapping, validated (errors name the file and the line of `reviewed`)."""
    shape = "write reviewed: {by: NAME, date: YYYY-MM-DD, blob: <40-hex source_blob>} (`coursekit i18n review LANG PAGE --by NAME`)"
    if not isinstance(value, dict) or set(value) != {"by", "date", "blob"}:
        raise TranslationError(path, line, f"'reviewed' must have exactly by, date and blob; {shape}")
    by, date, blob = value["by"], _date(value["date"]), str(value["blob"])
    if not isinstance(by, str) or not by.strip():
        raise TranslationError(path, line, f"'reviewed.by' must be the reviewer's name; {shape}")
    if date is None:
        raise TranslationError(path, line, f"'reviewed.date' must be a date like 2026-12-06; {shape}")
    if not BLOB.fullmatch(blob):
        raise TranslationError(path, line, f"'reviewed.blob' {blob!r} is not a 40-hex git blob id; {shape}")
    return Review(by.strip(), date, blob)


def _date(value) -> dt.date | None:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def read_meta(text: str, path: str, suffix: str, notebook: object = None, expected_source: str | None = None) -> TranslationMeta:
    """The validated front matter of a translated file's text (a notebook: its parsed JSON)."""
    if suffix == ".ipynb":
        meta = notebook.get("metadata", {}).get("translation") if isinstance(notebook, dict) else None
        if not isinstance(meta, dict):
            raise TranslationError(path, 1, "notebook lacks metadata.translation {source, source_blob, translated}")
        return check_meta(meta, path, expected_source, _translation_line(text), text)
    meta, _, _ = split_markdown(text, path)
    if not meta:
        raise TranslationError(path, 1, "missing front matter: start the file with '---', source, source_blob, translated, '---' "
                                        "(`coursekit i18n new` writes it)")
    return check_meta(meta, path, expected_source)


def _translation_line(text: str) -> int:
    """The line of the notebook's `"translation"` metadata key: the last one (cells come first)."""
    found = [number for number, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith('"translation"')]
    return found[-1] if found else 1


def _json_key_line(text: str, key: str, after: int = 0) -> int:
    """The first line after line `after` where the JSON key `key` stands."""
    for number, line in enumerate(text.splitlines(), 1):
        if number > after and line.lstrip().startswith(f'"{key}"'):
            return number
    return max(after, 1)


def render_front_matter(source: str, source_blob: str, translated: dt.date, extra: dict | None = None) -> str:
    """The `---` block that starts a translated Markdown or YAML file (with its closing line)."""
    lines = ["---", f"source: {yaml_scalar(source)}", f"source_blob: {yaml_scalar(source_blob)}", f"translated: {translated.isoformat()}"]
    if extra:
        lines.append(yaml.safe_dump(extra, allow_unicode=True, sort_keys=False, width=1000).rstrip("\n"))
    return "\n".join(lines + ["---"]) + "\n"


def yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar that reads back as the same text: plain when it can be, quoted
    when it must be (a blob id of digits alone, such as the null id, would read as a number)."""
    try:
        if yaml.safe_load(value) == value and "\n" not in value:
            return value
    except yaml.YAMLError:
        pass
    return yaml.safe_dump(value, default_style='"').strip()
