"""Interface text of quizzes (buttons, feedback, score, redirect pages), one set per language."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

UI_FILE = Path(__file__).with_name("ui.yml")
DEFAULT = "en"


@cache
def _all() -> dict[str, dict[str, str]]:
    return yaml.safe_load(UI_FILE.read_text(encoding="utf-8"))


def ui(lang: str, key: str, **values) -> str:
    """The string `key` in `lang` (English when the language lacks it), with {values} filled in."""
    table = _all()
    text = table.get(lang, {}).get(key) or table[DEFAULT][key]
    return text.format(**values) if values else text


def strings(lang: str) -> dict[str, str]:
    """Every string in `lang`, English filling the gaps."""
    table = _all()
    return {key: table.get(lang, {}).get(key) or english for key, english in table[DEFAULT].items()}


def languages() -> list[str]:
    return list(_all())
