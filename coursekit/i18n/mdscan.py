"""Just enough Markdown reading for the importer and the lint: where code is, where links,
images and raw HTML tags are, headings with their anchors, and fenced code blocks.

Headings are ATX (`#`) headings; the course writes no setext (underlined) ones.

Everything works on offsets into the original text, so a caller can replace a link's target and
report a line. Code (fenced blocks, inline code spans) and HTML comments are *masked*: replaced
by spaces of the same length, so nothing inside them is taken for a link or a tag.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

_FENCE_OPEN = re.compile(r"^(?P<indent>(?:[ \t]*>)*[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)((?:[^\n]|\n(?![ \t]*\n))+?)(?<!`)\1(?!`)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group())


@dataclass(frozen=True)
class CodeBlock:
    line: int  # the opening fence's line
    info: str  # the info string: "python", "bash", ...
    code: str


def _fences(text: str) -> list[tuple[int, int, CodeBlock]]:
    """(start offset, end offset, block) of each fenced code block, fences included."""
    found, lines, offset = [], text.splitlines(keepends=True), 0
    index = 0
    while index < len(lines):
        match = _FENCE_OPEN.match(lines[index].rstrip("\n"))
        if match and not (match["fence"][0] == "`" and "`" in match["info"]):
            fence, start, body = match["fence"], offset, []
            closing = re.compile(rf"^(?:[ \t]*>)*[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            offset += len(lines[index])
            index += 1
            while index < len(lines) and not closing.match(lines[index].rstrip("\n")):
                body.append(lines[index])
                offset += len(lines[index])
                index += 1
            if index < len(lines):
                offset += len(lines[index])
                index += 1
            found.append((start, offset, CodeBlock(line_of(text, start), match["info"].strip(), "".join(body))))
            continue
        offset += len(lines[index])
        index += 1
    return found


def code_blocks(text: str) -> list[CodeBlock]:
    return [block for _, _, block in _fences(text)]


def mask(text: str) -> str:
    """`text` with code blocks, inline code and HTML comments blanked out (same length, same lines)."""
    out = list(text)
    for start, end, _ in _fences(text):
        out[start:end] = re.sub(r"[^\n]", " ", text[start:end])
    masked = "".join(out)
    masked = _COMMENT.sub(_blank, masked)
    return _INLINE_CODE.sub(_blank, masked)


# -- links ------------------------------------------------------------------------------------
_INLINE_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:\\.|[^\[\]\\]|\[(?:\\.|[^\[\]\\])*\])*)\]"
    r"\(\s*(?P<target><[^<>\n]*>|(?:\\.|[^\s()\\]|\((?:\\.|[^\s()\\])*\))*)"
    r"(?P<title>\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
)
# `[^label]: text` is a footnote definition (the footnotes extension), not a reference to a URL.
_REF_DEF = re.compile(r"^[ ]{0,3}\[(?P<label>(?!\^)[^\]\n]+)\]:[ \t]*(?P<target><[^<>\n]*>|\S+)", re.M)
_TAG = re.compile(r"<(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:\s+[^<>]*?)?)\s*/?>", re.S)
_ATTR = re.compile(r"(?P<name>[^\s\"'>/=]+)(?:\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
URL_ATTRS = {"src", "href", "srcset", "poster", "data", "action", "formaction", "xlink:href"}


@dataclass(frozen=True)
class Link:
    kind: str  # "link", "image", "ref" (a reference definition) or "html" (an attribute of a tag)
    target: str  # as written, without <> around it
    start: int  # offsets of the target in the text (inside any <> or quotes)
    end: int
    line: int
    text: str = ""  # link text or alt text
    match_start: int = 0  # the whole construct, for rewriting it
    match_end: int = 0
    tag: str = ""  # html: the tag name


@dataclass(frozen=True)
class Tag:
    name: str  # lower case
    attrs: dict[str, str]  # lower-case names, unescaped values ('' for a bare attribute)
    start: int
    end: int
    line: int
    attr_spans: dict[str, tuple[int, int]]  # where each attribute's value sits in the text


def tags(text: str, masked: str | None = None) -> list[Tag]:
    """Raw HTML start tags outside code."""
    masked = mask(text) if masked is None else masked
    found = []
    for match in _TAG.finditer(masked):
        attrs, spans = {}, {}
        base = match.start("attrs")
        for attr in _ATTR.finditer(match["attrs"] or ""):
            name = attr["name"].lower()
            value = attr["value"] or ""
            start = base + (attr.start("value") if attr["value"] else attr.end())
            end = base + (attr.end("value") if attr["value"] else attr.end())
            if value[:1] in "\"'":
                value, start, end = value[1:-1], start + 1, end - 1
            attrs.setdefault(name, html.unescape(value))
            spans.setdefault(name, (start, end))
        found.append(Tag(match["name"].lower(), attrs, match.start(), match.end(), line_of(text, match.start()), spans))
    return found


def links(text: str, masked: str | None = None) -> list[Link]:
    """Markdown links and images, reference definitions and URL attributes of HTML tags, outside code."""
    masked = mask(text) if masked is None else masked
    found = []
    for match in _INLINE_LINK.finditer(masked):
        start, end = match.span("target")
        if text[start:start + 1] == "<":
            start, end = start + 1, end - 1
        kind = "image" if match["bang"] else "link"
        found.append(Link(kind, text[start:end], start, end, line_of(text, start), text[match.start("text"):match.end("text")],
                          match.start(), match.end()))
    for match in _REF_DEF.finditer(masked):
        start, end = match.span("target")
        if text[start:start + 1] == "<":
            start, end = start + 1, end - 1
        found.append(Link("ref", text[start:end], start, end, line_of(text, start), match["label"], match.start(), match.end()))
    for tag in tags(text, masked):
        for name, (start, end) in tag.attr_spans.items():
            if name in URL_ATTRS:
                found.append(Link("html", tag.attrs[name], start, end, line_of(text, start), tag.attrs.get("alt", ""),
                                  tag.start, tag.end, tag.name))
    return sorted(found, key=lambda link: link.start)


# -- headings and anchors ---------------------------------------------------------------------
_ATX = re.compile(r"^[ ]{0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$", re.M)
_ATTR_LIST = re.compile(r"\s*\{:?\s*(?P<body>[^{}]*)\}\s*$")
_ID_IN_ATTRS = re.compile(r"(?:^|\s)#(?P<id>[^\s}]+)")
_HTML_ID = re.compile(r"""\s(?:id|name)\s*=\s*["']([^"']+)["']""", re.I)
_ANY_ATTR_LIST_ID = re.compile(r"\{:?[^{}\n]*?(?:^|\s|\{:?)#(?P<id>[\w-]+)[^{}\n]*\}")


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str  # without the trailing {#id ...}
    explicit_id: str | None


def headings(text: str, masked: str | None = None) -> list[Heading]:
    masked = mask(text) if masked is None else masked
    found = []
    for match in _ATX.finditer(masked):
        raw = text[match.start("text"):match.end("text")] if match["text"] is not None else ""
        explicit = None
        attrs = _ATTR_LIST.search(raw)
        if attrs:
            ident = _ID_IN_ATTRS.search(attrs["body"])
            explicit = ident["id"] if ident else None
            raw = raw[:attrs.start()]
        found.append(Heading(line_of(text, match.start()), len(match["hashes"]), raw.strip(), explicit))
    return found


def _plain_heading(text: str) -> str:
    """Heading text as the toc extension sees it: inline Markdown and tags stripped, entities read."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|__|\*|_|`|~~)", "", text)
    return html.unescape(text)


def slugify(text: str, separator: str = "-") -> str:
    """The id Python-Markdown's toc extension gives a heading by default (ASCII only)."""
    value = unicodedata.normalize("NFKD", _plain_heading(text)).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value)


def anchors(text: str) -> set[str]:
    """Every id a page's Markdown gives: heading ids (explicit or slugs, duplicates numbered the
    way toc does), attribute-list ids and HTML id/name attributes."""
    masked = mask(text)
    found: set[str] = set()
    for heading in headings(text, masked):
        ident = heading.explicit_id or slugify(heading.text)
        if not heading.explicit_id and ident in found:
            number = 1
            while f"{ident}_{number}" in found:
                number += 1
            ident = f"{ident}_{number}"
        found.add(ident)
    found.update(match["id"] for match in _ANY_ATTR_LIST_ID.finditer(masked))
    found.update(_HTML_ID.findall(masked))
    return found
