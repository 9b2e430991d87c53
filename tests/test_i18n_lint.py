"""The pull request checks on translation files: every finding is `file:line: message`."""
from __future__ import annotations

import json
import re

import pytest

from coursekit.cli import main
from coursekit.translations.findings import ERROR, WARNING, errors
from i18n_site import LESSON, NOTEBOOK_CELLS, commit, front_matter, git, lint, make_site, notebook, translate, write

FINDING = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?P<message>.+)$")

# A faithful Danish lesson: same headings (with the explicit {#game}), same code, working links.
DANISH = """\
# Generative adversarielle netværk

Et generativt adversarielt netværk parrer en **generator** med en **diskriminator**.
Tag [quizzen før lektionen](../../quiz/gan-pre.md) først.

## To netværk, ét spil {#game}

![GAN-arkitekturen](../../assets/diagrams/gan-architecture.svg)

```python
import torch
noise = torch.randn(16, 100)  # én latent vektor pr. billede
```

## Træning

Træn diskriminatoren, derefter generatoren. Se [spillet](#game) og
[notebooken](../../notebooks/first-look.ipynb).

```bash
python -m ganlib train --epochs 5
```
"""


@pytest.fixture
def site(tmp_path):
    root = make_site(tmp_path)
    translate(root, "da", "lessons/gan/index.md", DANISH)
    commit(root, "Danish lesson")
    return root


def findings_for(site, body, lang="da", source="lessons/gan/index.md"):
    path = translate(site, lang, source, body)
    return lint(site, [path])


def messages(findings, level=None):
    return [f.message for f in findings if level is None or f.severity == level]


def test_a_faithful_translation_has_no_findings(site):
    assert lint(site) == []


def test_finding_format(site):
    found = findings_for(site, DANISH + "\n[broken](nowhere.md)\n")
    assert len(found) == 1
    match = FINDING.match(str(found[0]))
    assert match and match["file"] == "translations/da/lessons/gan/index.md"
    # front matter takes 5 lines, so body line 24 is file line 29
    assert int(match["line"]) == 29 and match["message"].startswith("nowhere.md: no such page")
    warning = str(findings_for(site, DANISH.replace("```python\nimport torch", "```python\nimport numpy"))[0])
    assert re.match(r"^translations/da/lessons/gan/index.md:15: warning: code block differs from the English one \(docs/lessons/gan/index.md:10\)", warning)


def test_encoding_problems(site):
    path = site / "translations/da/lessons/gan/index.md"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("utf-8").replace("Træning".encode(), "Træning".encode("latin-1")))
    found = lint(site)
    assert [str(f) for f in found] == ["translations/da/lessons/gan/index.md:20: not valid UTF-8 (byte 0xe6); save the file as UTF-8"]

    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert any("byte-order mark" in m for m in messages(lint(site)))

    path.write_text(text.replace("Træning", "Tr√¶ning"), encoding="utf-8")
    found = lint(site)
    assert [(f.line, f.severity) for f in found] == [(20, ERROR)]
    assert "'√¶' is UTF-8 read as Mac Roman (meant 'æ')" in found[0].message


def test_front_matter_and_source(site):
    path = write(site, "translations/da/index.md", "# Forside\n")
    assert messages(lint(site, [path])) == ["missing front matter: start the file with '---', source, source_blob, translated, '---' "
                                            "(`coursekit i18n new` writes it)"]
    write(site, "translations/da/index.md", front_matter(site, "lessons/gan/index.md") + "# Forside\n")
    assert [(f.line, f.message.split(" but ")[0]) for f in lint(site, [path])] == [(2, "'source' is 'lessons/gan/index.md'")]
    orphan = write(site, "translations/sv/lessons/removed.md", front_matter(site, "index.md").replace("index.md", "lessons/removed.md") + "# Borttagen\n")
    assert [str(f) for f in lint(site, [orphan])] == [
        "translations/sv/lessons/removed.md:1: there is no English docs/lessons/removed.md for this file to translate "
        "(moved or deleted? move or delete the translation too)"
    ]


def test_source_blob_not_in_history_is_a_warning(site):
    path = site / "translations/da/lessons/gan/index.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(text.split("source_blob: ")[1][:40], "ab" * 20), encoding="utf-8")
    found = lint(site)
    assert [(f.line, f.severity) for f in found] == [(3, WARNING)]
    assert "not in git history" in found[0].message


def test_links_images_and_anchors(site):
    body = DANISH + (
        "\n[a](../../quiz/gan-post.md) [b](../../glossary.md) [c](../../index.md) [ok](#game) [s](../../translation-status.md)\n"  # all fine
        "[d](../../quiz/gan-final.md) ![e](../../assets/diagrams/nope.svg) [f](#training)\n"
        "[g](/lessons/gan/index.md) [h](../../lessons/) [i](../../../../outside.md) [j](../../index.md#nowhere)\n"
    )
    found = findings_for(site, body)
    assert [f.line for f in found] == [30] * 3 + [31] * 4
    assert messages(found) == [
        "../../quiz/gan-final.md: no such page or file on the site (docs/quiz/gan-final.md); did you mean ../../quiz/gan-pre.md?",
        "../../assets/diagrams/nope.svg: no such page or file on the site (docs/assets/diagrams/nope.svg)",
        "#training: no heading or id with that anchor on this page (translated headings get new anchors; add {#training} to the heading)",
        "/lessons/gan/index.md: an absolute path breaks on /<lang>/ pages; write it relative to this file",
        "../../lessons/: points to a folder; link to the page's .md file",
        "../../../../outside.md: points outside the site",
        "../../index.md#nowhere: index.md in this language has no #nowhere anchor",
    ]


def test_a_footnote_definition_is_not_a_link(site):
    body = DANISH + "\nSe artiklen[^gan].\n\n[^gan]: Ian Goodfellow m.fl., 2014. [arXiv](../../quiz/gan-final.md)\n"
    assert messages(findings_for(site, body)) == [
        "../../quiz/gan-final.md: no such page or file on the site (docs/quiz/gan-final.md); did you mean ../../quiz/gan-pre.md?"]  # its links are still checked


def test_anchor_into_another_translated_page_uses_that_translations_headings(site):
    translate(site, "da", "index.md", "# Forside\n\n## Kom i gang\n")
    body = DANISH + "\n[start](../../index.md#kom-i-gang) [home](../../index.md#home)\n"
    found = findings_for(site, body)
    assert messages(found) == ["../../index.md#home: index.md in this language has no #home anchor"]


def test_headings_and_code_blocks_must_match_the_english_text(site):
    fewer_code = DANISH.replace("```bash\npython -m ganlib train --epochs 5\n```\n", "")
    assert messages(findings_for(site, fewer_code)) == ["1 code blocks where the English text has 2 (docs/lessons/gan/index.md)"]

    other_language = DANISH.replace("```bash", "```sh")
    assert messages(findings_for(site, other_language))[0].startswith("code block marked 'sh' where the English one is 'bash'")

    comments_only = DANISH.replace("# én latent vektor pr. billede", "# a different comment").replace("import torch\n", "# kommentar\nimport torch\n")
    assert findings_for(site, comments_only) == []

    level = DANISH.replace("## Træning", "### Træning")
    assert messages(findings_for(site, level))[0].startswith("heading level 3 where the English has level 2 (## Training, docs/lessons/gan/index.md:")

    lost_id = DANISH.replace(" {#game}", "")
    found = messages(findings_for(site, lost_id))
    assert any("has {#game}" in m and "links to #game need it" in m for m in found)


def test_result_placeholders_are_kept(site):
    quoted = "It reached a cFID of {{ result gan-pytorch/dcgan cfid }} in {{ result gan-pytorch/dcgan steps }} steps.\n"
    write(site, "docs/lessons/gan/index.md", LESSON + "\n" + quoted)
    commit(site, "English: a rendered number")
    danish = "Den nåede en cFID på {{ result gan-pytorch/dcgan cfid }} efter {{ result gan-pytorch/dcgan steps }} trin.\n"
    path = translate(site, "da", "lessons/gan/index.md", DANISH + "\n" + danish)
    assert lint(site, [path]) == []
    path = translate(site, "da", "lessons/gan/index.md", DANISH + "\nDen nåede en cFID på 1,76 efter "
                     "{{ result gan-pytorch/dcgan step }} trin.\n")
    found = lint(site, [path])
    # The number typed in for the first placeholder: reported at the translated line, after the
    # placeholder kept before it (here none is kept, so by the English line's place); the typo in
    # the second: one finding that names the near miss, at its own line.
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert [(f.line, f.message) for f in found] == [
        (last, "{{ result gan-pytorch/dcgan step }}: did you mean {{ result gan-pytorch/dcgan steps }} (docs/lessons/gan/index.md:24)? "
               "copy the placeholder exactly; the words inside {{ }} are never translated"),
        (last, "{{ result gan-pytorch/dcgan cfid }} is missing: the English text quotes it on line 24 "
               "(docs/lessons/gan/index.md); put it back near line " + str(last) + ", as written (the build fills in the number; "
               "the words inside {{ }} are never translated)"),
    ]
    translated_keyword = translate(site, "da", "lessons/gan/index.md", DANISH + "\nDen nåede en cFID på "
                                   "{{ Ergebnis gan-pytorch/dcgan cfid }} efter {{ result gan-pytorch/dcgan steps }} trin.\n")
    assert messages(lint(site, [translated_keyword])) == [
        "{{ Ergebnis gan-pytorch/dcgan cfid }}: did you mean {{ result gan-pytorch/dcgan cfid }} (docs/lessons/gan/index.md:24)? "
        "copy the placeholder exactly; the words inside {{ }} are never translated"]


def test_shape_is_compared_with_the_english_text_it_was_translated_from(site):
    # English gains a section and a code block: the Danish text is stale, not broken.
    write(site, "docs/lessons/gan/index.md", LESSON + "\n## Further reading\n\n```python\nprint('more')\n```\n")
    commit(site, "English: further reading")
    assert errors(lint(site)) == []


def test_unsafe_html(site):
    body = DANISH + (
        "\n<script>alert(1)</script>\n"
        '<iframe src="https://example.com"></iframe>\n'
        '<object data="x.swf"></object> <embed src="x.swf">\n'
        '<img src="../../assets/diagrams/gan-architecture.svg" onerror="steal()">\n'
        "[klik](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)\n"
        '<span style="display: none">skjult</span>\n'
        "<style>.md-content { visibility: hidden }</style>\n"
        '[x](../../index.md){ onclick="go()" }\n'
        "Ufarligt: `<script>` i kode og ![billede](data:image/png;base64,iVBORw0KGgo=).\n"
    )
    found = [f for f in findings_for(site, body) if f.message.startswith("unsafe")]
    lines = sorted({f.line for f in found})
    assert lines == list(range(29, 37))  # body lines 24-31 after a 5-line front matter
    text = "\n".join(messages(found))
    for needle in ("<script>", "<iframe>", "<object>", "<embed>", "onerror=", "'javascript:alert(1)'",
                   "'data:text/html;base64,PHNjcmlwdD4='", "hides content", "<style>", "onclick"):
        assert needle in text, needle


def test_glossary_terms_are_a_warning(site):
    write(site, "translations/da/glossary.yml", front_matter(site, "glossary.yml") + (
        "terms:\n  generator:\n    term: generator\n    definition: Netværket, der laver billeder.\n"
        "  discriminator:\n    term: skelner\n    definition: Netværket, der skelner ægte fra falske billeder.\n"
    ))
    found = lint(site)
    assert [(f.path, f.severity) for f in found] == [("translations/da/lessons/gan/index.md", WARNING)]
    assert "uses 'discriminator'; the da glossary term 'skelner' does not appear here" in found[0].message


def test_notebooks(site):
    blob = git(site, "hash-object", "docs/notebooks/first-look.ipynb").strip()
    meta = {"source": "notebooks/first-look.ipynb", "source_blob": blob, "translated": "2026-11-22"}
    cells = [("markdown", "# Et første kig\n\nSe [lektionen](../lessons/gan/index.md) og [intet](../nope.md).\n"),
             ("code", "import torch\nz = torch.randn(4, 100)\n")]
    path = write(site, "translations/da/notebooks/first-look.ipynb", notebook(cells, meta))
    found = lint(site, [path])
    assert len(found) == 1 and found[0].message.startswith("../nope.md: no such page")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "[intet](../nope.md)" in lines[found[0].line - 1]

    changed = [cells[0], ("code", "import torch\nz = torch.randn(8, 100)\n"), ("code", "print(z)\n")]
    text = notebook(changed, meta).replace('"outputs": []', '"outputs": [{"output_type": "display_data", "metadata": {}, '
                                                               '"data": {"text/html": ["<script>x()</script>"]}}]', 1)
    path.write_text(text, encoding="utf-8")
    found = messages(lint(site, [path]))
    assert 'code cell 3 ("print(z)") is not in the English notebook (docs/notebooks/first-look.ipynb); keep the same cells as the English one' in found
    assert any(m.startswith("outputs in a translated notebook are not used") for m in found)


def test_quiz_translations(site):
    path = translate(site, "de", "quiz/gan-pre.yml", (
        "title: Vor der Lektion\nquestions:\n  q1:\n    text: Zwei Netze?\n"
        "    explanation: Siehe [die Lektion](../lessons/gan/index.md) und [das](../lessons/nope.md).\n"
        "  q9:\n    text: Gibt es nicht\n"
    ), english_rel="quiz/gan-pre.yml")
    found = lint(site, [path])
    # links resolve from the quiz page (quiz/gan-pre.md); the bank's own rules apply too
    assert [(f.line, f.severity) for f in found] == [(10, ERROR), (11, ERROR)]
    assert found[0].message.startswith("../lessons/nope.md: no such page")
    assert found[1].message == "question 'q9' is not in quiz/gan-pre.yml (known: q1)"


def test_diagram_labels(site):
    write(site, "docs/assets/diagrams/gan-architecture.svg", (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 400 100'><title id='title'>The GAN architecture</title>"
        "<text id='label-generator' font-size='20' data-max-width='120'>Generator</text></svg>\n"))
    write(site, "docs/assets/diagrams/labels.yml", (
        "gan-architecture.svg:\n  alt: The GAN architecture.\n  labels:\n    title: The GAN architecture\n"
        "    label-generator: Generator\n"))
    commit(site, "A diagram with a sized label")
    path = translate(site, "de", "assets/diagrams/labels.yml", (
        "gan-architecture.svg:\n  alt: Die GAN-Architektur.\n  labels:\n"
        "    label-generator: Generatornetzwerk mit sehr langem Namen\n"))
    found = lint(site, [path])
    assert [(f.line, f.severity) for f in found] == [(9, WARNING)]
    assert "too long for its space" in found[0].message
    path.write_text(path.read_text(encoding="utf-8") + "    label-nope: X\n", encoding="utf-8")
    found = lint(site, [path])
    assert [(f.line, f.severity) for f in found] == [(10, ERROR)]
    assert "label 'label-nope' is not in the English labels file" in found[0].message


def test_unknown_language_folder_and_stray_files(site):
    write(site, "translations/fr/index.md", "# Accueil\n")
    write(site, "translations/da/assets/photo.png", "png")
    found = lint(site)
    assert [(f.path, f.severity) for f in found] == [
        ("translations/da/assets/photo.png", WARNING),
        ("translations/fr/index.md", ERROR),
    ]


def test_cli_lint_exit_status_and_output(site, capsys):
    assert main(["i18n", "lint", "--root", str(site)]) == 0
    assert capsys.readouterr().err.strip() == "translations OK"
    translate(site, "sv", "index.md", "# Hem\n\n<script>x</script>\n")
    assert main(["i18n", "lint", "--root", str(site)]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == ["translations/sv/index.md:8: unsafe HTML: <script>: it is not allowed in translated text; "
                                    "remove the tag (only text and Markdown are allowed)"]
    assert out.err.strip() == "1 error(s), 0 warning(s) in 1 file(s)"


def test_a_broken_notebook_is_reported_once_at_the_line_to_fix(site):
    blob = git(site, "hash-object", "docs/notebooks/first-look.ipynb").strip()
    meta = {"source": "notebooks/first-look.ipynb", "source_blob": blob, "translated": "2026-11-22"}
    cells = [("markdown", "# Et første kig\n\nEn generator laver billeder af støj.\n"), NOTEBOOK_CELLS[1]]
    text = notebook(cells, meta)
    broken = text.replace("En generator laver", 'En "generator" laver', 1)
    path = write(site, "translations/da/notebooks/first-look.ipynb", broken)
    found = lint(site, [path])
    assert len(found) == 1, [str(f) for f in found]  # read once: not once for the front matter and once for the cells
    assert found[0].line == next(n for n, line in enumerate(broken.splitlines(), 1) if '"generator"' in line)
    assert 'a " inside the text ends it early' in found[0].message


def with_ids(text: str, ids: list[str]) -> str:
    """A notebook with cell ids, as nbformat 4.5 writes them (a translation keeps the English ids)."""
    data = json.loads(text)
    for cell, cell_id in zip(data["cells"], ids, strict=True):
        cell["id"] = cell_id
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def test_notebook_cells_deleted_added_or_changed(site):
    """Cells are compared with the English notebook's; code that differs in more than comments is
    an error, because the page then shows no output under it (the same rule as the build's)."""
    english = [("markdown", "# A first look\n"), ("markdown", "A generator turns noise into images.\n"),
               ("code", "import torch  # the library\nz = torch.randn(4, 100)\n")]
    write(site, "docs/notebooks/first-look.ipynb", with_ids(notebook(english), ["a1", "b2", "c3"]))
    commit(site, "English notebook with two text cells")
    blob = git(site, "hash-object", "docs/notebooks/first-look.ipynb").strip()
    meta = {"source": "notebooks/first-look.ipynb", "source_blob": blob, "translated": "2026-11-22"}
    danish = [("markdown", "# Et første kig\n"), ("markdown", "En generator laver billeder af støj.\n"),
              ("code", "import torch  # biblioteket\nz = torch.randn(4, 100)\n")]
    path = write(site, "translations/da/notebooks/first-look.ipynb", with_ids(notebook(danish, meta), ["a1", "b2", "c3"]))
    assert lint(site, [path]) == [], "a translated comment is allowed"
    path.write_text(with_ids(notebook([danish[0], danish[2]], meta), ["a1", "c3"]), encoding="utf-8")
    assert messages(lint(site, [path])) == [
        'the English markdown cell 2 ("A generator turns noise into images.") (docs/notebooks/first-look.ipynb) has no '
        "counterpart here; translate it in its place, keeping the cells as in English"]
    changed = [danish[0], danish[1], ("code", "import torch\nz = torch.randn(8, 100)\n")]
    path.write_text(with_ids(notebook(changed, meta), ["a1", "b2", "c3"]), encoding="utf-8")
    found = lint(site, [path])
    assert [f.severity for f in found] == [ERROR]
    assert found[0].message.startswith('code cell 3 ("import torch") differs from the English one (docs/notebooks/first-look.ipynb:')
    assert "the page shows no output under it" in found[0].message
