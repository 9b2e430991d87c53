"""The `coursekit` MkDocs plugin: puts translations, notices and notebook pages in place.

Order of events matters because mkdocs-static-i18n (priority -100) rebuilds the file list:
- on_files, priority 50 (before i18n): add each `translations/<lang>/<path>` as a virtual
  `docs/<stem>.<lang>.<ext>` file, so static-i18n treats it as that page in that language.
- on_files, priority -200 (after i18n): point those files back at their real sources, and wrap
  notebooks again in mkdocs-jupyter's page class (see coursekit.notebooks).
- on_page_content: a localized notice on pages shown in English because no translation exists,
  and a banner on translations made from an older English text.
"""
from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import markdown

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from coursekit.demo import DEMO_ASSETS, DemoBuildError, add_widgets, runnable_notebook, write_demo_assets
from coursekit.frontmatter import TranslationError
from coursekit import results
from coursekit.colab import colab_url, head_commit, package_source, requirement_of
from coursekit.notebooks import notebook_links, rewrap_notebooks, write_published
from coursekit.page_fixes import fix_page
from coursekit.diagrams import DiagramError, localized_diagrams
from coursekit.i18n import status
from coursekit.glossary import glossary_page, load_glossary
from coursekit.quiz.bank import QuizError, quiz_translations
from coursekit.quiz.legacy import redirect_pages
from coursekit.quiz.render import quiz_pages
from coursekit.sources import Translation, find_translations, read_translation, suffixed
from coursekit.strings import ui
from coursekit.vendor import vendored_assets

log = get_plugin_logger(__name__)
GLOSSARY = "glossary.yml"
STATUS_PAGE = "translation-status.md"
MERGED_NOTEBOOKS = ".cache/coursekit/notebooks"  # notebooks as published: install cell written, English outputs
QUIZ_ASSETS = [(f"assets/quiz/{name}", Path(__file__).parent / "quiz" / "assets" / name) for name in ("quiz.js", "quiz.css")]

class CourseConfig(Config):
    translations_dir = opt.Type(str, default="translations")
    quiz_dir = opt.Type(str, default="quiz")
    help_translate_page = opt.Type(str, default="help-translate.md")
    colab_ref = opt.Type(str, default="colab")  # where "Open in Colab" finds the notebooks (coursekit.colab)
    # Notebooks (paths under docs/) whose code cells run in the page: only ganlib.lite and the standard library.
    runnable_notebooks = opt.ListOfItems(opt.Type(str), default=[])


class CoursePlugin(BasePlugin[CourseConfig]):
    def on_config(self, config):
        self.root = Path(config.config_file_path).parent
        self.translations_dir = self.root / self.config.translations_dir
        self.docs_dir = Path(config.docs_dir)
        self.use_directory_urls = config.use_directory_urls
        self.i18n = config.plugins.get("i18n")
        if self.i18n is None:
            raise PluginError("coursekit needs the mkdocs-static-i18n plugin ('i18n') in mkdocs.yml")
        self.languages = [lang.locale for lang in self.i18n.config.languages]
        self.default_language = self.i18n.default_language
        self.jupyter = config.plugins.get("mkdocs-jupyter")
        self.rendered_runs = results.load_runs(self.docs_dir)
        # Published notebooks install the course package from this repository at this commit.
        self.install_source = package_source(config.repo_url, head_commit(self.root))
        return config

    def on_serve(self, server, config, builder):
        for folder in (self.translations_dir, self.root / self.config.quiz_dir):
            if folder.is_dir():
                server.watch(str(folder))
        return server

    # -- files ---------------------------------------------------------------------------
    @event_priority(50)
    def files_before_i18n(self, files: Files, config) -> Files:
        languages = [lang for lang in self.languages if lang != self.default_language]
        # src_uri -> where its text comes from: a real file elsewhere, or generated Markdown.
        self.sources: dict[str, Path | str] = {}
        # src_uri -> the translation behind that page, for notices and banners.
        self.translations: dict[str, Translation] = {}
        # Generated pages already written in their language (no "not translated" notice).
        self.native_pages: set[str] = set()
        try:
            for translation in find_translations(self.translations_dir, self.docs_dir, languages):
                self.translations[translation.src_uri] = translation
                self.sources[translation.src_uri] = translation.path
                if translation.rel.endswith(".ipynb"):  # its prose with the English outputs
                    self.sources[translation.src_uri] = write_published(
                        self.docs_dir / translation.rel, self.root / MERGED_NOTEBOOKS / translation.lang / translation.rel,
                        translation=translation.path, source=self.install_source)
            self._add_glossary_pages(languages)
            self._add_status_pages()
            self.sources.update(quiz_pages(self.root, self.languages, self.default_language))
            self.translations.update(quiz_translations(self.root, languages))
            for lang in languages:
                self.sources.update(localized_diagrams(self.docs_dir, self.translations_dir, lang))
            # The file a reader's "edit" button should open, for pages not read from docs/.
            self.edit_paths = {uri: t.path for uri, t in self.translations.items()}
            # English notebooks are published from a copy with the install cell written.
            self.english_notebooks = {
                file.src_uri: write_published(Path(file.abs_src_path), self.root / MERGED_NOTEBOOKS / "en" / file.src_uri,
                                              source=self.install_source)
                for file in files if file.src_uri.endswith(".ipynb")}
            self.edit_paths.update({uri: self.docs_dir / uri for uri in self.english_notebooks})
            self.edit_paths["glossary.md"] = self.docs_dir / GLOSSARY
        except (TranslationError, QuizError, DiagramError) as exc:
            raise PluginError(str(exc)) from None
        for src_uri in self.sources:
            # A path under docs_dir, so static-i18n accepts it; the real source is restored later.
            files.append(File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls))
        for dest, source in [*vendored_assets(self.root / "node_modules"), *QUIZ_ASSETS, *DEMO_ASSETS]:
            files.append(File.generated(config, dest, abs_src_path=str(source)))
        return files

    def _add_glossary_pages(self, languages: list[str]) -> None:
        english = load_glossary(self.docs_dir / GLOSSARY)
        self.sources["glossary.md"] = glossary_page(self.default_language, english, None)
        for lang in languages:
            path = self.translations_dir / lang / GLOSSARY
            if path.is_file():
                translation = read_translation(lang, GLOSSARY, path, self.docs_dir)
                self.translations[suffixed("glossary.md", lang)] = translation
                self.sources[suffixed("glossary.md", lang)] = glossary_page(lang, english, load_glossary(path))

    def _add_status_pages(self) -> None:
        """The "Translation status" table, written in each language's own words."""
        rows = status.collect(self.root, self.languages)
        names = {lang.locale: lang.name for lang in self.i18n.config.languages}
        for lang in self.languages:
            uri = STATUS_PAGE if lang == self.default_language else suffixed(STATUS_PAGE, lang)
            self.sources[uri] = status.render_page(rows, lang, names)
            self.native_pages.add(uri)

    @event_priority(-200)
    def files_after_i18n(self, files: Files, config) -> Files:
        for file in files:
            source = self.sources.get(file.src_uri) or self.english_notebooks.get(file.src_uri)
            if isinstance(source, Path):
                file.abs_src_path = str(source)
            elif source is not None:
                file.content_string = source
        if self.jupyter is not None:
            from mkdocs_jupyter.plugin import NotebookFile

            rewrap_notebooks(
                files, config, NotebookFile, self.jupyter.should_include,
                self.i18n.current_language, self.languages, self.default_language,
            )
        return files

    on_files = CombinedEvent(files_before_i18n, files_after_i18n)

    # -- mkdocs-jupyter's cache -----------------------------------------------------------
    # mkdocs-jupyter evicts cache entries its build did not use, and static-i18n runs one build
    # per language, so each language would evict the others' notebooks. Eviction waits until
    # every language is built, and then removes only entries no language used.
    def on_pre_build(self, config):
        if not self.i18n.building:
            self.notebook_cache_used: set[Path] = set()

    @event_priority(10)
    def _keep_notebook_cache(self, config):
        if self.jupyter is not None and self.jupyter.config["cache"]:
            self.notebook_cache_used |= set(self.jupyter._used_cache_paths)
            self.jupyter._used_cache_paths = set(Path(self.jupyter.config["cache_dir"]).glob("*.json"))

    @event_priority(-150)
    def _finish_site(self, config):
        """After static-i18n has built every language (its on_post_build runs them at -100)."""
        if self.i18n.building:
            return
        self._evict_notebook_cache()
        site_dir = Path(config.site_dir)
        for path, html in redirect_pages(self.languages, self.default_language, self.root, site_url=config.site_url).items():
            (site_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (site_dir / path).write_text(html, encoding="utf-8")
        try:  # the demo's Pyodide runtime and ganlib.lite wheel
            write_demo_assets(site_dir, self.root / "node_modules")
        except DemoBuildError as exc:
            raise PluginError(str(exc)) from None

    def _evict_notebook_cache(self):
        if self.jupyter is None or not self.jupyter.config["cache"]:
            return
        for entry in Path(self.jupyter.config["cache_dir"]).glob("*.json"):
            if entry not in self.notebook_cache_used:
                entry.unlink()

    on_post_build = CombinedEvent(_keep_notebook_cache, _finish_site)

    # -- pages ---------------------------------------------------------------------------
    def on_page_markdown(self, markdown_text: str, page, config, files) -> str:
        try:  # numbers from the notebooks' render (coursekit.results)
            return results.fill(markdown_text, self.rendered_runs, self.i18n.current_language)
        except results.ResultError as exc:
            raise PluginError(f"{page.file.src_uri}: {exc}") from None

    def on_page_content(self, html: str, page, config, files) -> str:
        lang = self.i18n.current_language
        translation = self.translations.get(page.file.src_uri)
        if (translation.rel if translation else page.file.src_uri) in self.config.runnable_notebooks:
            html = runnable_notebook(html)
        html = add_widgets(html, lang, get_relative_url("assets/", page.url))  # demos, runnable code
        if page.file.src_uri.endswith(".ipynb"):
            html = self._notebook_links(page, lang, config) + html
        if lang == self.default_language:
            return html
        if translation is None and page.file.src_uri not in self.native_pages:
            help_url = self._url_to(page, self.config.help_translate_page, lang)
            notice = ui(lang, "untranslated_body", help_url=help_url)
            return _admonition("info", ui(lang, "untranslated_title"), notice) + html
        if translation is not None and translation.stale:
            english = self._url_to(page, getattr(page.file, "norm_src_uri", translation.rel), self.default_language)
            banner = ui(lang, "stale_body", date=translation.meta.translated.isoformat(), english_url=english)
            return _admonition("warning", ui(lang, "stale_title"), banner) + html
        return html

    def on_page_context(self, context, page, config, nav):
        path = self.edit_paths.get(page.file.src_uri)
        if path is not None and config.repo_url:
            page.edit_url = f"{config.repo_url.rstrip('/')}/edit/main/{path.relative_to(self.root).as_posix()}"
        return context

    def on_post_page(self, output: str, page, config) -> str:
        return fix_page(output)

    def _notebook_links(self, page, lang: str, config) -> str:
        """Download, "Open in Colab" (this language's notebook on the Colab branch) and local-run help."""
        source = Path(page.file.abs_src_path)  # for a translation, the copy with the English outputs
        # mkdocs-jupyter copies the .ipynb into the folder of the page's HTML file.
        beside = PurePosixPath(page.file.dest_uri).parent / source.name
        download = get_relative_url(beside.as_posix(), page.url)
        try:
            in_repo = self.edit_paths.get(page.file.src_uri, source)
            repo_path = Path(in_repo).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            repo_path = None
        colab = colab_url(config.repo_url, repo_path, self.config.colab_ref) if repo_path else None
        requirement = requirement_of(json.loads(source.read_text(encoding="utf-8")))
        return notebook_links(ui, lang, download=download, colab=colab, requirement=requirement,
                              source=self.install_source)

    def _url_to(self, page, rel: str, lang: str) -> str:
        """Relative URL from `page` to the page built from docs/`rel` in `lang`."""
        target = File(rel, str(self.docs_dir), "", self.use_directory_urls).url
        if lang != self.default_language:
            target = f"{lang}/{target}"
        return get_relative_url(target, page.url)


def _admonition(kind: str, title: str, body_markdown: str) -> str:
    body = markdown.markdown(body_markdown)
    return (
        f'<div class="admonition {kind} coursekit-notice" role="note">'
        f'<p class="admonition-title">{title}</p>{body}</div>\n'
    )
