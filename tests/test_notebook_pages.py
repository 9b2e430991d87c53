"""Each notebook page, in every language, offers the notebook for download, opens the file it was
built from in Colab, and says in its own language how to run it locally."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

from conftest import LANGUAGES, ROOT, lang_prefix
from coursekit.notebooks import colab_url
from coursekit.strings import ui

NOTEBOOKS = sorted(p.relative_to(ROOT / "docs") for p in (ROOT / "docs" / "notebooks").glob("*.ipynb"))


def page_html(site: Path, lang: str, rel: Path) -> tuple[Path, str]:
    path = site / lang_prefix(lang) / rel.with_suffix("") / "index.html"
    return path, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebook_pages_link_download_and_colab(built_site, lang):
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
        assert served.read_bytes() == source.read_bytes(), "the download is this language's notebook"
        colab = re.search(r'<a href="(https://colab\.research\.google\.com/[^"]+)">([^<]+)</a>', box)
        assert colab and colab.group(2) == ui(lang, "notebook_colab")
        assert colab.group(1).endswith("/blob/main/" + source.relative_to(ROOT).as_posix())
        assert f"jupyter lab {rel.name}" in box and ui(lang, "notebook_title") in box


@pytest.mark.parametrize("repo_url, expected", [
    ("https://github.com/gan-course/gan-course", "https://colab.research.google.com/github/gan-course/gan-course/blob/main/docs/notebooks/a.ipynb"),
    ("https://github.com/someone/fork.git/", "https://colab.research.google.com/github/someone/fork/blob/main/docs/notebooks/a.ipynb"),
    ("https://gitlab.com/someone/fork", None),
    (None, None),
])
def test_colab_url_comes_from_repo_url(repo_url, expected):
    assert colab_url(repo_url, "docs/notebooks/a.ipynb") == expected
