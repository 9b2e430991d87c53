"""The translation status page's cells link to their files on the code host: a volunteer goes from
"stale" straight to the translation in the host's editor, and from "missing" to the form that
creates it. The links come from mkdocs.yml's repo_url and edit_uri, like "edit this page"."""
from __future__ import annotations

import re
from types import SimpleNamespace

import markdown
import pytest

from coursekit.repo_links import RepoLinks
from coursekit.strings import Strings
from coursekit.translations import status
from i18n_site import LESSON, collect, commit, make_site, repo, translate, write

GITHUB = RepoLinks.from_config("https://github.com/someone/course", "edit/main/docs/", "docs")


@pytest.mark.parametrize("repo_url, edit_uri, docs_dir, edit, new", [
    ("https://github.com/someone/course", "edit/main/docs/", "docs",
     "https://github.com/someone/course/edit/main/translations/da/lessons/gan/index.md",
     "https://github.com/someone/course/new/main/translations/da/lessons/gan?filename=index.md"),
    ("https://github.com/someone/fork/", "edit/dev/site/docs/", "site/docs",
     "https://github.com/someone/fork/edit/dev/translations/da/lessons/gan/index.md",
     "https://github.com/someone/fork/new/dev/translations/da/lessons/gan?filename=index.md"),
    ("https://gitlab.com/someone/course", "-/edit/main/docs/", "docs",
     "https://gitlab.com/someone/course/-/edit/main/translations/da/lessons/gan/index.md",
     "https://gitlab.com/someone/course/-/new/main/translations/da/lessons/gan?filename=index.md"),
    ("https://github.com/someone/course", "", "docs", None, None),  # edit links turned off
    (None, "edit/main/docs/", "docs", None, None),
    ("https://bitbucket.org/someone/course", "src/default/docs/?mode=edit", "docs", None, None),  # no safe guess
])
def test_links_come_from_repo_url_and_edit_uri(repo_url, edit_uri, docs_dir, edit, new):
    links = RepoLinks.from_config(repo_url, edit_uri, docs_dir)
    assert links.edit("translations/da/lessons/gan/index.md") == edit
    assert links.new("translations/da/lessons/gan/index.md") == new


@pytest.fixture
def site(tmp_path):
    root = make_site(tmp_path)
    translate(root, "da", "lessons/gan/index.md", "# Generative adversarielle netværk\n\nEn generator og en diskriminator.\n")
    commit(root, "Danish lesson")
    write(root, "docs/lessons/gan/index.md", LESSON + "\n## Further reading\n")
    commit(root, "Lesson: a reading list")  # the Danish lesson is stale now
    return root


def cell_links(table: str) -> dict[str, list[tuple[str, str]]]:
    """{page: [(cell text, href), ...]} of the table as the site shows it (Markdown to HTML)."""
    html = markdown.markdown(table, extensions=["tables"])
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        page = re.search(r"<code>([^<]+)</code>", row)
        if page:
            found[page.group(1)] = re.findall(r'<a href="([^"]+)">([^<]+)</a>', row)
    return {page: [(text, href.replace("&amp;", "&")) for href, text in links] for page, links in found.items()}


def test_each_cell_links_to_its_translation_file(site):
    rows, strings = collect(site, ["da", "de"]), Strings(repo(site))
    word = lambda state: strings.ui("status", "en", f"status_{state}")  # noqa: E731
    links = cell_links(status.render_markdown(rows, "en", strings, links=GITHUB))
    (stale_text, stale_href), (missing_text, missing_href) = links["lessons/gan/index.md"]
    assert stale_text.startswith(word("stale")) and stale_href == GITHUB.edit("translations/da/lessons/gan/index.md")
    assert missing_text == word("missing") and missing_href == GITHUB.new("translations/de/lessons/gan/index.md")
    assert all(len(cells) == 2 for cells in links.values()), "every language x page cell links"
    assert [href for _, href in links["quiz/gan-pre.yml"]] == [GITHUB.new("translations/da/quiz/gan-pre.yml"),
                                                               GITHUB.new("translations/de/quiz/gan-pre.yml")]


def test_without_edit_links_the_cells_are_plain_text(site):
    strings = Strings(repo(site))
    table = status.render_markdown(collect(site, ["da"]), "en", strings, links=RepoLinks(None))
    assert "<a " not in markdown.markdown(table, extensions=["tables"]) and strings.ui("status", "en", "status_stale") in table


def test_the_site_status_page_links_in_every_language(site):
    layout = repo(site).layout
    pages = status.pages(SimpleNamespace(repo=repo(site), strings=Strings(repo(site)), repo_links=GITHUB))
    assert len(pages) == len(layout.locales)
    for text in pages.values():
        assert f"]({GITHUB.edit('translations/da/lessons/gan/index.md')})" in text
