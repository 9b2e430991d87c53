"""Notebook pages: kept notebooks after mkdocs-static-i18n rebuilds the file list, translated
ones given the English outputs, and the links box above each page.

Translations hold prose and code only (comments in the code translated too);
`with_english_outputs` puts the outputs the render stored in the English notebook under the
translated text at build time, so six languages share one set of pictures and a re-render does
not touch any translation. Every published notebook gets its install cell written for the site's
repository and commit (coursekit.colab).

The pages are made here rather than by mkdocs-jupyter's plugin (coursekit.notebook_html says
why). static-i18n recreates every File in its on_files (priority -100), and a bare `.ipynb` is
not a documentation page to it: an untranslated notebook would be placed at the English address
with no language alternates (the language selector then falls back to the home pages; a wrapper
made before static-i18n is dropped, ultrabug/mkdocs-static-i18n#198). So notebooks are wrapped as
pages afterwards, each with its page address in the language being built and in every other
language (the same slug under `/<lang>/`); a page renders as its notebook converted, and the
`.ipynb` is published beside it for download.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from pathlib import PurePosixPath
from urllib.parse import quote

from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from coursekit.atomic import write_text_atomic
from coursekit.notebook_html import NotebookPages
from coursekit.translations.notebook import cell_source, same_code


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


class NotebookFile(File):
    """A notebook file as a documentation page (MkDocs makes pages of Markdown files only). It
    wraps the File static-i18n made, so every attribute static-i18n gave that file stays."""

    def __init__(self, file: File):
        self.file = file  # no File.__init__: the wrapped file holds what it would set

    def __getattr__(self, name: str):
        if name == "file":
            raise AttributeError(name)
        return getattr(self.file, name)

    def is_documentation_page(self) -> bool:
        return True


def rewrap_notebooks(files: Files, config, lang: str, languages: list[str], default: str) -> int:
    """Wrap `.ipynb` files of the current build again as pages, in place. Returns how many."""
    wrapped = 0
    for file in list(files):
        if isinstance(file, NotebookFile) or not file.src_uri.endswith(".ipynb") or file.abs_src_path is None:
            continue
        norm = getattr(file, "norm_src_uri", file.src_uri)
        alternates = {}
        for other in languages:
            page = NotebookFile(file)
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


def render_from(pages: NotebookPages, page) -> None:
    """Makes `page`, a notebook page, render as the notebook converted (coursekit.notebook_html)
    instead of as Markdown."""
    def render(config, files) -> None:
        converted = pages.page(Path(page.file.abs_src_path))
        page.content = converted.content
        page.toc = get_toc(converted.toc_tokens)
        if converted.title is not None:
            page.title = converted.title

    page.render = render


def publish_beside(page) -> Path:
    """Copies the notebook a page was made from into the folder of the page's HTML file, for download."""
    source = Path(page.file.abs_src_path)
    target = Path(page.file.abs_dest_path).parent / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _place(page, norm_src_uri: str, lang: str, default: str, config) -> None:
    dest, url = page_dest(norm_src_uri, config.use_directory_urls)
    if lang != default:
        dest, url = f"{lang}/{dest}", f"{lang}/{url}"
    page.dest_path = dest
    page.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, dest))
    page.url = url


def with_english_outputs(translation: dict, english: dict) -> dict:
    """The translated notebook with the English outputs: the n-th code cell gets the outputs of
    the English n-th code cell when their code is the same, comments aside (the rule the lint
    applies too: coursekit.translations.notebook.same_code), and none otherwise.

    The result is a new notebook with new cells, but the outputs are the English notebook's own
    objects (they are only written out, and copying megabytes of pictures per language is most of
    the work otherwise)."""
    merged = _copy_cells(translation)
    language = (english.get("metadata", {}).get("kernelspec", {}) or {}).get("language", "python")
    english_code = [cell for cell in english.get("cells", []) if cell.get("cell_type") == "code"]
    ours = [cell for cell in merged.get("cells", []) if cell.get("cell_type") == "code"]
    for index, cell in enumerate(ours):
        theirs = english_code[index] if index < len(english_code) else None
        same = theirs is not None and same_code(cell_source(cell), cell_source(theirs), language)
        cell["outputs"] = theirs.get("outputs", []) if same else []
        cell["execution_count"] = theirs.get("execution_count") if same else None
    return merged


def _copy_cells(notebook: dict) -> dict:
    """A copy of `notebook` whose cells can be given other fields without changing the original."""
    copied = dict(notebook)
    if isinstance(notebook.get("cells"), list):
        copied["cells"] = [dict(cell) if isinstance(cell, dict) else cell for cell in notebook["cells"]]
    return copied


def write_published(english: dict, target: Path, *, translation: dict | None = None, source: str | None = None) -> Path:
    """Writes the notebook as the site publishes it to `target`: the translation (if any) with the
    English outputs, the install cell written for `source` (coursekit.colab). Only when it changed,
    so caches keyed on the file stay valid. Returns `target`."""
    from coursekit.colab import with_install_source

    notebook = with_english_outputs(translation, english) if translation is not None else _copy_cells(english)
    text = json.dumps(with_install_source(notebook, source), indent=1, ensure_ascii=False) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        write_text_atomic(target, text, overwrite=True)
    return target


def notebook_links(strings, lang: str, *, download: str, colab: str | None, requirement: str, source: str | None) -> str:
    """The box above a notebook page: download and Colab links, and how to run it locally.

    `download` is the address of the .ipynb published beside the page (`publish_beside`);
    `strings` the repository's coursekit.strings.Strings.
    """
    import html as html_lib

    import markdown

    ui = lambda key, **values: strings.ui("site", lang, key, **values)  # noqa: E731
    filename = PurePosixPath(download).name
    links = [f'<a href="{html_lib.escape(download)}" download>{ui("notebook_download")}</a>']
    if colab:
        links.append(f'<a href="{html_lib.escape(colab)}">{ui("notebook_colab")}</a>')
    package = f"{requirement} @ {source}" if source else requirement
    local = ui("notebook_local", install=f'pip install jupyterlab "{package}"', file=filename)
    local_html = markdown.markdown(local.replace("\n", "\n\n"))  # one paragraph per line
    return (f'<div class="admonition tip coursekit-notebook" role="note">'
            f'<p class="admonition-title">{ui("notebook_title")}</p>'
            f'<p>{" · ".join(links)}</p>{local_html}</div>\n'
            )
