"""Notebook pages: kept notebooks after mkdocs-static-i18n rebuilds the file list, translated
ones given the English outputs, and the links box above each page.

Translations hold prose and code only (comments in the code translated too);
`with_english_outputs` puts the outputs the render stored in the English notebook under the
translated text at build time, so six languages share one set of pictures and a re-render does
not touch any translation. Every published notebook gets its install cell written for the site's
repository and commit (coursekit.colab).

static-i18n recreates every File in its on_files (priority -100). That drops the NotebookFile
wrapper mkdocs-jupyter put on `.ipynb` files (ultrabug/mkdocs-static-i18n#198), and because a
bare `.ipynb` is not a documentation page to static-i18n, an untranslated notebook is placed at
the English address and gets no language alternates (the language selector then falls back to
the home pages). We wrap notebooks again afterwards and give each one its page address in the
language being built and in every other language: the same slug under `/<lang>/`.
"""
from __future__ import annotations

import copy
import io
import json
import os
import tokenize
from pathlib import Path
from pathlib import PurePosixPath
from urllib.parse import quote

from mkdocs.structure.files import Files

from coursekit.i18n.diff import cell_source


def page_dest(src_uri: str, use_directory_urls: bool) -> tuple[str, str]:
    """(dest_path, url) of the page for the notebook `src_uri` (without any language suffix)."""
    path = PurePosixPath(src_uri)
    if use_directory_urls and path.stem not in ("index", "README"):
        return str(path.with_suffix("") / "index.html"), quote(str(path.with_suffix(""))) + "/"
    dest = path.with_name("index.html" if path.stem in ("index", "README") else path.stem + ".html")
    if use_directory_urls:
        parent = str(dest.parent)
        return str(dest), "" if parent == "." else quote(parent) + "/"
    return str(dest), quote(str(dest))


def rewrap_notebooks(files: Files, config, notebook_file_class, should_include, lang: str, languages: list[str], default: str) -> int:
    """Wrap `.ipynb` files of the current build again as pages, in place. Returns how many."""
    wrapped = 0
    for file in list(files):
        if isinstance(file, notebook_file_class) or not file.src_uri.endswith(".ipynb") or not should_include(file):
            continue
        norm = getattr(file, "norm_src_uri", file.src_uri)
        alternates = {}
        for other in languages:
            page = notebook_file_class(file, config.use_directory_urls, config.site_dir)
            # File.abs_src_path is a property, so the wrapper would derive it from docs_dir
            # instead of asking the wrapped file: translations live elsewhere.
            page.abs_src_path = file.abs_src_path
            _place(page, norm, other, default, config)
            alternates[other] = page
        page = alternates[lang]
        page.alternates = alternates
        files.remove(file)
        files.append(page)
        wrapped += 1
    return wrapped


def _place(page, norm_src_uri: str, lang: str, default: str, config) -> None:
    dest, url = page_dest(norm_src_uri, config.use_directory_urls)
    if lang != default:
        dest, url = f"{lang}/{dest}", f"{lang}/{url}"
    page.dest_path = dest
    page.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, dest))
    page.url = url


def code_without_comments(source: str) -> list[str]:
    """A code cell's lines without comments, trailing blanks and empty lines: what a translation
    must keep from the English cell (it translates the comments)."""
    lines = source.splitlines()
    try:
        comments = [tok.start for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                    if tok.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):  # not Python (a shell cell): whole-line comments only
        comments = [(n, line.index("#")) for n, line in enumerate(lines, 1) if line.lstrip().startswith("#")]
    for row, col in comments:
        lines[row - 1] = lines[row - 1][:col]
    return [line.rstrip() for line in lines if line.strip()]


def with_english_outputs(translation: dict, english: dict) -> dict:
    """The translated notebook with the English outputs: the n-th code cell gets the outputs of
    the English n-th code cell when their code is the same apart from comments (lint requires
    it), and none otherwise."""
    merged = copy.deepcopy(translation)
    english_code = [cell for cell in english.get("cells", []) if cell.get("cell_type") == "code"]
    ours = [cell for cell in merged.get("cells", []) if cell.get("cell_type") == "code"]
    for index, cell in enumerate(ours):
        theirs = english_code[index] if index < len(english_code) else None
        same = theirs is not None and code_without_comments(cell_source(theirs)) == code_without_comments(cell_source(cell))
        cell["outputs"] = copy.deepcopy(theirs.get("outputs", [])) if same else []
        cell["execution_count"] = theirs.get("execution_count") if same else None
    return merged


def write_published(english: Path, target: Path, *, translation: Path | None = None, source: str | None = None) -> Path:
    """Writes the notebook as the site publishes it to `target`: the translation (if any) with the
    English outputs, the install cell written for `source` (coursekit.colab). Only when it changed,
    so caches keyed on the file stay valid. Returns `target`."""
    from coursekit.atomic import write_text_atomic
    from coursekit.colab import with_install_source

    notebook = json.loads(english.read_text(encoding="utf-8"))
    if translation is not None:
        notebook = with_english_outputs(json.loads(translation.read_text(encoding="utf-8")), notebook)
    text = json.dumps(with_install_source(notebook, source), indent=1, ensure_ascii=False) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        write_text_atomic(target, text, overwrite=True)
    return target


def notebook_links(ui, lang: str, *, download: str, colab: str | None, requirement: str, source: str | None) -> str:
    """The box above a notebook page: download and Colab links, and how to run it locally.

    `download` is the address of the .ipynb that mkdocs-jupyter publishes beside the page.
    """
    import html as html_lib

    import markdown

    filename = PurePosixPath(download).name
    links = [f'<a href="{html_lib.escape(download)}" download>{ui(lang, "notebook_download")}</a>']
    if colab:
        links.append(f'<a href="{html_lib.escape(colab)}">{ui(lang, "notebook_colab")}</a>')
    package = f"{requirement} @ {source}" if source else requirement
    local = ui(lang, "notebook_local", install=f'pip install jupyterlab "{package}"', file=filename)
    local_html = markdown.markdown(local.replace("\n", "\n\n"))  # one paragraph per line
    return (f'<div class="admonition tip coursekit-notebook" role="note">'
            f'<p class="admonition-title">{ui(lang, "notebook_title")}</p>'
            f'<p>{" · ".join(links)}</p>{local_html}</div>\n')
