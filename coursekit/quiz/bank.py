"""The quiz bank: English quizzes with their answer key, and translations that give text per id.

English: `quiz/<id>.yml` (the schema is described at the top of quiz/gan-pre.yml). A translation,
`translations/<lang>/quiz/<id>.yml`, starts with the usual front matter block

    ---
    source: quiz/<id>.yml     # the English bank file, relative to the repository root
    source_blob: <40 hex>     # git hash-object quiz/<id>.yml when it was translated
    translated: 2026-11-22
    ---

and then gives `title`, `intro` and `questions: {<question id>: {text, options: {<option id>:
text}, explanation}}`. It cannot hold `correct`, `type` or any other key, so it can never change
which answer is right, nor the order of questions and options.

Every problem is reported as `file:line: message`, with lines taken from the YAML node marks.
A translation made from an older English file (stale) may lack ids that were added since, or
keep ids that were removed: those are warnings, and the page falls back to English for them.
In a fresh translation they are errors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from coursekit.frontmatter import TranslationError, TranslationMeta, check_meta, split_markdown
from coursekit.gitblob import file_blob_id
from coursekit.sources import Translation

QUIZ_DIR = "quiz"
TRANSLATIONS_DIR = "translations"
QUESTION_TYPES = ("single", "multiple", "truefalse")
TRUE_FALSE = ("true", "false")  # the option ids of a true/false question; their text is UI text
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_MARKDOWN_LINK = re.compile(r"\]\(|<a\s", re.I)

_QUIZ_KEYS = {"title": True, "intro": False, "lesson": False, "legacy": False, "questions": True}
_QUESTION_KEYS = {"id": True, "type": True, "text": True, "options": False, "correct": True, "explanation": True}
_TRANSLATION_KEYS = ("title", "intro", "questions")
_TRANSLATED_QUESTION_KEYS = ("text", "options", "explanation")


# -- problems ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class QuizError(ValueError):
    """A quiz or its translation has errors; str() lists them as `file:line: message`."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


# -- a YAML loader that remembers lines --------------------------------------------------------
class _Map(dict):
    """A mapping that knows the line it starts on and the line of each key."""

    line: int = 1
    key_lines: dict


class _Seq(list):
    """A sequence that knows the line it starts on and the line of each item."""

    line: int = 1
    item_lines: list


class _DuplicateKey(Exception):
    def __init__(self, key, line: int):
        self.key, self.line = key, line


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry 1-based line numbers, and which refuses
    duplicate keys (plain YAML silently keeps the last one, which would hide a typo)."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line, result.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            duplicate = key in result
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "a key must be plain text", key_node.start_mark) from None
        if duplicate:
            raise _DuplicateKey(key, line)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> _Seq:
    result = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


class _Report:
    """Collects problems for one file; `offset` maps YAML body lines to file lines."""

    def __init__(self, path: str, offset: int = 0, stale: bool = False):
        self.path, self.offset, self.stale = path, offset, stale
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line + self.offset, message))

    def id_mismatch(self, line: int, message: str) -> None:
        """A missing or extra id: tolerated (a warning) while the translation is stale."""
        if self.stale:
            message += " (the translation is older than the English file; update it)"
        self.problems.append(Problem(self.path, line + self.offset, message, "warning" if self.stale else "error"))


def _parse_yaml(text: str, report: _Report):
    try:
        return yaml.load(text, Loader=_LineLoader)
    except _DuplicateKey as exc:
        report.error(exc.line, f"duplicate key '{exc.key}'; each key may appear once")
    except yaml.YAMLError as exc:
        # An unclosed bracket or quote is noticed lines later; the line that opened it (the
        # context) is the one to fix. Other errors are best shown where they were noticed.
        context = getattr(exc, "context", None) or ""
        marks = ("context_mark", "problem_mark") if ("flow" in context or "quoted" in context) else ("problem_mark", "context_mark")
        mark = next((getattr(exc, name) for name in marks if getattr(exc, name, None) is not None), None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if context:
            problem = f"{context}, {problem}"
        report.error(mark.line + 1 if mark else 1, f"not valid YAML: {problem}")
    return None


def _line(mapping, key) -> int:
    return getattr(mapping, "key_lines", {}).get(key, getattr(mapping, "line", 1))


def _text(mapping, key: str, where: str, report: _Report, required: bool = True) -> str | None:
    """The text value of `key`, or None (with a problem when it is required or not text)."""
    if key not in mapping:
        if required:
            report.error(getattr(mapping, "line", 1), f"{where} lacks '{key}'")
        return None
    value = mapping[key]
    if not isinstance(value, str) or not value.strip():
        report.error(_line(mapping, key), f"{where}: '{key}' must be non-empty text")
        return None
    return value.strip()


def _unknown_keys(mapping, allowed, where: str, report: _Report, hint: str = "", skip=()) -> None:
    for key in mapping:
        if key not in allowed and key not in skip:
            report.error(_line(mapping, key), f"{where}: unknown key '{key}' (expected {', '.join(allowed)}){hint}")


def _check_inline(text: str | None, line: int, where: str, report: _Report) -> None:
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


@dataclass(frozen=True)
class Legacy:
    app_id: int | None = None  # the quiz's id in the original quiz app's JSON
    addresses: tuple[int, ...] = ()  # /quiz/<n> addresses that should lead to this quiz


@dataclass(frozen=True)
class Quiz:
    id: str
    path: Path
    title: str
    intro: str | None
    lesson: str | None  # Markdown link target, relative to the quiz page
    legacy: Legacy
    questions: tuple[Question, ...]


def quiz_ids(repo_root: Path) -> list[str]:
    """The ids of all quizzes in the bank, sorted."""
    folder = Path(repo_root) / QUIZ_DIR
    return sorted(path.stem for path in folder.glob("*.yml")) if folder.is_dir() else []


def bank_path(repo_root: Path, quiz_id: str) -> Path:
    return Path(repo_root) / QUIZ_DIR / f"{quiz_id}.yml"


def _display(path: Path, repo_root: Path | None) -> str:
    if repo_root is not None:
        try:
            return Path(path).resolve().relative_to(Path(repo_root).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def load_quiz(path: Path, repo_root: Path | None = None) -> tuple[Quiz | None, list[Problem]]:
    """Read and check one English bank file. Returns (quiz or None when it has errors, problems)."""
    path = Path(path)
    report = _Report(_display(path, repo_root))
    quiz_id = path.stem
    if not _SLUG.fullmatch(quiz_id):
        report.error(1, f"quiz id '{quiz_id}' (the file name) must be lower-case letters, digits and '-'")
    data = _parse_yaml(path.read_text(encoding="utf-8"), report)
    if data is None:
        if not report.problems:
            report.error(1, "the file is empty; it needs title and questions")
        return None, report.problems
    if not isinstance(data, dict):
        report.error(1, "expected a mapping with title, questions and optionally intro, lesson, legacy")
        return None, report.problems
    _unknown_keys(data, tuple(_QUIZ_KEYS), "quiz", report)
    title = _text(data, "title", "quiz", report)
    intro = _text(data, "intro", "quiz", report, required=False)
    lesson = _text(data, "lesson", "quiz", report, required=False)
    legacy = _legacy(data, report)
    questions = _questions(data, report)
    if errors(report.problems):
        return None, report.problems
    return Quiz(quiz_id, path, title, intro, lesson, legacy, tuple(questions)), report.problems


def _legacy(data, report: _Report) -> Legacy:
    if "legacy" not in data:
        return Legacy()
    legacy = data["legacy"]
    line = _line(data, "legacy")
    if not isinstance(legacy, dict):
        report.error(line, "quiz: 'legacy' must be a mapping with app_id and addresses")
        return Legacy()
    _unknown_keys(legacy, ("app_id", "addresses"), "legacy", report)
    app_id = legacy.get("app_id")
    if app_id is not None and (isinstance(app_id, bool) or not isinstance(app_id, int) or app_id <= 0):
        report.error(_line(legacy, "app_id"), f"legacy: 'app_id' must be a positive whole number, not {app_id!r}")
        app_id = None
    addresses = legacy.get("addresses", [])
    if not isinstance(addresses, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in addresses):
        report.error(_line(legacy, "addresses"), "legacy: 'addresses' must be a list of positive whole numbers, like [110, 19]")
        addresses = []
    return Legacy(app_id, tuple(addresses))


def _questions(data, report: _Report) -> list[Question]:
    questions = data.get("questions")
    if "questions" not in data:
        report.error(getattr(data, "line", 1), "quiz lacks 'questions'")
        return []
    if not isinstance(questions, list) or not questions:
        report.error(_line(data, "questions"), "quiz: 'questions' must be a non-empty list")
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
            report.error(_line(entry, "id"), f"question id '{question.id}' is used twice (first on line {seen[question.id]})")
            continue
        seen[question.id] = _line(entry, "id") + report.offset
        result.append(question)
    return result


def _question(entry, index: int, line: int, report: _Report) -> Question | None:
    qid = entry.get("id")
    if not isinstance(qid, str) or not _SLUG.fullmatch(qid):
        report.error(_line(entry, "id") if "id" in entry else line,
                     f"question {index + 1}: 'id' must be a slug of lower-case letters, digits and '-', not {qid!r}")
        return None
    where = f"question '{qid}'"
    _unknown_keys(entry, tuple(_QUESTION_KEYS), where, report)
    for key, required in _QUESTION_KEYS.items():
        if required and key not in entry:
            report.error(line, f"{where} lacks '{key}'")
    qtype = entry.get("type")
    if "type" in entry and qtype not in QUESTION_TYPES:
        report.error(_line(entry, "type"), f"{where}: type {qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
        return None
    text = _text(entry, "text", where, report) if "text" in entry else None
    _check_inline(text, _line(entry, "text"), f"{where}: 'text'", report)
    explanation = _text(entry, "explanation", where, report) if "explanation" in entry else None
    if qtype is None:
        return None
    if qtype == "truefalse":
        options, correct = _true_false(entry, where, report)
    else:
        options, correct = _choices(entry, qtype, where, line, report)
    if None in (text, explanation, options, correct):
        return None
    return Question(qid, qtype, text, options, correct, explanation)


def _true_false(entry, where: str, report: _Report):
    if "options" in entry:
        report.error(_line(entry, "options"), f"{where}: a truefalse question has no 'options' (True and False are built in)")
    if "correct" not in entry:
        return None, None
    correct = entry["correct"]
    if not isinstance(correct, bool):
        report.error(_line(entry, "correct"), f"{where}: 'correct' of a truefalse question must be true or false, not {correct!r}")
        return None, None
    return tuple(Option(value, "") for value in TRUE_FALSE), frozenset({"true" if correct else "false"})


def _choices(entry, qtype: str, where: str, line: int, report: _Report):
    options = entry.get("options")
    if not isinstance(options, list) or len(options) < 2:
        report.error(_line(entry, "options") if "options" in entry else line, f"{where}: a {qtype} question needs 'options', a list of at least two")
        return None, None
    result, ids, ok = [], set(), True
    for index, option in enumerate(options):
        option_line = options.item_lines[index]
        if not isinstance(option, dict):
            report.error(option_line, f"{where}: option {index + 1} must be a mapping with 'id' and 'text'")
            ok = False
            continue
        _unknown_keys(option, ("id", "text"), f"{where}, option {index + 1}", report)
        oid = option.get("id")
        if not isinstance(oid, str) or not _SLUG.fullmatch(oid):
            report.error(_line(option, "id"), f"{where}: option {index + 1} needs an 'id' slug of lower-case letters, digits and '-', not {oid!r}")
            ok = False
            continue
        if oid in ids:
            report.error(_line(option, "id"), f"{where}: option id '{oid}' is used twice")
            ok = False
            continue
        ids.add(oid)
        text = _text(option, "text", f"{where}, option '{oid}'", report)
        _check_inline(text, _line(option, "text"), f"{where}, option '{oid}'", report)
        ok = ok and text is not None
        result.append(Option(oid, text or ""))
    if "correct" not in entry:
        return None, None
    correct = _correct_ids(entry, qtype, ids, where, report)
    if not ok or correct is None:
        return None, None
    return tuple(result), correct


def _correct_ids(entry, qtype: str, ids: set[str], where: str, report: _Report) -> frozenset[str] | None:
    correct, line = entry["correct"], _line(entry, "correct")
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


# -- translations ------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionText:
    text: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    explanation: str | None = None


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
        {q.id: QuestionText(q.text, {o.id: o.text for o in q.options if o.text}, q.explanation) for q in quiz.questions},
    )


def translation_path(repo_root: Path, lang: str, quiz_id: str) -> Path:
    return Path(repo_root) / TRANSLATIONS_DIR / lang / QUIZ_DIR / f"{quiz_id}.yml"


def source_path(quiz_id: str) -> str:
    """What a translation's `source:` names: the English bank file, relative to the repository root."""
    return f"{QUIZ_DIR}/{quiz_id}.yml"


def load_translation(path: Path, quiz: Quiz, repo_root: Path | None = None) -> tuple[QuizText | None, TranslationMeta | None, bool, list[Problem]]:
    """Read and check a translation of `quiz`. Returns (text, front matter, stale, problems);
    text is None when the file has errors."""
    path = Path(path)
    shown = _display(path, repo_root)
    raw = path.read_text(encoding="utf-8")
    try:
        meta_dict, body, first_line = split_markdown(raw, shown)
        if not meta_dict:
            raise TranslationError(shown, 1, f"missing front matter: start the file with '---', source: {source_path(quiz.id)}, source_blob, translated, '---'")
        meta = check_meta(meta_dict, raw, shown, expected_source=source_path(quiz.id))
    except TranslationError as exc:
        return None, None, False, [Problem(shown, exc.line, exc.message)]
    stale = file_blob_id(quiz.path) != meta.source_blob
    report = _Report(shown, offset=first_line - 1, stale=stale)
    data = _parse_yaml(body, report)
    if data is None and not report.problems:
        data = _Map()
        data.line, data.key_lines = 1, {}
    if not isinstance(data, dict):
        if not report.problems:
            report.error(1, "expected a mapping with title, intro and questions")
        return None, meta, stale, report.problems
    text = _translated_text(data, quiz, report)
    return (None if errors(report.problems) else text), meta, stale, report.problems


_KEY_FIELDS = ("correct", "type")  # what decides the answer; only the English file may set it
_NO_KEY = "; a translation gives text only, and which answer is correct is set in the English file alone"


def _translated_text(data, quiz: Quiz, report: _Report) -> QuizText:
    _forbid_key_fields(data, "translation", report)
    _unknown_keys(data, _TRANSLATION_KEYS, "translation", report, _NO_KEY, skip=_KEY_FIELDS)
    title = _text(data, "title", "translation", report, required=False)
    if title is None and "title" not in data:
        report.id_mismatch(getattr(data, "line", 1), "translation lacks 'title'")
    intro = _text(data, "intro", "translation", report, required=False)
    if quiz.intro and intro is None and "intro" not in data:
        report.id_mismatch(getattr(data, "line", 1), "translation lacks 'intro'")
    if intro is not None and not quiz.intro:
        report.id_mismatch(_line(data, "intro"), "translation has 'intro' but the English quiz has none")
    questions = data.get("questions", _Map())
    if not isinstance(questions, dict):
        report.error(_line(data, "questions"), "'questions' must be a mapping of question id -> {text, options, explanation}")
        return QuizText(title, intro, {})
    english = {q.id: q for q in quiz.questions}
    result = {}
    for qid, entry in questions.items():
        line = _line(questions, qid)
        if qid not in english:
            report.id_mismatch(line, f"question '{qid}' is not in {source_path(quiz.id)} (known: {', '.join(english)})")
            continue
        if not isinstance(entry, dict):
            report.error(line, f"question '{qid}' must be a mapping with text, options and explanation")
            continue
        result[qid] = _translated_question(entry, english[qid], line, report)
    for qid in english:
        if qid not in questions:
            report.id_mismatch(_line(data, "questions"), f"question '{qid}' is missing")
    return QuizText(title, intro, result)


def _forbid_key_fields(mapping, where: str, report: _Report) -> None:
    for key in _KEY_FIELDS:
        if key in mapping:
            report.error(_line(mapping, key), f"{where}: '{key}' is not allowed here{_NO_KEY}")


def _translated_question(entry, question: Question, line: int, report: _Report) -> QuestionText:
    """`line` is where the question's id stands; what the question lacks is reported there."""
    where = f"question '{question.id}'"
    _forbid_key_fields(entry, where, report)
    _unknown_keys(entry, _TRANSLATED_QUESTION_KEYS, where, report, _NO_KEY, skip=_KEY_FIELDS)
    text = _text(entry, "text", where, report, required=False)
    if "text" not in entry:
        report.id_mismatch(line, f"{where} lacks 'text'")
    _check_inline(text, _line(entry, "text"), f"{where}: 'text'", report)
    explanation = _text(entry, "explanation", where, report, required=False)
    if "explanation" not in entry:
        report.id_mismatch(line, f"{where} lacks 'explanation'")
    options: dict[str, str] = {}
    english_options = [o.id for o in question.options] if question.type != "truefalse" else []
    given = entry.get("options")
    if question.type == "truefalse":
        if given is not None:
            report.error(_line(entry, "options"), f"{where} is a truefalse question; its True and False need no translation here")
    elif given is None:
        if "options" not in entry:
            report.id_mismatch(line, f"{where} lacks 'options'")
    elif not isinstance(given, dict):
        report.error(_line(entry, "options"), f"{where}: 'options' must be a mapping of option id -> text")
    else:
        for oid, value in given.items():
            option_line = _line(given, oid)
            if oid not in english_options:
                report.id_mismatch(option_line, f"{where}: option '{oid}' is not in the English question (known: {', '.join(english_options)})")
            elif not isinstance(value, str) or not value.strip():
                report.error(option_line, f"{where}: option '{oid}' must be non-empty text" + (_NO_KEY if isinstance(value, (bool, dict)) else ""))
            else:
                _check_inline(value.strip(), option_line, f"{where}, option '{oid}'", report)
                options[oid] = value.strip()
        for oid in english_options:
            if oid not in given:
                report.id_mismatch(_line(entry, "options"), f"{where}: option '{oid}' is missing")
    return QuestionText(text, options, explanation)


# -- the whole bank ----------------------------------------------------------------------------
def translation_languages(repo_root: Path) -> list[str]:
    """Languages that have a translations/<lang>/quiz/ folder."""
    folder = Path(repo_root) / TRANSLATIONS_DIR
    return sorted(p.parent.name for p in folder.glob(f"*/{QUIZ_DIR}") if p.is_dir()) if folder.is_dir() else []


def validate(repo_root: Path, languages: list[str] | None = None) -> list[Problem]:
    """Check every bank file and every translation. `languages` limits which translations are
    read (default: every translations/<lang>/quiz/ folder)."""
    repo_root = Path(repo_root)
    problems: list[Problem] = []
    quizzes: dict[str, Quiz] = {}
    for quiz_id in quiz_ids(repo_root):
        quiz, found = load_quiz(bank_path(repo_root, quiz_id), repo_root)
        problems += found
        if quiz is not None:
            quizzes[quiz_id] = quiz
    problems += _check_legacy_unique(quizzes, repo_root)
    known_ids = set(quiz_ids(repo_root))
    for lang in languages if languages is not None else translation_languages(repo_root):
        folder = repo_root / TRANSLATIONS_DIR / lang / QUIZ_DIR
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if not path.is_file():
                continue
            shown = _display(path, repo_root)
            if path.suffix != ".yml":
                problems.append(Problem(shown, 1, f"unexpected file; quiz translations are named <quiz id>.yml after a file in {QUIZ_DIR}/"))
            elif path.stem not in known_ids:
                problems.append(Problem(shown, 1, f"there is no {source_path(path.stem)} for this file to translate"))
            elif path.stem in quizzes:
                problems += load_translation(path, quizzes[path.stem], repo_root)[3]
    return problems


def _check_legacy_unique(quizzes: dict[str, Quiz], repo_root: Path) -> list[Problem]:
    problems, owner, app_owner = [], {}, {}
    for quiz in quizzes.values():
        shown = _display(quiz.path, repo_root)
        for number in quiz.legacy.addresses:
            if number in owner and owner[number] != quiz.id:
                problems.append(Problem(shown, 1, f"legacy address {number} is already claimed by quiz '{owner[number]}'"))
            owner.setdefault(number, quiz.id)
        if quiz.legacy.app_id is not None:
            if quiz.legacy.app_id in app_owner:
                problems.append(Problem(shown, 1, f"legacy app_id {quiz.legacy.app_id} is already used by quiz '{app_owner[quiz.legacy.app_id]}'"))
            app_owner.setdefault(quiz.legacy.app_id, quiz.id)
    return problems


# -- one quiz in one language ------------------------------------------------------------------
@dataclass(frozen=True)
class LocalizedQuestion:
    id: str
    type: str
    text: str
    options: tuple[tuple[str, str], ...]  # (option id, text); true/false text filled in by the renderer
    correct: frozenset[str]
    explanation: str


@dataclass(frozen=True)
class LocalizedQuiz:
    id: str
    lang: str
    title: str
    intro: str | None
    lesson: str | None
    questions: tuple[LocalizedQuestion, ...]
    quiz: Quiz
    translated: bool  # a translation file exists for this language (False: "not translated yet")
    translation: Translation | None  # its front matter and freshness, for notices and banners
    fallback: tuple[str, ...] = ()  # texts shown in English because the (stale) translation lacks them
    warnings: tuple[Problem, ...] = ()


def load(quiz_id: str, lang: str, repo_root: Path, default_lang: str = "en") -> LocalizedQuiz:
    """Quiz `quiz_id` in `lang`: translated text where there is some, English otherwise.
    Raises QuizError when the bank file or the translation has errors."""
    repo_root = Path(repo_root)
    path = bank_path(repo_root, quiz_id)
    if not path.is_file():
        raise QuizError([Problem(_display(path, repo_root), 1, f"no quiz '{quiz_id}' in {QUIZ_DIR}/ (known: {', '.join(quiz_ids(repo_root)) or 'none'})")])
    quiz, problems = load_quiz(path, repo_root)
    if quiz is None:
        raise QuizError(errors(problems))
    english = english_text(quiz)
    text, translation, warnings = english, None, ()
    tpath = translation_path(repo_root, lang, quiz_id)
    if lang != default_lang and tpath.is_file():
        text, meta, stale, found = load_translation(tpath, quiz, repo_root)
        if text is None:
            raise QuizError(errors(found))
        translation = Translation(lang, f"{QUIZ_DIR}/{quiz_id}.md", tpath, meta, stale)
        warnings = tuple(found)
    fallback: list[str] = []

    def pick(translated: str | None, original: str, what: str) -> str:
        if translated is None:
            fallback.append(what)
            return original
        return translated

    title = pick(text.title, quiz.title, "title")
    intro = pick(text.intro, quiz.intro, "intro") if quiz.intro else None
    questions = []
    for q in quiz.questions:
        qt = text.questions.get(q.id, QuestionText())
        options = tuple((o.id, pick(qt.options.get(o.id), o.text, f"{q.id}.{o.id}") if o.text else "") for o in q.options)
        questions.append(LocalizedQuestion(
            q.id, q.type, pick(qt.text, q.text, f"{q.id}.text"), options, q.correct,
            pick(qt.explanation, q.explanation, f"{q.id}.explanation"),
        ))
    return LocalizedQuiz(
        quiz_id, lang, title, intro, quiz.lesson, tuple(questions), quiz,
        translated=translation is not None, translation=translation,
        fallback=tuple(fallback) if translation is not None else (), warnings=warnings,
    )


def quiz_translations(repo_root: Path, languages: list[str]) -> dict[str, Translation]:
    """For the site plugin: each existing quiz translation, keyed by the page's suffixed name
    (`quiz/gan-pre.da.md`), with freshness known. Raises QuizError on a malformed file."""
    from coursekit.sources import suffixed

    found = {}
    for quiz_id in quiz_ids(repo_root):
        for lang in languages:
            if translation_path(repo_root, lang, quiz_id).is_file():
                localized = load(quiz_id, lang, repo_root)
                found[suffixed(f"{QUIZ_DIR}/{quiz_id}.md", lang)] = localized.translation
    return found
