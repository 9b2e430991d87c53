"""`{{ repo_url }}` and `{{ package_source }}` in pages: the repository the site is built from.

A page that tells learners how to `pip install` the course, or translators which repository to
pull from, cannot write an address: whoever builds the site (the Pages workflow of a fork, say)
knows it, the text does not. Pages write a placeholder instead, also inside code blocks, and the
build fills it in from mkdocs.yml's `repo_url` (set from REPO_URL by the Pages workflow):

    {{ repo_url }}        https://github.com/OWNER/REPO
    {{ package_source }}  git+https://github.com/OWNER/REPO@COMMIT, what pip installs the course
                          from: the commit the site was built from, as in the notebooks' install
                          cells (coursekit.colab)

Translations keep these placeholders as written, like `{{ result ... }}`.
"""
from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{\{\s*(repo_url|package_source)\s*\}\}")


class RepositoryLinkError(ValueError):
    """A placeholder the build cannot fill; `line` is where it is in the text."""

    def __init__(self, message: str, line: int = 1):
        self.line = line
        super().__init__(message)


def fill(text: str, repo_url: str | None, source: str | None) -> str:
    """`text` with each placeholder replaced, code included; RepositoryLinkError when the site has
    no web repository to name (`source` is coursekit.colab.package_source's value)."""
    values = {"repo_url": repo_url.rstrip("/").removesuffix(".git") if repo_url else None, "package_source": source}

    def value(match: re.Match) -> str:
        found = values[match.group(1)]
        if found is None:
            line = text.count("\n", 0, match.start()) + 1
            raise RepositoryLinkError(f"{match.group(0)} needs an http(s) repo_url in mkdocs.yml "
                                      f"(the Pages workflow sets it from REPO_URL)", line)
        return found

    return PLACEHOLDER.sub(value, text)
