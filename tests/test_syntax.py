"""YAML and JSON mistakes a translator makes, explained at the line to fix: the line with a caret,
the likely cause in words and the fix (the cases of the translator walk-through)."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from coursekit.translations.syntax import parse_json, parse_yaml

QUIZ = (ROOT / "translations" / "de" / "quiz" / "gan-pre.yml").read_text(encoding="utf-8")
HEADER = QUIZ.split("\n---\n", 1)[0] + "\n---\n"
BODY = QUIZ[len(HEADER):]
FIRST = HEADER.count("\n") + 1  # the body's first line in the file
PATH = "translations/de/quiz/gan-pre.yml"


def line_with(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def explain(body: str):
    data, findings = parse_yaml(body, PATH, FIRST)
    assert data is None and len(findings) == 1, findings
    return findings[0]


@pytest.mark.parametrize("old, new, mistake_on, words", [
    # q3a: indented more than the line above
    ("      two: Zwei", "        two: Zwei", "two: Zwei", ["is indented more than line", "indent line {line} with 6 spaces"]),
    # q3b: indented less; YAML notices only on the next line, the finding names this one
    ("      two: Zwei", "    two: Zwei", "two: Zwei", ["indented less than the lines around it", "indent line {line} with 6 spaces"]),
    # the same for the first key of a mapping: only the lines below it show the indentation
    ("    text: Was lernt", "   text: Was lernt", "text: Was lernt", ["indented less than the lines around it", "indent line {line} with 4 spaces"]),
    ("    options:", "     options:", "options:", ["is indented more than line", "indent line {line} with 4 spaces"]),
    # q3c: a tab
    ("      two: Zwei", "     \ttwo: Zwei", "two: Zwei", ["contains a TAB character", "replace the tab with spaces"]),
    # q3d: ': ' inside a plain text
    ("text: Wie viele neuronale", "text: Frage: Wie viele neuronale", "Frage: Wie viele", ["contains ': '", "'>-' block"]),
    # an apostrophe inside a '...' text (the quiz scaffold used to write those)
    ("text: Wie viele neuronale Netze trainiert ein GAN?", "text: 'Wie viele GAN'er trainiert ein GAN?'", "GAN'er",
     ["ends early", "two apostrophes ('')"]),
    ('text: Wie viele neuronale Netze trainiert ein GAN?', 'text: "Wie viele "GAN" trainiert ein GAN?"', '"GAN"',
     ["ends early", 'write \\" for a quote']),
    ("      two: Zwei", "      two Zwei", "two Zwei", ["has no ': ' after its key"]),
    ("      two: Zwei", "      two: [Zwei", "two: [Zwei", ["the [ opened on line {line} is never closed"]),
])
def test_yaml_mistakes_are_explained_at_their_line(old, new, mistake_on, words):
    assert old in BODY
    body = BODY.replace(old, new, 1)
    line = FIRST - 1 + line_with(body, mistake_on)
    finding = explain(body)
    assert finding.path == PATH and finding.line == line, str(finding)
    text = str(finding)
    for word in words:
        assert word.format(line=line) in text, text
    shown = [row for row in finding.detail.splitlines() if row.lstrip().startswith(f"{line} |")]
    assert shown and shown[0].endswith(body.splitlines()[line - FIRST].replace("\t", "→")), finding.detail  # the line itself
    assert "^" in finding.detail and "likely cause:" in finding.detail and "fix:" in finding.detail
    assert "\\t" not in text and "mapping values" not in text and "<block end>" not in text  # no parser jargon


def test_a_duplicated_key_names_both_lines():
    body = BODY.replace("      two: Zwei", "      two: Zwei\n      two: Zwo", 1)
    finding = explain(body)
    first = FIRST - 1 + line_with(body, "two: Zwei")
    assert finding.line == first + 1 and f"the key 'two' appears twice (first on line {first})" in finding.message


NOTEBOOK = (ROOT / "translations" / "de" / "notebooks" / "style-transfer.ipynb").read_text(encoding="utf-8")


def test_a_straight_quote_inside_notebook_text():
    lines = NOTEBOOK.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.lstrip().startswith('"') and " die " in line and line.rstrip().endswith('",'))
    lines[index] = lines[index].replace(" die ", ' "die" ', 1)
    _, findings = parse_json("".join(lines), "translations/de/notebooks/style-transfer.ipynb")
    assert len(findings) == 1 and findings[0].line == index + 1
    assert 'a " inside the text ends it early' in findings[0].message and "„…“" in findings[0].detail


def test_a_missing_comma_is_reported_on_its_own_line_not_the_next():
    lines = NOTEBOOK.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.lstrip().startswith('"') and line.rstrip().endswith('\\n",'))
    lines[index] = lines[index].rstrip().removesuffix(",") + "\n"
    _, findings = parse_json("".join(lines), "translations/de/notebooks/style-transfer.ipynb")
    assert findings[0].line == index + 1 and f"line {index + 1} probably misses a ',' at its end" in findings[0].message
    with pytest.raises(json.JSONDecodeError) as raw:
        json.loads("".join(lines))
    assert raw.value.lineno == index + 2  # where Python's parser notices it: one line late
