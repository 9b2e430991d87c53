"""The notices above a translated page: the stale banner's English change, the review note."""
from __future__ import annotations

import hashlib
import re

import pytest

from conftest import ROOT
from coursekit.notices import english_change, review_note, stale_banner
from coursekit.strings import Strings, english
from coursekit.translations.layout import Layout
from coursekit.translations.repository import Repository
from i18n_site import LESSON, commit, git, make_site, repo, translate, write

REPO_URL = "https://github.com/someone/course"
ANCHOR = "#diff-" + hashlib.sha256(b"docs/lessons/gan/index.md").hexdigest()


@pytest.fixture
def site(tmp_path):
    root = make_site(tmp_path)
    translate(root, "da", "lessons/gan/index.md", "# Generative adversarielle netværk\n\nEn generator og en diskriminator.\n")
    commit(root, "Danish lesson")
    return root


def head(root):
    return git(root, "rev-parse", "HEAD").strip()


def test_one_english_commit_links_that_commit_and_counts_its_lines(site):
    write(site, "docs/lessons/gan/index.md", LESSON + "\n## Further reading\n")
    commit(site, "English: reading list")
    r = repo(site)
    change = english_change(r, r.translation("da", "lessons/gan/index.md"), REPO_URL + "/")
    assert change.lines == 2  # a blank line and the heading
    assert change.url == f"{REPO_URL}/commit/{head(site)}{ANCHOR}"


def test_several_english_commits_link_their_comparison(site):
    before = head(site)
    write(site, "docs/lessons/gan/index.md", LESSON + "\n## Further reading\n")
    commit(site, "English: reading list")
    write(site, "docs/lessons/gan/index.md", LESSON.replace("first.", "first (it takes five minutes).") + "\n## Further reading\n")
    commit(site, "English: how long the quiz takes")
    r = repo(site)
    change = english_change(r, r.translation("da", "lessons/gan/index.md"), REPO_URL)
    assert change.lines == 4
    assert change.url == f"{REPO_URL}/compare/{before}...{head(site)}{ANCHOR}"
    assert english_change(r, r.translation("da", "lessons/gan/index.md"), None).url is None  # no repo_url: no link


def test_an_uncommitted_english_change_has_no_link(site):
    write(site, "docs/lessons/gan/index.md", LESSON + "\nMore.\n")
    r = repo(site)
    change = english_change(r, r.translation("da", "lessons/gan/index.md"), REPO_URL)
    assert change.lines == 2 and change.url is None


def danish(root=ROOT):
    strings = Strings(Repository(Layout.read(root)))
    return lambda key, **values: strings.ui("site", "da", key, **values)


def test_the_stale_banner_says_how_much_changed_and_links_the_change():
    from coursekit.notices import EnglishChange

    html = stale_banner(danish(), "2026-11-22", "../../lessons/gan/", "../help-translate/", EnglishChange(7, "https://example.org/c/1"))
    assert "Ældre oversættelse" in html and "Ændrede engelske linjer siden da: 7." in html
    assert 'href="../../lessons/gan/"' in html and 'href="https://example.org/c/1"' in html
    bare = stale_banner(danish(), "2026-11-22", "../../lessons/gan/", "../help-translate/", EnglishChange(None, None))
    assert "Ændrede" not in bare and "example.org" not in bare


def test_the_review_note_is_localized_dismissible_and_stays_in_the_browser():
    html = review_note(danish(), "da", "Dansk", "../help-translate/#review")
    assert "Oversat af kursusholdet" in html and 'href="../help-translate/#review"' in html and ">Skjul</button>" in html
    assert 'data-dismiss-key="coursekit-review-note-da"' in html and "localStorage" in html and "data-search-exclude" in html
    assert html.rstrip().endswith("</script></div>")  # the script finds the note as its parent
    assert not re.search(r"https?://|fetch\(|XMLHttpRequest", html)  # hiding it asks nothing of any server


@pytest.mark.parametrize("lang", ["da", "sv", "nl", "de", "sl"])
def test_every_language_words_the_review_note_and_the_banner_itself(lang):
    strings = Strings(Repository(Layout.read(ROOT)))
    new = ["stale_changes", "stale_change_link", "review_title", "review_body", "review_dismiss"]
    assert not {("site", key) for key in new} & set(strings.missing(lang))
    assert all(strings.ui("site", lang, key) != english("site")[key] for key in new)
    assert not [f for f in strings.check(lang) if f.severity == "error"]


@pytest.mark.browser
def test_hiding_the_review_note_lasts_across_pages_of_that_language(tmp_path, page):
    from coursekit.localserver import serve

    for lang, folder in (("da", "a"), ("da", "b"), ("sl", "c")):
        note = review_note(danish(), lang, "Dansk", "../help-translate/#review")
        write(tmp_path, f"{folder}/index.html", f"<!doctype html><html><body>{note}<p>Tekst</p></body></html>")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    with serve(tmp_path) as url:
        page.goto(f"{url}a/")
        assert page.locator(".coursekit-review-note").is_visible()
        page.click(".coursekit-dismiss")
        assert page.locator(".coursekit-review-note").count() == 0
        page.goto(f"{url}b/")  # another Danish page: hidden there too
        assert page.locator(".coursekit-review-note").count() == 0
        page.goto(f"{url}c/")  # another language: its own note, still shown
        assert page.locator(".coursekit-review-note").is_visible()
    assert all(request.startswith(url) for request in requests)  # hiding it asked nothing of anyone
