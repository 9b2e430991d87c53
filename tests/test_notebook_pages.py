"""Each notebook page, in every language, offers the notebook for download, opens the same notebook
in Colab, and says in its own language how to run it locally; the install cell names the site's
repository at the commit the site was built from, and a stored notebook names no repository."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

from conftest import LANGUAGES, ROOT, lang_prefix
from coursekit.colab import colab_url, head_commit, install_cell, install_code, notebooks_as_published, package_source
from coursekit.notebooks import with_english_outputs
from coursekit.strings import Strings
from coursekit.translations.layout import Layout
from coursekit.translations.notebook import code_lines
from coursekit.translations.repository import Repository

STRINGS = Strings(Repository(Layout.read(ROOT)))


def ui(lang: str, key: str) -> str:
    return STRINGS.ui("site", lang, key)

NOTEBOOKS = sorted(p.relative_to(ROOT / "docs") for p in (ROOT / "docs" / "notebooks").glob("*.ipynb"))
STORED = sorted([*(ROOT / "docs" / "notebooks").glob("*.ipynb"), *(ROOT / "translations").glob("*/notebooks/*.ipynb")])
# A repository address: a code host, or anything pip would clone.
REPOSITORY = re.compile(r"(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/[\w.-]+/[\w.-]+|git\+[a-z]+://", re.I)


def site_repo_url() -> str:
    """The repo_url the test build uses: $REPO_URL, else mkdocs.yml's fallback."""
    fallback = re.search(r'^repo_url: !ENV \[REPO_URL, "([^"]+)"\]', (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return os.environ.get("REPO_URL") or fallback.group(1)


def page_html(site: Path, lang: str, rel: Path) -> tuple[Path, str]:
    path = site / lang_prefix(lang) / rel.with_suffix("") / "index.html"
    return path, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebook_pages_link_download_and_colab(built_site, lang):
    published = notebooks_as_published(ROOT, package_source(site_repo_url(), head_commit(ROOT)))
    for rel in NOTEBOOKS:
        path, html = page_html(built_site, lang, rel)
        box = re.search(r'<div class="admonition tip coursekit-notebook".*?</div>', html, re.S)
        assert box, f"{lang}: {rel} has no download/Colab box"
        box = box.group(0)
        download = re.search(r'<a href="([^"]+)" download>([^<]+)</a>', box)
        assert download and download.group(2) == ui(lang, "notebook_download")
        url = urljoin(f"http://site/{lang_prefix(lang)}{rel.with_suffix('').as_posix()}/", download.group(1))
        served = built_site / unquote(url.removeprefix("http://site/"))
        assert served.is_file() and served.suffix == ".ipynb", f"{lang}: {download.group(1)} is not published"
        translated = ROOT / "translations" / lang / rel
        source = translated if lang != "en" and translated.is_file() else ROOT / "docs" / rel
        repo_path = source.relative_to(ROOT).as_posix()
        # This language's prose with the English outputs, the install cell naming the site's repository.
        assert json.loads(served.read_text(encoding="utf-8")) == published[repo_path], f"{lang}: {rel} download"
        colab = re.search(r'<a href="(https://colab\.research\.google\.com/[^"]+)">([^<]+)</a>', box)
        assert colab and colab.group(2) == ui(lang, "notebook_colab")
        assert colab.group(1) == colab_url(site_repo_url(), repo_path, "colab"), "this language's notebook on the Colab branch"
        assert f"jupyter lab {rel.name}" in box and ui(lang, "notebook_title") in box


@pytest.mark.parametrize("repo_url, expected", [
    ("https://github.com/someone/course", "https://colab.research.google.com/github/someone/course/blob/0a1b2c/docs/notebooks/a.ipynb"),
    ("https://github.com/someone/fork.git/", "https://colab.research.google.com/github/someone/fork/blob/0a1b2c/docs/notebooks/a.ipynb"),
    ("https://gitlab.com/someone/fork", None),
    (None, None),
])
def test_colab_url_comes_from_repo_url(repo_url, expected):
    assert colab_url(repo_url, "docs/notebooks/a.ipynb", "0a1b2c") == expected


@pytest.mark.parametrize("path", STORED, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_stored_notebook_names_no_repository(path):
    """The repository is only known where the site is built; the build writes it into the copies."""
    text = path.read_text(encoding="utf-8")
    named = sorted({m.group(0) for m in REPOSITORY.finditer(text)})
    assert not named, f"{path.relative_to(ROOT)} names {named}; leave the install cell to the site build (coursekit.colab)"
    notebook = json.loads(text)
    cell = install_cell(notebook)
    uses_ganlib = any(re.search(r"^\s*(import|from)\s+ganlib\b", "".join(c["source"]), re.M)
                      for c in notebook["cells"] if c["cell_type"] == "code")
    assert cell is not None or not uses_ganlib, f"{path.name} imports ganlib but has no install cell (metadata coursekit.install)"
    if cell is not None:
        assert "".join(cell["source"]) == install_code(cell["metadata"]["coursekit"]["install"], None)


def test_the_install_cell_is_python_and_pins_the_commit():
    filled = install_code("gan-course[keras]", package_source("https://github.com/someone/course/", "0a1b2c"))
    assert '"gan-course[keras] @ git+https://github.com/someone/course@0a1b2c"' in filled
    for code in (filled, install_code("gan-course", None)):
        compile(code, "<install>", "exec")
    assert package_source("https://github.com/someone/course", None) == "git+https://github.com/someone/course"
    assert package_source(None, "0a1b2c") is None and package_source("file:///srv/course", "0a1b2c") is None


def test_translated_notebooks_get_the_english_outputs():
    code = lambda src, outputs, count: {"cell_type": "code", "source": src, "outputs": outputs, "execution_count": count,
                                        "metadata": {}}
    picture = [{"output_type": "display_data", "data": {"image/png": "iVBOR"}, "metadata": {}}]
    english = {"cells": [{"cell_type": "markdown", "source": "# A GAN", "metadata": {}},
                         code("train()", picture, 3), code("plot()", [{"output_type": "stream", "text": "x"}], 4)]}
    english["cells"].append(code("x = '#1'  # the first\nshow(x)", picture, 5))
    translation = {"cells": [{"cell_type": "markdown", "source": "# En GAN", "metadata": {}},
                             code(["train", "()"], [{"output_type": "stream", "text": "stale"}], 9),
                             code("plot(fig)", [], None),
                             code("# den første\nx = '#1'    # den første\n\nshow(x)", [], None), code("extra()", picture, 1)],
                   "metadata": {"translation": {"source": "notebooks/x.ipynb"}}}
    merged = with_english_outputs(translation, english)
    assert merged["cells"][0]["source"] == "# En GAN" and merged["metadata"] == translation["metadata"]
    assert merged["cells"][1]["outputs"] == picture and merged["cells"][1]["execution_count"] == 3
    assert merged["cells"][2]["outputs"] == [] and merged["cells"][2]["execution_count"] is None, "code differs"
    assert merged["cells"][3]["outputs"] == picture, "translated comments keep the outputs"
    assert merged["cells"][4]["outputs"] == [], "no English cell to take outputs from"
    assert code_lines("# en\nx = '#1'  # to\n\n!ls # tre") == ["x = '#1'", "!ls"]
    assert translation["cells"][1]["outputs"][0]["text"] == "stale", "the translation itself is not changed"


def test_a_translated_comment_keeps_the_english_output():
    """The lint lets a translator translate comments in code; the page must not lose the output
    for it (one rule for both: coursekit.translations.notebook.same_code)."""
    printed = [{"output_type": "stream", "name": "stdout", "text": "mode cpu: random features, longer side 256 px\n"}]
    english = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": 2, "outputs": printed, "source":
                          '%config InlineBackend.figure_formats = ["jpeg"]  # photos: JPEG keeps the notebook small\n'
                          "# the settings of this run\nprint(describe(settings))  # one line\n"}]}
    translation = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source":
                              '%config InlineBackend.figure_formats = ["jpeg"]  # Fotos: JPEG hält das Notebook klein\n'
                              "# die Einstellungen dieses Laufs\nprint(describe(settings))  # eine Zeile\n"}]}
    assert with_english_outputs(translation, english)["cells"][0]["outputs"] == printed
    changed = {"cells": [dict(translation["cells"][0], source="print(describe(other))\n")]}
    assert with_english_outputs(changed, english)["cells"][0]["outputs"] == []
    in_a_string = {"cells": [dict(translation["cells"][0], source=english["cells"][0]["source"].replace("(settings)", '("#settings")'))]}
    assert with_english_outputs(in_a_string, english)["cells"][0]["outputs"] == [], "a # inside a string is code"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_languages_notebook_page_has_its_prose_and_the_shared_pictures(built_site, lang):
    for rel in NOTEBOOKS:
        english = json.loads((ROOT / "docs" / rel).read_text(encoding="utf-8"))
        pictures = sum(1 for cell in english["cells"] for out in cell.get("outputs", [])
                       if {"image/png", "image/jpeg"} & set(out.get("data", {})))
        translated = ROOT / "translations" / lang / rel
        if lang == "en" or not translated.is_file():
            continue
        _, html = page_html(built_site, lang, rel)
        heading = next(c for c in json.loads(translated.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown")
        title = "".join(heading["source"]).splitlines()[0].lstrip("# ").strip()
        assert title in html, f"{lang}: {rel} does not show its own title {title!r}"
        shown = len(re.findall(r'<img[^>]+src="data:image/(?:png|jpeg);base64,', html))
        assert shown >= pictures, f"{lang}: {rel} shows {shown} of the {pictures} English output pictures"


@pytest.mark.parametrize("path", sorted((ROOT / "docs" / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_the_install_cell_installs_nothing_colab_already_has(path):
    """The install cell names an extra of pyproject.toml with lower bounds only: a pinned torch
    (the `ml` extra) would replace Colab's own CUDA build of it."""
    import tomllib

    cell = install_cell(json.loads(path.read_text(encoding="utf-8")))
    if cell is None:
        pytest.skip(f"{path.name} has no install cell")
    requirement = cell["metadata"]["coursekit"]["install"]
    match = re.fullmatch(r"gan-course(?:\[(\w+)\])?", requirement)
    assert match, f"{path.name}: install {requirement!r} is not the course package"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    wanted = extras.get(match.group(1), []) if match.group(1) else []
    assert match.group(1) is None or match.group(1) in extras, f"{path.name}: no extra {match.group(1)!r} in pyproject.toml"
    pinned = [r for r in wanted if re.search(r"==|<|~=", r)]
    assert not pinned, f"{path.name} installs gan-course[{match.group(1)}], which pins {pinned}"
