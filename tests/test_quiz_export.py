"""`coursekit quiz export --format ai4b`: the original course's quiz-app JSON, per language."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import COMPLETE, ROOT, TRANSLATED
from coursekit.quiz import export
from coursekit.quiz.bank import QuizBank
from coursekit.strings import Strings
from coursekit.translations.layout import Layout
from coursekit.translations.repository import Repository

QUIZZES = QuizBank(Repository(Layout.read(ROOT)))


def ui(lang: str, key: str) -> str:
    return Strings(QUIZZES.repo).ui("quiz", lang, key)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coursekit.quiz.cli", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ai4b")
    result = run_cli("export", "--format", "ai4b", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def check_shape(data) -> None:
    """The structure the quiz app reads (etc/quiz-app/src/assets/translations/<lang>/lesson-<n>.json)."""
    assert isinstance(data, list) and len(data) == 1
    top = data[0]
    assert set(top) == {"title", "complete", "error", "quizzes"}
    assert all(isinstance(top[key], str) and top[key] for key in ("title", "complete", "error"))
    for quiz in top["quizzes"]:
        assert set(quiz) == {"id", "title", "quiz"}
        assert isinstance(quiz["id"], int) and isinstance(quiz["title"], str)
        for question in quiz["quiz"]:
            assert set(question) == {"questionText", "answerOptions"}
            assert isinstance(question["questionText"], str) and question["questionText"]
            assert len(question["answerOptions"]) >= 2
            for option in question["answerOptions"]:
                assert set(option) == {"answerText", "isCorrect"}
                assert isinstance(option["answerText"], str) and option["answerText"]
                assert isinstance(option["isCorrect"], bool)
            assert any(option["isCorrect"] for option in question["answerOptions"])


def test_one_file_per_language_in_the_app_layout(exported):
    files = sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file())
    assert files == sorted(f"{lang}/lesson-10.json" for lang in ["en", *TRANSLATED])


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
def test_shape_ids_and_answer_key(exported, lang):
    data = json.loads((exported / lang / "lesson-10.json").read_text(encoding="utf-8"))
    check_shape(data)
    assert data[0]["title"] == ui(lang, "ai4b_title")
    quizzes = {quiz["id"]: quiz for quiz in data[0]["quizzes"]}
    assert sorted(quizzes) == [110, 210]
    for app_id, quiz_id in ((110, "gan-pre"), (210, "gan-post")):
        localized = QUIZZES.localized(quiz_id, lang)
        assert quizzes[app_id]["title"] == localized.title
        assert len(quizzes[app_id]["quiz"]) == len(localized.questions)
        for question, source in zip(quizzes[app_id]["quiz"], localized.questions):
            options = dict(source.options)
            expected = {ui(lang, oid) if source.type == "truefalse" else export.plain_text(options[oid]) for oid in source.correct}
            assert {o["answerText"] for o in question["answerOptions"] if o["isCorrect"]} == expected


def test_translations_carry_the_same_key_as_english(exported):
    english = json.loads((exported / "en" / "lesson-10.json").read_text(encoding="utf-8"))
    for lang in COMPLETE:
        other = json.loads((exported / lang / "lesson-10.json").read_text(encoding="utf-8"))
        for quiz_en, quiz_other in zip(english[0]["quizzes"], other[0]["quizzes"]):
            assert quiz_other["title"] != quiz_en["title"]
            for q_en, q_other in zip(quiz_en["quiz"], quiz_other["quiz"]):
                assert q_other["questionText"] != q_en["questionText"]
                assert [o["isCorrect"] for o in q_other["answerOptions"]] == [o["isCorrect"] for o in q_en["answerOptions"]]


def test_multiple_choice_is_reported_as_a_note(exported):
    result = run_cli("export", "--format", "ai4b", "--out", str(exported), "--lang", "en")
    assert "question 'dcgan-layers': multiple choice" in result.stderr


def test_markdown_becomes_plain_text():
    assert export.plain_text("A `tanh` and **bold** &amp; *more*") == "A tanh and bold & more"


def test_invalid_bank_exports_nothing(tmp_path):
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "quiz").mkdir()
    (tmp_path / "quiz" / "broken.yml").write_text("title: Broken\nquestions: []\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("export", "--format", "ai4b", "--out", str(out), "--root", str(tmp_path))
    assert result.returncode == 1
    assert "quiz/broken.yml:2: quiz: 'questions' must be a non-empty list" in result.stderr
    assert not out.exists()


def test_unknown_format_is_a_usage_error():
    result = run_cli("export", "--format", "qti", "--out", "x")
    assert result.returncode == 2 and "invalid choice: 'qti'" in result.stderr


def test_a_failed_write_leaves_the_old_file_whole(tmp_path):
    target = tmp_path / "en" / "lesson-10.json"
    export.write_json(target, [{"a": 1}])
    with pytest.raises(TypeError):
        export.write_json(target, [{"a": 2, "b": object()}])  # fails halfway through serializing
    assert json.loads(target.read_text()) == [{"a": 1}]
    assert [p.name for p in target.parent.iterdir()] == ["lesson-10.json"]


# -- Moodle XML ----------------------------------------------------------------------------------
SITE = "https://teach.example/gan-course/"


@pytest.fixture(scope="module")
def moodle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("moodle")
    result = run_cli("export", "--format", "moodle", "--site-url", SITE, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_moodle_needs_the_site_address(tmp_path):
    result = run_cli("export", "--format", "moodle", "--out", str(tmp_path))
    assert result.returncode == 2 and "--site-url" in result.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("lang", ["en", "de"])
def test_moodle_xml_carries_questions_key_and_feedback(moodle, lang):
    import xml.etree.ElementTree as ET

    prefix = "" if lang == "en" else f"{lang}/"
    for quiz_id in ("gan-pre", "gan-post"):
        root = ET.parse(moodle / lang / f"{quiz_id}.xml").getroot()
        assert root.tag == "quiz"
        category, *questions = root.findall("question")
        assert category.get("type") == "category"
        localized = QUIZZES.localized(quiz_id, lang)
        assert [q.findtext("idnumber") for q in questions] == [f"{quiz_id}/{q.id}" for q in localized.questions]
        for element, source in zip(questions, localized.questions):
            answers = element.findall("answer")
            assert len(answers) == len(source.options)
            fractions = [float(a.get("fraction")) for a in answers]
            right = [oid in source.correct for oid, _ in source.options]
            if source.type == "truefalse":
                assert element.get("type") == "truefalse"
                assert [a.findtext("text") for a in answers] == ["true", "false"]
            else:
                assert element.get("type") == "multichoice"
                assert element.findtext("single") == ("false" if source.type == "multiple" else "true")
            # the right options share 100 %, and only they earn anything
            assert abs(sum(f for f, r in zip(fractions, right) if r) - 100) < 0.01
            assert all(f <= 0 for f, r in zip(fractions, right) if not r)
            feedback = dict(source.feedback)
            for answer, (oid, _) in zip(answers, source.options):
                text = answer.findtext("feedback/text") or ""
                if oid in feedback:
                    assert export.plain_text(feedback[oid])[:30] in export.plain_text(text), (quiz_id, source.id, oid)
            general = element.findtext("generalfeedback/text")
            assert export.plain_text(source.explanation)[:30] in export.plain_text(general)
            # links point at the published site, in the quiz's language
            for href in re.findall(r'href="([^"]+)"', general):
                assert href.startswith(f"{SITE}{prefix}lessons/gan/"), href
            for src in re.findall(r'src="([^"]+)"', element.findtext("questiontext/text")):
                assert src.startswith(f"{SITE}assets/"), src
