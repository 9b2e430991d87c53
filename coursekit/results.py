"""Numbers from the notebooks' render quoted in pages: `{{ result NOTEBOOK/RUN KEY }}`.

A lesson that says "the DCGAN reached a cFID of 1.76" is wrong the day the notebooks are
rendered again. Pages write the placeholder instead, in every language, and the build fills in
the value from docs/assets/generated/manifest.json (its "runs" section): a metric of the run
(`cfid`, `diversity_ratio`, `d_updates_skipped`, `style`, ...) or one of its own fields
(`steps`, `wall_time_s`). Numbers are written with the language's decimal mark; a placeholder
that names no rendered run or value stops the build with the page and the placeholder.
Placeholders inside code are left alone, so a page can show the syntax.
"""
from __future__ import annotations

import re
from pathlib import Path

from coursekit.i18n.mdscan import mask
from coursekit.render import manifest

MANIFEST = manifest.MANIFEST  # under docs/
PLACEHOLDER = re.compile(r"\{\{\s*result\s+(?P<run>[\w.-]+/[\w.=-]+)\s+(?P<key>\w+)\s*\}\}")
RUN_FIELDS = ("steps", "wall_time_s", "seed")
# Languages that write 1,76 for 1.76 (Slovenian pages of this course keep the point).
DECIMAL_COMMA = {"da", "sv", "nl", "de"}


class ResultError(ValueError):
    """A placeholder the manifest cannot fill; the message names the placeholder and what to do."""


def load_runs(docs_dir: Path) -> dict[str, dict]:
    """The manifest's runs ({"gan-pytorch/dcgan": {...}}), or {} before anything was rendered."""
    return manifest.read(Path(docs_dir))["runs"]


def find(text: str):
    """The placeholder matches in `text` outside code, at their positions in `text`."""
    return PLACEHOLDER.finditer(mask(text))  # mask blanks code out and keeps every position


def placeholders(text: str) -> list[str]:
    """Each placeholder in `text` (outside code), normalised to "RUN KEY", in order."""
    return [f"{m['run']} {m['key']}" for m in find(text)]


def format_value(value, lang: str) -> str:
    """An int as is; a float with two decimals (none from 100 on), in the language's notation."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = str(value) if isinstance(value, int) else f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}"
    return text.replace(".", ",") if lang in DECIMAL_COMMA else text


def lookup(runs: dict[str, dict], run: str, key: str):
    if run not in runs:
        known = ", ".join(sorted(runs)) or "none; run `coursekit render`"
        raise ResultError(f"{{{{ result {run} {key} }}}}: no rendered run {run!r} in docs/{MANIFEST} (known: {known})")
    record = runs[run]
    if key in RUN_FIELDS:
        return record[key]
    metrics = record.get("metrics", {})
    if key not in metrics:
        known = ", ".join([*RUN_FIELDS, *metrics])
        raise ResultError(f"{{{{ result {run} {key} }}}}: run {run!r} has no value {key!r} (known: {known})")
    return metrics[key]


def fill(text: str, runs: dict[str, dict], lang: str) -> str:
    """`text` with every placeholder replaced by its value; ResultError for one that cannot be."""
    parts, end = [], 0
    for m in find(text):
        parts += [text[end:m.start()], format_value(lookup(runs, m["run"], m["key"]), lang)]
        end = m.end()
    return "".join(parts) + text[end:]
