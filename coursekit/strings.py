"""Interface strings and locale facts per language.

English, the source, lives beside the code that uses it, one flat file per component:

| component | English | what it words |
| --- | --- | --- |
| `site` | coursekit/strings.yml | the plugin's notices, the glossary page, the notebook box |
| `status` | coursekit/translations/status.yml | the "Translation status" page |
| `quiz` | coursekit/quiz/ui.yml | quiz pages, redirect pages, the quiz-app export |

Every other language has one file, `translations/<lang>/language.yml`, with a section per
component and `locale:` facts (`decimal_mark`). A key the file lacks is shown in English (and
the lint lists it); a key English does not have, or a `{name}` placeholder changed, is an error.
(The in-browser demo's words are still in coursekit/demo/ui.yml, which the demo reads itself.)
"""
from __future__ import annotations

import difflib
import functools
import string
from pathlib import Path

import yaml

from coursekit.translations.findings import WARNING, Finding
from coursekit.translations.repository import Repository
from coursekit.translations.syntax import line_of

HERE = Path(__file__).parent
COMPONENTS = {
    "site": HERE / "strings.yml",
    "status": HERE / "translations" / "status.yml",
    "quiz": HERE / "quiz" / "ui.yml",
}
LOCALE_DEFAULTS = {"decimal_mark": "."}
# Placeholders a translation may write out instead ("ins Deutsche" for {language}).
OPTIONAL_FIELDS = {"language"}


@functools.cache
def english(component: str) -> dict[str, str]:
    """The English strings of a component, by key."""
    return yaml.safe_load(COMPONENTS[component].read_text(encoding="utf-8"))


class Strings:
    """The strings of every component in every language of one repository."""

    def __init__(self, repo: Repository):
        self.repo = repo
        self.default = repo.layout.default_language

    @functools.cached_property
    def _files(self) -> dict[str, tuple[dict, list[Finding]]]:
        found = {}
        for lang in self.repo.layout.translated:
            path = self.repo.layout.language_file(lang)
            if not path.is_file():
                found[lang] = ({}, [])
                continue
            data, problems = self.repo.yaml_body(path)
            found[lang] = (data if isinstance(data, dict) else {}, problems)
        return found

    def _section(self, lang: str, name: str) -> dict:
        section = self._files.get(lang, ({}, []))[0].get(name)
        return section if isinstance(section, dict) else {}

    def ui(self, component: str, lang: str, key: str, **values) -> str:
        """The string `key` of `component` in `lang` (English when that language lacks it), with {values} filled in."""
        own = self._section(lang, component).get(key) if lang != self.default else None
        text = own if isinstance(own, str) and own.strip() else english(component)[key]
        return text.format(**values) if values else text

    def strings(self, component: str, lang: str) -> dict[str, str]:
        """Every string of `component` in `lang`, English filling the gaps."""
        return {key: self.ui(component, lang, key) for key in english(component)}

    def locale(self, lang: str, fact: str) -> str:
        value = self._section(lang, "locale").get(fact) if lang != self.default else None
        return str(value) if value is not None else LOCALE_DEFAULTS[fact]

    def decimal_mark(self, lang: str) -> str:
        return self.locale(lang, "decimal_mark")

    def missing(self, lang: str) -> list[tuple[str, str]]:
        """(component, key) of every string `lang` still shows in English."""
        return [(component, key) for component in COMPONENTS for key in english(component)
                if not isinstance(self._section(lang, component).get(key), str)]

    # -- checking a language file -----------------------------------------------------------------
    def check(self, lang: str) -> list[Finding]:
        """Problems in translations/<lang>/language.yml: syntax, unknown sections and keys (with the
        near miss), placeholders that differ from the English, and keys it lacks (warnings)."""
        path = self.repo.layout.language_file(lang)
        shown = self.repo.layout.shown(path)
        if not path.is_file():
            return []
        data, problems = self._files[lang]
        if problems:
            return problems
        found: list[Finding] = []
        for name in data:
            if name != "locale" and name not in COMPONENTS:
                found.append(Finding(shown, line_of(data, name), f"unknown section '{name}'{_near(name, ['locale', *COMPONENTS])} "
                                                                 f"(sections: locale, {', '.join(COMPONENTS)})"))
        locale = data.get("locale")
        if isinstance(locale, dict):
            mark = locale.get("decimal_mark")
            if mark is not None and mark not in (".", ","):
                found.append(Finding(shown, line_of(locale, "decimal_mark"), f"decimal_mark must be \".\" or \",\", not {mark!r}"))
            for fact in locale:
                if fact not in LOCALE_DEFAULTS:
                    found.append(Finding(shown, line_of(locale, fact), f"unknown locale fact '{fact}'{_near(fact, list(LOCALE_DEFAULTS))}"))
        for component in COMPONENTS:
            section = data.get(component)
            if section is None:
                continue
            if not isinstance(section, dict):
                found.append(Finding(shown, line_of(data, component), f"'{component}' must be a mapping of key: text"))
                continue
            found += _check_section(shown, component, section)
        lacking = [f"{component}.{key}" for component, key in self.missing(lang)]
        if lacking:
            found.append(Finding(shown, 1, f"{len(lacking)} interface string(s) not translated yet, shown in English: "
                                           + ", ".join(lacking[:8]) + (" ..." if len(lacking) > 8 else ""), WARNING))
        return found


def _check_section(shown: str, component: str, section: dict) -> list[Finding]:
    found = []
    source = english(component)
    for key, text in section.items():
        line = line_of(section, key)
        if key not in source:
            found.append(Finding(shown, line, f"{component}: unknown key '{key}'{_near(str(key), list(source))}"))
        elif text is None:
            continue  # not translated yet: English is shown, and `missing` counts it
        elif not isinstance(text, str) or not text.strip():
            found.append(Finding(shown, line, f"{component}.{key} must be text (or nothing after the colon while it is not translated)"))
        else:
            ours, theirs = _fields(text), _fields(source[key])
            if ours is None:
                found.append(Finding(shown, line, f"{component}.{key}: a {{ or }} without its pair; write {{{{ or }}}} for a brace in the text"))
            elif ours - theirs or (theirs - ours) - OPTIONAL_FIELDS:
                found.append(Finding(shown, line, f"{component}.{key} has the placeholders {_braces(ours)} where the English has "
                                                  f"{_braces(theirs)}; keep the words in braces exactly as in English ({source[key]!r})"))
    return found


def _fields(text: str) -> set[str] | None:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def _braces(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"


def _near(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


