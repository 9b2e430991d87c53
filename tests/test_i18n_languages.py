"""`coursekit i18n add-language`: a new language's mkdocs.yml block and language file, and what
"in progress" means for the checks."""
from __future__ import annotations

import shutil

import pytest
import yaml

from conftest import ROOT
from coursekit.cli import main
from coursekit.lint import lint
from coursekit.strings import COMPONENTS, Strings, english
from coursekit.translations.findings import WARNING
from coursekit.translations.layout import Layout
from coursekit.translations.repository import Repository
from i18n_site import NOTEBOOK_CELLS, commit, git, make_site, notebook, translate, write


@pytest.fixture
def project(tmp_path):
    """The real mkdocs.yml and language files, in a repository of their own."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    for path in ROOT.glob("translations/*/language.yml"):
        write(tmp_path, path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
    return tmp_path


def nav_titles(nav) -> list[str]:
    found = []
    for entry in nav:
        for title, value in entry.items():
            found.append(title)
            if isinstance(value, list):
                found += nav_titles(value)
    return found


def test_add_language_writes_the_block_and_the_language_file(project, capsys):
    before = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert main(["i18n", "add-language", "nb", "--name", "Norsk bokmål", "--decimal-mark", ",", "--root", str(project)]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == ["wrote mkdocs.yml", "wrote translations/nb/language.yml"]
    assert "coursekit i18n new nb PAGE" in out.err and "languages_in_progress" in out.err
    after = (project / "mkdocs.yml").read_text(encoding="utf-8")
    # Only lines added (comments and layout kept), and the result is what MkDocs and the model read.
    bare = ["  - coursekit"] if "  - coursekit" in before.splitlines() else []  # a bare entry becomes a mapping
    assert [line for line in before.splitlines() if line not in after.splitlines()] == bare
    layout = Layout.read(project)
    assert layout.locales[-1] == "nb" and layout.names["nb"] == "Norsk bokmål"
    assert "nb" not in layout.complete and layout.complete == ["da", "sv", "nl", "de", "sl"]
    config = layout.mkdocs_config
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    block = next(lang for lang in i18n["languages"] if lang["locale"] == "nb")
    assert block["build"] is True and set(block["nav_translations"]) == set(nav_titles(config["nav"]))
    strings = Strings(Repository(layout))
    assert strings.decimal_mark("nb") == ","
    # Every key of every component is there to translate; until it is, the site shows English.
    text = (project / "translations" / "nb" / "language.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for component in COMPONENTS:
        assert set(data[component]) == set(english(component)) and all(value is None for value in data[component].values())
    assert "# Not translated yet\n  untranslated_title:\n" in text
    assert strings.ui("site", "nb", "untranslated_title") == english("site")["untranslated_title"]
    findings = lint(Repository(layout))
    assert [(f.path, f.severity) for f in findings] == [("translations/nb/language.yml", WARNING)]
    assert f"{sum(len(english(c)) for c in COMPONENTS)} interface string(s) not translated yet" in findings[0].message


@pytest.mark.parametrize("args, message", [
    (["da", "--name", "Dansk"], "da is already a language of this site"),
    (["Norwegian", "--name", "Norsk"], "'Norwegian' is not a language code"),
])
def test_add_language_refusals(project, capsys, args, message):
    before = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert main(["i18n", "add-language", *args, "--root", str(project)]) == 2
    assert message in capsys.readouterr().err
    assert (project / "mkdocs.yml").read_text(encoding="utf-8") == before


def test_language_file_mistakes_are_errors_with_the_near_miss(project):
    path = project / "translations" / "de" / "language.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  stale_title:", "  stale_titel:").replace("[Zur aktuellen englischen Seite]({english_url})", "[Zur aktuellen englischen Seite]({englisch_url})")
    path.write_text(text, encoding="utf-8")
    messages = [f.message for f in lint(Repository(Layout.read(project)))]
    assert "site: unknown key 'stale_titel' (did you mean 'stale_title'?)" in messages
    assert any(m.startswith("site.stale_body has the placeholders {date}, {englisch_url}, {help_url} where the English has {date}, {english_url}, {help_url}") for m in messages)


def test_release_check_leaves_languages_in_progress_out(tmp_path, capsys):
    """`status --strict` (run where the site is released) fails on a complete language that is not
    fresh, but not on a language in progress, which may lack every page."""
    root = make_site(tmp_path)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("plugins:\n  - search\n", "plugins:\n  - search\n  - coursekit\n")
    write(root, "mkdocs.yml", text)
    for lang in ("da", "sv", "nl", "de", "sl"):
        for source in Layout.read(root).english_sources():
            if source.endswith(".ipynb"):
                meta = {"source": source, "source_blob": git(root, "hash-object", f"docs/{source}").strip(), "translated": "2026-11-22"}
                write(root, f"translations/{lang}/{source}", notebook([("markdown", "# Oversat\n"), NOTEBOOK_CELLS[1]], meta))
            else:
                translate(root, lang, source, "# Oversat\n" if source.endswith(".md") else "",
                          english_rel=source if source.startswith("quiz/") else None)
    commit(root, "all translated")
    assert main(["i18n", "add-language", "nb", "--name", "Norsk bokmål", "--root", str(root)]) == 0
    capsys.readouterr()
    assert main(["i18n", "status", "--strict", "--root", str(root)]) == 0, capsys.readouterr().err
    write(root, "docs/index.md", "# Home, changed\n")
    git(root, "commit", "-qam", "English changed")
    assert main(["i18n", "status", "--strict", "--root", str(root)]) == 1
    assert "5 page(s) not fresh in languages that are not in progress" in capsys.readouterr().err
