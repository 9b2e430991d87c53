"""What the site plugin derives from the repository, collected once per build for every language.

mkdocs-static-i18n builds the site once per language, firing every MkDocs event again in each
pass. Nothing the plugin reads changes between the passes, so `collect` runs once (the plugin
calls it when a build starts, and `mkdocs serve` again only when a watched file changed) and the
six passes share the `Site` it returns:

- `sources`: every page the plugin adds, by the name static-i18n knows it (`lessons/gan/index.da.md`)
  -> the real file it is read from, or the Markdown generated for it;
- `translations`: the translation behind a page, for the "older translation" banner;
- `published_notebooks`: each English notebook -> the copy the site publishes (install cell
  written for this repository and commit, coursekit.colab);
- `findings`: what the checks of every translated file found (errors stop the build);
- the repository model, the quiz bank and the interface strings, for the page events.

Each kind of generated page has a provider in its own module, `pages(site) -> {src_uri: text}`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from coursekit import diagrams, glossary, notebooks, results
from coursekit.kinds import Kinds
from coursekit.lint import lint
from coursekit.quiz import render as quiz_pages
from coursekit.quiz.bank import QuizBank
from coursekit.repo_links import RepoLinks
from coursekit.strings import Strings
from coursekit.translations import status
from coursekit.translations.findings import Finding
from coursekit.translations.git import History
from coursekit.translations.layout import GLOSSARY, STATUS_PAGE, Layout, suffixed
from coursekit.translations.repository import UNTRANSLATED, Repository, TranslationFile

PAGE_PROVIDERS = (glossary.pages, status.pages, quiz_pages.pages, diagrams.pages)


@dataclass
class Site:
    repo: Repository
    strings: Strings
    quizzes: QuizBank
    kinds: Kinds
    runs: dict  # the notebooks' rendered numbers (coursekit.results)
    install_source: str | None = None  # what published notebooks install the course from (coursekit.colab)
    repo_links: RepoLinks | None = None  # the files on the code host (the status page links to them)
    sources: dict[str, Path | str] = field(default_factory=dict)
    translations: dict[str, TranslationFile] = field(default_factory=dict)
    published_notebooks: dict[str, Path] = field(default_factory=dict)
    native_pages: set[str] = field(default_factory=set)  # generated in their own language: no notice
    edit_paths: dict[str, Path] = field(default_factory=dict)  # src_uri -> the file "edit this page" opens
    findings: list[Finding] = field(default_factory=list)

    @property
    def layout(self) -> Layout:
        return self.repo.layout

    def real_file(self, src_uri: str) -> str | None:
        """The repository file behind a page static-i18n knows as `src_uri` (for messages)."""
        path = self.edit_paths.get(src_uri)
        return self.layout.shown(path) if path is not None else None


def collect(layout: Layout, history: History | None = None, merged_notebooks: Path | None = None,
            install_source: str | None = None, repo_links: RepoLinks | None = None) -> Site:
    """Read the repository once and derive every page, translation and finding the build needs.
    `merged_notebooks` is where the notebooks as published are written; `install_source` what their
    install cells install from; `repo_links` where the repository's files are edited. Raises
    FindingsError (file:line) when a file the pages are made from cannot be read."""
    repo = Repository(layout, history)
    strings = Strings(repo)
    quizzes = QuizBank(repo)
    kinds = Kinds(repo, quizzes, strings)
    site = Site(repo, strings, quizzes, kinds, results.load_runs(layout.docs_dir), install_source, repo_links)
    site.findings = lint(repo, kinds=kinds)
    if any(finding.severity == "error" for finding in site.findings):
        return site  # the build stops on these; pages made from broken files would only add noise
    _translated_pages(site, merged_notebooks or layout.root / ".cache" / "coursekit" / "notebooks")
    for provider in PAGE_PROVIDERS:
        site.sources.update(provider(site))
    site.native_pages = {STATUS_PAGE, *(suffixed(STATUS_PAGE, lang) for lang in layout.translated)}
    for lang in layout.translated:
        translation = repo.translation(lang, GLOSSARY)
        if translation is not None:
            site.translations[suffixed("glossary.md", lang)] = translation
        for quiz_id in quizzes.ids:
            quiz = repo.translation(lang, quizzes.source(quiz_id))
            if quiz is not None:
                site.translations[suffixed(f"{layout.quiz}/{quiz_id}.md", lang)] = quiz
    site.edit_paths = {uri: t.path for uri, t in site.translations.items()}
    site.edit_paths.update({uri: layout.english_path(uri) for uri in site.published_notebooks})
    site.edit_paths["glossary.md"] = layout.english_path(GLOSSARY)
    for quiz_id in quizzes.ids:
        site.edit_paths[f"{layout.quiz}/{quiz_id}.md"] = layout.quiz_dir / f"{quiz_id}.yml"
    return site


def _translated_pages(site: Site, merged_notebooks: Path) -> None:
    """Each translated page as the page static-i18n expects (`<stem>.<lang>.<ext>`), read from its
    real file; a notebook, English or translated, from the copy the site publishes (with the
    English outputs and the install cell written: coursekit.notebooks)."""
    for source in site.repo.english_sources:
        if source.endswith(".ipynb"):
            site.published_notebooks[source] = notebooks.write_published(
                site.repo.english(source).notebook, merged_notebooks / site.layout.default_language / source,
                source=site.install_source)
    for lang in site.layout.translated:
        for source, translation in site.repo.translations(lang).items():
            if not source.endswith((".md", ".ipynb")):
                continue
            uri = suffixed(source, lang)
            site.translations[uri] = translation
            site.sources[uri] = translation.path
            if source.endswith(".ipynb"):
                site.sources[uri] = notebooks.write_published(
                    site.repo.english(source).notebook, merged_notebooks / lang / source,
                    translation=translation.file.notebook, source=site.install_source)


def untranslated(site: Site, src_uri: str) -> bool:
    """Is the page shown in English because no translation exists yet (or only an English copy)?"""
    translation = site.translations.get(src_uri)
    if translation is None:
        return src_uri not in site.native_pages
    return translation.state == UNTRANSLATED


class Watch:
    """Whether any file a build reads has changed since the last look (for `mkdocs serve`)."""

    def __init__(self, layout: Layout):
        self.folders = [layout.docs_dir, layout.translations_dir, layout.quiz_dir]
        self.files = [layout.root / "mkdocs.yml"]
        self.seen: frozenset | None = None

    def stamp(self) -> frozenset:
        found = set()
        for path in self.files:
            if path.is_file():
                info = path.stat()
                found.add((str(path), info.st_mtime_ns, info.st_size))
        for folder in self.folders:
            for dirpath, _, names in os.walk(folder):
                for name in names:
                    info = os.stat(os.path.join(dirpath, name))
                    found.add((os.path.join(dirpath, name), info.st_mtime_ns, info.st_size))
        return frozenset(found)

    def changed(self) -> bool:
        now = self.stamp()
        changed, self.seen = now != self.seen, now
        return changed
