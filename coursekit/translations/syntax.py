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


class _LineLoader(yaml.SafeLoader):
    """SafeLoader building Map and Seq; `line_offset` turns lines of the parsed text into file lines."""

    line_offset = 0


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
        return None, [explain_yaml_error(exc, text, path, first_line, what)]
    finally:
        loader.dispose()


# -- explaining YAML errors ----------------------------------------------------------------------
def explain_yaml_error(exc: yaml.YAMLError, text: str, path: str, first_line: int = 1, what: str = "YAML") -> Finding:
    """The error as a Finding at the line to fix, in words a non-programmer can act on."""
    lines = text.splitlines()
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
    mark = getattr(exc, "problem_mark", None)
    opened = getattr(exc, "context_mark", None)
    index, column = (mark.line, mark.column) if mark is not None else (0, 0)

    def at(line_index: int, col: int, message: str, cause: str, fix: str) -> Finding:
        detail = excerpt(text, line_index, col, first_line) + f"\n  likely cause: {cause}\n  fix: {fix}"
        return Finding(path, line_index + first_line, f"not valid {what}: {message}", ERROR, detail)

    def indent(i: int) -> int | None:
        if 0 <= i < len(lines) and lines[i].strip() and not lines[i].lstrip().startswith("#"):
            return len(lines[i]) - len(lines[i].lstrip(" "))
        return None

    if "'\\t'" in problem or "\t" in (lines[index] if index < len(lines) else ""):
        tab_at = lines[index].find("\t") if index < len(lines) else -1
        return at(index, max(tab_at, 0), f"line {index + first_line} contains a TAB character",
                  "YAML lines are indented with spaces only; a tab cannot be read", "replace the tab with spaces, lined up with the line above")
    if opened is not None and ("quoted scalar" in context or "flow" in context):
        kind = "quote" if "quoted" in context else "bracket"
        opener = lines[opened.line][opened.column] if opened.line < len(lines) and opened.column < len(lines[opened.line]) else kind
        if kind == "bracket" and opener not in "[{":
            opened = _unclosed_bracket(lines) or opened  # "while parsing a flow node" marks the end, not the opener
            opener = lines[opened.line][opened.column] if opened.line < len(lines) and opened.column < len(lines[opened.line]) else kind
        return at(opened.line, opened.column, f"the {opener} opened on line {opened.line + first_line} is never closed",
                  f"a {kind} that starts a value must be closed on the same value",
                  f"add the closing {_closing(opener)}, or remove the opening {opener} if the value needs none")
    if "mapping values are not allowed" in problem:
        this, before, before2 = indent(index), _previous(lines, index, indent), None
        if before is not None:
            before2 = _previous(lines, before, indent)
        line = lines[index] if index < len(lines) else ""
        key = re.match(r"\s*(?:- )?([^\s:][^:]*):\s", line)
        if key and column > key.end() - 1 and indent(index) is not None:
            return at(index, column, f"line {index + first_line}: the text after '{key.group(1).strip()}:' contains ': '",
                      "YAML reads ': ' inside a plain text as the start of a new key",
                      "put the whole text in double quotes (\"...\"), or write it as a '>-' block on the lines below, indented")
        if before is not None and this is not None and this > indent(before):
            if before2 is not None and indent(before2) == this:
                return at(before, indent(before), f"line {before + first_line} is indented less than the lines around it",
                          f"line {before + first_line} has {indent(before)} spaces, the lines before and after it {this}; "
                          "keys of one mapping must line up",
                          f"indent line {before + first_line} with {this} spaces")
            return at(index, this, f"line {index + first_line} is indented more than line {before + first_line}",
                      f"line {index + first_line} has {this} spaces and line {before + first_line} {indent(before)}; "
                      "a deeper indent continues the value above it",
                      f"indent line {index + first_line} with {indent(before)} spaces, like line {before + first_line}")
    if "expected <block end>" in problem or "expected <document start>" in problem:
        line = lines[index] if index < len(lines) else ""
        value = re.match(r"\s*(?:- )?[^\s:][^:]*:\s+(['\"])", line)
        if value:
            quote = value.group(1)
            inside = "write two apostrophes ('') for one inside the text" if quote == "'" else 'write \\" for a quote inside the text, or use „…“'
            return at(index, column, f"line {index + first_line}: the text in {quote}…{quote} ends early",
                      f"a {quote} inside a text that starts with {quote} ends the text there; the rest of the line is left over",
                      f"{inside}, or write the text as a '>-' block without quotes")
        return at(index, column, f"line {index + first_line} does not fit the structure around it",
                  "its indentation or a stray character (such as '-' or a quote) does not match the lines above",
                  "line it up with the keys above it, as in the English file")
    if "could not find expected ':'" in problem and opened is not None:
        return at(opened.line, opened.column, f"line {opened.line + first_line} has no ': ' after its key",
                  "every line of a mapping is 'key: value'",
                  "write the key, a colon and a space, then the text; or join the line to the text above it")
    return at(index, column, f"{problem}" + (f" ({context})" if context else ""),
              "the line does not follow YAML's rules at the caret", "compare it with the same lines of the English file")


class _Mark:
    def __init__(self, line: int, column: int):
        self.line, self.column = line, column


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


def _previous(lines: list[str], index: int, indent) -> int | None:
    """The nearest line above `index` that holds something (not blank, not a comment)."""
    for i in range(index - 1, -1, -1):
        if indent(i) is not None:
            return i
    return None


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
