"""The glossary data and the Glossary page built from it."""
from __future__ import annotations

import shutil

import pytest

from conftest import LANGUAGES, ROOT, lang_prefix
from coursekit.glossary import glossary_page, load_glossary
from coursekit.strings import Strings
from coursekit.translations.findings import TranslationError
from coursekit.translations.layout import Layout
from coursekit.translations.repository import Repository

REPO = Repository(Layout.read(ROOT))
ENGLISH = ROOT / "docs" / "glossary.yml"


def scratch_repository(tmp_path):
    """A repository with the real mkdocs.yml, for glossary files written in the test."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return Repository(Layout.read(tmp_path))


def test_english_glossary_has_the_lesson_terms():
    terms = {t.term for t in load_glossary(REPO, ENGLISH).values()}
    for needed in ("generator", "discriminator", "latent vector", "mode collapse", "Gram matrix", "transposed convolution", "batch normalization"):
        assert needed in terms


def test_translated_page_shows_language_terms_and_english(tmp_path):
    english = load_glossary(REPO, ENGLISH)
    repo = scratch_repository(tmp_path)
    path = tmp_path / "glossary.yml"
    path.write_text(
        "---\nsource: glossary.yml\nsource_blob: " + "0" * 40 + "\ntranslated: 2026-11-22\n---\n"
        "terms:\n  generator:\n    term: generator\n    definition: Netværket, der laver eksempler.\n",
        encoding="utf-8",
    )
    page = glossary_page("da", english, load_glossary(repo, path), Strings(REPO))
    assert page.startswith("# Ordliste\n")
    assert "| **generator** | Netværket, der laver eksempler. | generator |" in page
    # A term the translation lacks is shown in English rather than dropped.
    assert f"| **mode collapse** | {english['mode-collapse'].definition} | mode collapse |" in page


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [("terms: [a, b]\n", 1, "'terms:' mapping"), ("terms:\n  x:\n    term: x\n", 2, "term 'x' needs"), ("terms: {\n", 1, "not valid YAML")],
)
def test_errors_name_file_and_line(tmp_path, body, line, words):
    repo = scratch_repository(tmp_path)
    path = tmp_path / "glossary.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(TranslationError) as caught:
        load_glossary(repo, path)
    assert str(caught.value).startswith(f"glossary.yml:{line}: ") and words in str(caught.value)


def test_glossary_page_in_every_language(built_site):
    for lang in LANGUAGES:
        html = (built_site / lang_prefix(lang) / "glossary" / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html and "<table>" in html
