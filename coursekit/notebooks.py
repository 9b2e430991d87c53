"""Keep notebook pages notebooks after mkdocs-static-i18n rebuilds the file list.

static-i18n recreates every File in its on_files (priority -100). That drops the NotebookFile
wrapper mkdocs-jupyter put on `.ipynb` files (ultrabug/mkdocs-static-i18n#198), and because a
bare `.ipynb` is not a documentation page to static-i18n, an untranslated notebook is placed at
the English address and gets no language alternates (the language selector then falls back to
the home pages). We wrap notebooks again afterwards and give each one its page address in the
language being built and in every other language: the same slug under `/<lang>/`.
"""
from __future__ import annotations

import os
from pathlib import PurePosixPath
from urllib.parse import quote

from mkdocs.structure.files import Files


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
