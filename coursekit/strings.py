"""Interface strings per language, kept in YAML files of the shape {lang: {key: text}}.

Each component has its own file (the plugin's notices here, the quiz's and the status page's
beside their code) and reads it through a `StringTable`; English fills any gap.
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
        return yaml.safe_load(self.path.read_text(encoding="utf-8"))

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


STRINGS_FILE = Path(__file__).with_name("strings.yml")
PLUGIN_STRINGS = StringTable(STRINGS_FILE)
ui = PLUGIN_STRINGS.ui
languages = PLUGIN_STRINGS.languages
