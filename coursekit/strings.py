"""Interface strings the plugin writes into pages (notices, banners), one set per language."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

STRINGS_FILE = Path(__file__).with_name("strings.yml")


@cache
def _all() -> dict[str, dict[str, str]]:
    return yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))


def ui(lang: str, key: str, **values: str) -> str:
    """The string `key` in `lang` (English when that language lacks it), with {values} filled in."""
    table = _all()
    text = table.get(lang, {}).get(key) or table["en"][key]
    return text.format(**values)


def languages() -> list[str]:
    return list(_all())
