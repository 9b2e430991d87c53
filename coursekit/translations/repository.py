"""One checkout as the translation model sees it, each file read and parsed once.

`Repository` is what the build, the lint, `quiz validate` and `status` share: the layout, every
translation of every language with its front matter and state, the English files and the
English text each translation was made from (read from git once per blob). A build makes one
Repository for all six language passes; a command makes one per run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from coursekit.translations import freshness
from coursekit.translations.findings import Finding, TranslationError
from coursekit.translations.frontmatter import TranslationMeta, read_meta, split_markdown
from coursekit.translations.git import GitError, History, blob_id
from coursekit.translations.layout import Layout
from coursekit.translations.syntax import parse_json, parse_yaml

FRESH, STALE, UNTRANSLATED, MISSING, ORPHANED, INVALID = "fresh", "stale", "untranslated", "missing", "orphaned", "invalid"
STATES = (FRESH, STALE, UNTRANSLATED, MISSING, ORPHANED, INVALID)
# A translation's review by a native speaker (frontmatter.Review): of the text it has now, of an
# earlier text (it was updated for a newer English text since), or none yet.
REVIEWED, CHANGED_SINCE_REVIEW, UNREVIEWED = "reviewed", "changed-since-review", "unreviewed"
REVIEW_STATES = (REVIEWED, CHANGED_SINCE_REVIEW, UNREVIEWED)


@dataclass
class SourceFile:
    """A file read once: its bytes, its text (None when it is not UTF-8), and for a notebook or a
    YAML/Markdown file the parts the checks need."""

    path: Path
    shown: str  # relative to the repository root
    raw: bytes
    text: str | None
    problems: list[Finding] = field(default_factory=list)  # encoding, JSON or front matter
    meta_dict: dict = field(default_factory=dict)
    body: str = ""  # after the front matter (Markdown and YAML)
    body_line: int = 1
    notebook: dict | None = None

    @property
    def blob(self) -> str:
        return blob_id(self.raw)


@dataclass
class TranslationFile:
    lang: str
    source: str  # the page (see coursekit.translations.layout)
    file: SourceFile
    meta: TranslationMeta | None
    state: str  # FRESH, STALE, UNTRANSLATED, ORPHANED or INVALID
    problem: Finding | None = None  # INVALID: why

    @property
    def path(self) -> Path:
        return self.file.path

    @property
    def shown(self) -> str:
        return self.file.shown

    @property
    def stale(self) -> bool:
        return self.state == STALE

    @property
    def review(self) -> str | None:
        """REVIEWED, CHANGED_SINCE_REVIEW or UNREVIEWED; None for a file with nothing to review
        (invalid, orphaned, or still the English text)."""
        if self.meta is None or self.state not in (FRESH, STALE):
            return None
        if self.meta.review is None:
            return UNREVIEWED
        return REVIEWED if self.meta.review.blob == self.meta.source_blob else CHANGED_SINCE_REVIEW


class Repository:
    def __init__(self, layout: Layout, history: History | None = None):
        self.layout = layout
        self.history = history or History(layout.root)
        self._files: dict[Path, SourceFile] = {}
        self._yaml: dict[Path, tuple[object, list[Finding]]] = {}
        self._translations: dict[str, dict[str, TranslationFile]] = {}
        self._english_parts: dict = {}  # English texts parsed for the "untranslated" check

    # -- reading files once -----------------------------------------------------------------------
    def source_file(self, path: Path) -> SourceFile:
        """`path` read and split: Markdown and YAML into front matter and body, notebooks parsed."""
        path = Path(path)
        if path in self._files:
            return self._files[path]
        shown = self.layout.shown(path)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            found = SourceFile(path, shown, raw, None, [Finding(shown, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")])
            self._files[path] = found
            return found
        if text.startswith("\ufeff"):
            text = text[1:]
        found = SourceFile(path, shown, raw, text)
        if path.suffix == ".ipynb":
            found.notebook, found.problems = parse_json(text, shown)
        elif path.suffix in (".md", ".yml"):
            try:
                found.meta_dict, found.body, found.body_line = split_markdown(text, shown)
            except TranslationError as exc:
                found.problems, found.body = list(exc.findings), text
        self._files[path] = found
        return found

    def yaml_body(self, path: Path) -> tuple[object, list[Finding]]:
        """The YAML after a file's front matter, line-numbered (coursekit.translations.syntax):
        (data, syntax findings). Parsed once."""
        path = Path(path)
        if path not in self._yaml:
            file = self.source_file(path)
            if file.text is None:
                self._yaml[path] = None, list(file.problems)
            else:
                self._yaml[path] = parse_yaml(file.body, file.shown, file.body_line)
        return self._yaml[path]

    def english(self, source: str) -> SourceFile:
        return self.source_file(self.layout.english_path(source))

    @cached_property
    def english_sources(self) -> list[str]:
        return self.layout.english_sources()

    @cached_property
    def generated_pages(self) -> set[str]:
        return self.layout.generated_pages()

    def english_then(self, meta: TranslationMeta) -> bytes | None:
        """The English file as it was when translated (from git), or None when history lacks it.
        Raises GitError outside a git checkout."""
        english = self.layout.english_path(meta.source)
        if english.is_file() and self.english(meta.source).blob == meta.source_blob:
            return self.english(meta.source).raw
        if meta.source_blob == freshness.NULL_BLOB:
            return None
        return self.history.blob(meta.source_blob)

    # -- translations -----------------------------------------------------------------------------
    def translations(self, lang: str) -> dict[str, TranslationFile]:
        """Every translation file of `lang`, by source, with its state."""
        if lang not in self._translations:
            self._translations[lang] = {
                source: self._translation(lang, source) for source in self.layout.translation_sources(lang)
            }
        return self._translations[lang]

    def translation(self, lang: str, source: str) -> TranslationFile | None:
        return self.translations(lang).get(source)

    def _translation(self, lang: str, source: str) -> TranslationFile:
        file = self.source_file(self.layout.translation_path(lang, source))
        if source not in self.english_sources:
            return TranslationFile(lang, source, file, None, ORPHANED,
                                   Finding(file.shown, 1, f"there is no English {self.layout.english_rel(source)} for this file to translate "
                                                         "(moved or deleted? move or delete the translation too)"))
        if file.problems:
            return TranslationFile(lang, source, file, None, INVALID, file.problems[0])
        try:
            meta = read_meta(file.text, file.shown, file.path.suffix, file.notebook, expected_source=source)
        except TranslationError as exc:
            return TranslationFile(lang, source, file, None, INVALID, exc.findings[0])
        if self._untranslated(source, file, meta):
            return TranslationFile(lang, source, file, meta, UNTRANSLATED)
        return TranslationFile(lang, source, file, meta, STALE if self._changed(source, meta) else FRESH)

    def _changed(self, source: str, meta: TranslationMeta) -> bool:
        """Has the English file changed for a translator since `meta.source_blob`?"""
        english = self.english(source)
        if english.blob == meta.source_blob:
            return False
        if not source.endswith(".ipynb") or meta.source_blob == freshness.NULL_BLOB:
            return True
        try:
            then = self.history.blob(meta.source_blob)
        except GitError:
            return True
        return then is None or not freshness.same_for_translator(then, english.raw, source)

    def _untranslated(self, source: str, file: SourceFile, meta: TranslationMeta) -> bool:
        """Is the file still the English text it was started from (today's, or the one it names)?"""
        english = self.english(source)
        if english.text is None:
            return False
        if self._same_as(source, file, english.path, english.text):
            return True
        if english.blob == meta.source_blob or meta.source_blob == freshness.NULL_BLOB:
            return False
        try:
            then = self.history.blob(meta.source_blob)
        except GitError:
            return False
        return then is not None and self._same_as(source, file, meta.source_blob, then.decode("utf-8", "replace"))

    def _same_as(self, source: str, file: SourceFile, key, english_text: str) -> bool:
        """Does `file` hold no text that differs from `english_text`? (`key` names that text in
        the cache of parsed English texts: a path, or a blob id.)"""
        if key not in self._english_parts:
            self._english_parts[key] = self._parsed(key, source) if isinstance(key, Path) else _parts(source, english_text)
        english = self._english_parts[key]
        if source.endswith(".ipynb"):
            return isinstance(english, dict) and freshness.notebook_untranslated(file.notebook, english)
        if source.endswith(".md"):
            return freshness.page_untranslated(file.body, english)
        data, problems = self.yaml_body(file.path)
        return not problems and english is not None and freshness.data_untranslated(data, english)

    def _parsed(self, path: Path, source: str):
        """A file's parts as _parts gives them, from what was read and parsed already."""
        file = self.source_file(path)
        if source.endswith(".ipynb"):
            return file.notebook
        return file.body if source.endswith(".md") else self.yaml_body(path)[0]

    def invalid(self, lang: str) -> list[Finding]:
        return [t.problem for t in self.translations(lang).values() if t.state == INVALID and t.problem]


def _parts(source: str, text: str):
    """What the "untranslated" check compares in an English text: a notebook's JSON, a page's body
    or a data file's YAML (None when it cannot be read)."""
    if source.endswith(".ipynb"):
        return parse_json(text, source)[0]
    try:
        _, body, first = split_markdown(text, source)
    except TranslationError:
        return None
    return body if source.endswith(".md") else parse_yaml(body, source, first)[0]
