"""The glossary: key terms and definitions per language, shown as a Glossary page in each.

English: docs/glossary.yml (`terms: {id: {term, definition}}`). A translation,
translations/<lang>/glossary.yml, starts with the usual front matter block and then gives the
same ids with the language's term and definition.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from coursekit.frontmatter import TranslationError, split_markdown
from coursekit.strings import ui


@dataclass(frozen=True)
class Term:
    term: str
    definition: str


def load_glossary(path: Path) -> dict[str, Term]:
    """Terms by id, in file order. Errors name the file and line."""
    text = Path(path).read_text(encoding="utf-8")
    _, body, first_line = split_markdown(text, path)
    try:
        data = yaml.safe_load(body) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TranslationError(path, first_line + (mark.line if mark else 0), f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, dict):
        raise TranslationError(path, first_line, "expected a 'terms:' mapping of id -> {term, definition}")
    glossary = {}
    for term_id, entry in terms.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("term"), str) and isinstance(entry.get("definition"), str)):
            line = first_line + _line_of(body, f"{term_id}:")
            raise TranslationError(path, line, f"term '{term_id}' needs a 'term' and a 'definition' (both text)")
        glossary[term_id] = Term(entry["term"].strip(), " ".join(entry["definition"].split()))
    return glossary


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines()):
        if line.strip().startswith(needle):
            return number
    return 0


def glossary_page(lang: str, english: dict[str, Term], translated: dict[str, Term] | None) -> str:
    """The Glossary page in `lang`: a table of the language's terms, definitions and English terms."""
    lines = [f"# {ui(lang, 'glossary_title')}", "", ui(lang, "glossary_intro"), ""]
    header = [ui(lang, "glossary_term"), ui(lang, "glossary_definition")]
    if lang != "en":
        header.append(ui(lang, "glossary_english"))
    lines += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for term_id, source in english.items():
        entry = (translated or {}).get(term_id, source)
        row = [f"**{entry.term}**", entry.definition]
        if lang != "en":
            row.append(source.term)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines) + "\n"
