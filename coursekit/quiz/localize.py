"""One quiz in one language: the translation's text where it has some, the English otherwise."""
from __future__ import annotations

from dataclasses import dataclass

from coursekit.quiz.schema import Quiz
from coursekit.quiz.translation import QuestionText, QuizText
from coursekit.translations.findings import Finding
from coursekit.translations.repository import TranslationFile


@dataclass(frozen=True)
class LocalizedQuestion:
    id: str
    type: str
    text: str
    options: tuple[tuple[str, str], ...]  # (option id, text); true/false text filled in by the renderer
    correct: frozenset[str]
    explanation: str
    feedback: tuple[tuple[str, str], ...] = ()  # (wrong option id, Markdown)
    image: str | None = None
    alt: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class LocalizedQuiz:
    id: str
    lang: str
    title: str
    intro: str | None
    lesson: str | None
    questions: tuple[LocalizedQuestion, ...]
    quiz: Quiz
    translation: TranslationFile | None  # the file the text comes from, for notices and banners
    fallback: tuple[str, ...] = ()  # texts shown in English because the (stale) translation lacks them
    warnings: tuple[Finding, ...] = ()

    @property
    def translated(self) -> bool:
        """A translation file exists for this language (False: "not translated yet")."""
        return self.translation is not None


def localize(quiz: Quiz, lang: str, text: QuizText | None = None, translation: TranslationFile | None = None,
             warnings: tuple[Finding, ...] = ()) -> LocalizedQuiz:
    """`quiz` in `lang` with `text` (a checked translation) where it gives text."""
    fallback: list[str] = []

    def pick(translated: str | None, original: str, what: str) -> str:
        if translated is None:
            fallback.append(what)
            return original
        return translated

    text = text or QuizText(None, None, {})
    title = pick(text.title, quiz.title, "title")
    intro = pick(text.intro, quiz.intro, "intro") if quiz.intro else None
    questions = []
    for q in quiz.questions:
        qt = text.questions.get(q.id, QuestionText())
        options = tuple((o.id, pick(qt.options.get(o.id), o.text, f"{q.id}.{o.id}") if o.text else "") for o in q.options)
        feedback = tuple((oid, pick(qt.feedback.get(oid), text, f"{q.id}.feedback.{oid}")) for oid, text in q.feedback)
        questions.append(LocalizedQuestion(
            q.id, q.type, pick(qt.text, q.text, f"{q.id}.text"), options, q.correct,
            pick(qt.explanation, q.explanation, f"{q.id}.explanation"), feedback,
            q.image, pick(qt.alt, q.alt, f"{q.id}.alt") if q.alt else None, q.code,
        ))
    return LocalizedQuiz(quiz.id, lang, title, intro, quiz.lesson, tuple(questions), quiz, translation,
                         tuple(fallback) if translation is not None else (), warnings)
