"""Where everything a translator touches lives, read from mkdocs.yml: the languages, the English
files and their translations.

A page is named by its *source*: the value of `source:` in a translation's front matter, which is
also the translation's path under `translations/<lang>/`. Where the English file lives:

| source | English file | translation |
| --- | --- | --- |
| `lessons/gan/index.md`, `notebooks/x.ipynb` (any .md/.ipynb under docs/ but docs/assets/) | `docs/<source>` | `translations/<lang>/<source>` |
| `glossary.yml`, `assets/diagrams/labels.yml` (data the build turns into text) | `docs/<source>` | `translations/<lang>/<source>` |
| `quiz/<id>.yml` (the quiz bank lives at the repository root, not under docs/) | `quiz/<id>.yml` | `translations/<lang>/quiz/<id>.yml` |

A source `quiz/*.yml` is a file of the repository root, every other source a file under docs/.
Besides translations, each language has one file of its own, `translations/<lang>/language.yml`:
how it writes numbers and the words of the site's interface (coursekit.strings).

Languages come from the i18n plugin's `languages` in mkdocs.yml; the coursekit plugin's
`languages_in_progress` lists those still being translated (their pages fall back to English,
and the checks that every page is translated and fresh leave them out).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from coursekit.translations.findings import UserError

PAGE_SUFFIXES = (".md", ".ipynb")
TRANSLATION_SUFFIXES = (".md", ".ipynb", ".yml")
# Data files under docs/ whose text is translated (everything else under docs/assets/ is not).
DATA_SOURCES = ("glossary.yml", "assets/diagrams/labels.yml")
GLOSSARY = "glossary.yml"
LABELS = "assets/diagrams/labels.yml"
LANGUAGE_FILE = "language.yml"  # translations/<lang>/language.yml: the language's own settings and strings
# Pages the plugin makes from data: page path -> the source its text comes from (None: always).
GENERATED_PAGES = {"glossary.md": GLOSSARY, "translation-status.md": None}
STATUS_PAGE = "translation-status.md"


@dataclass(frozen=True)
class Language:
    locale: str
    name: str
    default: bool = False
    in_progress: bool = False  # merged before every page is translated


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml uses tags such as !ENV and !!python/name:; the values they stand for are not needed here."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def suffixed(rel: str, lang: str) -> str:
    """`lessons/gan/index.md` in `da` -> `lessons/gan/index.da.md` (static-i18n's suffix naming)."""
    path = PurePosixPath(rel)
    return str(path.with_name(f"{path.stem}.{lang}{path.suffix}"))


@dataclass(frozen=True)
class Layout:
    root: Path
    languages: tuple[Language, ...]
    docs: str = "docs"
    translations: str = "translations"
    quiz: str = "quiz"
    help_page: str = "help-translate.md"  # under docs/: where a reader learns to translate
    mkdocs_config: dict = field(default_factory=dict, compare=False, repr=False)

    # -- reading mkdocs.yml ---------------------------------------------------------------------
    @classmethod
    def find(cls, start: Path | None = None) -> Layout:
        """The layout of the nearest folder at or above `start` (default: the working directory) holding mkdocs.yml."""
        start = Path(start or Path.cwd()).resolve()
        for folder in (start, *start.parents):
            if (folder / "mkdocs.yml").is_file():
                return cls.read(folder)
        raise UserError(f"no mkdocs.yml in {start} or any folder above it; run this in the course repository or pass --root")

    @classmethod
    def read(cls, root: Path, config_file: Path | None = None) -> Layout:
        """The layout of the repository at `root`, from its mkdocs.yml (or `config_file`)."""
        root = Path(root).resolve()
        path = Path(config_file) if config_file else root / "mkdocs.yml"
        if not path.is_file():
            raise UserError(f"{root} has no mkdocs.yml; --root must be the course repository's root")
        config = _mkdocs_config(path, path.stat().st_mtime_ns)
        plugins = {name: options or {} for name, options in _plugins(config)}
        if not isinstance(plugins.get("i18n"), dict) or not plugins["i18n"].get("languages"):
            raise UserError("mkdocs.yml: no 'i18n' plugin with 'languages' under 'plugins'")
        ours = plugins.get("coursekit") if isinstance(plugins.get("coursekit"), dict) else {}
        return cls.from_options(root, plugins["i18n"]["languages"], ours, config.get("docs_dir") or "docs", config)

    @classmethod
    def from_options(cls, root: Path, i18n_languages, options: dict, docs_dir: str = "docs", config: dict | None = None) -> Layout:
        """From the i18n plugin's language entries (dicts or its config objects) and the coursekit
        plugin's options; the plugin calls this with MkDocs' own parsed config."""
        in_progress = set(options.get("languages_in_progress") or [])
        found = []
        for entry in i18n_languages:
            get = entry.get if isinstance(entry, dict) else (lambda key, default=None, e=entry: getattr(e, key, default))
            if get("locale"):
                locale = str(get("locale"))
                found.append(Language(locale, str(get("name") or locale), bool(get("default", False)), locale in in_progress))
        unknown = in_progress - {lang.locale for lang in found}
        if unknown:
            raise UserError(f"mkdocs.yml: languages_in_progress names {', '.join(sorted(unknown))}, which is not a language of the "
                            f"i18n plugin ({', '.join(lang.locale for lang in found)})")
        if found and not any(lang.default for lang in found):
            found[0] = Language(found[0].locale, found[0].name, True, found[0].in_progress)
        root = Path(root).resolve()
        docs = Path(docs_dir)
        docs = docs.resolve().relative_to(root).as_posix() if docs.is_absolute() else docs.as_posix()
        return cls(root, tuple(found), docs, str(options.get("translations_dir", "translations")),
                   str(options.get("quiz_dir", "quiz")), str(options.get("help_translate_page", "help-translate.md")), config or {})

    # -- languages -------------------------------------------------------------------------------
    @property
    def default_language(self) -> str:
        return next(lang.locale for lang in self.languages if lang.default)

    @property
    def locales(self) -> list[str]:
        return [lang.locale for lang in self.languages]

    @property
    def translated(self) -> list[str]:
        """Every language but the default (English), in mkdocs.yml order."""
        return [lang.locale for lang in self.languages if not lang.default]

    @property
    def complete(self) -> list[str]:
        """The translated languages that are not in progress: every page translated and fresh."""
        return [lang.locale for lang in self.languages if not lang.default and not lang.in_progress]

    @property
    def names(self) -> dict[str, str]:
        return {lang.locale: lang.name for lang in self.languages}

    def check_language(self, lang: str) -> str:
        if lang not in self.translated:
            raise UserError(f"unknown language {lang!r}; this site translates into {', '.join(self.translated)} "
                            f"(mkdocs.yml; to add one, run `coursekit i18n add-language {lang} --name NAME`)")
        return lang

    # -- paths -----------------------------------------------------------------------------------
    @property
    def docs_dir(self) -> Path:
        return self.root / self.docs

    @property
    def translations_dir(self) -> Path:
        return self.root / self.translations

    @property
    def quiz_dir(self) -> Path:
        return self.root / self.quiz

    def is_quiz(self, source: str) -> bool:
        path = PurePosixPath(source)
        return len(path.parts) == 2 and path.parts[0] == self.quiz and path.suffix == ".yml"

    def english_rel(self, source: str) -> str:
        """The English file relative to the repository root, as git names it."""
        return source if self.is_quiz(source) else f"{self.docs}/{source}"

    def english_path(self, source: str) -> Path:
        return self.root / self.english_rel(source)

    def translation_rel(self, lang: str, source: str) -> str:
        return f"{self.translations}/{lang}/{source}"

    def translation_path(self, lang: str, source: str) -> Path:
        return self.root / self.translation_rel(lang, source)

    def language_file(self, lang: str) -> Path:
        return self.translations_dir / lang / LANGUAGE_FILE

    def shown(self, path: Path | str) -> str:
        """A path as messages show it: relative to the repository root, never absolute."""
        path = Path(path)
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.name if path.is_absolute() else path.as_posix()

    # -- what exists -------------------------------------------------------------------------------
    def english_sources(self) -> list[str]:
        """Every source a translator can translate, sorted."""
        found = set()
        if self.docs_dir.is_dir():
            for path in self.docs_dir.rglob("*"):
                rel = path.relative_to(self.docs_dir).as_posix()
                if (path.suffix in PAGE_SUFFIXES and not rel.startswith("assets/")
                        and ".ipynb_checkpoints" not in path.parts and path.is_file()):
                    found.add(rel)
            found.update(rel for rel in DATA_SOURCES if (self.docs_dir / rel).is_file())
        if self.quiz_dir.is_dir():
            found.update(f"{self.quiz}/{path.name}" for path in self.quiz_dir.glob("*.yml") if path.is_file())
        return sorted(found)

    def translation_sources(self, lang: str) -> list[str]:
        """The sources translations/<lang>/ has a file for (whether or not that source exists)."""
        folder = self.translations_dir / lang
        if not folder.is_dir():
            return []
        return sorted(
            rel for path in folder.rglob("*")
            if path.suffix in TRANSLATION_SUFFIXES and ".ipynb_checkpoints" not in path.parts and path.is_file()
            and (rel := path.relative_to(folder).as_posix()) != LANGUAGE_FILE
        )

    def quiz_ids(self) -> list[str]:
        return sorted(path.stem for path in self.quiz_dir.glob("*.yml")) if self.quiz_dir.is_dir() else []

    def generated_pages(self) -> set[str]:
        """Pages the plugin builds from data (so links to them resolve though docs/ lacks the file)."""
        pages = {page for page, data in GENERATED_PAGES.items() if data is None or (self.docs_dir / data).is_file()}
        pages.update(f"{self.quiz}/{quiz_id}.md" for quiz_id in self.quiz_ids())
        return pages

    def page_argument(self, lang: str, given: str) -> str:
        """The source a command-line PAGE names. Accepts the source itself (`lessons/gan/index.md`,
        `quiz/gan-pre.yml`), the English file (`docs/lessons/gan/index.md`) or the translation
        (`translations/da/lessons/gan/index.md`), relative to the root or the working directory."""
        path = Path(given)
        if path.is_absolute() or (Path.cwd() / path).exists():
            try:
                path = (Path.cwd() / path).resolve().relative_to(self.root)
            except ValueError:
                pass
        rel = path.as_posix()
        while rel.startswith("./"):
            rel = rel[2:]
        prefix = f"{self.translations}/{lang}/"
        if rel.startswith(prefix):
            return rel[len(prefix):]
        if rel.startswith(f"{self.docs}/"):
            return rel[len(self.docs) + 1:]
        return rel


@functools.lru_cache(maxsize=8)
def _mkdocs_config(path: Path, mtime_ns: int) -> dict:
    """mkdocs.yml, parsed once while it is unchanged (`mtime_ns` is part of the cache key)."""
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserError(f"mkdocs.yml:{mark.line + 1 if mark else 1}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return config if isinstance(config, dict) else {}


def _plugins(config: dict):
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict):
            yield from entry.items()
        elif isinstance(entry, str):
            yield entry, {}
