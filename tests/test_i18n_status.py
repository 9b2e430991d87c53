"""Translation status and English diffs on a temporary git repository with history."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from coursekit.cli import main
from coursekit.i18n import diff
from coursekit.i18n.diff import NoEarlierText
from coursekit.strings import Strings
from coursekit.translations.findings import UserError
from coursekit.translations.layout import Layout
from coursekit.translations.status import FRESH, INVALID, MISSING, ORPHANED, STALE, render_markdown, render_page
from i18n_site import LESSON, NOTEBOOK_CELLS, collect, commit, front_matter, git, make_site, notebook, repo, translate, write


def english_diff(root, lang, source, **options):
    return diff.english_diff(repo(root), lang, source, **options)


def is_stale(root, lang, source):
    """(stale?, front matter) of a translation, as the page banners see it; (False, None) without one."""
    translation = repo(root).translation(lang, source)
    return (False, None) if translation is None else (translation.stale, translation.meta)

DANISH_LESSON = "# Generative adversarielle netværk\n\nEn generator og en diskriminator.\n"


@pytest.fixture
def site(tmp_path):
    root = make_site(tmp_path)
    translate(root, "da", "lessons/gan/index.md", DANISH_LESSON)
    translate(root, "da", "index.md", "# Forside\n")
    translate(root, "de", "quiz/gan-pre.yml", "title: Vor der Lektion\n", english_rel="quiz/gan-pre.yml")
    nb_meta = {"source": "notebooks/first-look.ipynb", "source_blob": git(root, "hash-object", "docs/notebooks/first-look.ipynb").strip(),
               "translated": "2026-11-22"}
    swedish = [("markdown", "# En första titt\n\nEn generator gör brus till bilder.\n"), NOTEBOOK_CELLS[1]]
    write(root, "translations/sv/notebooks/first-look.ipynb", notebook(swedish, nb_meta))
    commit(root, "Translations")
    return root


def rows_by(rows):
    return {(row.lang, row.source): row for row in rows}


def edit_lesson(root):
    """Change the English lesson: one line replaced, two added."""
    text = LESSON.replace("Train the discriminator, then the generator.", "Train the discriminator first, then the generator.")
    write(root, "docs/lessons/gan/index.md", text + "\n## Further reading\n")
    commit(root, "Lesson: training order, reading list")


def test_languages_come_from_mkdocs_yml_despite_python_tags(site):
    langs = Layout.read(site).languages
    assert [lang.locale for lang in langs] == ["en", "da", "sv", "nl", "de", "sl"]
    assert [lang.locale for lang in langs if lang.default] == ["en"]
    assert langs[-1].name == "Slovenščina"


def test_tracked_pages(site):
    assert Layout.read(site).english_sources() == [
        "assets/diagrams/labels.yml", "glossary.yml", "index.md", "lessons/gan/index.md",
        "notebooks/first-look.ipynb", "notebooks/gan-pytorch.ipynb", "quiz/gan-post.yml", "quiz/gan-pre.yml",
    ]


def test_fresh_missing_and_quiz_rows(site):
    rows = rows_by(collect(site))
    assert rows[("da", "lessons/gan/index.md")].state == FRESH
    assert rows[("de", "quiz/gan-pre.yml")].state == FRESH
    assert rows[("sv", "notebooks/first-look.ipynb")].state == FRESH
    assert rows[("nl", "lessons/gan/index.md")].state == MISSING
    assert rows[("da", "lessons/gan/index.md")].translated == "2026-11-22"
    assert len(rows) == 5 * 8  # every language x every page


def test_the_default_language_has_no_row(site):
    """The plugin may pass every site language; English is the source, not a translation."""
    assert {row.lang for row in collect(site, ["en", "da"])} == {"da"}


def test_stale_counts_changed_english_lines(site):
    edit_lesson(site)
    row = rows_by(collect(site))[("da", "lessons/gan/index.md")]
    assert row.state == STALE
    # one line replaced (1 removed, 1 added), a blank line and a heading added
    assert (row.added, row.removed) == (3, 1)
    assert rows_by(collect(site))[("da", "index.md")].state == FRESH


def test_stale_notebook_counts_cell_text_not_json(site):
    cells = [NOTEBOOK_CELLS[0], ("code", "import torch\nz = torch.randn(8, 100)\n")]
    write(site, "docs/notebooks/first-look.ipynb", notebook(cells))
    commit(site, "Notebook: smaller batch")
    row = rows_by(collect(site))[("sv", "notebooks/first-look.ipynb")]
    assert row.state == STALE and (row.added, row.removed) == (1, 1)


def test_a_rerendered_notebook_keeps_its_translations_fresh(site):
    english = site / "docs/notebooks/first-look.ipynb"
    nb = json.loads(english.read_text())
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["tensor([...])\n"]}]
    nb["cells"][1]["execution_count"] = 1
    nb["metadata"]["ganlib_render"] = {"mode": "cpu"}
    english.write_text(json.dumps(nb, indent=1))
    commit(site, "Notebook: rendered")
    row = rows_by(collect(site))[("sv", "notebooks/first-look.ipynb")]
    assert row.state == FRESH, "outputs, execution counts and metadata are not the translator's business"
    assert is_stale(site, "sv", "notebooks/first-look.ipynb")[0] is False
    assert english_diff(site, "sv", "notebooks/first-look.ipynb").fresh
    nb["cells"][0]["source"] = ["# A first look\n", "\n", "A generator turns noise into pictures.\n"]
    english.write_text(json.dumps(nb, indent=1))
    commit(site, "Notebook: wording")
    row = rows_by(collect(site))[("sv", "notebooks/first-look.ipynb")]
    assert row.state == STALE and (row.added, row.removed) == (1, 1)


def test_orphaned_and_invalid(site):
    write(site, "translations/da/lessons/old.md", front_matter(site, "index.md").replace("index.md", "lessons/old.md") + "x\n")
    write(site, "translations/sl/index.md", "---\nsource: index.md\nsource_blob: nope\ntranslated: 2026-11-22\n---\n# Domov\n")
    rows = rows_by(collect(site))
    assert rows[("da", "lessons/old.md")].state == ORPHANED
    invalid = rows[("sl", "index.md")]
    assert invalid.state == INVALID
    assert invalid.detail.startswith("translations/sl/index.md:3: 'source_blob' 'nope'")


def test_stale_without_history_has_unknown_counts(site):
    path = site / "translations/da/index.md"
    path.write_text(path.read_text().replace(path.read_text().split("source_blob: ")[1][:40], "1" * 39 + "a"), encoding="utf-8")
    row = rows_by(collect(site))[("da", "index.md")]
    assert row.state == STALE and row.changed is None and "not in git history" in row.detail


def test_is_stale_for_banners(site):
    assert is_stale(site, "da", "lessons/gan/index.md")[0] is False
    assert is_stale(site, "nl", "lessons/gan/index.md") == (False, None)
    edit_lesson(site)
    stale, meta = is_stale(site, "da", "lessons/gan/index.md")
    assert stale and meta.translated.isoformat() == "2026-11-22"


def test_diff_shows_the_english_changes_since_translation(site):
    edit_lesson(site)
    result = english_diff(site, "da", "lessons/gan/index.md")
    assert not result.fresh and (result.added, result.removed) == (3, 1)
    lines = result.text.splitlines()
    assert lines[0].startswith("--- docs/lessons/gan/index.md @ ")
    # Each change under the English section it is in, with the place to look in the translation.
    assert 'in section "Training" (English line 17); in your translation translations/da/lessons/gan/index.md:' in lines
    assert "  - Train the discriminator, then the generator. See [the game](#game) and the" in lines
    assert "  + Train the discriminator first, then the generator. See [the game](#game) and the" in lines
    assert "  words: Train the discriminator {+first+}, then the generator. See [the game](#game) and the" in lines
    assert "  + ## Further reading" in lines


def test_diff_names_the_translated_section_and_its_line(site):
    english = LESSON + "\nA closing line.\n"
    danish = "# GAN\n\nTekst.\n\n## To netværk, ét spil {#game}\n\nMere.\n\n## Træning\n\nTræn.\n"
    path = translate(site, "da", "lessons/gan/index.md", danish)
    commit(site, "Danish with the English sections")
    write(site, "docs/lessons/gan/index.md", english.replace("python -m ganlib train --epochs 5", "python -m ganlib train --epochs 10"))
    commit(site, "English: more epochs")
    text = english_diff(site, "da", "lessons/gan/index.md").text
    training = next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line == "## Træning")
    assert f'in section "Training" (English line 21); in your translation translations/da/lessons/gan/index.md: section "Træning", line {training}:' in text
    assert "  words: python -m ganlib train --epochs [-5-]{+10+}" in text
    unified = english_diff(site, "da", "lessons/gan/index.md", unified=True).text
    assert "-python -m ganlib train --epochs 5" in unified.splitlines() and "@@" in unified


def test_diff_of_a_fresh_translation_is_empty(site):
    result = english_diff(site, "da", "lessons/gan/index.md")
    assert result.fresh and result.text == ""


def test_diff_when_the_old_blob_is_not_in_history(site):
    path = site / "translations/da/index.md"
    text = path.read_text()
    blob = text.split("source_blob: ")[1][:40]
    path.write_text(text.replace(blob, "ab" * 20), encoding="utf-8")
    with pytest.raises(NoEarlierText, match=r"^translations/da/index.md:3: .*not in this repository's history.*git fetch --unshallow"):
        english_diff(site, "da", "index.md")


def test_diff_of_a_missing_translation(site):
    with pytest.raises(UserError, match="no nl translation of lessons/gan/index.md yet"):
        english_diff(site, "nl", "lessons/gan/index.md")


def test_page_argument_forms(site):
    for given in ("lessons/gan/index.md", "docs/lessons/gan/index.md", "translations/da/lessons/gan/index.md", "./docs/lessons/gan/index.md"):
        assert Layout.read(site).page_argument("da", given) == "lessons/gan/index.md"
    assert Layout.read(site).page_argument("de", "quiz/gan-pre.yml") == "quiz/gan-pre.yml"


def test_render_markdown_in_danish(site):
    for lang in ("da", "sl"):  # the real words of the status page in these languages
        write(site, f"translations/{lang}/language.yml", (ROOT / "translations" / lang / "language.yml").read_text(encoding="utf-8"))
    edit_lesson(site)
    strings = Strings(repo(site))
    table = render_markdown(collect(site, ["da", "de"]), "da", strings, {"da": "Dansk", "de": "Deutsch"})
    lines = table.splitlines()
    assert lines[0] == "| Side | Dansk | Deutsch |"
    assert "| `lessons/gan/index.md` | forældet (ændrede engelske linjer: 4); ikke gennemgået | ikke oversat |" in lines
    assert "| `quiz/gan-pre.yml` | ikke oversat | ajour; ikke gennemgået |" in lines
    assert lines[-1].startswith("| **Ord at gennemgå** |")
    assert render_page(collect(site, ["da"]), "sl", strings).startswith("# Stanje prevodov\n")


def test_cli_status_json_and_strict(site, capsys):
    assert main(["i18n", "status", "--root", str(site), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    states = {(row["lang"], row["source"]): row["state"] for row in data["rows"]}
    assert states[("da", "lessons/gan/index.md")] == "fresh"
    assert data["summary"]["da"]["fresh"] == 2
    assert main(["i18n", "status", "--root", str(site), "--strict"]) == 1  # pages are missing
    capsys.readouterr()
    assert main(["i18n", "status", "--root", str(site), "--lang", "xx"]) == 2
    assert capsys.readouterr().err.strip() == ("coursekit: error: unknown language 'xx'; this site translates into da, sv, nl, de, sl "
                                               "(mkdocs.yml; to add one, run `coursekit i18n add-language xx --name NAME`)")


def test_cli_diff_exit_codes(site, capsys, monkeypatch):
    monkeypatch.chdir(site)
    edit_lesson(site)
    assert main(["i18n", "diff", "da", "docs/lessons/gan/index.md"]) == 0
    out = capsys.readouterr()
    assert "  + ## Further reading" in out.out and "3 line(s) added, 1 removed" in out.err
    path = site / "translations/da/index.md"
    path.write_text(path.read_text().replace(path.read_text().split("source_blob: ")[1][:40], "cd" * 20), encoding="utf-8")
    assert main(["i18n", "diff", "da", "index.md"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("coursekit: error: translations/da/index.md:3:")


def test_status_outside_a_git_checkout_still_reports_staleness(tmp_path):
    root = make_site(tmp_path, with_git=False)
    translate(root, "da", "index.md", "# Forside\n")
    write(root, "docs/index.md", "# Home, changed\n")
    row = rows_by(collect(root))[("da", "index.md")]
    assert row.state == STALE and row.changed is None and "not a git repository" in row.detail


def test_status_text_has_a_legend_and_the_next_step_for_each_page(site, capsys):
    edit_lesson(site)
    assert main(["i18n", "status", "--root", str(site), "--lang", "da"]) == 0
    out = capsys.readouterr().out
    assert "stale: 4 lines" in out
    assert "glossary.yml (the glossary)" in out and "assets/diagrams/labels.yml (the words in the diagrams)" in out
    legend = out.split("legend:\n", 1)[1].split("\n\n", 1)[0]
    assert "stale" in legend and "missing" in legend and "coursekit i18n new LANG PAGE" in legend
    assert ("  translations/da/lessons/gan/index.md: stale: coursekit i18n diff da lessons/gan/index.md   "
            "(then update translations/da/lessons/gan/index.md and run coursekit i18n stamp da lessons/gan/index.md)") in out
    assert "  translations/da/glossary.yml: missing: coursekit i18n new da glossary.yml" in out


def test_markdown_summary_gives_web_editors_the_blob_to_write(site, capsys):
    edit_lesson(site)
    assert main(["i18n", "status", "--root", str(site), "--lang", "da", "--markdown"]) == 0
    blob = git(site, "hash-object", "docs/lessons/gan/index.md").strip()
    assert f"set `source_blob: {blob}`" in capsys.readouterr().out
