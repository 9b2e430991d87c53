"""The `coursekit` MkDocs plugin: puts translations, generated pages, notices and notebook pages
in place. Each handler hands its work to a module; what the repository holds is read once per
build (coursekit.site) and shared by the language passes of mkdocs-static-i18n.

Order of events matters because static-i18n (priority -100) rebuilds the file list and builds
every other language from its own on_post_build:
- on_pre_build, first pass only: collect the Site (again under `mkdocs serve` only when a watched
  file changed); the checks of every translated file fail the build on errors, with
  `translations/<lang>/<file>:<line>`, and print warnings;
- on_files, priority 50 (before i18n): add each page the Site has as a virtual
  `docs/<stem>.<lang>.<ext>` file, so static-i18n treats it as that page in that language;
- on_files, priority -200 (after i18n): point those files back at their real sources, wrap
  notebooks as pages (coursekit.notebooks), and leave the static files an earlier language pass
  copied where they are (coursekit.static_files);
- on_pre_page: a notebook page renders as its notebook converted (coursekit.notebook_html);
- on_page_markdown: the site's repository (coursekit.repository_links), then the notebooks'
  numbers (coursekit.results);
- on_page_content: the demo widgets, the notebook box, and a localized notice on pages shown in
  English (no translation yet), a banner on translations made from an older English text, and a
  note on translations no native speaker has reviewed yet (coursekit.notices);
- on_page_context: "edit this page" opens the file the page is made from, or, on a page not
  translated yet, the Help translate page; around Material's search (priority 0), the search reads
  the page without what it does not index (coursekit.search_text), and the page keeps all of it;
- on_post_page: small HTML fixes; a notebook page's .ipynb published beside it;
- on_post_build, after every language: the legacy quiz addresses, the demo's runtime, and the
  notebook conversions no page used leave the cache.
"""
from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath

import jinja2
import jinja2.bccache
import markdown

from mkdocs.config import config_options as options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from coursekit import repository_links, results, search_text
from coursekit.colab import colab_url, head_commit, package_source, requirement_of
from coursekit.demo import DEMO_ASSETS, DemoBuildError, add_widgets, runnable_notebook, write_demo_assets
from coursekit.diagrams import DiagramError
from coursekit.notebook_html import CACHE_DIR as NOTEBOOK_PAGES, NotebookPages
from coursekit.notebooks import NotebookFile, notebook_links, publish_beside, render_from, rewrap_notebooks
from coursekit.notices import english_change, review_note, stale_banner
from coursekit.page_fixes import fix_page
from coursekit.quiz.legacy import redirect_pages
from coursekit.repo_links import RepoLinks
from coursekit.site import Site, Watch, collect, untranslated
from coursekit.static_files import CopyOnce
from coursekit.theme_files import list_visible_files_only
from coursekit.translations.findings import ERROR, FindingsError
from coursekit.translations.git import History
from coursekit.translations.layout import Layout
from coursekit.translations.repository import UNREVIEWED
from coursekit.vendor import vendored_assets

log = get_plugin_logger(__name__)
MERGED_NOTEBOOKS = ".cache/coursekit/notebooks"  # notebooks as published: install cell written, English outputs
QUIZ_ASSETS = [(f"assets/quiz/{name}", Path(__file__).parent / "quiz" / "assets" / name) for name in ("quiz.js", "quiz.css")]


class CourseConfig(Config):
    translations_dir = options.Type(str, default="translations")
    quiz_dir = options.Type(str, default="quiz")
    help_translate_page = options.Type(str, default="help-translate.md")
    colab_ref = options.Type(str, default="colab")  # where "Open in Colab" finds the notebooks (coursekit.colab)
    # Languages merged before every page is translated: their pages fall back to English with a
    # notice, and the checks that every page is fresh leave them out.
    languages_in_progress = options.ListOfItems(options.Type(str), default=[])
    # Notebooks (paths under docs/) whose code cells run in the page: only ganlib.lite and the standard library.
    runnable_notebooks = options.ListOfItems(options.Type(str), default=[])


class CoursePlugin(BasePlugin[CourseConfig]):
    def __init__(self):
        super().__init__()
        self.site: Site | None = None  # what the repository holds (coursekit.site)
        self.watch: Watch | None = None  # which files the site was collected from, as they were
        self.history: History | None = None  # git blobs read so far: their content never changes
        self.notebook_pages: NotebookPages | None = None  # converted notebooks (coursekit.notebook_html)
        self.templates = _CompiledTemplates()
        self.copy_once = CopyOnce()  # static files: copied by the first language pass only
        self._set_aside: list[str] | None = None  # what the search of a page does not read, while it reads

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Nothing to do; having this hook makes MkDocs keep one plugin for a whole `mkdocs serve`
        session, so a rebuild finds what the last build collected."""

    def on_config(self, config):
        """Runs again for every language pass (static-i18n calls MkDocs' build once per language)."""
        self.i18n = config.plugins.get("i18n")
        if self.i18n is None:
            raise PluginError("coursekit needs the mkdocs-static-i18n plugin ('i18n') in mkdocs.yml")
        if "mkdocs-jupyter" in config.plugins:
            raise PluginError("coursekit makes the notebook pages itself: remove the mkdocs-jupyter plugin from mkdocs.yml")
        list_visible_files_only(config.theme)  # a faster theme listing (coursekit.theme_files)
        root = Path(config.config_file_path).parent
        self.layout = Layout.from_options(root, self.i18n.config.languages, dict(self.config), config.docs_dir)
        if self.history is None or self.history.root != self.layout.root:
            self.history, self.watch, self.site = History(self.layout.root), Watch(self.layout), None
            self.notebook_pages = NotebookPages(self.layout.root / NOTEBOOK_PAGES)
        _REAL_FILE_NAMES.plugin = self
        for name in _MKDOCS_LOGGERS:
            logging.getLogger(name).addFilter(_REAL_FILE_NAMES)  # once: a filter is added only once
        return config

    def on_serve(self, server, config, builder):
        for folder in (self.layout.translations_dir, self.layout.quiz_dir):
            if folder.is_dir():
                server.watch(str(folder))
        return server

    # -- once per build ------------------------------------------------------------------------
    @event_priority(100)
    def on_pre_build(self, config):
        if self.i18n.building:
            return  # a later language pass of the same build
        self.copy_once.new_build()
        # Published notebooks install the course package from this repository at this commit.
        install_source = package_source(config.repo_url, head_commit(self.layout.root))
        links = RepoLinks.from_config(config.repo_url, config.edit_uri, self.layout.docs)
        if (self.watch.changed() or self.site is None or self.site.install_source != install_source
                or self.site.repo_links != links):
            try:
                self.site = collect(self.layout, self.history, self.layout.root / MERGED_NOTEBOOKS, install_source, links)
            except (FindingsError, DiagramError) as exc:
                self.site = None
                raise PluginError(str(exc)) from None
        for finding in self.site.findings:
            if finding.severity != ERROR:
                log.info(str(finding))  # printed, but a warning here must not fail a strict build
        found = [finding for finding in self.site.findings if finding.severity == ERROR]
        if found:
            listing = "\n".join(str(finding) for finding in found)
            self.site = None  # collect again next time, whatever changed
            raise PluginError(f"{len(found)} error(s) in translated files (`coursekit i18n lint` shows the same):\n{listing}")

    # -- files -----------------------------------------------------------------------------------
    @event_priority(50)
    def files_before_i18n(self, files: Files, config) -> Files:
        for src_uri in self.site.sources:
            # A path under docs_dir, so static-i18n accepts it; the real source is restored later.
            files.append(File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls))
        for dest, source in [*vendored_assets(self.layout.root / "node_modules"), *QUIZ_ASSETS, *DEMO_ASSETS]:
            files.append(File.generated(config, dest, abs_src_path=str(source)))
        return files

    @event_priority(-200)
    def files_after_i18n(self, files: Files, config) -> Files:
        for file in files:
            source = self.site.sources.get(file.src_uri) or self.site.published_notebooks.get(file.src_uri)
            if isinstance(source, Path):
                file.abs_src_path = str(source)
            elif source is not None:
                file.content_string = source
        rewrap_notebooks(files, config, self.i18n.current_language, self.layout.locales, self.layout.default_language)
        self.copy_once.skip_copied(files)
        return files

    on_files = CombinedEvent(files_before_i18n, files_after_i18n)

    def on_env(self, env, config, files):
        """Every language pass gets a fresh Jinja environment that would compile the theme's
        templates again (a tenth of the build); the compiled templates are kept for all of them."""
        env.bytecode_cache = self.templates
        return env

    # -- pages -------------------------------------------------------------------------------------
    def on_pre_page(self, page, config, files):
        if isinstance(page.file, NotebookFile):
            render_from(self.notebook_pages, page)
        return page

    def on_page_markdown(self, markdown_text: str, page, config, files) -> str:
        if page.file.src_uri.endswith(".ipynb"):
            return markdown_text  # a notebook's JSON, which the notebook page replaces unread
        lang = self.i18n.current_language
        try:  # the repository the site is built from, in install lines and the like
            markdown_text = repository_links.fill(markdown_text, config.repo_url, self.site.install_source)
        except repository_links.RepositoryLinkError as exc:
            raise PluginError(f"{self._where(page, markdown_text, exc.line)}: {exc}") from None
        try:  # numbers from the notebooks' render (coursekit.results)
            return results.fill(markdown_text, self.site.runs, self.site.strings.decimal_mark(lang))
        except results.ResultError as exc:
            raise PluginError(f"{self._where(page, markdown_text, exc.line)}: {exc}") from None

    def on_page_content(self, html: str, page, config, files) -> str:
        lang = self.i18n.current_language
        translation = self.site.translations.get(page.file.src_uri)
        if (translation.source if translation else page.file.src_uri) in self.config.runnable_notebooks:
            html = runnable_notebook(html)
        html = add_widgets(html, lang, get_relative_url("assets/", page.url))  # demos, runnable code
        if page.file.src_uri.endswith(".ipynb"):
            html = self._notebook_links(page, lang, config) + html
        if lang == self.layout.default_language:
            return html
        ui = lambda key, **values: self.site.strings.ui("site", lang, key, **values)  # noqa: E731
        if untranslated(self.site, page.file.src_uri):
            notice = ui("untranslated_body", help_url=self._url_to(page, self.layout.help_page, lang), language=self.layout.names[lang])
            return _admonition("info", ui("untranslated_title"), notice) + html
        if translation is None:
            return html
        help_url = self._url_to(page, self.layout.help_page, lang)
        notices = ""
        if translation.stale:
            english = self._url_to(page, getattr(page.file, "norm_src_uri", translation.source), self.layout.default_language)
            change = english_change(self.site.repo, translation, config.repo_url)
            notices += stale_banner(ui, translation.meta.translated.isoformat(), english, help_url, change)
        if translation.review == UNREVIEWED:
            notices += review_note(ui, lang, self.layout.names[lang], help_url + "#review")
        return notices + html

    @event_priority(10)
    def search_reads_what_it_indexes(self, context, page, config, nav):
        """Material's search (priority 0) reads the page next: hand it the page without the code's
        highlighting, the stylesheets and the embedded images, most of what it parses otherwise
        and none of what it indexes (coursekit.search_text)."""
        self._set_aside = None
        if page.content:
            page.content, self._set_aside = search_text.for_search(page.content)
        return context

    @event_priority(-10)
    def page_keeps_all_of_it(self, context, page, config, nav):
        if self._set_aside:
            page.content = search_text.restored(page.content, self._set_aside)
        self._set_aside = None
        return context

    def edit_link(self, context, page, config, nav):
        lang = self.i18n.current_language
        if lang != self.layout.default_language and untranslated(self.site, page.file.src_uri):
            # Editing the English file from here would change the English page: show how to start
            # the translation instead.
            page.edit_url = self._url_to(page, self.layout.help_page, lang) + "#start"
            return context
        path = self.site.edit_paths.get(page.file.src_uri)
        edit_url = self.site.repo_links.edit(self.layout.shown(path)) if path is not None else None
        if edit_url:
            page.edit_url = edit_url
        elif page.file.src_uri in self.site.native_pages:
            page.edit_url = None  # made from data alone (the status table): there is no file to edit
        return context

    on_page_context = CombinedEvent(search_reads_what_it_indexes, edit_link, page_keeps_all_of_it)

    def on_post_page(self, output: str, page, config) -> str:
        if isinstance(page.file, NotebookFile):
            publish_beside(page)
        return fix_page(output)

    # -- the end of the whole build ----------------------------------------------------------------
    @event_priority(-150)
    def on_post_build(self, config):
        """After static-i18n has built every language (its on_post_build runs them at -100)."""
        if self.i18n.building:
            return
        self.notebook_pages.evict_unused()
        site_dir = Path(config.site_dir)
        for path, html in redirect_pages(self.site.quizzes, self.site.strings, site_url=config.site_url).items():
            (site_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (site_dir / path).write_text(html, encoding="utf-8")
        try:  # the demo's Pyodide runtime and ganlib.lite wheel
            write_demo_assets(site_dir, self.layout.root / "node_modules")
        except DemoBuildError as exc:
            raise PluginError(str(exc)) from None

    # -- helpers -----------------------------------------------------------------------------------
    def _notebook_links(self, page, lang: str, config) -> str:
        """Download, "Open in Colab" (this language's notebook on the Colab branch) and local-run help."""
        source = Path(page.file.abs_src_path)  # for a translation, the copy with the English outputs
        # The .ipynb is published in the folder of the page's HTML file (publish_beside).
        beside = PurePosixPath(page.file.dest_uri).parent / source.name
        download = get_relative_url(beside.as_posix(), page.url)
        in_repo = self.site.edit_paths.get(page.file.src_uri, source)
        repo_path = self.layout.shown(in_repo) if Path(in_repo).resolve().is_relative_to(self.layout.root) else None
        colab = colab_url(config.repo_url, repo_path, self.config.colab_ref) if repo_path else None
        translation = self.site.translations.get(page.file.src_uri)
        english = self.site.repo.english(translation.source if translation is not None else page.file.src_uri)
        return notebook_links(self.site.strings, lang, download=download, colab=colab,
                              requirement=requirement_of(english.notebook), source=self.site.install_source)

    def _url_to(self, page, rel: str, lang: str) -> str:
        """Relative URL from `page` to the page built from docs/`rel` in `lang`."""
        target = File(rel, str(self.layout.docs_dir), "", page.file.use_directory_urls).url
        if lang != self.layout.default_language:
            target = f"{lang}/{target}"
        return get_relative_url(target, page.url)

    def _where(self, page, markdown_text: str, line: int) -> str:
        """`file:line` of a line of a page's Markdown, in the repository file it comes from."""
        path = Path(page.file.abs_src_path)
        shown = self.layout.shown(path)
        try:
            # MkDocs has taken the front matter off: count the lines it took.
            offset = path.read_text(encoding="utf-8").count("\n") - markdown_text.count("\n")
        except (OSError, UnicodeDecodeError):
            offset = 0
        return f"{shown}:{line + max(offset, 0)}"


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates, in memory for the plugin's life. Jinja keys each entry by the
    template's name and checks it against a hash of its source, so an edited template is compiled
    again."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class _RealFileNames(logging.Filter):
    """MkDocs names a translated page by the virtual name static-i18n knows it by
    (`lessons/gan/index.de.md`, `quiz/gan-pre.de.md`); its messages name the real file instead
    (`translations/de/lessons/gan/index.md`, `translations/de/quiz/gan-pre.yml`)."""

    plugin: CoursePlugin | None = None  # the plugin of the build being run

    def filter(self, record: logging.LogRecord) -> bool:
        site = self.plugin.site if self.plugin is not None else None
        if site is None or record.levelno < logging.WARNING:
            return True
        message = record.getMessage()
        for quoted in {part for part in message.split("'")[1::2] if part in site.edit_paths}:
            message = message.replace(f"'{quoted}'", f"'{site.real_file(quoted)}'")
        record.msg, record.args = message, ()
        return True


_REAL_FILE_NAMES = _RealFileNames()
# A logger's filter sees only the records made by that logger, so each one that names pages gets it.
_MKDOCS_LOGGERS = ("mkdocs.structure.pages", "mkdocs.structure.nav", "mkdocs.structure.toc", "mkdocs.commands.build", "mkdocs.plugins")


def _admonition(kind: str, title: str, body_markdown: str) -> str:
    body = markdown.markdown(body_markdown)
    return (
        f'<div class="admonition {kind} coursekit-notice" role="note">'
        f'<p class="admonition-title">{title}</p>{body}</div>\n'
    )
