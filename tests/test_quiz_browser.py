"""Quizzes in real Chromium: feedback, score, progress across reloads, reset, keyboard use,
accessibility, and the legacy addresses.

The pages come from coursekit.quiz.render in a small MkDocs + Material project built here
(the same Markdown extensions as the site, md_in_html included), with quiz.js and quiz.css
loaded on every page, as the site does. Languages live under /<lang>/ as on the site.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, serve
from coursekit.quiz import legacy, render
from coursekit.quiz.bank import QuizBank
from coursekit.quiz.export import plain_text
from coursekit.quiz.localize import LocalizedQuestion
from coursekit.strings import Strings
from coursekit.translations.layout import Layout
from coursekit.translations.repository import Repository

QUIZZES = QuizBank(Repository(Layout.read(ROOT)))
STRINGS = Strings(QUIZZES.repo)


def load(quiz_id: str, lang: str):
    return QUIZZES.localized(quiz_id, lang)


def ui(lang: str, key: str, **values) -> str:
    return STRINGS.ui("quiz", lang, key, **values)


pytestmark = pytest.mark.browser

LANGS = ["en", "da"]
ASSETS = ROOT / "coursekit" / "quiz" / "assets"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

MKDOCS_YML = """\
site_name: Quiz test
theme:
  name: material
  font: false
  language: en
plugins: []
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
extra_css:
  - assets/quiz/quiz.css
extra_javascript:
  - assets/quiz/quiz.js
"""


def prefix(lang: str) -> str:
    return "" if lang == "en" else f"{lang}/"


@pytest.fixture(scope="module")
def quiz_site(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("quiz-project")
    docs = project / "docs"
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (docs / "assets" / "quiz").mkdir(parents=True)
    for name in ("quiz.js", "quiz.css"):
        shutil.copy2(ASSETS / name, docs / "assets" / "quiz" / name)
    for lang in LANGS:
        root = docs / prefix(lang)
        (root / "lessons" / "gan").mkdir(parents=True, exist_ok=True)
        (root / "index.md").write_text("# Home\n\nNo quiz on this page.\n", encoding="utf-8")
        (root / "lessons" / "gan" / "index.md").write_text("# The lesson\n", encoding="utf-8")
        (root / "lessons" / "gan" / "style-transfer.md").write_text("# Style transfer\n", encoding="utf-8")
        (root / "quiz").mkdir(exist_ok=True)
        for quiz_id in ("gan-pre", "gan-post"):
            (root / "quiz" / f"{quiz_id}.md").write_text(render.render_markdown(load(quiz_id, lang), STRINGS), encoding="utf-8")
            for question in load(quiz_id, lang).questions:  # the pictures questions ask about
                if question.image:
                    target = (root / "quiz" / question.image).resolve()
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2((ROOT / "docs" / "quiz" / question.image).resolve(), target)
    site = project / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        cwd=project, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for rel, html in legacy.redirect_pages(QUIZZES, STRINGS).items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(html, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def base_url(quiz_site):
    with serve(quiz_site) as url:
        yield url


def open_quiz(page, base_url, lang, quiz_id):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}{prefix(lang)}quiz/{quiz_id}/", wait_until="networkidle")
    page.wait_for_selector(".ck-quiz.ck-ready")
    return errors


def form(page, quiz_id, question_id):
    return page.locator(f'form[data-question="{question_id}"]')


def choose(page, quiz_id, question_id, option_ids):
    for option_id in option_ids:
        page.locator(f'label[for="ck-{quiz_id}-{question_id}-{option_id}"]').click()
    form(page, quiz_id, question_id).locator(".ck-check").click()


def wrong_option(question: LocalizedQuestion) -> str:
    return next(oid for oid, _ in question.options if oid not in question.correct)


def stored(page, quiz_id, lang):
    return page.evaluate("key => window.localStorage.getItem(key)", render.storage_key(quiz_id, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_wrong_answer_shows_feedback_and_explanation(page, base_url, lang):
    errors = open_quiz(page, base_url, lang, "gan-pre")
    question = load("gan-pre", lang).questions[0]
    block = form(page, "gan-pre", question.id)
    assert block.locator(".ck-explanation").is_hidden()
    choose(page, "gan-pre", question.id, [wrong_option(question)])

    assert block.locator(".ck-verdict").inner_text() == ui(lang, "wrong")
    explanation = block.locator(".ck-explanation")
    assert explanation.is_visible()
    assert plain_text(question.explanation)[:40] in " ".join(explanation.inner_text().split())
    # The Markdown link in the explanation was rewritten by the build, per language.
    href = explanation.locator("a").first.evaluate("a => a.href")
    link = re.search(r"\]\(\.\./lessons/gan/index\.md(#[\w-]+)?\)", question.explanation)
    assert href == f"{base_url}{prefix(lang)}lessons/gan/{link.group(1) or ''}"
    assert block.locator(".ck-option--wrong").count() == 1
    # the chosen wrong option's own feedback, and no other option's
    chosen = wrong_option(question)
    notes = block.locator(".ck-option-feedback")
    assert notes.count() == len(question.feedback) >= 2
    shown = [notes.nth(i).get_attribute("data-option") for i in range(notes.count()) if notes.nth(i).is_visible()]
    assert shown == [chosen]
    assert plain_text(dict(question.feedback)[chosen])[:30] in " ".join(block.locator(f'.ck-option-feedback[data-option="{chosen}"]').inner_text().split())
    assert block.locator(".ck-retry").is_visible()
    assert block.locator(".ck-check").get_attribute("aria-disabled") == "true"
    assert all(block.locator("input").nth(i).is_disabled() for i in range(block.locator("input").count()))

    block.locator(".ck-retry").click()
    assert block.locator(".ck-verdict").inner_text() == ""
    assert explanation.is_hidden()
    assert all(notes.nth(i).is_hidden() for i in range(notes.count()))
    assert block.locator("input:checked").count() == 0
    assert errors == []


@pytest.mark.parametrize("lang", LANGS)
def test_right_answers_give_the_full_score(page, base_url, lang):
    open_quiz(page, base_url, lang, "gan-post")
    questions = load("gan-post", lang).questions
    assert {q.type for q in questions} == {"single", "multiple", "truefalse"}
    total = len(questions)
    assert page.locator(".ck-score").inner_text() == ""
    for question in questions:
        choose(page, "gan-post", question.id, sorted(question.correct))
        assert form(page, "gan-post", question.id).locator(".ck-verdict").inner_text() == ui(lang, "correct")
    assert page.locator(".ck-score").inner_text() == ui(lang, "score", score=total, total=total)
    assert page.locator(".ck-progress").inner_text() == ui(lang, "progress", answered=total, total=total)
    assert page.locator(".ck-option--wrong").count() == 0


def test_a_partly_right_multiple_choice_is_wrong(page, base_url):
    open_quiz(page, base_url, "en", "gan-post")
    question = next(q for q in load("gan-post", "en").questions if q.type == "multiple")
    choose(page, "gan-post", question.id, sorted(question.correct)[:1])
    assert form(page, "gan-post", question.id).locator(".ck-verdict").inner_text() == ui("en", "wrong")


@pytest.mark.parametrize("lang", LANGS)
def test_reload_keeps_progress_and_reset_clears_it(page, base_url, lang):
    open_quiz(page, base_url, lang, "gan-pre")
    first, second = load("gan-pre", lang).questions[:2]
    choose(page, "gan-pre", first.id, sorted(first.correct))
    choose(page, "gan-pre", second.id, [wrong_option(second)])
    total = len(load("gan-pre", lang).questions)

    page.reload(wait_until="networkidle")
    page.wait_for_selector(".ck-quiz.ck-ready")
    assert form(page, "gan-pre", first.id).locator(".ck-verdict").inner_text() == ui(lang, "correct")
    assert form(page, "gan-pre", second.id).locator(".ck-verdict").inner_text() == ui(lang, "wrong")
    assert page.locator(f"#ck-gan-pre-{second.id}-{wrong_option(second)}").is_checked()
    assert form(page, "gan-pre", second.id).locator(".ck-explanation").is_visible()
    assert page.locator(".ck-progress").inner_text() == ui(lang, "progress", answered=2, total=total)
    saved = json.loads(stored(page, "gan-pre", lang))
    assert saved["answers"] == {first.id: sorted(first.correct), second.id: [wrong_option(second)]}

    page.locator(".ck-reset").click()
    assert page.locator(".ck-quiz input:checked").count() == 0
    assert page.locator(".ck-quiz input:disabled").count() == 0
    assert page.locator(".ck-score").inner_text() == ui(lang, "reset_done")
    assert stored(page, "gan-pre", lang) is None
    page.reload(wait_until="networkidle")
    page.wait_for_selector(".ck-quiz.ck-ready")
    assert page.locator(".ck-quiz input:checked").count() == 0
    assert page.locator(".ck-progress").inner_text() == ui(lang, "progress", answered=0, total=total)


def test_each_language_keeps_its_own_progress(page, base_url):
    open_quiz(page, base_url, "en", "gan-pre")
    question = load("gan-pre", "en").questions[0]
    choose(page, "gan-pre", question.id, sorted(question.correct))
    open_quiz(page, base_url, "da", "gan-pre")
    assert page.locator(".ck-quiz input:checked").count() == 0
    assert stored(page, "gan-pre", "da") is None and stored(page, "gan-pre", "en") is not None


def test_checking_without_a_choice_asks_for_one(page, base_url):
    open_quiz(page, base_url, "da", "gan-pre")
    question = load("gan-pre", "da").questions[0]
    form(page, "gan-pre", question.id).locator(".ck-check").click()
    assert form(page, "gan-pre", question.id).locator(".ck-verdict").inner_text() == ui("da", "choose_first")
    assert stored(page, "gan-pre", "da") is None


def test_keyboard_only(page, base_url):
    open_quiz(page, base_url, "en", "gan-pre")
    question = next(q for q in load("gan-pre", "en").questions if q.id == "network-count")
    block = form(page, "gan-pre", question.id)
    option_ids = [oid for oid, _ in question.options]
    block.locator("input").first.focus()
    page.keyboard.press("ArrowDown")  # radios: arrows move the choice
    page.keyboard.press("ArrowDown")
    assert page.locator(f"#ck-gan-pre-network-count-{option_ids[2]}").is_checked()
    page.keyboard.press("Tab")  # leaves the radio group for the Check button
    assert page.evaluate("document.activeElement.classList.contains('ck-check')")
    page.keyboard.press("Enter")
    assert block.locator(".ck-verdict").inner_text() == ui("en", "wrong")
    # Focus stays on the (now inert) Check button; the next Tab reaches "Try again".
    assert page.evaluate("document.activeElement.classList.contains('ck-check')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('ck-retry')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == f"ck-gan-pre-network-count-{option_ids[0]}"
    page.keyboard.press("ArrowDown")  # the second option, the right one
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert block.locator(".ck-verdict").inner_text() == ui("en", "correct")


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_serious_violations(page, base_url, lang):
    open_quiz(page, base_url, lang, "gan-pre")
    questions = load("gan-pre", lang).questions
    choose(page, "gan-pre", questions[0].id, sorted(questions[0].correct))
    choose(page, "gan-pre", questions[1].id, [wrong_option(questions[1])])
    page.add_script_tag(path=str(AXE))
    # The quiz is this component's part of the page; the site's own tests check the rest.
    result = page.evaluate("async () => await axe.run({include: [['.ck-quiz']]}, {resultTypes: ['violations']})")
    assert result["passes"] or result["violations"] or result["incomplete"]  # axe looked at something
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps([{"id": v["id"], "nodes": [n["target"] for n in v["nodes"][:3]]} for v in serious], indent=1)


def test_pages_without_a_quiz_are_left_alone_and_nothing_leaves_the_site(page, base_url):
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url, wait_until="networkidle")
    assert page.evaluate("window.localStorage.length") == 0
    open_quiz(page, base_url, "da", "gan-post")
    question = load("gan-post", "da").questions[0]
    choose(page, "gan-post", question.id, sorted(question.correct))
    assert errors == []
    assert [r for r in requests if not r.startswith(base_url)] == []


@pytest.mark.parametrize("legacy_path, target", [
    ("quiz/19/", "quiz/gan-pre/"),
    ("quiz/110/", "quiz/gan-pre/"),
    ("da/quiz/20/", "da/quiz/gan-post/"),
    ("da/quiz/210/", "da/quiz/gan-post/"),
])
def test_legacy_addresses_redirect(page, base_url, legacy_path, target):
    page.goto(f"{base_url}{legacy_path}")
    page.wait_for_url(f"{base_url}{target}")
    page.wait_for_selector(".ck-quiz.ck-ready")
