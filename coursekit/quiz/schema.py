"""The English quiz bank: one file per quiz, `quiz/<id>.yml`, with the answer key.

The schema is described at the top of quiz/gan-pre.yml. Every problem is a Finding at the line of
the YAML node it is about (coursekit.translations.syntax reads the file with line numbers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from coursekit.translations.findings import ERROR, WARNING, Finding, FindingsError, errors
from coursekit.translations.repository import Repository
from coursekit.translations.syntax import line_of

QUESTION_TYPES = ("single", "multiple", "truefalse")
TRUE_FALSE = ("true", "false")  # the option ids of a true/false question; their text is UI text
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_MARKDOWN_LINK = re.compile(r"\]\(|<a\s", re.I)

_QUIZ_KEYS = {"title": True, "intro": False, "lesson": False, "legacy": False, "questions": True}
_QUESTION_KEYS = {"id": True, "type": True, "text": True, "image": False, "alt": False, "code": False,
                  "options": False, "correct": True, "feedback": False, "explanation": True}


class QuizError(FindingsError):
    """A quiz or its translation has errors; str() lists them as `file:line: message`."""


class Report:
    """Collects the findings for one file; a stale translation's id mismatches are warnings."""

    def __init__(self, path: str, stale: bool = False):
        self.path, self.stale = path, stale
        self.findings: list[Finding] = []

    def error(self, line: int, message: str) -> None:
        self.findings.append(Finding(self.path, line, message, ERROR))

    def gap(self, line: int, message: str) -> None:
        """Text or an id a translation lacks, or has that English no longer has: an error, but
        only a warning while the translation is stale (English may have moved on)."""
        if self.stale:
            message += " (the translation is older than the English file; update it)"
        self.findings.append(Finding(self.path, line, message, WARNING if self.stale else ERROR))


def text_field(mapping, key: str, where: str, report: Report, required: bool = True) -> str | None:
    """The text value of `key`, or None (with a problem when it is required or not text)."""
    if key not in mapping:
        if required:
            report.error(getattr(mapping, "line", 1), f"{where} lacks '{key}'")
        return None
    value = mapping[key]
    if not isinstance(value, str) or not value.strip():
        report.error(line_of(mapping, key), f"{where}: '{key}' must be non-empty text")
        return None
    return value.strip()


def unknown_keys(mapping, allowed, where: str, report: Report, hint: str = "", skip=()) -> None:
    for key in mapping:
        if key not in allowed and key not in skip:
            report.error(line_of(mapping, key), f"{where}: unknown key '{key}' (expected {', '.join(allowed)}){hint}")


def check_inline(text: str | None, line: int, where: str, report: Report) -> None:
    """Question and option texts are one line of inline Markdown; links belong in explanations."""
    if text is None:
        return
    if "\n\n" in text:
        report.error(line, f"{where} must be a single paragraph")
    if _MARKDOWN_LINK.search(text):
        report.error(line, f"{where} may not contain a link; put links in the explanation")


# -- the English bank --------------------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    id: str
    text: str  # empty for true/false, whose option text is UI text


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # single, multiple or truefalse
    text: str
    options: tuple[Option, ...]
    correct: frozenset[str]  # option ids; for truefalse {"true"} or {"false"}
    explanation: str  # Markdown
    feedback: tuple[tuple[str, str], ...] = ()  # (wrong option id, Markdown): why it tempts, why it is wrong
    image: str | None = None  # a picture the question asks about, relative to the quiz page
    alt: str | None = None  # the picture's text alternative (translated)
    code: str | None = None  # a code listing the question asks about (not translated)


@dataclass(frozen=True)
class Legacy:
    app_id: int | None = None  # the quiz's id in the original quiz app's JSON
    addresses: tuple[int, ...] = ()  # /quiz/<n> addresses that should lead to this quiz


@dataclass(frozen=True)
class Quiz:
    id: str
    path: Path
    source: str  # the file relative to the repository root: what a translation's `source:` names
    title: str
    intro: str | None
    lesson: str | None  # Markdown link target, relative to the quiz page
    legacy: Legacy
    questions: tuple[Question, ...]


def load_quiz(repo: Repository, path: Path) -> tuple[Quiz | None, list[Finding]]:
    """Read and check one English bank file. Returns (quiz or None when it has errors, findings)."""
    path = Path(path)
    report = Report(repo.layout.shown(path))
    quiz_id = path.stem
    if not _SLUG.fullmatch(quiz_id):
        report.error(1, f"quiz id '{quiz_id}' (the file name) must be lower-case letters, digits and '-'")
    data, problems = repo.yaml_body(path)
    report.findings += problems
    if data is None:
        if not report.findings:
            report.error(1, "the file is empty; it needs title and questions")
        return None, report.findings
    if not isinstance(data, dict):
        report.error(1, "expected a mapping with title, questions and optionally intro, lesson, legacy")
        return None, report.findings
    unknown_keys(data, tuple(_QUIZ_KEYS), "quiz", report)
    title = text_field(data, "title", "quiz", report)
    intro = text_field(data, "intro", "quiz", report, required=False)
    lesson = text_field(data, "lesson", "quiz", report, required=False)
    legacy = _legacy(data, report)
    questions = _questions(data, report)
    if errors(report.findings):
        return None, report.findings
    return Quiz(quiz_id, path, report.path, title, intro, lesson, legacy, tuple(questions)), report.findings


def _legacy(data, report: Report) -> Legacy:
    if "legacy" not in data:
        return Legacy()
    legacy = data["legacy"]
    line = line_of(data, "legacy")
    if not isinstance(legacy, dict):
        report.error(line, "quiz: 'legacy' must be a mapping with app_id and addresses")
        return Legacy()
    unknown_keys(legacy, ("app_id", "addresses"), "legacy", report)
    app_id = legacy.get("app_id")
    if app_id is not None and (isinstance(app_id, bool) or not isinstance(app_id, int) or app_id <= 0):
        report.error(line_of(legacy, "app_id"), f"legacy: 'app_id' must be a positive whole number, not {app_id!r}")
        app_id = None
    addresses = legacy.get("addresses", [])
    if not isinstance(addresses, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in addresses):
        report.error(line_of(legacy, "addresses"), "legacy: 'addresses' must be a list of positive whole numbers, like [110, 19]")
        addresses = []
    return Legacy(app_id, tuple(addresses))


def _questions(data, report: Report) -> list[Question]:
    questions = data.get("questions")
    if "questions" not in data:
        report.error(getattr(data, "line", 1), "quiz lacks 'questions'")
        return []
    if not isinstance(questions, list) or not questions:
        report.error(line_of(data, "questions"), "quiz: 'questions' must be a non-empty list")
        return []
    result, seen = [], {}
    for index, entry in enumerate(questions):
        line = questions.item_lines[index]
        if not isinstance(entry, dict):
            report.error(line, f"question {index + 1} must be a mapping with id, type, text, correct, explanation")
            continue
        question = _question(entry, index, line, report)
        if question is None:
            continue
        if question.id in seen:
            report.error(line_of(entry, "id"), f"question id '{question.id}' is used twice (first on line {seen[question.id]})")
            continue
        seen[question.id] = line_of(entry, "id")
        result.append(question)
    return result


def _question(entry, index: int, line: int, report: Report) -> Question | None:
    qid = entry.get("id")
    if not isinstance(qid, str) or not _SLUG.fullmatch(qid):
        report.error(line_of(entry, "id") if "id" in entry else line,
                     f"question {index + 1}: 'id' must be a slug of lower-case letters, digits and '-', not {qid!r}")
        return None
    where = f"question '{qid}'"
    unknown_keys(entry, tuple(_QUESTION_KEYS), where, report)
    for key, required in _QUESTION_KEYS.items():
        if required and key not in entry:
            report.error(line, f"{where} lacks '{key}'")
    qtype = entry.get("type")
    if "type" in entry and qtype not in QUESTION_TYPES:
        report.error(line_of(entry, "type"), f"{where}: type {qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
        return None
    text = text_field(entry, "text", where, report) if "text" in entry else None
    check_inline(text, line_of(entry, "text"), f"{where}: 'text'", report)
    explanation = text_field(entry, "explanation", where, report) if "explanation" in entry else None
    if qtype is None:
        return None
    if qtype == "truefalse":
        options, correct = _true_false(entry, where, report)
    else:
        options, correct = _choices(entry, qtype, where, line, report)
    if None in (text, explanation, options, correct):
        return None
    image, alt = _image(entry, where, report)
    code = entry.get("code")
    if code is not None and (not isinstance(code, str) or not code.strip()):
        report.error(line_of(entry, "code"), f"{where}: 'code' must be the text of a code listing (use a | block)")
        code = None
    feedback = feedback_for(entry.get("feedback"), options, correct, where, line_of(entry, "feedback"), report) if "feedback" in entry else ()
    return Question(qid, qtype, text, options, correct, explanation, feedback, image, alt, code.rstrip() if code else None)


def _image(entry, where: str, report: Report) -> tuple[str | None, str | None]:
    """`image` (a path relative to the quiz page) needs `alt`, the words a reader who cannot see
    it gets instead; one without the other is an error."""
    image = text_field(entry, "image", where, report, required=False)
    alt = text_field(entry, "alt", where, report, required=False)
    if image is not None and alt is None and "alt" not in entry:
        report.error(line_of(entry, "image"), f"{where}: 'image' needs 'alt', a sentence that says what the picture shows")
    if alt is not None and image is None and "image" not in entry:
        report.error(line_of(entry, "alt"), f"{where}: 'alt' describes an 'image', but the question has none")
    check_inline(alt, line_of(entry, "alt"), f"{where}: 'alt'", report)
    return image, alt


def feedback_for(given, options, correct, where: str, line: int, report: Report) -> tuple[tuple[str, str], ...]:
    """`feedback: {option id: Markdown}`, for wrong options only (for a truefalse question, the
    wrong one of true and false): what a learner who chose it believed, and what is wrong with it.
    The same rules serve the English file and its translations."""
    if not isinstance(given, dict):
        report.error(line, f"{where}: 'feedback' must be a mapping of wrong option id -> text")
        return ()
    wrong = [o.id for o in options if o.id not in correct]
    result = []
    for key, value in given.items():
        option_line = line_of(given, key)
        oid = ("true" if key else "false") if isinstance(key, bool) else str(key)  # YAML reads true: as a boolean
        if oid in correct:
            report.error(option_line, f"{where}: feedback for '{oid}', which is a correct answer; "
                                      f"feedback is for wrong options ({', '.join(wrong)}), the explanation for the right one")
        elif oid not in wrong:
            report.error(option_line, f"{where}: feedback for '{oid}', which is not an option (wrong options: {', '.join(wrong)})")
        elif not isinstance(value, str) or not value.strip():
            report.error(option_line, f"{where}: feedback for '{oid}' must be non-empty text")
        else:
            result.append((oid, value.strip()))
    order = {oid: index for index, oid in enumerate(wrong)}
    return tuple(sorted(result, key=lambda item: order[item[0]]))


def _true_false(entry, where: str, report: Report):
    if "options" in entry:
        report.error(line_of(entry, "options"), f"{where}: a truefalse question has no 'options' (True and False are built in)")
    if "correct" not in entry:
        return None, None
    correct = entry["correct"]
    if not isinstance(correct, bool):
        report.error(line_of(entry, "correct"), f"{where}: 'correct' of a truefalse question must be true or false, not {correct!r}")
        return None, None
    return tuple(Option(value, "") for value in TRUE_FALSE), frozenset({"true" if correct else "false"})


def _choices(entry, qtype: str, where: str, line: int, report: Report):
    options = entry.get("options")
    if not isinstance(options, list) or len(options) < 2:
        report.error(line_of(entry, "options") if "options" in entry else line, f"{where}: a {qtype} question needs 'options', a list of at least two")
        return None, None
    result, ids, ok = [], set(), True
    for index, option in enumerate(options):
        option_line = options.item_lines[index]
        if not isinstance(option, dict):
            report.error(option_line, f"{where}: option {index + 1} must be a mapping with 'id' and 'text'")
            ok = False
            continue
        unknown_keys(option, ("id", "text"), f"{where}, option {index + 1}", report)
        oid = option.get("id")
        if not isinstance(oid, str) or not _SLUG.fullmatch(oid):
            report.error(line_of(option, "id"), f"{where}: option {index + 1} needs an 'id' slug of lower-case letters, digits and '-', not {oid!r}")
            ok = False
            continue
        if oid in ids:
            report.error(line_of(option, "id"), f"{where}: option id '{oid}' is used twice")
            ok = False
            continue
        ids.add(oid)
        text = text_field(option, "text", f"{where}, option '{oid}'", report)
        check_inline(text, line_of(option, "text"), f"{where}, option '{oid}'", report)
        ok = ok and text is not None
        result.append(Option(oid, text or ""))
    if "correct" not in entry:
        return None, None
    correct = _correct_ids(entry, qtype, ids, where, report)
    if not ok or correct is None:
        return None, None
    return tuple(result), correct


def _correct_ids(entry, qtype: str, ids: set[str], where: str, report: Report) -> frozenset[str] | None:
    correct, line = entry["correct"], line_of(entry, "correct")
    choices = ", ".join(sorted(ids))
    if qtype == "single":
        if not isinstance(correct, str):
            report.error(line, f"{where}: 'correct' of a single question must be one option id (one of {choices})")
            return None
        values = [correct]
    else:
        if not isinstance(correct, list) or not correct or not all(isinstance(v, str) for v in correct):
            report.error(line, f"{where}: 'correct' of a multiple question must be a list of option ids, like [{choices}]")
            return None
        if len(set(correct)) != len(correct):
            report.error(line, f"{where}: 'correct' names an option twice")
            return None
        values = correct
    unknown = [value for value in values if value not in ids]
    if unknown:
        report.error(line, f"{where}: 'correct' names {', '.join(repr(v) for v in unknown)}, which is not an option id (options: {choices})")
        return None
    if qtype == "multiple" and len(values) == len(ids):
        report.error(line, f"{where}: every option is correct; leave at least one wrong option")
        return None
    return frozenset(values)


