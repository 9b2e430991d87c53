"""Decimal numbers written with a point in translated prose, for languages that write a comma.

A reader of Danish, Dutch, German or Slovenian reads "1.5" as one and a half written the
English way (or as a thousands group); their pages write "1,5". What keeps the point: code
(blocks and inline), math (`$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`, where `1{,}5` is the
comma), link targets and URLs, HTML tags, `{{ result ... }}` placeholders (filled in the page's
notation), arXiv ids, version numbers (three parts or more, 2.14.1, or after a tool's name,
Python 3.14), and whole numbers grouped by thousands the way these languages group them (1.797).
"""
from __future__ import annotations

import re

from coursekit.translations import mdscan

_NOT_PROSE = [
    re.compile(r"\$\$.*?\$\$", re.S),  # display math
    re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$"),  # inline math
    re.compile(r"\\\(.*?\\\)|\\\[.*?\\\]", re.S),
    re.compile(r"\]\([^)\n]*\)"),  # link targets
    re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[^\n]*", re.M),  # reference definitions
    re.compile(r"<[a-zA-Z/][^<>]*>"),  # HTML tags and their attributes
    re.compile(r"\{\{.*?\}\}", re.S),  # placeholders
    re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I),  # bare URLs
    re.compile(r"\barXiv:\s*\d+\.\d+", re.I),
    re.compile(r"\b(?:Python|Node|Chromium|Pyodide|PyTorch|torch|CUDA|Keras|TensorFlow|NumPy|scikit-learn|MkDocs)\s+v?\d+(?:\.\d+)+", re.I),
]
_POINT_DECIMAL = re.compile(r"(?<![\w.,])(\d+)\.(\d+)(?![\w]|[.,]\d)")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_DIGIT_POINT_DIGIT = re.compile(r"\d\.\d")


def point_decimals(text: str) -> list[tuple[int, str]]:
    """(line, number) of each decimal written with a point in the prose of Markdown `text`."""
    if not _DIGIT_POINT_DIGIT.search(text):
        return []  # most texts; masking only blanks characters, so it never makes a new "1.5"
    masked = mdscan.mask(text)
    for pattern in _NOT_PROSE:
        masked = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), masked)
    return [(mdscan.line_of(masked, m.start()), m.group(0)) for m in _POINT_DECIMAL.finditer(masked)
            if not _THOUSANDS.fullmatch(m.group(0))]


def with_comma(number: str) -> str:
    return number.replace(".", ",")
