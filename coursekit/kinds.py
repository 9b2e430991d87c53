"""The kinds of file a translator translates, and where each kind's own rules live.

| kind | sources | own rules | starts as |
| --- | --- | --- | --- |
| page | `*.md` under docs/ | (the shared checks) | the English page |
| notebook | `*.ipynb` under docs/ | (the shared checks) | the English notebook, without outputs |
| glossary | `glossary.yml` | coursekit.glossary.check | the English file |
| diagram labels | `assets/diagrams/labels.yml` | coursekit.diagrams.check | the English file |
| quiz | `quiz/<id>.yml` | coursekit.quiz.bank.QuizBank.rules | text per id (coursekit.quiz.translation.skeleton) |
| language file | `language.yml` (the language's own) | coursekit.strings.Strings.check | every interface string |

Every file also passes the shared checks of coursekit.translations.checks. `Kinds(repo)` hands
those checks each kind's rules; the lint, the build and `coursekit i18n new` use it.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import PurePosixPath

from coursekit import diagrams, glossary
from coursekit.quiz.bank import QuizBank
from coursekit.quiz.translation import skeleton as quiz_skeleton
from coursekit.strings import Strings
from coursekit.translations.checks import Checks, Rules
from coursekit.translations.layout import GLOSSARY, LABELS
from coursekit.translations.repository import Repository, TranslationFile


class Kinds:
    def __init__(self, repo: Repository, quizzes: QuizBank | None = None, strings: Strings | None = None):
        self.repo = repo
        self.quizzes = quizzes or QuizBank(repo)
        self.strings = strings or Strings(repo)
        self._terms_of: dict[str, list[tuple[str, str]]] = {}

    @cached_property
    def checks(self) -> Checks:
        return Checks(self.repo, terms=self._terms)

    def _terms(self, lang: str) -> list[tuple[str, str]]:
        if lang not in self._terms_of:
            self._terms_of[lang] = glossary.term_pairs(self.repo, lang)
        return self._terms_of[lang]

    def rules(self, source: str) -> Rules | None:
        """The rules of the kind `source` is, for coursekit.translations.checks."""
        if source == GLOSSARY:
            return _adapt(glossary.check)
        if source == LABELS:
            return _adapt(diagrams.check)
        if self.repo.layout.is_quiz(source):
            return self.quizzes.rules
        return None

    def check(self, translation: TranslationFile):
        return self.checks.translation(translation, self.rules(translation.source))

    def skeleton(self, source: str) -> str | None:
        """What `coursekit i18n new` writes after the front matter when a translation is not shaped
        like its English file (a quiz); None when it starts as a copy of the English file."""
        if self.repo.layout.is_quiz(source):
            return quiz_skeleton(self.quizzes.quiz(PurePosixPath(source).stem))
        return None


def _adapt(check) -> Rules:
    """A module's check(repo, path) -> [(line, message[, severity])] as a Rules function."""
    def rules(checks: Checks, translation: TranslationFile, add) -> None:
        for line, message, *severity in check(checks.repo, translation.path):
            add(line, message, *severity)
    return rules
