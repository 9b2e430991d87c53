"""Translation front matter: what a translated file says about the English text it was made from.

Every file under `translations/<lang>/` carries:

    source: lessons/gan/index.md   # path under docs/
    source_blob: <40 hex>          # git blob id of that English file when it was translated
    translated: 2026-11-22

Markdown and YAML files carry it as a leading `---` block; notebooks carry it as
`metadata.translation` in the notebook JSON. Errors name the file and line.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

REQUIRED = ("source", "source_blob", "translated")
_BLOB = re.compile(r"[0-9a-f]{40}")


class TranslationError(ValueError):
    """A translation file is malformed; str() is `file:line: message`."""

    def __init__(self, path: Path | str, line: int, message: str):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{self.path}:{line}: {message}")


@dataclass(frozen=True)
class TranslationMeta:
    source: str  # path under docs/, POSIX style
    source_blob: str
    translated: dt.date
    line: int = 1  # where the front matter starts, for messages


def split_markdown(text: str, path: Path | str = "<text>") -> tuple[dict, str, int]:
    """Split a leading `---` YAML block from Markdown. Returns (meta, body, body's first line)."""
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
    try:
        meta = yaml.safe_load("".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        # An unclosed bracket is reported at the end of the block; the line that opened it
        # (the context) is the one to fix.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if getattr(exc, "context", None):
            problem = f"{exc.context}, {problem}"
        raise TranslationError(path, line, f"front matter is not valid YAML: {problem}") from None
    if not isinstance(meta, dict):
        raise TranslationError(path, 2, "front matter must be a mapping of 'key: value' lines")
    return meta, "".join(lines[end + 1 :]), end + 2


def _key_line(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*\"?{re.escape(key)}\"?\s*:", line):
            return number
    return 1


def check_meta(meta: dict, text: str, path: Path | str, expected_source: str | None = None) -> TranslationMeta:
    """Validate the three keys; `expected_source` is the path the file's location implies."""
    for key in REQUIRED:
        if key not in meta:
            raise TranslationError(path, 1, f"front matter lacks '{key}' (needs {', '.join(REQUIRED)})")
    source = meta["source"]
    if not isinstance(source, str) or not source:
        raise TranslationError(path, _key_line(text, "source"), "'source' must be a path under docs/")
    if expected_source is not None and source != expected_source:
        raise TranslationError(
            path, _key_line(text, "source"), f"'source' is {source!r} but this file translates {expected_source!r}"
        )
    blob = str(meta["source_blob"])
    if not _BLOB.fullmatch(blob):
        raise TranslationError(
            path, _key_line(text, "source_blob"), f"'source_blob' {blob!r} is not a 40-hex git blob id (git hash-object docs/{source})"
        )
    translated = meta["translated"]
    if isinstance(translated, str):
        try:
            translated = dt.date.fromisoformat(translated)
        except ValueError:
            translated = None
    if not isinstance(translated, dt.date):
        raise TranslationError(path, _key_line(text, "translated"), "'translated' must be a date like 2026-11-22")
    return TranslationMeta(source=source, source_blob=blob, translated=translated)


def read_translation_meta(path: Path, expected_source: str | None = None) -> TranslationMeta:
    """Read and validate the front matter of a translated Markdown, YAML or notebook file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TranslationError(path, 1, f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    if path.suffix == ".ipynb":
        try:
            notebook = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TranslationError(path, exc.lineno, f"notebook is not valid JSON: {exc.msg}") from None
        meta = notebook.get("metadata", {}).get("translation")
        if not isinstance(meta, dict):
            raise TranslationError(path, 1, "notebook lacks metadata.translation {source, source_blob, translated}")
        return check_meta(meta, text, path, expected_source)
    meta, _, _ = split_markdown(text, path)
    if not meta:
        raise TranslationError(path, 1, "missing front matter: start the file with '---', source, source_blob, translated, '---'")
    return check_meta(meta, text, path, expected_source)



def render_front_matter(source: str, source_blob: str, translated: dt.date, extra: dict | None = None) -> str:
    """The `---` block that starts a translated Markdown or YAML file (with its closing line)."""
    lines = ["---", f"source: {_text(source)}", f"source_blob: {_text(source_blob)}", f"translated: {translated.isoformat()}"]
    if extra:
        lines.append(yaml.safe_dump(extra, allow_unicode=True, sort_keys=False, width=1000).rstrip("\n"))
    return "\n".join(lines + ["---"]) + "\n"


def _text(value: str) -> str:
    """`value` as a YAML scalar that reads back as the same text: plain when it can be, quoted
    when it must be (a blob id of digits alone, such as the null id, would read as a number)."""
    try:
        if yaml.safe_load(value) == value and "\n" not in value:
            return value
    except yaml.YAMLError:
        pass
    return yaml.safe_dump(value, default_style='"').strip()
