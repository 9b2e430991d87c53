"""The glossary: key terms and definitions per language, shown as a Glossary page in each.

English: docs/glossary.yml (`terms: {id: {term, definition}}`). A translation,
translations/<lang>/glossary.yml, starts with the usual front matter block and then gives the
same ids with the language's term and definition.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coursekit.translations.findings import TranslationError
from coursekit.translations.layout import GLOSSARY, suffixed
from coursekit.translations.repository import Repository
from coursekit.translations.syntax import line_of


@dataclass(frozen=True)
class Term:
    term: str
    definition: str


def load_glossary(repo: Repository, path: Path) -> dict[str, Term]:
    """Terms by id, in file order. Raises TranslationError (file:line) for a malformed file."""
    data, problems = repo.yaml_body(path)
    shown = repo.layout.shown(path)
    if problems:
        raise TranslationError(shown, problems[0].line, problems[0].message, problems[0].detail)
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, dict):
        raise TranslationError(shown, repo.source_file(path).body_line, "expected a 'terms:' mapping of id -> {term, definition}")
    glossary = {}
    for term_id, entry in terms.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("term"), str) and isinstance(entry.get("definition"), str)):
            raise TranslationError(shown, line_of(terms, term_id), f"term '{term_id}' needs a 'term' and a 'definition' (both text)")
        glossary[term_id] = Term(entry["term"].strip(), " ".join(entry["definition"].split()))
    return glossary


def check(repo: Repository, path: Path) -> list[tuple[int, str]]:
    """(line, message) for a translated glossary: it loads, and names only English ids."""
    try:
        english = load_glossary(repo, repo.layout.english_path(GLOSSARY))
        translated = load_glossary(repo, path)
    except TranslationError as exc:
        return [(exc.line, exc.message)] if exc.path == repo.layout.shown(path) else []
    data, _ = repo.yaml_body(path)
    return [(line_of(data["terms"], term_id), f"term '{term_id}' is not in the English glossary ({', '.join(english)})")
            for term_id in translated if term_id not in english]


def term_pairs(repo: Repository, lang: str) -> list[tuple[str, str]]:
    """(English term, the language's term) for every term both glossaries have; [] when either is broken."""
    english_file, translated_file = repo.layout.english_path(GLOSSARY), repo.layout.translation_path(lang, GLOSSARY)
    if not (english_file.is_file() and translated_file.is_file()):
        return []
    try:
        english, translated = load_glossary(repo, english_file), load_glossary(repo, translated_file)
    except TranslationError:
        return []  # reported when that file itself is checked
    return [(english[key].term, translated[key].term) for key in english if key in translated]


def glossary_page(lang: str, english: dict[str, Term], translated: dict[str, Term] | None, strings) -> str:
    """The Glossary page in `lang`: a table of the language's terms, definitions and English terms."""
    ui = lambda key: strings.ui("site", lang, key)  # noqa: E731
    lines = [f"# {ui('glossary_title')}", "", ui("glossary_intro"), ""]
    header = [ui("glossary_term"), ui("glossary_definition")]
    if lang != strings.default:
        header.append(ui("glossary_english"))
    lines += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for term_id, source in english.items():
        entry = (translated or {}).get(term_id, source)
        row = [f"**{entry.term}**", entry.definition]
        if len(header) == 3:
            row.append(source.term)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines) + "\n"


def pages(site) -> dict[str, str]:
    """The Glossary page in every language (page provider for the plugin; see coursekit.site)."""
    repo, layout = site.repo, site.repo.layout
    english_file = layout.english_path(GLOSSARY)
    if not english_file.is_file():
        return {}
    english = load_glossary(repo, english_file)
    found = {"glossary.md": glossary_page(layout.default_language, english, None, site.strings)}
    for lang in layout.translated:
        translation = repo.translation(lang, GLOSSARY)
        translated = load_glossary(repo, translation.path) if translation is not None and translation.meta is not None else None
        found[suffixed("glossary.md", lang)] = glossary_page(lang, english, translated, site.strings)
    return found
