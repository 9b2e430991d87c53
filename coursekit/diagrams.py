"""Diagrams drawn once, labelled in every language.

Each diagram is a hand-written SVG under `docs/assets/diagrams/` whose own text is the English.
Every `<text>` element, and the `<title>` and `<desc>`, carries an id. The words live in
`docs/assets/diagrams/labels.yml`, by diagram file name:

    gan-architecture.svg:
      alt: The GAN architecture: a random latent vector goes into ...
      labels:
        title: The GAN architecture
        label-generator: Generator

`alt` is the image's alt text on the pages (`![alt](.../gan-architecture.svg)`) and also the
SVG's `<desc id="desc">`, so a translator writes that sentence once. `labels` gives the text of
every other id.

A translation, `translations/<lang>/assets/diagrams/labels.yml`, starts with the usual front
matter block (`source: assets/diagrams/labels.yml`, `source_blob`, `translated`, between `---`
lines) and then has the same structure. It may leave out a diagram, its `alt`, or any label:
those stay English (sizes such as "4 × 4 × 256" need no translation). An id that the English
file does not have is an error, so a typo cannot go unnoticed.

Long translations: a label may contain line breaks (in YAML, `"Echt oder\\ngeneriert?"`); each
line becomes a `<tspan>` and the lines are centred on the label's place. A text element with
`data-max-width="W"` (viewBox units) gets a smaller font size when the label's estimated width
is above W, down to MIN_SCALE of the drawing's size; `overflowing_labels` lists labels that
do not fit even then, for a lint to report.

The build writes `assets/diagrams/<name>.<lang>.svg` from `localized_diagrams`; with
mkdocs-static-i18n's suffix structure, a page in <lang> then shows that file in place of the
English one, with no change to the page's Markdown.
"""
from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.translations.findings import TranslationError
from coursekit.translations.layout import LABELS
from coursekit.translations.repository import Repository
from coursekit.translations.syntax import line_of

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ET.register_namespace("", SVG_NS)  # serialise as <svg xmlns=...>, not <ns0:svg>
ET.register_namespace("xlink", XLINK_NS)

LABELS_FILE = LABELS  # under docs/ and under translations/<lang>/
TEXT_TAGS = {"text", "tspan", "textPath", "title", "desc"}
DESC_ID = "desc"  # filled from `alt`
MIN_SCALE = 0.7  # a label is never set smaller than this fraction of its drawn size
LINE_HEIGHT_EM = 1.15


class DiagramError(ValueError):
    """A diagram or its labels do not fit together; the message says which and what to do."""


@dataclass(frozen=True)
class Diagram:
    """One diagram's words in one language. `alt` is None when a translation leaves it out."""

    alt: str | None
    labels: dict[str, str]
    lines: dict[str, int] = field(default_factory=dict, compare=False)  # id (and "alt") -> line in the file
    line: int = 1  # where the diagram's entry starts

    def svg_labels(self) -> dict[str, str]:
        """Labels for `localize_svg`: the labels plus the alt text as the SVG's <desc>."""
        return {**self.labels, DESC_ID: self.alt} if self.alt is not None else dict(self.labels)


# -- SVG ------------------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _parse(svg_text: str, source: str) -> ET.Element:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    try:
        root = ET.fromstring(svg_text, parser=parser)
    except ET.ParseError as exc:
        raise DiagramError(f"{source}:{exc.position[0]}: not well-formed SVG/XML: {exc}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise DiagramError(f"{source}: the root element is {root.tag!r}, expected an <svg> in the SVG namespace")
    return root


def _text_elements(root: ET.Element, source: str) -> dict[str, ET.Element]:
    """Text-bearing elements with an id, by id. Duplicate ids are an error."""
    found: dict[str, ET.Element] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):  # a comment
            continue
        element_id = element.get("id")
        if element_id is None or _local(element.tag) not in TEXT_TAGS:
            continue
        if element_id in found:
            raise DiagramError(f"{source}: the id {element_id!r} is used twice; ids must be unique")
        found[element_id] = element
    return found


def _element_text(element: ET.Element) -> str:
    """The words of a text element; lines drawn as <tspan>s are joined with newlines."""
    lines = [child for child in element if isinstance(child.tag, str) and _local(child.tag) == "tspan"]
    if lines:
        return "\n".join("".join(line.itertext()) for line in lines)
    return "".join(element.itertext())


def svg_labels(svg_text: str, source: str = "<svg>") -> dict[str, str]:
    """The text of every text element with an id, by id, in document order."""
    root = _parse(svg_text, source)
    return {element_id: _element_text(el) for element_id, el in _text_elements(root, source).items()}


def unlabelled_text(svg_text: str, source: str = "<svg>") -> list[str]:
    """Texts of <text>, <title> and <desc> elements that have no id and so cannot be translated."""
    root = _parse(svg_text, source)
    return [
        "".join(el.itertext()).strip() or f"<{_local(el.tag)}>"
        for el in root.iter()
        if isinstance(el.tag, str) and _local(el.tag) in {"text", "title", "desc"} and el.get("id") is None
    ]


def localize_svg(svg_text: str, labels: dict[str, str], *, lang: str | None = None, source: str = "<svg>") -> str:
    """The SVG with the text of each element named in `labels` replaced; ids not named stay as drawn.

    Raises DiagramError for an id the SVG does not have. With `lang`, the root's `lang` (and
    `xml:lang`, if present) says which language the text is in.
    """
    root = _parse(svg_text, source)
    elements = _text_elements(root, source)
    for label_id, text in labels.items():
        element = elements.get(label_id)
        if element is None:
            known = ", ".join(sorted(elements)) or "none"
            raise DiagramError(f"{source}: no text element with id {label_id!r} (the ids are: {known}); "
                               f"fix the id in the labels file")
        if not isinstance(text, str):
            raise DiagramError(f"{source}: the label {label_id!r} must be text, not {type(text).__name__}")
        _set_text(element, text)
        if _local(element.tag) == "text":
            _fit(element, text)
    if lang is not None:
        root.set("lang", lang)
        if root.get(XML_LANG) is not None:
            root.set(XML_LANG, lang)
    return ET.tostring(root, encoding="unicode") + "\n"


def _set_text(element: ET.Element, text: str) -> None:
    for child in list(element):
        element.remove(child)
    lines = text.split("\n")
    if len(lines) == 1 or _local(element.tag) != "text":
        element.text = " ".join(lines)
        return
    # Several lines: one <tspan> each, the block centred vertically on the label's baseline.
    element.text = None
    x = element.get("x", "0")
    first_dy = -(len(lines) - 1) / 2 * LINE_HEIGHT_EM
    for number, line in enumerate(lines):
        tspan = ET.SubElement(element, f"{{{SVG_NS}}}tspan", {"x": x})
        tspan.set("dy", f"{first_dy if number == 0 else LINE_HEIGHT_EM:g}em")
        tspan.text = line


# -- fitting long labels ---------------------------------------------------------------------

# Advance widths in em, close to DejaVu Sans (the widest common sans-serif, Linux's default),
# so an estimate that fits here fits in Arial, Helvetica and Liberation Sans too.
_NARROW = set("iIjl.,:;!|'\u00b7")
_SEMI = set("frt()[]{}/\\\"- ")
_WIDE_LOWER = set("mw")
_WIDE_UPPER = set("MW")


def _char_width(char: str) -> float:
    base = unicodedata.normalize("NFKD", char)[:1] or char  # "ä" is as wide as "a"
    if base in _NARROW:
        return 0.30
    if base in _SEMI:
        return 0.40
    if base in _WIDE_LOWER:
        return 0.92
    if base in _WIDE_UPPER:
        return 1.0
    if base.isupper():
        return 0.72
    if base.isdigit():
        return 0.64
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return 0.62


def estimate_width(text: str, font_size: float, bold: bool = False) -> float:
    """Rough rendered width of one line of text, in the units of `font_size`."""
    width = sum(_char_width(char) for char in text) * font_size
    return width * (1.1 if bold else 1.0)


def _number(value: str | None, what: str, element: ET.Element) -> float | None:
    if value is None:
        return None
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)(px)?\s*", value)
    if not match:
        raise DiagramError(f"text element {element.get('id')!r}: {what} {value!r} must be a plain number")
    return float(match.group(1))


def _fit(element: ET.Element, text: str) -> None:
    """Shrink the font of a `data-max-width` label whose text is estimated wider than that."""
    max_width = _number(element.get("data-max-width"), "data-max-width", element)
    size = _number(element.get("font-size"), "font-size", element)
    if max_width is None or size is None:
        return
    bold = element.get("font-weight") in ("bold", "700", "800", "900")
    widest = max(estimate_width(line, size, bold) for line in text.split("\n"))
    if widest <= max_width:
        return
    scale = max(MIN_SCALE, max_width / widest)
    element.set("font-size", f"{size * scale:.1f}".rstrip("0").rstrip("."))


def overflowing_labels(svg_text: str, labels: dict[str, str], source: str = "<svg>") -> list[str]:
    """Labels estimated too long for their `data-max-width` even at MIN_SCALE, as messages."""
    root = _parse(svg_text, source)
    elements = _text_elements(root, source)
    problems = []
    for label_id, text in labels.items():
        element = elements.get(label_id)
        if element is None or _local(element.tag) != "text":
            continue
        max_width = _number(element.get("data-max-width"), "data-max-width", element)
        size = _number(element.get("font-size"), "font-size", element)
        if max_width is None or size is None:
            continue
        bold = element.get("font-weight") in ("bold", "700", "800", "900")
        widest = max(estimate_width(line, size * MIN_SCALE, bold) for line in text.split("\n"))
        if widest > max_width:
            problems.append(f"{source}: label {label_id!r} ({text!r}) is too long for its space even at "
                            f"{MIN_SCALE:.0%} size; shorten it or split it into lines with \\n")
    return problems


# -- labels files ----------------------------------------------------------------------------

def load_labels(repo: Repository, path: Path) -> dict[str, Diagram]:
    """The diagrams' words in a labels file (English or a translation), by SVG file name.

    A leading front matter block is skipped here (the translation model checks it). Raises
    TranslationError naming the file and line.
    """
    path = Path(path)
    shown = repo.layout.shown(path)
    data, problems = repo.yaml_body(path)
    if problems:
        raise TranslationError(shown, problems[0].line, problems[0].message, problems[0].detail)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TranslationError(shown, repo.source_file(path).body_line,
                               "expected a mapping of diagram file names (like gan-architecture.svg) to {alt, labels}")
    diagrams: dict[str, Diagram] = {}
    for name, entry in data.items():
        line = line_of(data, name)
        if not str(name).endswith(".svg"):
            raise TranslationError(shown, line, f"{name!r} is not an SVG file name; keys are names like gan-architecture.svg")
        if not isinstance(entry, dict):
            raise TranslationError(shown, line, f"{name} needs 'alt:' and 'labels:' under it")
        alt, labels, lines = None, {}, {}
        for key, value in entry.items():
            if key == "alt":
                alt = _text(shown, value, line_of(entry, key), f"{name}: 'alt'")
                lines["alt"] = line_of(entry, key)
            elif key == "labels":
                if not isinstance(value, dict):
                    raise TranslationError(shown, line_of(entry, key), f"{name}: 'labels' must map label ids to text")
                for label_id, label in value.items():
                    if label_id == DESC_ID:
                        raise TranslationError(shown, line_of(value, label_id), f"{name}: '{DESC_ID}' comes from 'alt'; translate 'alt' instead")
                    labels[label_id] = _text(shown, label, line_of(value, label_id), f"{name}: label {label_id!r}")
                    lines[label_id] = line_of(value, label_id)
            else:
                raise TranslationError(shown, line_of(entry, key), f"{name}: unknown key {key!r}; use 'alt' and 'labels'")
        diagrams[name] = Diagram(alt=alt, labels=labels, lines=lines, line=line)
    return diagrams


def _text(shown: str, value, line: int, what: str) -> str:
    """A label's text: line wrapping in the file collapsed, line breaks written as \\n kept."""
    if not isinstance(value, str):
        raise TranslationError(shown, line, f"{what} must be text")
    value = "\n".join(" ".join(part.split()) for part in value.strip().split("\n"))
    if not value.strip():
        raise TranslationError(shown, line, f"{what} is empty")
    return value


def merge_labels(english: dict[str, Diagram], translation: dict[str, Diagram], shown: str) -> dict[str, Diagram]:
    """Each English diagram with the translation's words where it has them.

    A diagram or label id the English file lacks is an error at its line in `shown`.
    """
    merged = {}
    for name, diagram in translation.items():
        if name not in english:
            raise TranslationError(shown, diagram.line, f"{name} is not a diagram of the English labels file; check the name")
        unknown = [label_id for label_id in diagram.labels if label_id not in english[name].labels]
        if unknown:
            label_id = unknown[0]
            raise TranslationError(shown, diagram.lines.get(label_id, diagram.line),
                                   f"{name}: label {label_id!r} is not in the English labels file (ids: {', '.join(english[name].labels)})")
    for name, source in english.items():
        words = translation.get(name)
        if words is None:
            merged[name] = source
            continue
        merged[name] = Diagram(alt=words.alt if words.alt is not None else source.alt,
                               labels={**source.labels, **words.labels}, lines=words.lines, line=words.line)
    return merged


def localized_diagrams(repo: Repository, lang: str) -> dict[str, str]:
    """The localized SVGs for `lang`: {"assets/diagrams/<name>.<lang>.svg": svg text}.

    Empty when the language has no labels file (its pages then show the English drawings).
    Raises TranslationError (file:line) for a malformed labels file and DiagramError when a
    label does not match its SVG.
    """
    translation = repo.translation(lang, LABELS_FILE)
    if translation is None or translation.meta is None:
        return {}
    english_path = repo.layout.english_path(LABELS_FILE)
    english = load_labels(repo, english_path)
    merged = merge_labels(english, load_labels(repo, translation.path), translation.shown)
    folder = english_path.parent
    out = {}
    for name, diagram in merged.items():
        svg_path = folder / name
        if not svg_path.is_file():
            raise DiagramError(f"{repo.layout.shown(english_path)}:{english[name].line}: {name} has labels but no file {repo.layout.shown(svg_path)}")
        svg = localize_svg(repo.source_file(svg_path).text, diagram.svg_labels(), lang=lang, source=repo.layout.shown(svg_path))
        stem = name[: -len(".svg")]
        out[f"{Path(LABELS_FILE).parent.as_posix()}/{stem}.{lang}.svg"] = svg
    return out


def pages(site) -> dict[str, str]:
    """Every language's labelled SVGs (a page provider for the plugin; see coursekit.site)."""
    found = {}
    for lang in site.repo.layout.translated:
        found.update(localized_diagrams(site.repo, lang))
    return found


def check(repo: Repository, path: Path) -> list[tuple[int, str, str]]:
    """(line, message, severity) for a translated labels file: it loads, names only English ids,
    and its labels fit their space (warning)."""
    english_path = repo.layout.english_path(LABELS_FILE)
    shown = repo.layout.shown(path)
    try:
        english = load_labels(repo, english_path)
        translated = load_labels(repo, path)
        merged = merge_labels(english, translated, shown)
    except TranslationError as exc:
        return [(exc.line, exc.message, "error")] if exc.path == shown else []
    found = []
    for name, words in translated.items():
        svg = english_path.parent / name
        if not svg.is_file():
            continue
        svg_text = repo.source_file(svg).text
        for label_id, text in merged[name].labels.items():
            if label_id not in words.labels:
                continue
            try:
                too_long = overflowing_labels(svg_text, {label_id: text}, source=name)
            except DiagramError as exc:
                found.append((words.lines.get(label_id, words.line), str(exc), "error"))
                continue
            found += [(words.lines.get(label_id, words.line), message, "warning") for message in too_long]
    return found


_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*assets/diagrams/(?P<name>[^/)\s]+\.svg))\)")


def diagram_images(markdown: str) -> list[tuple[str, str]]:
    """(alt text, SVG file name) of every diagram image in a page's Markdown, in order."""
    return [(" ".join(m.group("alt").split()), m.group("name")) for m in _IMAGE.finditer(markdown)]
