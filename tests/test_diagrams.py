"""Diagram labels: replaced by id, checked against the drawings, fitted, and loaded from YAML."""
from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT
from coursekit.diagrams import (
    LABELS_FILE, MIN_SCALE, SVG_NS, DiagramError, diagram_images, estimate_width, load_labels,
    localize_svg, localized_diagrams, merge_labels, overflowing_labels, svg_labels, unlabelled_text,
)
from coursekit.translations.findings import TranslationError
from coursekit.translations.layout import Layout
from coursekit.translations.repository import INVALID, Repository

DOCS = ROOT / "docs"
DIAGRAMS = DOCS / "assets" / "diagrams"
REPO = Repository(Layout.read(ROOT))
ENGLISH = load_labels(REPO, DOCS / LABELS_FILE)
NAMES = sorted(ENGLISH)
S = f"{{{SVG_NS}}}"

SMALL = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" role="img" lang="en">
  <title id="title">Small</title>
  <desc id="desc">A small drawing.</desc>
  <!-- a comment that must survive -->
  <rect id="box" x="0" y="0" width="200" height="100" fill="#fff"/>
  <text id="label-a" x="100" y="40" font-size="20" text-anchor="middle" data-max-width="100">Alpha</text>
  <text id="label-b" x="100" y="80" font-size="10">Beta</text>
</svg>
"""


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_id(root: ET.Element, element_id: str) -> ET.Element:
    return next(el for el in root.iter() if el.get("id") == element_id)


# -- localize_svg -----------------------------------------------------------------------------

def test_replaces_text_by_id_and_keeps_the_rest():
    out = localize_svg(SMALL, {"label-a": "Alfa", "title": "Lille"})
    root = parse(out)
    assert by_id(root, "label-a").text == "Alfa"
    assert by_id(root, "title").text == "Lille"
    assert by_id(root, "label-b").text == "Beta"  # not named: stays as drawn
    assert by_id(root, "box").get("width") == "200"
    assert "a comment that must survive" in out
    # The SVG namespace stays the default one: no ns0: prefixes that browsers would not draw.
    assert out.startswith("<svg xmlns=\"http://www.w3.org/2000/svg\"") and "ns0" not in out


def test_text_is_escaped_and_the_output_is_well_formed():
    out = localize_svg(SMALL, {"label-a": 'A < B & "C"'})
    assert by_id(parse(out), "label-a").text == 'A < B & "C"'


def test_unknown_label_id_is_a_clear_error():
    with pytest.raises(DiagramError, match=r"small\.svg: no text element with id 'label-zz'.*label-a"):
        localize_svg(SMALL, {"label-zz": "Zeta"}, source="small.svg")


def test_an_id_on_a_shape_is_not_a_label():
    with pytest.raises(DiagramError, match="'box'"):
        localize_svg(SMALL, {"box": "Kasse"})


def test_duplicate_ids_and_broken_xml_are_errors():
    with pytest.raises(DiagramError, match="used twice"):
        svg_labels(SMALL.replace('id="label-b"', 'id="label-a"'))
    with pytest.raises(DiagramError, match=r"broken\.svg:\d+: not well-formed"):
        localize_svg(SMALL.replace("</svg>", ""), {}, source="broken.svg")


def test_lang_is_set_on_the_root():
    assert parse(localize_svg(SMALL, {}, lang="sl")).get("lang") == "sl"


def test_line_breaks_become_centred_tspans():
    out = localize_svg(SMALL, {"label-b": "Echt oder\ngeneriert?"})
    text = by_id(parse(out), "label-b")
    lines = text.findall(f"{S}tspan")
    assert [t.text for t in lines] == ["Echt oder", "generiert?"]
    assert all(t.get("x") == "100" for t in lines)
    # Two lines centred on the old baseline: up half a line, then down one.
    assert [t.get("dy") for t in lines] == ["-0.575em", "1.15em"]
    # Read back, the label is the same text: a round trip through svg_labels.
    assert svg_labels(out)["label-b"] == "Echt oder\ngeneriert?"


def test_a_long_label_gets_a_smaller_font_but_never_below_the_minimum():
    fits = localize_svg(SMALL, {"label-a": "Alpha"})
    assert by_id(parse(fits), "label-a").get("font-size") == "20"
    longer = "Alphabetisch"  # about 1.5 times the room at size 20
    out = by_id(parse(localize_svg(SMALL, {"label-a": longer})), "label-a")
    size = float(out.get("font-size"))
    assert MIN_SCALE * 20 <= size < 20
    assert estimate_width(longer, size) <= 100 + 0.5
    huge = by_id(parse(localize_svg(SMALL, {"label-a": "Alphabetisch sortierte Beschriftung"})), "label-a")
    assert float(huge.get("font-size")) == pytest.approx(MIN_SCALE * 20)
    assert overflowing_labels(SMALL, {"label-a": "Alphabetisch sortierte Beschriftung"})
    assert overflowing_labels(SMALL, {"label-a": longer}) == []


def test_width_estimate_orders_texts_sensibly():
    assert estimate_width("iiii", 10) < estimate_width("aaaa", 10) < estimate_width("MMMM", 10)
    assert estimate_width("ä", 10) == estimate_width("a", 10)
    assert estimate_width("Bold", 10, bold=True) > estimate_width("Bold", 10)


# -- the course's diagrams ------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_labels_file_and_drawing_name_the_same_ids(name):
    svg = (DIAGRAMS / name).read_text(encoding="utf-8")
    drawn = svg_labels(svg, name)
    desc = drawn.pop("desc")
    assert sorted(drawn) == sorted(ENGLISH[name].labels), "ids in the SVG and in labels.yml differ"
    # The SVG's own text is the English, so the drawing and the labels file cannot drift apart.
    assert drawn == ENGLISH[name].labels
    assert " ".join(desc.split()) == ENGLISH[name].alt
    assert unlabelled_text(svg, name) == [], "every text element needs an id to be translatable"


@pytest.mark.parametrize("name", NAMES)
def test_drawings_are_accessible_standalone_svg(name):
    svg = (DIAGRAMS / name).read_text(encoding="utf-8")
    root = parse(svg)
    assert root.get("role") == "img" and root.get("viewBox")
    assert root.find(f"{S}title") is not None and root.find(f"{S}desc") is not None
    assert root.get("aria-labelledby") == "title desc"
    # Nothing from elsewhere: no external images, fonts or stylesheets.
    assert not re.search(r"(href|src)\s*=\s*\"(?!#)", svg) and "@import" not in svg and "url(http" not in svg


@pytest.mark.parametrize("name", NAMES)
def test_english_labels_fit_without_shrinking(name):
    svg = (DIAGRAMS / name).read_text(encoding="utf-8")
    assert svg_labels(localize_svg(svg, ENGLISH[name].svg_labels()), name) == svg_labels(svg, name)
    sizes = lambda text: {el.get("id"): el.get("font-size") for el in parse(text).iter(f"{S}text")}  # noqa: E731
    assert sizes(localize_svg(svg, ENGLISH[name].svg_labels())) == sizes(svg)


@pytest.mark.parametrize("name", NAMES)
def test_every_label_replaced_gives_valid_svg_with_those_words(name):
    svg = (DIAGRAMS / name).read_text(encoding="utf-8")
    fake = {label_id: f"«{label_id}» & ü" for label_id in ENGLISH[name].labels}
    out = localize_svg(svg, {**fake, "desc": "Beschreibung"}, lang="de")
    root = parse(out)
    assert root.tag == f"{S}svg" and root.get("lang") == "de"
    assert svg_labels(out) == {**fake, "desc": "Beschreibung"}


def test_pages_use_the_diagrams_alt_texts():
    """Each diagram image on the English pages has the alt text of labels.yml."""
    seen = set()
    for page in sorted(DOCS.rglob("*.md")):
        for alt, name in diagram_images(page.read_text(encoding="utf-8")):
            assert name in ENGLISH, f"{page}: {name} is not in {LABELS_FILE}"
            assert alt == ENGLISH[name].alt, f"{page}: the alt text of {name} differs from {LABELS_FILE}"
            seen.add(name)
    assert seen == set(NAMES), "every diagram is shown on some page"


# -- labels files ---------------------------------------------------------------------------

FRONT = """---
source: assets/diagrams/labels.yml
source_blob: 0123456789abcdef0123456789abcdef01234567
translated: 2026-11-22
---
"""


def scratch(tmp_path: Path) -> Repository:
    """A repository with the real mkdocs.yml and diagrams, for labels files written in a test."""
    import shutil

    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs" / "assets").mkdir(parents=True, exist_ok=True)
    shutil.copytree(DIAGRAMS, tmp_path / "docs" / "assets" / "diagrams")
    return Repository(Layout.read(tmp_path))


def write(path: Path, front: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front + textwrap.dedent(body), encoding="utf-8")
    return path


def test_translation_replaces_what_it_gives_and_keeps_english_elsewhere(tmp_path):
    path = write(tmp_path / "labels.yml", FRONT, """
        gan-architecture.svg:
          alt: Die Architektur eines GAN.
          labels:
            label-generator: Generator
            label-verdict: "Echt oder\\ngeneriert?"
        """)
    merged = merge_labels(ENGLISH, load_labels(scratch(tmp_path), path), "labels.yml")
    arch = merged["gan-architecture.svg"]
    assert arch.alt == "Die Architektur eines GAN."
    assert arch.labels["label-verdict"] == "Echt oder\ngeneriert?"
    assert arch.labels["label-real"] == ENGLISH["gan-architecture.svg"].labels["label-real"]
    assert merged["gan-networks.svg"] == ENGLISH["gan-networks.svg"]


def test_unknown_id_in_a_translation_names_file_and_line(tmp_path):
    path = write(tmp_path / "labels.yml", FRONT, """
        gan-networks.svg:
          labels:
            label-g-dense: dicht
            label-g-dnese: Tippfehler
        """)
    with pytest.raises(TranslationError) as info:
        merge_labels(ENGLISH, load_labels(scratch(tmp_path), path), "labels.yml")
    assert info.value.line == 10 and "label-g-dnese" in str(info.value)


@pytest.mark.parametrize("body, line, message", [
    ("gan-networks.png:\n  alt: x\n", 7, "not an SVG file name"),
    ("gan-networks.svg:\n  alt: x\n  colour: red\n", 9, "unknown key 'colour'"),
    ("gan-networks.svg:\n  labels:\n    desc: Beschreibung\n", 9, "comes from 'alt'"),
    ("gan-networks.svg:\n  labels:\n    title: [a, b]\n", 9, "must be text"),
    ("gan-networks.svg:\n  alt: 'unclosed\n", 8, "not valid YAML"),
])
def test_malformed_labels_files_name_the_line(tmp_path, body, line, message):
    path = write(tmp_path / "labels.yml", FRONT, "\n" + body)
    with pytest.raises(TranslationError, match=message) as info:
        load_labels(scratch(tmp_path), path)
    assert info.value.line == line


def test_localized_diagrams_for_a_language(tmp_path):
    assert localized_diagrams(scratch(tmp_path), "da") == {}  # no labels file: English drawings stay
    write(tmp_path / "translations" / "da" / LABELS_FILE, FRONT, """
        gan-architecture.svg:
          labels:
            label-generator: Generatoren
        """)
    out = localized_diagrams(Repository(Layout.read(tmp_path)), "da")
    assert sorted(out) == ["assets/diagrams/gan-architecture.da.svg", "assets/diagrams/gan-networks.da.svg"]
    arch = svg_labels(out["assets/diagrams/gan-architecture.da.svg"])
    assert arch["label-generator"] == "Generatoren" and arch["label-real"] == "Real images"
    assert parse(out["assets/diagrams/gan-networks.da.svg"]).get("lang") == "da"


def test_a_labels_file_without_front_matter_is_invalid_and_makes_no_drawings(tmp_path):
    repo = scratch(tmp_path)
    write(tmp_path / "translations" / "sv" / LABELS_FILE, "", "gan-architecture.svg:\n  alt: x\n")
    translation = repo.translation("sv", LABELS_FILE)
    assert translation.state == INVALID and "missing front matter" in translation.problem.message
    assert localized_diagrams(repo, "sv") == {}


def test_diagram_images_finds_markdown_images():
    text = "Intro\n\n![An alt\ntext](../../assets/diagrams/gan-networks.svg)\n![x](other.png)\n"
    assert diagram_images(text) == [("An alt text", "gan-networks.svg")]


# -- in a real browser ----------------------------------------------------------------------

STRESS = 1.35  # German labels run about this much longer than English ones


def _widths_in_chromium(page, svg: str) -> dict[str, tuple[float, float]]:
    """id -> (rendered width, data-max-width) of each text element with a max width."""
    page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('text[data-max-width]')]
        .map(t => [t.id, [t.getBBox().width, parseFloat(t.dataset.maxWidth)]]))""")


@pytest.mark.browser
@pytest.mark.parametrize("name", NAMES)
def test_labels_fit_their_room_when_rendered(page, name):
    """English as drawn, and labels a third longer after fitting, stay within their room."""
    svg = (DIAGRAMS / name).read_text(encoding="utf-8")
    english = _widths_in_chromium(page, svg)
    assert english and all(width <= room for width, room in english.values()), english

    def stretch(text: str) -> str:  # a longer label of the same letters, like a translation
        return (text * 2)[: max(len(text), round(len(text) * STRESS))]

    labels = {label_id: stretch(text) for label_id, text in ENGLISH[name].labels.items()}
    longer = _widths_in_chromium(page, localize_svg(svg, labels))
    too_wide = {k: v for k, v in longer.items() if v[0] > v[1] * 1.02}
    assert too_wide == {}, too_wide
