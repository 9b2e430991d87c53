"""The translations in this repository: complete, following today's English, and lint-clean.

These read the real `translations/` folder (the unit tests of the tools use small fake sites).
"""
from __future__ import annotations

from conftest import ROOT, TRANSLATED
from coursekit.i18n.lint import lint
from coursekit.i18n.site import english_sources
from coursekit.i18n.status import FRESH, collect

# English pages whose translations are still being written, each with the reason. Empty means
# every language has every page; a page leaves this set in the commit that translates it.
NOT_YET: dict[str, str] = {}


def test_every_language_has_every_page_made_from_todays_english():
    rows = collect(ROOT)
    assert {row.lang for row in rows} == set(TRANSLATED)
    behind = [f"{row.path}: {row.state}" for row in rows if row.state != FRESH and row.source not in NOT_YET]
    assert behind == [], "run `coursekit i18n status` and `coursekit i18n diff LANG PAGE`:\n" + "\n".join(behind)


def test_pages_waiting_for_translation_are_real_english_pages():
    assert set(NOT_YET) <= set(english_sources(ROOT))


def test_translations_pass_the_pull_request_lint_without_warnings():
    """Headings and code blocks match English, links and anchors resolve, glossary terms are
    used as each language's glossary defines them, diagram labels and quizzes fit their sources."""
    findings = [str(finding) for finding in lint(ROOT)]
    assert findings == [], "\n".join(findings)
