"""The quiz bank of one repository: every English quiz (`quiz/<id>.yml`, coursekit.quiz.schema)
and its translations (coursekit.quiz.translation), each read and checked once.

`QuizBank.localized(quiz_id, lang)` is what the pages and the export show; `validate()` is
`coursekit quiz validate`: the English files, then every translation through the same checks the
lint runs on it (coursekit.translations.checks, with the quiz rules here).
"""
from __future__ import annotations

from functools import cached_property

from coursekit.quiz.localize import LocalizedQuiz, localize
from coursekit.quiz.schema import Quiz, QuizError, load_quiz
from coursekit.quiz.translation import QuizText, load_translation
from coursekit.translations.checks import Checks
from coursekit.translations.findings import ERROR, Finding, errors
from coursekit.translations.repository import Repository, TranslationFile


class QuizBank:
    def __init__(self, repo: Repository):
        self.repo = repo
        self.layout = repo.layout
        self._texts: dict[tuple[str, str], tuple[QuizText | None, list[Finding]]] = {}

    @cached_property
    def _loaded(self) -> tuple[dict[str, Quiz], list[Finding]]:
        quizzes, findings = {}, []
        for quiz_id in self.layout.quiz_ids():
            quiz, found = load_quiz(self.repo, self.layout.quiz_dir / f"{quiz_id}.yml")
            findings += found
            if quiz is not None:
                quizzes[quiz_id] = quiz
        return quizzes, findings + _legacy_unique(quizzes)

    @property
    def quizzes(self) -> dict[str, Quiz]:
        """The English quizzes that have no errors, by id."""
        return self._loaded[0]

    @property
    def ids(self) -> list[str]:
        return self.layout.quiz_ids()

    def quiz(self, quiz_id: str) -> Quiz:
        if quiz_id not in self.quizzes:
            found = [f for f in self._loaded[1] if f.severity == ERROR and f.path.endswith(f"/{quiz_id}.yml")]
            raise QuizError(found or [Finding(f"{self.layout.quiz}/{quiz_id}.yml", 1,
                                              f"no quiz '{quiz_id}' in {self.layout.quiz}/ (known: {', '.join(self.ids) or 'none'})")])
        return self.quizzes[quiz_id]

    def source(self, quiz_id: str) -> str:
        return f"{self.layout.quiz}/{quiz_id}.yml"

    def text(self, translation: TranslationFile) -> tuple[QuizText | None, list[Finding]]:
        """The checked text of a quiz translation (None when it has errors), and the findings."""
        key = (translation.lang, translation.source)
        if key not in self._texts:
            quiz = self.quiz(translation.path.stem)
            self._texts[key] = load_translation(self.repo, translation, quiz) if translation.meta is not None else (None, [translation.problem])
        return self._texts[key]

    def localized(self, quiz_id: str, lang: str) -> LocalizedQuiz:
        """Quiz `quiz_id` in `lang`. Raises QuizError when the bank file or the translation has errors."""
        quiz = self.quiz(quiz_id)
        translation = self.repo.translation(lang, self.source(quiz_id)) if lang != self.layout.default_language else None
        if translation is None:
            return localize(quiz, lang)
        text, found = self.text(translation)
        if text is None:
            raise QuizError(errors(found) or found)
        return localize(quiz, lang, text, translation, tuple(found))

    # -- checks ----------------------------------------------------------------------------------------
    def rules(self, checks: Checks, translation: TranslationFile, add) -> None:
        """The quiz rules for one translation file (ids, no answer keys, ...), for the shared checks."""
        if translation.path.stem not in self.quizzes:
            add(1, f"the English quiz {translation.source} has errors; run `coursekit quiz validate`")
            return
        for finding in self.text(translation)[1]:
            add(finding.line, finding.message, finding.severity, finding.detail)

    def validate(self, languages: list[str] | None = None) -> list[Finding]:
        """Every bank file, then every translation of every language (or of `languages`)."""
        findings = list(self._loaded[1])
        checks = Checks(self.repo)
        for lang in languages if languages is not None else self.layout.translated:
            folder = self.layout.translations_dir / lang / self.layout.quiz
            for path in sorted(folder.glob("*")) if folder.is_dir() else []:
                if path.is_file() and path.suffix != ".yml":
                    findings.append(Finding(self.layout.shown(path), 1, f"unexpected file; quiz translations are named <quiz id>.yml "
                                                                         f"after a file in {self.layout.quiz}/"))
            for source, translation in self.repo.translations(lang).items():
                if self.layout.is_quiz(source):
                    findings += checks.translation(translation, self.rules)
        return findings


def _legacy_unique(quizzes: dict[str, Quiz]) -> list[Finding]:
    problems, owner, app_owner = [], {}, {}
    for quiz in quizzes.values():
        for number in quiz.legacy.addresses:
            if number in owner and owner[number] != quiz.id:
                problems.append(Finding(quiz.source, 1, f"legacy address {number} is already claimed by quiz '{owner[number]}'"))
            owner.setdefault(number, quiz.id)
        if quiz.legacy.app_id is not None:
            if quiz.legacy.app_id in app_owner:
                problems.append(Finding(quiz.source, 1, f"legacy app_id {quiz.legacy.app_id} is already used by quiz '{app_owner[quiz.legacy.app_id]}'"))
            app_owner.setdefault(quiz.legacy.app_id, quiz.id)
    return problems
