"""The demo widgets' words: one YAML file per widget, `{lang: {key: text}}`, English as `en`.

(The site's other interface strings live in translations/<lang>/language.yml, coursekit.strings;
the widgets keep their own tables beside their code, which the page script and its tests read.)
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import yaml

DEFAULT = "en"


class StringTable:
    """One strings file: `ui(lang, key, **values)` looks a string up and fills in {values}."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @cached_property
    def table(self) -> dict[str, dict[str, str]]:
        # libyaml when PyYAML has it: ten times faster than the pure-Python loader, same data
        return yaml.load(self.path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    def ui(self, lang: str, key: str, **values) -> str:
        """The string `key` in `lang` (English when that language lacks it), with {values} filled in."""
        text = self.table.get(lang, {}).get(key) or self.table[DEFAULT][key]
        return text.format(**values) if values else text

    def strings(self, lang: str) -> dict[str, str]:
        """Every string in `lang`, English filling the gaps."""
        own = self.table.get(lang, {})
        return {key: own.get(key) or english for key, english in self.table[DEFAULT].items()}

    def languages(self) -> list[str]:
        return list(self.table)
