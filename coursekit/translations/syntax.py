"""Reading YAML and JSON with line numbers, and explaining their syntax errors to people.

One YAML loader serves every YAML file the site reads (quizzes, glossary, diagram labels,
interface strings, front matter): mappings and sequences carry the line of each key and item, a
duplicated key is an error (plain YAML keeps the last one silently), and a syntax error becomes
a `Finding` at the line to fix, with that line shown under a caret, the likely cause in words
and the fix. Parsers notice some mistakes a line late (an under-indented key, a missing comma in
JSON); the explanation names the line where the mistake is.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from coursekit.translations.findings import ERROR, Finding


class Map(dict):
    """A mapping that knows the line it starts on and the line of each key (1-based, file lines)."""

    line: int = 1
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class Seq(list):
    """A sequence that knows the line it starts on and the line of each item."""

    line: int = 1
    item_lines: list


def line_of(container, key) -> int:
    """The line of `key` in a Map (or of the container itself); 1 for plain values."""
    lines = getattr(container, "key_lines", None)
    return lines.get(key, container.line) if lines is not None else getattr(container, "line", 1)


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key, node, first_line: int):
        self.key, self.problem_mark, self.first_line = key, node.start_mark, first_line


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader whose mappings and sequences carry file line numbers, and which refuses
    duplicate keys (plain YAML silently keeps the last one, which would hide a typo). It parses
    with libyaml when PyYAML has it (several times faster); errors are explained from PyYAML's
    own parser, whose messages the explanations know."""

    line_offset = 0


class _PurePythonLoader(yaml.SafeLoader):
    """Used only to read a text that has a syntax error again, for PyYAML's own message about it."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Map:
    loader.flatten_mapping(node)
    result = Map()
    result.line, result.key_lines = node.start_mark.line + 1 + loader.line_offset, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in result
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "a key must be plain text", key_node.start_mark) from None
        if duplicate:
            raise _DuplicateKey(key, key_node, result.key_lines[key])
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1 + loader.line_offset
    return result


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> Seq:
    result = Seq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.item_lines = [child.start_mark.line + 1 + loader.line_offset for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def parse_yaml(text: str, path: str, first_line: int = 1, what: str = "YAML") -> tuple[object, list[Finding]]:
    """(data, findings) for YAML `text` that starts on line `first_line` of the file `path`.
    Mappings are Maps and sequences Seqs with file line numbers; data is None after an error."""
    loader = _LineLoader(text)
    loader.line_offset = first_line - 1
    try:
        return loader.get_single_data(), []
    except _DuplicateKey as exc:
        line = exc.problem_mark.line + first_line
        return None, [Finding(path, line, f"the key '{exc.key}' appears twice (first on line {exc.first_line}); each key may appear once",
                              detail=excerpt(text, exc.problem_mark.line, exc.problem_mark.column, first_line))]
    except yaml.YAMLError as exc:
        try:
            yaml.load(text, Loader=_PurePythonLoader)
        except yaml.YAMLError as pure:
            exc = pure
        return None, [explain_yaml_error(exc, text, path, first_line, what)]
    finally:
        loader.dispose()


# -- explaining YAML errors ----------------------------------------------------------------------
@dataclass(frozen=True)
class _Mark:
    line: int  # 0-based, in the parsed text
    column: int


@dataclass(frozen=True)
class _Error:
    """What PyYAML said, and the text it said it about."""

    lines: list[str]
    problem: str
    context: str
    at: _Mark  # where the parser noticed it
    opened: _Mark | None  # where the construct it was reading began (a quote, a bracket, a key)
    first_line: int  # the text's first line in the file

    def indent(self, i: int | None) -> int | None:
        """The indentation of line i, or None for a blank or comment line (or no line)."""
        if i is not None and 0 <= i < len(self.lines) and self.lines[i].strip() and not self.lines[i].lstrip().startswith("#"):
            return len(self.lines[i]) - len(self.lines[i].lstrip(" "))
        return None

    def above(self, i: int | None) -> int | None:
        """The nearest line above i that holds something."""
        for j in range(i - 1, -1, -1) if i is not None else ():
            if self.indent(j) is not None:
                return j
        return None

    def below(self, i: int, deepest: int) -> int | None:
        """The first line after i indented `deepest` spaces or less (where line i's block ends)."""
        for j in range(i + 1, len(self.lines)):
            indent = self.indent(j)
            if indent is not None and indent <= deepest:
                return j
        return None

    def line(self, i: int) -> str:
        return self.lines[i] if 0 <= i < len(self.lines) else ""

    def n(self, i: int) -> int:
        """Line i of the text as a line number of the file."""
        return i + self.first_line


# An explanation: (line index, column, what is wrong, the likely cause, the fix).
Explanation = tuple[int, int, str, str, str]


def _tab(e: _Error) -> Explanation | None:
    if "'\\t'" in e.problem or "\t" in e.line(e.at.line):
        return (e.at.line, max(e.line(e.at.line).find("\t"), 0), f"line {e.n(e.at.line)} contains a TAB character",
                "YAML lines are indented with spaces only; a tab cannot be read", "replace the tab with spaces, lined up with the line above")
    return None


def _unclosed(e: _Error) -> Explanation | None:
    if e.opened is None or not ("quoted scalar" in e.context or "flow" in e.context):
        return None
    kind, opened = ("quote" if "quoted" in e.context else "bracket"), e.opened
    if kind == "bracket" and e.line(opened.line)[opened.column:opened.column + 1] not in ("[", "{"):
        opened = _unclosed_bracket(e.lines) or opened  # "while parsing a flow node" marks the end, not the opener
    opener = e.line(opened.line)[opened.column:opened.column + 1] or kind
    return (opened.line, opened.column, f"the {opener} opened on line {e.n(opened.line)} is never closed",
            f"a {kind} that starts a value must be closed on the same value",
            f"add the closing {_closing(opener)}, or remove the opening {opener} if the value needs none")


def _mapping_values(e: _Error) -> Explanation | None:
    """'mapping values are not allowed here': a ': ' inside a plain text, or a line indented
    differently from its neighbours (noticed on the line after an under-indented one)."""
    if "mapping values are not allowed" not in e.problem:
        return None
    i = e.at.line
    key = re.match(r"\s*(?:- )?([^\s:][^:]*):\s", e.line(i))
    if key and e.at.column > key.end() - 1 and e.indent(i) is not None:
        return (i, e.at.column, f"line {e.n(i)}: the text after '{key.group(1).strip()}:' contains ': '",
                "YAML reads ': ' inside a plain text as the start of a new key",
                "put the whole text in double quotes (\"...\"), or write it as a '>-' block on the lines below, indented")
    this, before = e.indent(i), e.above(i)
    if before is None or this is None or this <= e.indent(before):
        return None
    # Which of the two lines is out of step: the one its neighbours above or below do not line
    # up with (an under-indented first key of a mapping has only neighbours below).
    if this in (e.indent(e.above(before)), e.indent(e.below(i, this))):
        return (before, e.indent(before), f"line {e.n(before)} is indented less than the lines around it",
                f"line {e.n(before)} has {e.indent(before)} spaces, the lines before and after it {this}; keys of one mapping must line up",
                f"indent line {e.n(before)} with {this} spaces")
    return (i, this, f"line {e.n(i)} is indented more than line {e.n(before)}",
            f"line {e.n(i)} has {this} spaces and line {e.n(before)} {e.indent(before)}; a deeper indent continues the value above it",
            f"indent line {e.n(i)} with {e.indent(before)} spaces, like line {e.n(before)}")


def _left_over(e: _Error) -> Explanation | None:
    """'expected <block end>': something is left on a line after its value ended."""
    if "expected <block end>" not in e.problem and "expected <document start>" not in e.problem:
        return None
    i = e.at.line
    value = re.match(r"\s*(?:- )?[^\s:][^:]*:\s+(['\"])", e.line(i))
    if value:
        quote = value.group(1)
        inside = "write two apostrophes ('') for one inside the text" if quote == "'" else 'write \\" for a quote inside the text, or use „…“'
        return (i, e.at.column, f"line {e.n(i)}: the text in {quote}…{quote} ends early",
                f"a {quote} inside a text that starts with {quote} ends the text there; the rest of the line is left over",
                f"{inside}, or write the text as a '>-' block without quotes")
    return (i, e.at.column, f"line {e.n(i)} does not fit the structure around it",
            "its indentation or a stray character (such as '-' or a quote) does not match the lines above",
            "line it up with the keys above it, as in the English file")


def _no_colon(e: _Error) -> Explanation | None:
    if "could not find expected ':'" not in e.problem or e.opened is None:
        return None
    return (e.opened.line, e.opened.column, f"line {e.n(e.opened.line)} has no ': ' after its key", "every line of a mapping is 'key: value'",
            "write the key, a colon and a space, then the text; or join the line to the text above it")


_EXPLAINERS = (_tab, _unclosed, _mapping_values, _left_over, _no_colon)


def explain_yaml_error(exc: yaml.YAMLError, text: str, path: str, first_line: int = 1, what: str = "YAML") -> Finding:
    """The error as a Finding at the line to fix, in words a non-programmer can act on."""
    mark, opened = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    error = _Error(text.splitlines(), getattr(exc, "problem", None) or str(exc).splitlines()[0], getattr(exc, "context", None) or "",
                   _Mark(mark.line, mark.column) if mark is not None else _Mark(0, 0),
                   _Mark(opened.line, opened.column) if opened is not None else None, first_line)
    found = next((explained for explain in _EXPLAINERS if (explained := explain(error)) is not None), None)
    if found is None:
        found = (error.at.line, error.at.column, error.problem + (f" ({error.context})" if error.context else ""),
                 "the line does not follow YAML's rules at the caret", "compare it with the same lines of the English file")
    index, column, message, cause, fix = found
    detail = excerpt(text, index, column, first_line) + f"\n  likely cause: {cause}\n  fix: {fix}"
    return Finding(path, index + first_line, f"not valid {what}: {message}", ERROR, detail)


def _unclosed_bracket(lines: list[str]) -> _Mark | None:
    """Where the last [ or { that is never closed stands (quotes and comments skipped)."""
    stack = []
    for index, line in enumerate(lines):
        quote = None
        for column, char in enumerate(line):
            if quote:
                quote = None if char == quote else quote
            elif char in "'\"" and (column == 0 or line[column - 1] in " :[{,"):
                quote = char
            elif char == "#" and (column == 0 or line[column - 1] == " "):
                break
            elif char in "[{":
                stack.append(_Mark(index, column))
            elif char in "]}" and stack:
                stack.pop()
    return stack[-1] if stack else None


def _closing(opener: str) -> str:
    return {"[": "]", "{": "}", "(": ")"}.get(opener, opener)


def excerpt(text: str, index: int, column: int, first_line: int = 1) -> str:
    """The line `index` of `text` (0-based) and the one before it, numbered as file lines, with a
    caret under `column`."""
    lines = text.splitlines()
    shown = []
    for i in (index - 1, index):
        if 0 <= i < len(lines):
            shown.append((i + first_line, lines[i].replace("\t", "→")))
    if not shown:
        return ""
    width = len(str(shown[-1][0]))
    out = [f"  {number:>{width}} | {line}" for number, line in shown]
    if shown[-1][0] == index + first_line:
        out.append(f"  {'':>{width}} | {' ' * max(column, 0)}^")
    return "\n".join(out)


# -- JSON (notebooks) ------------------------------------------------------------------------------
def parse_json(text: str, path: str, what: str = "notebook") -> tuple[object, list[Finding]]:
    """(data, findings): findings explain a syntax error at the line to fix."""
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [explain_json_error(exc, text, path, what)]


def explain_json_error(exc: json.JSONDecodeError, text: str, path: str, what: str = "notebook") -> Finding:
    lines = text.splitlines()
    index, column = exc.lineno - 1, exc.colno - 1

    def at(i: int, col: int, message: str, cause: str, fix: str) -> Finding:
        return Finding(path, i + 1, f"{what} is not valid JSON: {message}", ERROR,
                       excerpt(text, i, col) + f"\n  likely cause: {cause}\n  fix: {fix}")

    before = text[:exc.pos].rstrip()
    if exc.msg.startswith("Expecting ',' delimiter"):
        gap = text[len(before):exc.pos]
        if before.endswith('"') and "\n" not in gap and exc.pos < len(text) and text[exc.pos] not in ",]}":
            return at(index, column - 1, f"line {index + 1}: a \" inside the text ends it early",
                      'every line of a cell is one "…" string; a " in the middle closes it',
                      'write \\" for a quote inside the text, or use typographic quotes („…“ or “…”)')
        if text[exc.pos:exc.pos + 1] in ('"', "{", "["):
            # The missing comma belongs at the end of the previous line, not where JSON noticed it.
            prev = before.count("\n")
            return at(prev, len(lines[prev]) if prev < len(lines) else 0, f"line {prev + 1} probably misses a ',' at its end",
                      "the lines of a cell's text are separated by commas", f"add a ',' at the end of line {prev + 1}")
    if exc.msg.startswith(("Expecting value", "Expecting property name")) and before.endswith(","):
        prev = before.count("\n")
        return at(prev, len(lines[prev].rstrip()) - 1, f"line {prev + 1} ends with a ',' that has nothing after it",
                  "the last line of a list or of a cell's text has no comma", f"remove the ',' at the end of line {prev + 1}")
    if exc.msg.startswith("Invalid control character"):
        return at(index, column, f"line {index + 1} holds a raw line break or tab inside a text",
                  "JSON texts cannot contain a real line break or tab", "write \\n for a line break and \\t for a tab, or end the string and start a new line")
    if exc.msg.startswith("Invalid \\escape"):
        return at(index, column, f"line {index + 1} has a backslash JSON does not know",
                  "a \\ in JSON text starts an escape such as \\n or \\\"", "write \\\\ for one backslash")
    return at(index, column, exc.msg, "the file does not follow JSON's rules at the caret",
              "compare it with the English notebook, or open and save it in Jupyter")
