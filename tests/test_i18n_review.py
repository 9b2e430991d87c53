"""A native speaker's review of a translation: front matter, `coursekit i18n review`, status and words."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from coursekit.cli import main
from coursekit.i18n.review import review_translation
from coursekit.strings import Strings
from coursekit.translations.findings import TranslationError, UserError
from coursekit.translations.repository import CHANGED_SINCE_REVIEW, REVIEWED, UNREVIEWED
from coursekit.translations.status import count_words, render_markdown, render_text, words_by_language
from i18n_site import LESSON, NOTEBOOK_CELLS, collect, commit, git, make_site, notebook, read_translation_meta, repo, translate, write

DANISH_LESSON = "# Generative adversarielle netværk\n\nEn generator og en diskriminator.\n\n```python\nimport torch\n```\n"
DAY = dt.date(2026, 12, 6)


@pytest.fixture
def site(tmp_path):
    root = make_site(tmp_path)
    translate(root, "da", "lessons/gan/index.md", DANISH_LESSON)
    translate(root, "da", "index.md", "# Forside\n\nLæs [lektionen](lessons/gan/index.md).\n")
    nb_meta = {"source": "notebooks/first-look.ipynb", "source_blob": git(root, "hash-object", "docs/notebooks/first-look.ipynb").strip(),
               "translated": "2026-11-22"}
    write(root, "translations/sv/notebooks/first-look.ipynb",
          notebook([("markdown", "# En första titt\n\nEn generator gör brus till bilder.\n"), NOTEBOOK_CELLS[1]], nb_meta))
    commit(root, "Translations")
    return root


def review_of(root, lang, source):
    return repo(root).translation(lang, source).review


def test_review_stamps_the_front_matter_and_the_state(site):
    assert review_of(site, "da", "lessons/gan/index.md") == UNREVIEWED
    path = review_translation(repo(site), "da", "lessons/gan/index.md", "  Ana   Novak ", today=DAY)
    meta = read_translation_meta(path, "lessons/gan/index.md")
    assert (meta.review.by, meta.review.date, meta.review.blob) == ("Ana Novak", DAY, meta.source_blob)
    assert path.read_text(encoding="utf-8").endswith(DANISH_LESSON)  # the text is untouched
    assert review_of(site, "da", "lessons/gan/index.md") == REVIEWED
    # A second review replaces the first: one `reviewed:` line.
    review_translation(repo(site), "da", "lessons/gan/index.md", "Bo Jensen", today=DAY)
    assert path.read_text(encoding="utf-8").count("reviewed:") == 1
    assert read_translation_meta(path).review.by == "Bo Jensen"


def test_a_notebook_keeps_its_review_in_its_metadata(site):
    path = review_translation(repo(site), "sv", "notebooks/first-look.ipynb", "Eva Berg", today=DAY)
    assert json.loads(path.read_text(encoding="utf-8"))["metadata"]["translation"]["reviewed"]["by"] == "Eva Berg"
    assert review_of(site, "sv", "notebooks/first-look.ipynb") == REVIEWED


def test_a_stale_translation_cannot_be_reviewed(site, capsys):
    write(site, "docs/lessons/gan/index.md", LESSON + "\n## Further reading\n")
    commit(site, "English: reading list")
    before = (site / "translations/da/lessons/gan/index.md").read_text(encoding="utf-8")
    with pytest.raises(UserError, match="stale"):
        review_translation(repo(site), "da", "lessons/gan/index.md", "Ana Novak")
    assert main(["i18n", "review", "da", "lessons/gan/index.md", "--by", "Ana Novak", "--root", str(site)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "stale" in err and "coursekit i18n stamp da lessons/gan/index.md" in err
    assert (site / "translations/da/lessons/gan/index.md").read_text(encoding="utf-8") == before
    with pytest.raises(UserError, match="does not exist"):
        review_translation(repo(site), "nl", "lessons/gan/index.md", "Ana Novak")
    with pytest.raises(UserError, match="--by"):
        review_translation(repo(site), "da", "index.md", "   ")


def test_updating_a_reviewed_translation_makes_it_changed_since_review(site, capsys):
    assert main(["i18n", "review", "da", "lessons/gan/index.md", "--by", "Ana Novak", "--root", str(site)]) == 0
    commit(site, "da lesson reviewed")
    write(site, "docs/lessons/gan/index.md", LESSON + "\n## Further reading\n")
    commit(site, "English: reading list")
    path = site / "translations/da/lessons/gan/index.md"
    write(site, "translations/da/lessons/gan/index.md", path.read_text(encoding="utf-8") + "\n## Videre læsning\n")
    assert main(["i18n", "stamp", "da", "lessons/gan/index.md", "--root", str(site)]) == 0
    assert review_of(site, "da", "lessons/gan/index.md") == CHANGED_SINCE_REVIEW


def test_a_malformed_review_names_the_file_and_line(tmp_path):
    path = write(tmp_path, "t.md", "---\nsource: index.md\nsource_blob: " + "a" * 40 + "\ntranslated: 2026-11-22\n"
                 "reviewed: {by: Ana, date: yesterday, blob: " + "a" * 40 + "}\n---\n# Forside\n")
    with pytest.raises(TranslationError) as caught:
        read_translation_meta(path)
    assert "t.md:5" in str(caught.value) and "reviewed.date" in str(caught.value)


def test_status_shows_review_states_and_words_to_review(site, capsys):
    review_translation(repo(site), "da", "index.md", "Ana Novak", today=DAY)
    rows = {(row.lang, row.source): row for row in collect(site)}
    lesson, home = rows[("da", "lessons/gan/index.md")], rows[("da", "index.md")]
    assert (lesson.review, home.review) == (UNREVIEWED, REVIEWED)
    assert lesson.words == 8 and home.words == 0  # the heading and the sentence; the code block is left out
    assert rows[("sv", "notebooks/first-look.ipynb")].words == 9
    assert rows[("nl", "index.md")].review is None and rows[("nl", "index.md")].words == 0
    words = words_by_language(list(rows.values()))
    assert words["da"] == 8 and words["sv"] == 9 and words["nl"] == 0
    text = render_text(list(rows.values()))
    assert "fresh, reviewed" in text and "fresh, unreviewed" in text
    assert [line for line in text.splitlines() if line.startswith("da: ")] == ["da: 2 fresh, 6 missing; 8 words to review"]
    table = render_markdown(list(rows.values()), "da", Strings(repo(site)))
    assert table.splitlines()[-1].startswith("| **") and "**8**" in table.splitlines()[-1]
    assert main(["i18n", "status", "--markdown", "--root", str(site)]) == 0
    assert "| **Words to review** | **8** | **9** |" in capsys.readouterr().out


def test_words_leave_code_and_link_targets_out():
    assert count_words("Læs [lektionen](lessons/gan/index.md) og `torch.randn` nu.\n\n```\nx = 1\n```\n") == 4


def test_the_status_page_explains_review_in_the_readers_language(site):
    from conftest import ROOT
    from coursekit.translations.status import render_page

    write(site, "translations/da/language.yml", (ROOT / "translations/da/language.yml").read_text(encoding="utf-8"))
    page = render_page(collect(site, ["da"]), "da", Strings(repo(site)))
    assert "gennemgået, når en person med sproget som modersmål har læst den grundigt" in page
    assert page.rstrip().splitlines()[-1].startswith("| **Ord at gennemgå** |")


def test_a_quiz_counts_its_translated_texts_not_the_ids_it_shares_with_english(site):
    translate(site, "de", "quiz/gan-pre.yml", "title: Vor der Lektion\nlesson: ../lessons/gan/index.md\nquestions:\n"
              "  - id: q1\n    type: truefalse\n    text: Ein GAN hat zwei Netze.\n", english_rel="quiz/gan-pre.yml")
    rows = {(row.lang, row.source): row for row in collect(site, ["de"])}
    assert rows[("de", "quiz/gan-pre.yml")].words == 8  # "Vor der Lektion", "Ein GAN hat zwei Netze"
