"""The site's languages (read from mkdocs.yml) and the pages a translator translates.

A page is named by its *source*: the value of `source:` in a translation's front matter, which is
also the translation's path under `translations/<lang>/`. Where the English file lives:

| source | English file | translation |
| --- | --- | --- |
| `lessons/gan/index.md`, `notebooks/x.ipynb` (any .md/.ipynb under docs/ but docs/assets/) | `docs/<source>` | `translations/<lang>/<source>` |
| `glossary.yml`, `assets/diagrams/labels.yml` (data the build turns into text) | `docs/<source>` | `translations/<lang>/<source>` |
| `quiz/<id>.yml` (the quiz bank lives at the repository root, not under docs/) | `quiz/<id>.yml` | `translations/<lang>/quiz/<id>.yml` |

So the rule is one line: a source `quiz/*.yml` is a file of the repository root, every other
source a file under docs/.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

DOCS = "docs"
TRANSLATIONS = "translations"
QUIZ_DIR = "quiz"
PAGE_SUFFIXES = (".md", ".ipynb")
TRANSLATION_SUFFIXES = (".md", ".ipynb", ".yml")
# Data files under docs/ whose text is translated (everything else under docs/assets/ is not).
DATA_SOURCES = ("glossary.yml", "assets/diagrams/labels.yml")
# Pages the plugin makes from data: page path -> the source its text comes from (None: always).
GENERATED_PAGES = {"glossary.md": "glossary.yml", "translation-status.md": None}


class I18nError(ValueError):
    """A problem the user can fix (no mkdocs.yml, an unknown language, a missing file, ...); one line."""


@dataclass(frozen=True)
class Language:
    locale: str
    name: str
    default: bool


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml uses tags such as !ENV and !!python/name:; the values they stand for are not needed here."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: the working directory) holding mkdocs.yml."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise I18nError(f"no mkdocs.yml in {start} or any folder above it; run this in the course repository or pass --root")


@functools.lru_cache(maxsize=8)
def _mkdocs_config(path: Path, mtime: float) -> dict:
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise I18nError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return config if isinstance(config, dict) else {}


def languages(root: Path) -> list[Language]:
    """The i18n plugin's languages in mkdocs.yml order (the default one included)."""
    path = Path(root) / "mkdocs.yml"
    if not path.is_file():
        raise I18nError(f"{path} does not exist; pass the repository root with --root")
    config = _mkdocs_config(path, path.stat().st_mtime)
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("i18n"), dict):
            found = [
                Language(str(entry["locale"]), str(entry.get("name", entry["locale"])), bool(entry.get("default", False)))
                for entry in plugin["i18n"].get("languages") or []
                if isinstance(entry, dict) and entry.get("locale")
            ]
            if found:
                if not any(lang.default for lang in found):
                    found[0] = Language(found[0].locale, found[0].name, True)
                return found
    raise I18nError(f"{path}: no 'i18n' plugin with 'languages' under 'plugins'")


def default_language(root: Path) -> str:
    return next(lang.locale for lang in languages(root) if lang.default)


def translated_languages(root: Path) -> list[str]:
    """Every language but the default (English), in mkdocs.yml order."""
    return [lang.locale for lang in languages(root) if not lang.default]


def check_language(root: Path, lang: str) -> str:
    known = translated_languages(root)
    if lang not in known:
        raise I18nError(f"unknown language {lang!r}; this site translates into {', '.join(known)} (mkdocs.yml)")
    return lang


# -- pages -------------------------------------------------------------------------------------
def is_quiz(source: str) -> bool:
    path = PurePosixPath(source)
    return len(path.parts) == 2 and path.parts[0] == QUIZ_DIR and path.suffix == ".yml"


def english_path(root: Path, source: str) -> Path:
    return Path(root) / (source if is_quiz(source) else f"{DOCS}/{source}")


def english_rel(source: str) -> str:
    """The English file relative to the repository root, as git names it."""
    return source if is_quiz(source) else f"{DOCS}/{source}"


def translation_path(root: Path, lang: str, source: str) -> Path:
    return Path(root) / TRANSLATIONS / lang / source


def english_sources(root: Path) -> list[str]:
    """Every source a translator can translate, sorted."""
    root = Path(root)
    docs = root / DOCS
    found = set()
    if docs.is_dir():
        for path in docs.rglob("*"):
            rel = path.relative_to(docs).as_posix()
            if (
                path.suffix in PAGE_SUFFIXES and path.is_file() and not rel.startswith("assets/")
                and ".ipynb_checkpoints" not in path.parts
            ):
                found.add(rel)
        found.update(rel for rel in DATA_SOURCES if (docs / rel).is_file())
    quiz = root / QUIZ_DIR
    if quiz.is_dir():
        found.update(f"{QUIZ_DIR}/{path.name}" for path in quiz.glob("*.yml") if path.is_file())
    return sorted(found)


def translation_sources(root: Path, lang: str) -> list[str]:
    """The sources translations/<lang>/ has a file for (whether or not that source exists)."""
    folder = Path(root) / TRANSLATIONS / lang
    if not folder.is_dir():
        return []
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.suffix in TRANSLATION_SUFFIXES and path.is_file() and ".ipynb_checkpoints" not in path.parts
    )


def generated_pages(root: Path) -> set[str]:
    """Pages the plugin builds from data (so links to them resolve though docs/ lacks the file)."""
    root = Path(root)
    pages = {page for page, data in GENERATED_PAGES.items() if data is None or (root / DOCS / data).is_file()}
    quiz = root / QUIZ_DIR
    if quiz.is_dir():
        pages.update(f"{QUIZ_DIR}/{path.stem}.md" for path in quiz.glob("*.yml"))
    return pages


def page_argument(root: Path, lang: str, given: str) -> str:
    """The source a command-line PAGE names. Accepts the source itself (`lessons/gan/index.md`,
    `quiz/gan-pre.yml`), the English file (`docs/lessons/gan/index.md`) or the translation
    (`translations/da/lessons/gan/index.md`), relative to the root or the working directory."""
    root = Path(root).resolve()
    path = Path(given)
    if path.is_absolute() or (Path.cwd() / path).exists():
        try:
            path = (Path.cwd() / path).resolve().relative_to(root)
        except ValueError:
            pass
    rel = path.as_posix()
    while rel.startswith("./"):
        rel = rel[2:]
    prefix = f"{TRANSLATIONS}/{lang}/"
    if rel.startswith(prefix):
        return rel[len(prefix):]
    if rel.startswith(f"{DOCS}/"):
        return rel[len(DOCS) + 1:]
    return rel
