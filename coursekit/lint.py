"""The pull request checks over a repository's translations: every file under translations/<lang>/
through coursekit.translations.checks with its kind's rules (coursekit.kinds), and each
language's language.yml. Each finding is `file:line: message`; errors fail CI and the build,
warnings do not."""
from __future__ import annotations

from pathlib import Path

from coursekit.kinds import Kinds
from coursekit.translations.findings import WARNING, Finding, sort_findings
from coursekit.translations.layout import LANGUAGE_FILE, TRANSLATION_SUFFIXES
from coursekit.translations.repository import Repository


def lint(repo: Repository, paths: list[Path] | None = None, kinds: Kinds | None = None) -> list[Finding]:
    """Findings for every translation file (or those under `paths`), sorted by file and line."""
    kinds = kinds or Kinds(repo)
    findings: list[Finding] = []
    for lang, source in _files(repo, paths, findings):
        if source == LANGUAGE_FILE:
            findings += kinds.strings.check(lang)
        else:
            findings += kinds.check(repo.translation(lang, source))
    return sort_findings(findings)


def _files(repo: Repository, paths: list[Path] | None, findings: list[Finding]):
    layout = repo.layout
    base = layout.translations_dir
    wanted = [Path(p).resolve() for p in paths] if paths else [base]
    seen = set()
    for start in wanted:
        candidates = sorted(p for p in start.rglob("*") if p.is_file()) if start.is_dir() else [start]
        for path in candidates:
            try:
                lang, *rest = path.relative_to(base).parts
            except ValueError:
                continue  # not a translation (an English file in the same pull request, say)
            if not rest or path in seen or any(part.startswith(".") for part in rest) or ".ipynb_checkpoints" in rest:
                continue
            seen.add(path)
            shown = layout.shown(path)
            if lang not in layout.translated:
                findings.append(Finding(shown, 1, f"{layout.translations}/{lang} is not a language of this site "
                                                  f"({', '.join(layout.translated)}; mkdocs.yml; to add one: coursekit i18n add-language {lang} --name NAME)"))
                continue
            rel = "/".join(rest)
            if path.suffix not in TRANSLATION_SUFFIXES:
                findings.append(Finding(shown, 1, "the site does not use this file (translations hold .md, .ipynb and .yml files)", WARNING))
                continue
            yield lang, rel
