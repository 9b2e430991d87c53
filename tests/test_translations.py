"""The translations in this repository pass the pull request checks.

These read the real `translations/` folder (the unit tests of the tools use small fake sites).
Stale translations and lint warnings do not fail here: a pull request may change English without
updating five languages (the pages show an "older translation" banner, and CI reports them in its
job summary). That every language which is not in progress is fresh is checked where the site is
released (`coursekit i18n status --strict` in .github/workflows/pages.yml).
"""
from __future__ import annotations

from conftest import ROOT
from coursekit.lint import lint
from coursekit.translations.findings import errors
from coursekit.translations.layout import Layout
from coursekit.translations.repository import Repository
from coursekit.translations.status import INVALID, ORPHANED, collect

LAYOUT = Layout.read(ROOT)


def test_translations_pass_the_pull_request_lint():
    """Headings and code blocks match English, links and anchors resolve, placeholders are kept,
    diagram labels, quizzes and language files fit their sources (what `coursekit i18n lint` says)."""
    found = errors(lint(Repository(LAYOUT)))
    assert found == [], "coursekit i18n lint:\n" + "\n".join(str(finding) for finding in found)


def test_every_translation_file_can_be_read_and_has_an_english_page():
    broken = [f"{row.path}: {row.state}: {row.detail}" for row in collect(Repository(LAYOUT)) if row.state in (INVALID, ORPHANED)]
    assert broken == [], "\n".join(broken)
