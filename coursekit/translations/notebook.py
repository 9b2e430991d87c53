"""Notebook cells as a translator sees them, and the one rule for "the same code".

A translation translates the markdown cells and the comments in code cells; everything else in a
code cell stays as in English. `same_code` is that rule, used both by the lint (a code cell that
differs in more than comments is reported) and by the build, which shows the English outputs
under a translated code cell only when its code is the same (coursekit.notebooks). One rule, so
the lint cannot say OK while the page silently loses an output.

`structure_findings` compares the cells themselves: the same cells, in the same order, as in the
English notebook (by cell id when both have ids, else by kind and position).
"""
from __future__ import annotations

import difflib
import functools
import io
import re
import tokenize

from coursekit.translations.findings import ERROR, Finding

_HASH_COMMENT_LINE = re.compile(r"^\s*#")
_SLASH_COMMENT_LINE = re.compile(r"^\s*//")
_TRAILING_HASH = re.compile(r"\s+#\s.*$")
_TRAILING_SLASH = re.compile(r"\s+//\s.*$")
SLASH_LANGUAGES = {"js", "javascript", "ts", "typescript", "c", "cpp", "c++", "java", "rust", "go", "mjs", "json5"}


def cell_source(cell: dict) -> str:
    """A notebook cell's source as one string (nbformat stores a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def cells(notebook) -> list[dict]:
    found = notebook.get("cells", []) if isinstance(notebook, dict) else []
    return [cell for cell in found if isinstance(cell, dict)]


def code_lines(code: str, language: str = "python") -> list[str]:
    """The lines of `code` that must match the English: comments and blank lines left out
    (those are translated). Python is read with its own tokenizer, so a `#` inside a string is
    code; other languages drop `#` (or `//`) comments by pattern."""
    language = (language or "python").lower()
    if language in ("python", "py", "python3", "ipython", "ipython3", "pycon", ""):
        stripped = _python_without_comments(code)
        if stripped is not None:
            return stripped
    comment, trailing = (_SLASH_COMMENT_LINE, _TRAILING_SLASH) if language in SLASH_LANGUAGES else (_HASH_COMMENT_LINE, _TRAILING_HASH)
    return [trailing.sub("", line).strip() for line in code.splitlines() if line.strip() and not comment.match(line)]


def _python_without_comments(code: str) -> list[str] | None:
    lines = code.splitlines()
    # IPython magics (%config ..., !pip ...) are not Python; keep them whole, minus a trailing comment.
    plain = ["" if line.lstrip().startswith(("%", "!")) else line for line in lines]
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("\n".join(plain) + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    cut = {}
    for token in tokens:
        if token.type == tokenize.COMMENT:
            cut[token.start[0]] = token.start[1]
    out = []
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(("%", "!")):
            line = _TRAILING_HASH.sub("", line)
        elif number in cut:
            line = line[:cut[number]]
        if line.strip():
            out.append(line.strip())
    return out


def same_code(translated: str, english: str, language: str = "python") -> bool:
    """Is the translated code the English code, comments aside?"""
    return translated == english or _code_key(translated, language) == _code_key(english, language)


@functools.lru_cache(maxsize=4096)
def _code_key(code: str, language: str) -> tuple[str, ...]:
    # Each English cell is compared with the same cell of every language, by the lint and again
    # when the build merges outputs: tokenize it once.
    return tuple(code_lines(code, language))


def readable_text(notebook: dict) -> str:
    """A notebook as a translator reads it: a header line per cell, then its source."""
    parts = []
    for number, cell in enumerate(cells(notebook), 1):
        parts.append(f"# --- {cell_label(cell, number)} ---\n{cell_source(cell).rstrip()}\n")
    return "\n".join(parts)


def cell_label(cell: dict, number: int) -> str:
    """`markdown cell 5 ("## The two pictures")`: how messages name a cell (Jupyter shows no numbers)."""
    first = next((line.strip() for line in cell_source(cell).splitlines() if line.strip()), "")
    if len(first) > 50:
        first = first[:47] + "..."
    return f"{cell.get('cell_type', '?')} cell {number}" + (f' ("{first}")' if first else "")


def structure_findings(path: str, translated: list[dict], english: list[dict], english_name: str, line_of_cell) -> list[Finding]:
    """Cells added, removed or reordered relative to the English notebook. `line_of_cell(i)` is the
    line where the i-th translated cell starts."""
    def key(cell: dict, with_id: bool) -> tuple:
        return (cell.get("cell_type"), cell.get("id")) if with_id else (cell.get("cell_type"),)

    with_id = all(cell.get("id") for cell in translated + english)
    ours, theirs = [key(c, with_id) for c in translated], [key(c, with_id) for c in english]
    if ours == theirs:
        return []
    found = []
    matcher = difflib.SequenceMatcher(None, theirs, ours, autojunk=False)
    for tag, e1, e2, t1, t2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        where = line_of_cell(t1) if t1 < len(translated) else line_of_cell(len(translated) - 1) if translated else 1
        for index in range(e1, e2):
            found.append(Finding(path, where, f"the English {cell_label(english[index], index + 1)} ({english_name}) has no "
                                              "counterpart here; translate it in its place, keeping the cells as in English", ERROR))
        for index in range(t1, t2):
            found.append(Finding(path, line_of_cell(index), f"{cell_label(translated[index], index + 1)} is not in the English "
                                                            f"notebook ({english_name}); keep the same cells as the English one", ERROR))
    return found


class SourceLines:
    """The line of a notebook's JSON text where each cell's source begins (nbformat writes one
    JSON string per source line), for `file:line` messages."""

    def __init__(self, text: str, notebook_cells: list[dict]):
        import json

        lines = text.splitlines()
        self.starts, cursor = [], 0
        for cell in notebook_cells:
            first = (cell_source(cell).splitlines(keepends=True) or [""])[0]
            needles = {json.dumps(first, ensure_ascii=False)[1:-1], json.dumps(first)[1:-1]} if first else set()
            line = cursor + 1
            for number in range(cursor, len(lines)):
                if needles and any(needle in lines[number] for needle in needles):
                    line, cursor = number + 1, number + 1
                    break
            self.starts.append(min(line, max(len(lines), 1)))

    def __call__(self, index: int) -> int:
        return self.starts[index] if 0 <= index < len(self.starts) else 1
