"""A quiz translation, `translations/<lang>/quiz/<id>.yml`: text per id, checked against the English.

After the usual front matter block (`source: quiz/<id>.yml`, relative to the repository root)
it gives `title`, `intro` and `questions: {<question id>: {text, alt, options: {<option id>: text},
feedback: {<option id>: text}, explanation}}` (alt and feedback where the English question has them). It cannot hold `correct`, `type` or any other key, so it can never change which
answer is right, nor the order of questions and options.

A translation made from an older English file (stale) may lack ids that were added since, or keep
ids that were removed: those are warnings, and the page falls back to English for them. In a
fresh translation they are errors.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from coursekit.quiz.schema import Question, Quiz, Report, check_inline, feedback_for, line_of, text_field, unknown_keys
from coursekit.translations.findings import Finding, errors
from coursekit.translations.repository import Repository, TranslationFile

_TRANSLATION_KEYS = ("title", "intro", "questions")
_TRANSLATED_QUESTION_KEYS = ("text", "alt", "options", "feedback", "explanation")


@dataclass(frozen=True)
class QuestionText:
    text: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    explanation: str | None = None
    feedback: dict[str, str] = field(default_factory=dict)
    alt: str | None = None


@dataclass(frozen=True)
class QuizText:
    """The translatable text of a quiz; None (or a missing id) means "use the English"."""

    title: str | None
    intro: str | None
    questions: dict[str, QuestionText]


def english_text(quiz: Quiz) -> QuizText:
    return QuizText(
        quiz.title,
        quiz.intro,
        {q.id: QuestionText(q.text, {o.id: o.text for o in q.options if o.text}, q.explanation, dict(q.feedback), q.alt)
         for q in quiz.questions},
    )


def load_translation(repo: Repository, translation: TranslationFile, quiz: Quiz) -> tuple[QuizText | None, list[Finding]]:
    """Check a translation of `quiz` (whose front matter the model has read). Returns (text,
    findings); text is None when the file has errors."""
    report = Report(translation.shown, stale=translation.stale)
    data, problems = repo.yaml_body(translation.path)
    report.findings += problems
    if problems:
        return None, report.findings
    if data is None:
        data = {}
    if not isinstance(data, dict):
        report.error(translation.file.body_line, "expected a mapping with title, intro and questions")
        return None, report.findings
    text = _translated_text(data, quiz, report)
    return (None if errors(report.findings) else text), report.findings


def skeleton(quiz: Quiz) -> str:
    """What `coursekit i18n new` writes after the front matter: the English texts in the shape of a
    translation, each text a `>-` block (so that ': ', quotes and apostrophes need no escaping)."""
    text = english_text(quiz)
    data: dict = {"title": _Block(text.title)}
    if text.intro:
        data["intro"] = _Block(text.intro)
    data["questions"] = {
        qid: {key: value for key, value in (
            ("text", _Block(q.text)), ("alt", _Block(q.alt) if q.alt else None),
            ("options", {oid: _Block(o) for oid, o in q.options.items()} or None),
            ("feedback", {oid: _Block(f) for oid, f in q.feedback.items()} or None),
            ("explanation", _Block(q.explanation))) if value}
        for qid, q in text.questions.items()
    }
    return yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=90)


class _Block(str):
    """A text written as a folded `>-` block: the one form in which a translator can type any
    sentence (with ': ', quotes or apostrophes) without thinking about YAML quoting."""


class _BlockDumper(yaml.SafeDumper):
    pass


_BlockDumper.add_representer(_Block, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=">"))


_KEY_FIELDS = ("correct", "type")  # what decides the answer; only the English file may set it
_NO_KEY = "; a translation gives text only, and which answer is correct is set in the English file alone"


def _translated_text(data, quiz: Quiz, report: Report) -> QuizText:
    _forbid_key_fields(data, "translation", report)
    unknown_keys(data, _TRANSLATION_KEYS, "translation", report, _NO_KEY, skip=_KEY_FIELDS)
    title = text_field(data, "title", "translation", report, required=False)
    if title is None and "title" not in data:
        report.gap(getattr(data, "line", 1), "translation lacks 'title'")
    intro = text_field(data, "intro", "translation", report, required=False)
    if quiz.intro and intro is None and "intro" not in data:
        report.gap(getattr(data, "line", 1), "translation lacks 'intro'")
    if intro is not None and not quiz.intro:
        report.gap(line_of(data, "intro"), "translation has 'intro' but the English quiz has none")
    questions = data.get("questions", {})
    if not isinstance(questions, dict):
        report.error(line_of(data, "questions"), "'questions' must be a mapping of question id -> {text, options, explanation}")
        return QuizText(title, intro, {})
    english = {q.id: q for q in quiz.questions}
    result = {}
    for qid, entry in questions.items():
        line = line_of(questions, qid)
        if qid not in english:
            report.gap(line, f"question '{qid}' is not in {quiz.source} (known: {', '.join(english)})")
            continue
        if not isinstance(entry, dict):
            report.error(line, f"question '{qid}' must be a mapping with text, options and explanation")
            continue
        result[qid] = _translated_question(entry, english[qid], line, report)
    for qid in english:
        if qid not in questions:
            report.gap(line_of(data, "questions"), f"question '{qid}' is missing")
    return QuizText(title, intro, result)


def _forbid_key_fields(mapping, where: str, report: Report) -> None:
    for key in _KEY_FIELDS:
        if key in mapping:
            report.error(line_of(mapping, key), f"{where}: '{key}' is not allowed here{_NO_KEY}")


def _translated_question(entry, question: Question, line: int, report: Report) -> QuestionText:
    """`line` is where the question's id stands; what the question lacks is reported there."""
    where = f"question '{question.id}'"
    _forbid_key_fields(entry, where, report)
    unknown_keys(entry, _TRANSLATED_QUESTION_KEYS, where, report, _NO_KEY, skip=_KEY_FIELDS)
    text = text_field(entry, "text", where, report, required=False)
    if "text" not in entry:
        report.gap(line, f"{where} lacks 'text'")
    check_inline(text, line_of(entry, "text"), f"{where}: 'text'", report)
    explanation = text_field(entry, "explanation", where, report, required=False)
    if "explanation" not in entry:
        report.gap(line, f"{where} lacks 'explanation'")
    options: dict[str, str] = {}
    english_options = [o.id for o in question.options] if question.type != "truefalse" else []
    given = entry.get("options")
    if question.type == "truefalse":
        if given is not None:
            report.error(line_of(entry, "options"), f"{where} is a truefalse question; its True and False need no translation here")
    elif given is None:
        if "options" not in entry:
            report.gap(line, f"{where} lacks 'options'")
    elif not isinstance(given, dict):
        report.error(line_of(entry, "options"), f"{where}: 'options' must be a mapping of option id -> text")
    else:
        for oid, value in given.items():
            option_line = line_of(given, oid)
            if oid not in english_options:
                report.gap(option_line, f"{where}: option '{oid}' is not in the English question (known: {', '.join(english_options)})")
            elif not isinstance(value, str) or not value.strip():
                report.error(option_line, f"{where}: option '{oid}' must be non-empty text" + (_NO_KEY if isinstance(value, (bool, dict)) else ""))
            else:
                check_inline(value.strip(), option_line, f"{where}, option '{oid}'", report)
                options[oid] = value.strip()
        english_text_of = {o.id: o.text for o in question.options}
        for oid in english_options:
            if oid not in given:
                report.gap(line_of(entry, "options"), f"{where}: option '{oid}' is missing; add a line "
                                   f"'{oid}: <your translation of \"{english_text_of[oid]}\">' under options:")
    alt = text_field(entry, "alt", where, report, required=False)
    if question.alt and "alt" not in entry:
        report.gap(line, f"{where} lacks 'alt' (the text for the question's picture)")
    if "alt" in entry and not question.alt:
        report.gap(line_of(entry, "alt"), f"{where} has 'alt' but the English question has no picture")
    check_inline(alt, line_of(entry, "alt"), f"{where}: 'alt'", report)
    return QuestionText(text, options, explanation, _translated_feedback(entry, question, where, line, report), alt)


def _translated_feedback(entry, question: Question, where: str, line: int, report: Report) -> dict[str, str]:
    english = dict(question.feedback)
    if "feedback" not in entry:
        if english:
            report.gap(line, f"{where} lacks 'feedback' (for {', '.join(english)})")
        return {}
    given = dict(feedback_for(entry["feedback"], question.options, question.correct, where, line_of(entry, "feedback"), report))
    for oid in given:
        if oid not in english:
            report.gap(line_of(entry, "feedback"), f"{where}: feedback for '{oid}', which the English question has none for")
    for oid in english:
        if oid not in given:
            report.gap(line_of(entry, "feedback"), f"{where}: feedback for '{oid}' is missing; translate the English "
                                                   f"feedback of option '{oid}' under feedback:")
    return {oid: text for oid, text in given.items() if oid in english}
