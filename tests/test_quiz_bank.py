"""The quiz bank: schema checks with file:line errors, translations that give text only,
pages built from the bank, interface strings, and the legacy addresses."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from conftest import COMPLETE, ROOT, TRANSLATED
from coursekit.quiz import legacy, render, schema
from coursekit.quiz.bank import QuizBank
from coursekit.strings import Strings, english
from coursekit.translations.findings import errors
from coursekit.translations.git import file_blob_id
from coursekit.translations.layout import Layout
from coursekit.translations.repository import Repository

GOOD_BANK = """\
title: A small quiz
intro: Three questions.
lesson: ../lessons/gan/index.md
legacy:
  app_id: 150
  addresses: [150, 42]
questions:
  - id: colour
    type: single
    text: Which colour is the sky on a clear day?
    options:
      - id: blue
        text: Blue
      - id: green
        text: Green
    correct: blue
    explanation: See [the lesson](../lessons/gan/index.md).
  - id: primes
    type: multiple
    text: Which numbers are prime?
    options:
      - id: two
        text: "2"
      - id: four
        text: "4"
      - id: five
        text: "5"
    correct: [two, five]
    explanation: Two and five have no divisors but 1 and themselves.
  - id: water
    type: truefalse
    text: Water boils at 100 °C at sea level.
    correct: true
    explanation: It does.
"""


def translation_text(blob: str, body: str, source: str = "quiz/small.yml") -> str:
    return f"---\nsource: {source}\nsource_blob: {blob}\ntranslated: 2026-11-22\n---\n" + textwrap.dedent(body)


GOOD_TRANSLATION = """\
title: En lille quiz
intro: Tre spørgsmål.
questions:
  colour:
    text: Hvilken farve har himlen en klar dag?
    options:
      blue: Blå
      green: Grøn
    explanation: Se [lektionen](../lessons/gan/index.md).
  primes:
    text: Hvilke tal er primtal?
    options:
      two: "2"
      four: "4"
      five: "5"
    explanation: To og fem kan kun deles med 1 og sig selv.
  water:
    text: Vand koger ved 100 °C ved havoverfladen.
    explanation: Det gør det.
"""


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository with the site's languages, their interface words, the lesson page the quiz
    links to, and one quiz."""
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    for source in ROOT.glob("translations/*/language.yml"):
        language_file = tmp_path / source.relative_to(ROOT)
        language_file.parent.mkdir(parents=True)
        language_file.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "docs" / "lessons" / "gan").mkdir(parents=True)
    (tmp_path / "docs" / "lessons" / "gan" / "index.md").write_text("# The lesson\n", encoding="utf-8")
    (tmp_path / "quiz").mkdir()
    (tmp_path / "quiz" / "small.yml").write_text(GOOD_BANK, encoding="utf-8")
    return tmp_path


def bank_of(root: Path) -> QuizBank:
    """The quiz bank of the repository at `root`, read afresh."""
    return QuizBank(Repository(Layout.read(root)))


def validate(root: Path):
    return bank_of(root).validate()


def load(quiz_id: str, lang: str, root: Path):
    return bank_of(root).localized(quiz_id, lang)


def page_markdown(quiz_id: str, lang: str, root: Path) -> str:
    quizzes = bank_of(root)
    return render.render_markdown(quizzes.localized(quiz_id, lang), Strings(quizzes.repo))


def ui(lang: str, key: str, **values) -> str:
    return Strings(Repository(Layout.read(ROOT))).ui("quiz", lang, key, **values)


def write_translation(repo: Path, body: str, lang: str = "da", blob: str | None = None, **kwargs) -> Path:
    path = repo / "translations" / lang / "quiz" / "small.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = blob or file_blob_id(repo / "quiz" / "small.yml")
    path.write_text(translation_text(blob, body, **kwargs), encoding="utf-8")
    return path


def line_of(path: Path, *needles: str, start: int = 1) -> int:
    """The 1-based number of the line holding the last of `needles`, each searched for after
    the line of the one before (from `start`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for needle in needles:
        start = next((n for n, line in enumerate(lines, 1) if n >= start and needle in line), None)
        assert start is not None, f"{needle!r} not in {path}"
    return start


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def assert_problem(problems, path: str, line: int, fragment: str, severity: str = "error"):
    found = [p for p in problems if p.path == path and p.line == line and fragment in p.message and p.severity == severity]
    assert found, f"expected {severity} {path}:{line}: ...{fragment}...; got {messages(problems)}"


# -- the real bank ---------------------------------------------------------------------------
def test_real_bank_and_translations_are_valid_and_fresh():
    problems = validate(ROOT)
    assert problems == [], messages(problems)
    for quiz_id in ("gan-pre", "gan-post"):
        for lang in COMPLETE:
            localized = load(quiz_id, lang, ROOT)
            assert localized.translated and not localized.translation.stale, f"{lang}/{quiz_id} is missing or stale"
            assert localized.fallback == (), f"{lang}/{quiz_id} shows English for {localized.fallback}"


@pytest.mark.parametrize("quiz_id", ["gan-pre", "gan-post"])
def test_real_quizzes_meet_the_issue(quiz_id):
    quiz = bank_of(ROOT).quiz(quiz_id)
    assert len(quiz.questions) >= 8
    assert {q.type for q in quiz.questions} == set(schema.QUESTION_TYPES)
    for question in quiz.questions:
        wrong = {o.id for o in question.options} - question.correct
        assert {oid for oid, _ in question.feedback} == wrong, f"{quiz_id}/{question.id}: feedback for every wrong option"
    for question in quiz.questions:
        links = re.findall(r"\]\(([^)]+)\)", question.explanation)
        assert links and all(link.startswith("../lessons/gan/") and ".md" in link for link in links), (
            f"{quiz_id}/{question.id}: the explanation should link to the lesson page it tests"
        )


def test_real_translations_keep_texts_apart_from_english():
    english = load("gan-post", "en", ROOT)
    for lang in COMPLETE:
        localized = load("gan-post", lang, ROOT)
        assert localized.title != english.title
        for mine, theirs in zip(localized.questions, english.questions):
            assert mine.text != theirs.text, f"{lang}/{mine.id} text is still English"
            assert mine.correct == theirs.correct


# -- schema errors, each at its line ---------------------------------------------------------------
BAD_BANKS = [
    # (replace this, with this, the line holding this text, message fragment)
    ("correct: blue", "correct: purple", "correct: purple", "'purple', which is not an option id"),
    ("  - id: primes", "  - id: colour", "  - id: colour\n    type: multiple", "question id 'colour' is used twice"),
    ("type: multiple", "type: essay", "type: essay", "type 'essay' is not one of single, multiple, truefalse"),
    ("correct: true", "correct: yes please", "correct: yes please", "must be true or false"),
    ("correct: [two, five]", "correct: [two, four, five]", "correct: [two, four, five]", "every option is correct"),
    ("correct: [two, five]", "correct: two", "correct: two", "must be a list of option ids"),
    ("    explanation: It does.\n", "", "  - id: water", "question 'water' lacks 'explanation'"),
    ("      - id: green", "      - id: blue", "      - id: blue\n        text: Green", "option id 'blue' is used twice"),
    ("text: Which numbers are prime?", "text: Which [numbers](x.md) are prime?", "text: Which [numbers]", "may not contain a link"),
    ("    type: truefalse", "    type: truefalse\n    type: single", "    type: single\n    text: Water", "the key 'type' appears twice (first on line 31)"),
    ("title: A small quiz", "title: [A small quiz", "title: [A small quiz", "not valid YAML"),
    ("intro: Three questions.", "intro: Three questions.\ncolour: blue", "colour: blue", "unknown key 'colour'"),
    ("    type: truefalse", "    type: truefalse\n    options: []", "    options: []", "has no 'options'"),
    ("    correct: blue\n", "    correct: blue\n    feedback:\n      blue: Right.\n", "      blue: Right.", "feedback for 'blue', which is a correct answer"),
    ("    correct: blue\n", "    correct: blue\n    feedback:\n      red: No.\n", "      red: No.", "feedback for 'red', which is not an option"),
    ("    correct: true\n", "    correct: true\n    feedback:\n      true: Yes.\n", "      true: Yes.", "feedback for 'true', which is a correct answer"),
    ("    correct: blue\n", "    correct: blue\n    image: ../sky.png\n", "    image: ../sky.png", "'image' needs 'alt'"),
]


@pytest.mark.parametrize("old, new, at, fragment", BAD_BANKS)
def test_bad_bank_reports_file_and_line(repo, old, new, at, fragment):
    path = repo / "quiz" / "small.yml"
    assert old in GOOD_BANK
    text = GOOD_BANK.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    line = text[: text.index(at)].count("\n") + 1
    problems = validate(repo)
    assert_problem(problems, "quiz/small.yml", line, fragment)
    with pytest.raises(schema.QuizError):
        page_markdown("small", "en", repo)


def test_good_bank_loads_with_its_key(repo):
    quiz, problems = schema.load_quiz(Repository(Layout.read(repo)), repo / "quiz" / "small.yml")
    assert problems == []
    assert [q.correct for q in quiz.questions] == [{"blue"}, {"two", "five"}, {"true"}]
    assert quiz.legacy == schema.Legacy(150, (150, 42))


def test_legacy_address_claimed_twice_is_an_error(repo):
    (repo / "quiz" / "other.yml").write_text(GOOD_BANK.replace("app_id: 150", "app_id: 250").replace("[150, 42]", "[250, 42]"))
    assert any("legacy address 42 is already claimed by quiz 'other'" in m for m in messages(validate(repo)))


EXHIBITS = """\
    correct: blue
    image: ../assets/sky.png
    alt: A clear [blue] sky over a field
    code: |
      if sky < "green":
          print("blue & grey")
    feedback:
      green: Green is the *grass*; see [above](../lessons/gan/index.md).
"""


def test_feedback_picture_and_code_reach_the_page(repo):
    (repo / "quiz" / "small.yml").write_text(GOOD_BANK.replace("    correct: blue\n", EXHIBITS, 1), encoding="utf-8")
    (repo / "quiz" / "small.yml").write_text((repo / "quiz" / "small.yml").read_text().replace(
        "    correct: true\n", "    correct: true\n    feedback:\n      false: It does, at 1013 hPa.\n"), encoding="utf-8")
    assert validate(repo) == []
    question = load("small", "en", repo).questions[0]
    assert question.feedback == (("green", "Green is the *grass*; see [above](../lessons/gan/index.md)."),)
    text = page_markdown("small", "en", repo)
    # the picture as Markdown (the build checks and rewrites its address), brackets in alt escaped
    assert "![A clear \\[blue\\] sky over a field](../assets/sky.png)" in text
    assert '<pre class="ck-code"><code>if sky &lt; "green":\n    print("blue &amp; grey")</code></pre>' in text
    # feedback for the wrong option, hidden until chosen, named by the option's text
    block = text[text.index('data-option="green"'):]
    assert block.startswith('data-option="green" hidden markdown="1">')
    assert '<span class="ck-option-name">Green</span>: Green is the *grass*' in block
    assert '<span class="ck-option-name">False</span>: It does, at 1013 hPa.' in text.replace(ui("en", "false"), "False")
    assert 'data-option="blue"' not in text  # no feedback block for the right answer


def test_a_fresh_translation_translates_feedback_and_alt(repo):
    (repo / "quiz" / "small.yml").write_text(GOOD_BANK.replace("    correct: blue\n", EXHIBITS, 1), encoding="utf-8")
    path = write_translation(repo, GOOD_TRANSLATION)
    assert_problem(validate(repo), "translations/da/quiz/small.yml", line_of(path, "colour:"), "lacks 'feedback' (for green)")
    assert_problem(validate(repo), "translations/da/quiz/small.yml", line_of(path, "colour:"), "lacks 'alt'")
    write_translation(repo, GOOD_TRANSLATION.replace("    explanation: Se [lektionen]", "    alt: En klar blå himmel\n"
                                                     "    feedback:\n      green: Grøn er *græsset*.\n      blue: Ja.\n"
                                                     "    explanation: Se [lektionen]", 1))
    problems = validate(repo)
    assert [m for m in messages(problems) if "feedback for 'blue', which is a correct answer" in m], messages(problems)
    write_translation(repo, GOOD_TRANSLATION.replace("    explanation: Se [lektionen]", "    alt: En klar blå himmel\n"
                                                     "    feedback:\n      green: Grøn er *græsset*.\n"
                                                     "    explanation: Se [lektionen]", 1))
    assert validate(repo) == []
    question = load("small", "da", repo).questions[0]
    assert question.feedback == (("green", "Grøn er *græsset*."),) and question.alt == "En klar blå himmel"
    assert question.code.startswith('if sky < "green"')  # code is shared, not translated


# -- translations --------------------------------------------------------------------------------
def test_good_translation_gives_text_and_keeps_the_key(repo):
    write_translation(repo, GOOD_TRANSLATION)
    assert validate(repo) == []
    localized = load("small", "da", repo)
    assert localized.translated and not localized.translation.stale
    assert localized.title == "En lille quiz"
    assert localized.questions[0].options == (("blue", "Blå"), ("green", "Grøn"))
    assert [q.correct for q in localized.questions] == [{"blue"}, {"two", "five"}, {"true"}]


def test_translation_may_not_set_the_answer(repo):
    body = GOOD_TRANSLATION.replace("      green: Grøn\n", "      green: Grøn\n    correct: green\n")
    path = write_translation(repo, body)
    problems = validate(repo)
    assert_problem(problems, "translations/da/quiz/small.yml", line_of(path, "correct: green"), "'correct' is not allowed here")
    with pytest.raises(schema.QuizError, match=r"small\.yml:\d+: .*'correct' is not allowed"):
        page_markdown("small", "da", repo)


def test_translation_cannot_smuggle_a_key_into_an_option(repo):
    body = GOOD_TRANSLATION.replace("      green: Grøn", "      green: {text: Grøn, correct: true}")
    path = write_translation(repo, body)
    assert_problem(validate(repo), "translations/da/quiz/small.yml", line_of(path, "green: {"), "must be non-empty text")


def test_reordered_translation_options_do_not_move_the_answer(repo):
    body = GOOD_TRANSLATION.replace("      blue: Blå\n      green: Grøn", "      green: Grøn\n      blue: Blå")
    write_translation(repo, body)
    data = page_data(page_markdown("small", "da", repo))
    assert data["questions"]["colour"]["correct"] == ["blue"]
    page = page_markdown("small", "da", repo)
    # English order, translated labels: Blå still belongs to the input whose value is "blue".
    assert re.search(r'value="blue"><label for="[^"]+">Blå</label>', page)
    assert page.index('value="blue"') < page.index('value="green"')


@pytest.mark.parametrize("old, new, at, fragment", [
    ("  water:\n    text: Vand koger ved 100 °C ved havoverfladen.\n    explanation: Det gør det.\n", "", "questions:", "question 'water' is missing"),
    ("questions:\n", "questions:\n  clouds:\n    text: Skyer?\n", "  clouds:", "question 'clouds' is not in quiz/small.yml"),
    ("      four: \"4\"\n", "", ("  primes:", "    options:"), "option 'four' is missing"),
    ("      green: Grøn", "      green: Grøn\n      red: Rød", "      red: Rød", "option 'red' is not in the English question"),
    ("    explanation: Det gør det.\n", "", "  water:", "question 'water' lacks 'explanation'"),
])
def test_missing_and_extra_ids_in_a_fresh_translation_are_errors(repo, old, new, at, fragment):
    assert old in GOOD_TRANSLATION
    path = write_translation(repo, GOOD_TRANSLATION.replace(old, new, 1))
    needles = at if isinstance(at, tuple) else (at,)
    assert_problem(validate(repo), "translations/da/quiz/small.yml", line_of(path, *needles, start=6), fragment)


def test_stale_translation_warns_and_falls_back_to_english(repo):
    path = write_translation(repo, GOOD_TRANSLATION.replace("  water:\n    text: Vand koger ved 100 °C ved havoverfladen.\n    explanation: Det gør det.\n", ""))
    # The English file changes after translation: the translation is now stale.
    english = repo / "quiz" / "small.yml"
    english.write_text(GOOD_BANK.replace("Three questions.", "Three short questions."), encoding="utf-8")
    problems = validate(repo)
    assert errors(problems) == []
    assert_problem(problems, "translations/da/quiz/small.yml", line_of(path, "questions:"), "question 'water' is missing", "warning")
    localized = load("small", "da", repo)
    assert localized.translation.stale
    assert localized.questions[2].text == "Water boils at 100 °C at sea level."
    assert localized.questions[0].text == "Hvilken farve har himlen en klar dag?"


@pytest.mark.parametrize("kwargs, body_change, line, fragment", [
    ({"source": "quiz/other.yml"}, None, 2, "this file translates 'quiz/small.yml'"),
    ({"blob": "abc"}, None, 3, "is not a 40-hex git blob id"),
    ({}, ("title: En lille quiz", "title: [En lille"), 6, "not valid YAML"),
    ({}, ("title: En lille quiz", "title: En lille quiz\nlegacy: [1]"), 7, "unknown key 'legacy'"),
])
def test_bad_translation_front_matter_and_body(repo, kwargs, body_change, line, fragment):
    body = GOOD_TRANSLATION if body_change is None else GOOD_TRANSLATION.replace(*body_change)
    write_translation(repo, body, **kwargs)
    assert_problem(validate(repo), "translations/da/quiz/small.yml", line, fragment)


def test_translation_without_an_english_quiz_is_an_error(repo):
    path = repo / "translations" / "sv" / "quiz" / "gone.yml"
    path.parent.mkdir(parents=True)
    path.write_text(translation_text("0" * 40, GOOD_TRANSLATION, source="quiz/gone.yml"))
    assert_problem(validate(repo), "translations/sv/quiz/gone.yml", 1, "there is no English quiz/gone.yml")


def test_cli_validate_exit_status_and_output(repo):
    def run():
        return subprocess.run([sys.executable, "-m", "coursekit.quiz.cli", "validate", "--root", str(repo)],
                              cwd=ROOT, capture_output=True, text=True)

    good = run()
    assert good.returncode == 0, good.stderr
    write_translation(repo, GOOD_TRANSLATION.replace("      green: Grøn\n", "      green: Grøn\n    correct: green\n"))
    bad = run()
    assert bad.returncode == 1
    assert re.search(r"^translations/da/quiz/small\.yml:\d+: question 'colour': 'correct' is not allowed", bad.stderr, re.M), bad.stderr


# -- pages ---------------------------------------------------------------------------------------
def page_data(markdown_text: str) -> dict:
    match = re.search(r'<script type="application/json" class="ck-quiz-data">(.*?)</script>', markdown_text, re.S)
    return json.loads(match.group(1))


def test_page_carries_the_key_and_localized_interface(repo):
    write_translation(repo, GOOD_TRANSLATION)
    page = page_markdown("small", "da", repo)
    assert page.startswith("# En lille quiz\n")
    data = page_data(page)
    assert data["questions"] == {
        "colour": {"type": "single", "correct": ["blue"]},
        "primes": {"type": "multiple", "correct": ["five", "two"]},
        "water": {"type": "truefalse", "correct": ["true"]},
    }
    assert data["storageKey"] == "coursekit-quiz:small:da"
    assert data["strings"]["correct"] == ui("da", "correct")
    assert ui("da", "question_n_of_m", n=1, m=3) in page
    assert f">{ui('da', 'true')}</label>" in page and f">{ui('da', 'check')}</button>" in page
    assert 'type="checkbox"' in page and 'type="radio"' in page
    # The explanation stays Markdown inside a markdown="1" block, so the build rewrites its link.
    assert re.search(r'<div class="ck-explanation" hidden markdown="1">\n\nSe \[lektionen\]\(\.\./lessons/gan/index\.md\)', page)
    assert page.rstrip().endswith(f"[{ui('da', 'back_to_lesson')}](../lessons/gan/index.md)")


def test_page_without_translation_is_english_with_local_interface(repo):
    localized = load("small", "sl", repo)
    assert not localized.translated and localized.translation is None
    page = page_markdown("small", "sl", repo)
    assert page.startswith("# A small quiz\n")
    assert ui("sl", "check") in page


def test_script_data_cannot_close_its_tag():
    data = render._json_for_script({"s": "</script><b>&"})
    assert "</" not in data and json.loads(data) == {"s": "</script><b>&"}


def test_progress_is_forgotten_when_the_key_changes(repo):
    before = render.fingerprint(load("small", "en", repo))
    path = repo / "quiz" / "small.yml"
    path.write_text(GOOD_BANK.replace("correct: blue", "correct: green"), encoding="utf-8")
    assert render.fingerprint(load("small", "en", repo)) != before


def test_site_gets_a_page_per_quiz_and_language():
    from types import SimpleNamespace

    quizzes = bank_of(ROOT)
    pages = render.pages(SimpleNamespace(repo=quizzes.repo, quizzes=quizzes, strings=Strings(quizzes.repo)))
    assert set(pages) == {f"quiz/{q}.md" for q in ("gan-pre", "gan-post")} | {
        f"quiz/{q}.{lang}.md" for q in ("gan-pre", "gan-post") for lang in TRANSLATED
    }
    assert pages["quiz/gan-pre.sv.md"].startswith(f"# {quizzes.localized('gan-pre', 'sv').title}\n")
    german = quizzes.localized("gan-post", "de").translation
    assert german.path == ROOT / "translations" / "de" / "quiz" / "gan-post.yml"
    assert german.meta.source == "quiz/gan-post.yml" and not german.stale


def test_question_and_option_texts_are_escaped_on_the_page(repo):
    """Contributed text inside form controls: a <script> is shown as text, never run."""
    body = GOOD_TRANSLATION.replace("Hvilken farve har himlen en klar dag?", "Hvilken farve <script>alert(1)</script> har *himlen*?")
    write_translation(repo, body.replace("      green: Grøn", "      green: <b onclick=x()>Grøn</b>"))
    page = page_markdown("small", "da", repo)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<em>himlen</em>" in page
    assert "<b onclick" not in page and "&lt;b onclick=x()&gt;Grøn&lt;/b&gt;" in page


# -- interface strings -----------------------------------------------------------------------------
def test_every_language_has_every_interface_string():
    strings = Strings(Repository(Layout.read(ROOT)))
    layout = strings.repo.layout
    for lang in layout.complete:
        assert strings.missing(lang) == [], f"{lang} lacks interface strings"
        assert strings.check(lang) == [], f"{lang}: " + "; ".join(str(f) for f in strings.check(lang))
        for key, text in english("quiz").items():
            assert strings.ui("quiz", lang, key) != text, f"{lang}: quiz.{key} is still English"


# -- legacy addresses ------------------------------------------------------------------------------
def test_legacy_addresses_of_the_original_course():
    assert legacy.redirects(bank_of(ROOT)) == {
        "quiz/19/index.html": "quiz/gan-pre/",
        "quiz/110/index.html": "quiz/gan-pre/",
        "quiz/20/index.html": "quiz/gan-post/",
        "quiz/210/index.html": "quiz/gan-post/",
    }


def test_redirect_pages_stay_in_their_language():
    quizzes = bank_of(ROOT)
    pages = legacy.redirect_pages(quizzes, Strings(quizzes.repo), site_url="https://example.org/gan/")
    assert set(pages) == {f"{prefix}quiz/{n}/index.html" for prefix in ("", *(f"{lang}/" for lang in TRANSLATED)) for n in (19, 20, 110, 210)}
    page = pages["da/quiz/110/index.html"]
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page).group(1)
    assert urljoin("https://example.org/gan/da/quiz/110/", refresh) == "https://example.org/gan/da/quiz/gan-pre/"
    assert '<link rel="canonical" href="https://example.org/gan/da/quiz/gan-pre/">' in page
    assert '<html lang="da">' in page and f'<a href="{refresh}">{ui("da", "redirect_link")}</a>' in page
    assert urljoin("https://example.org/gan/quiz/20/", re.search(r'url=([^"]+)"', pages["quiz/20/index.html"]).group(1)) == (
        "https://example.org/gan/quiz/gan-post/"
    )
    for resource in ("<script", "stylesheet", "src="):
        assert resource not in page


def test_validate_runs_the_lint_checks_on_quiz_translations(repo):
    """`coursekit quiz validate`, which the README recommends for quizzes, checks what the lint
    checks: links in explanations and unsafe HTML too."""
    body = GOOD_TRANSLATION.replace("Se [lektionen](../lessons/gan/index.md).", "Se [lektionen](../lessons/gan/lektion.md).")
    body = body.replace("Hvilke tal er primtal?", "Hvilke tal er primtal? <script>alert(1)</script>")
    path = write_translation(repo, body)
    problems = validate(repo)
    assert_problem(problems, "translations/da/quiz/small.yml", line_of(path, "lektion.md"),
                   "../lessons/gan/lektion.md: no such page or file on the site (docs/lessons/gan/lektion.md); did you mean ../lessons/gan/index.md?")
    assert_problem(problems, "translations/da/quiz/small.yml", line_of(path, "<script>"), "unsafe HTML: <script>")
