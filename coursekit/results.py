"""Numbers from the notebooks' render quoted in pages: `{{ result NOTEBOOK/RUN KEY }}`.

A lesson that says "the DCGAN reached a cFID of 1.76" is wrong the day the notebooks are
rendered again. Pages write the placeholder instead, in every language, and the build fills in
the value from docs/assets/generated/manifest.json (its "runs" section): a metric of the run
(`cfid`, `diversity_ratio`, `d_updates_skipped`, `style`, ...) or one of its own fields
(`steps`, `wall_time_s`). Numbers are written with the language's decimal mark (`decimal_mark`
in translations/<lang>/language.yml); a placeholder that names no rendered run or value, or any
other `{{ ... }}` left in a page, stops the build with the file and line. Placeholders inside
code are left alone, so a page can show the syntax.
"""
from __future__ import annotations

import math
from pathlib import Path

from coursekit.render import manifest
from coursekit.translations.mdscan import line_of, mask
from coursekit.translations.placeholders import NEVER_TRANSLATED, find, leftovers

MANIFEST = manifest.MANIFEST  # under docs/
RUN_FIELDS = ("steps", "wall_time_s", "seed")


class ResultError(ValueError):
    """A placeholder the manifest cannot fill; `line` is where it is in the text that was filled."""

    def __init__(self, message: str, line: int = 1):
        self.line = line
        super().__init__(message)


def load_runs(docs_dir: Path) -> dict[str, dict]:
    """The manifest's runs ({"gan-pytorch/dcgan": {...}}), or {} before anything was rendered."""
    return manifest.read(Path(docs_dir))["runs"]


def format_value(value, decimal_mark: str = ".") -> str:
    """An int as is; a float with two decimals (none from 100 on; below 0.1 as many as its first
    two significant digits need, so a learning rate of 0.00047 does not print as 0.00), with the
    language's decimal mark."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        text = str(value)
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif value == 0 or abs(value) >= 0.1:
        text = f"{value:.2f}"
    else:
        digits = 1 - math.floor(math.log10(abs(value)))
        text = f"{value:.{digits}f}".rstrip("0")
    return text.replace(".", decimal_mark)


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


def fill(text: str, runs: dict[str, dict], decimal_mark: str = ".") -> str:
    """`text` with every placeholder replaced by its value; ResultError (with the line) for one
    that cannot be filled, and for any other `{{ ... }}` outside code."""
    masked = mask(text)  # blanks code out and keeps every position
    for line, stray in leftovers(text, masked):
        raise ResultError(f"{stray} is not a placeholder; write {{{{ result RUN KEY }}}} as the English page does "
                          f"({NEVER_TRANSLATED})", line)
    parts, end = [], 0
    for m in find(text, masked):
        try:
            value = lookup(runs, m["run"], m["key"])
        except ResultError as exc:
            raise ResultError(str(exc), line_of(text, m.start())) from None
        parts += [text[end:m.start()], format_value(value, decimal_mark)]
        end = m.end()
    return "".join(parts) + text[end:]
