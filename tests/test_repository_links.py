"""Pages name the repository the site is built from, never a fixed one: `{{ repo_url }}` and
`{{ package_source }}` are filled from mkdocs.yml's `repo_url` (coursekit.repository_links), and
no file but mkdocs.yml (whose fallback it is) names the placeholder repository."""
from __future__ import annotations

import html
import re
import subprocess

import pytest

from conftest import LANGUAGES, ROOT, lang_prefix
from coursekit.colab import head_commit, package_source
from coursekit.repository_links import RepositoryLinkError, fill
from test_notebook_pages import site_repo_url

NOTEBOOK_FOLDERS = re.compile(r"^(docs|translations/[^/]+)/notebooks/[^/]+\.ipynb$")


def fallback_repository() -> str:
    """OWNER/REPO of mkdocs.yml's fallback repo_url."""
    url = re.search(r'^repo_url: !ENV \[REPO_URL, "([^"]+)"\]', (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return "/".join(url.group(1).rstrip("/").split("/")[-2:])


def test_no_tracked_file_but_mkdocs_yml_names_the_fallback_repository():
    """A README, page or test that names the fallback repository is wrong for every fork; pages
    write `{{ repo_url }}`, the README works from the reader's clone. (Stored notebooks are held
    to the stricter rule of test_notebook_pages: no repository at all.)"""
    named = fallback_repository()
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    found = []
    for rel in filter(None, tracked.split("\0")):
        path = ROOT / rel
        if rel == "mkdocs.yml" or NOTEBOOK_FOLDERS.match(rel) or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, weights
        found += [f"{rel}:{text.count(chr(10), 0, m.start()) + 1}" for m in re.finditer(re.escape(named), text)]
    assert not found, f"{named} is named in {found}; write {{{{ repo_url }}}} in pages, or leave the address out"


def test_the_placeholders_are_filled_in_code_too():
    text = "Pull from `{{ repo_url }}`:\n\n```bash\npip install \"gan-course[ml] @ {{package_source}}\"\n```\n"
    filled = fill(text, "https://github.com/someone/course.git/", "git+https://github.com/someone/course@0a1b2c")
    assert "Pull from `https://github.com/someone/course`:" in filled
    assert 'pip install "gan-course[ml] @ git+https://github.com/someone/course@0a1b2c"' in filled
    assert "{{" not in filled
    assert fill("no placeholder {{ result a/b c }}", None, None) == "no placeholder {{ result a/b c }}"


def test_a_placeholder_without_a_repository_names_its_line():
    with pytest.raises(RepositoryLinkError, match=r"\{\{ package_source \}\} needs an http\(s\) repo_url") as err:
        fill("one\ntwo\n{{ package_source }}\n", "https://github.com/someone/course", None)
    assert err.value.line == 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_install_and_upstream_lines_name_the_sites_repository(built_site, lang):
    url = site_repo_url().rstrip("/")
    exercises = html.unescape((built_site / lang_prefix(lang) / "lessons/gan/exercises/index.html").read_text(encoding="utf-8"))
    exercises = re.sub(r"<[^>]+>", "", exercises)  # code is split into highlighted spans
    assert f'"gan-course[ml] @ {package_source(url, head_commit(ROOT))}"' in exercises
    helping = html.unescape((built_site / lang_prefix(lang) / "help-translate/index.html").read_text(encoding="utf-8"))
    assert f"git remote add upstream {url}.git" in re.sub(r"<[^>]+>", "", helping)
