"""Export the bank in the JSON of the original course's quiz app (microsoft/AI-For-Beginners,
etc/quiz-app), so that the same questions can feed that app.

The app keeps one file per lesson and language, `<lang>/lesson-<n>.json`: an array with one
object holding `title`, `complete`, `error` and `quizzes: [{id, title, quiz: [{questionText,
answerOptions: [{answerText, isCorrect}]}]}]`. A quiz's id is its `legacy.app_id` (110 for the
pre-quiz of lesson 10, 210 for its post-quiz), and the lesson number is that id modulo 100.

What the app cannot show is left out: explanations, and the intro. The app accepts any one
option marked correct, so a multiple-choice question is exported with each correct option
marked, and it becomes "pick one of the right answers"; `export_ai4b` returns a note for each.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import markdown

from coursekit.atomic import write_text_atomic
from coursekit.quiz.bank import QuizBank
from coursekit.quiz.localize import LocalizedQuiz

_TAG = re.compile(r"<[^>]+>")


def plain_text(text: str) -> str:
    """Inline Markdown as the plain text the app shows (no markup, entities resolved)."""
    return " ".join(html.unescape(_TAG.sub("", markdown.markdown(text))).split())


def ai4b_quiz(quiz: LocalizedQuiz, strings) -> dict:
    questions = []
    for question in quiz.questions:
        options = []
        for option_id, text in question.options:
            label = strings.ui("quiz", quiz.lang, option_id) if question.type == "truefalse" else plain_text(text)
            options.append({"answerText": label, "isCorrect": option_id in question.correct})
        questions.append({"questionText": plain_text(question.text), "answerOptions": options})
    return {"id": quiz.quiz.legacy.app_id, "title": plain_text(quiz.title), "quiz": questions}


def ai4b_files(bank: QuizBank, strings, languages: list[str] | None = None) -> tuple[dict[str, list], list[str]]:
    """({"<lang>/lesson-<n>.json": data}, notes). `languages` defaults to every language of the
    site; text missing from a translation falls back to English."""
    languages = languages or bank.layout.locales
    files: dict[str, list] = {}
    notes: list[str] = []
    for lang in languages:
        lessons: dict[int, list[dict]] = {}
        for quiz_id in bank.ids:
            quiz = bank.localized(quiz_id, lang)
            app_id = quiz.quiz.legacy.app_id
            if app_id is None:
                if lang == languages[0]:
                    notes.append(f"quiz '{quiz_id}' has no legacy.app_id, so it is not exported")
                continue
            lessons.setdefault(app_id % 100, []).append(ai4b_quiz(quiz, strings))
            if lang == languages[0]:
                notes += [
                    f"quiz '{quiz_id}', question '{q.id}': multiple choice; the app accepts any one of its correct options"
                    for q in quiz.questions if q.type == "multiple"
                ]
        for lesson, quizzes in sorted(lessons.items()):
            files[f"{lang}/lesson-{lesson}.json"] = [{
                "title": strings.ui("quiz", lang, "ai4b_title"),
                "complete": strings.ui("quiz", lang, "ai4b_complete"),
                "error": strings.ui("quiz", lang, "ai4b_error"),
                "quizzes": sorted(quizzes, key=lambda q: q["id"]),
            }]
    return files, notes


def write_json(path: Path, data) -> None:
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n", overwrite=True)


def export_ai4b(bank: QuizBank, strings, out_dir: Path, languages: list[str] | None = None) -> tuple[list[Path], list[str]]:
    """Write the quiz-app files under `out_dir`. Returns (paths written, notes)."""
    files, notes = ai4b_files(bank, strings, languages)
    written = []
    for rel, data in files.items():
        path = Path(out_dir) / rel
        write_json(path, data)
        written.append(path)
    return written, notes
