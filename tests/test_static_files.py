"""Every language pass of a build copies the site's static files to the same place; only the first
copy is made, and the site is the same as with every copy made."""
from __future__ import annotations

import os

from mkdocs.structure.files import File, Files

from coursekit.static_files import CopyOnce


def a_pass(docs, site, names, language_page=None) -> Files:
    """The files MkDocs would copy in one language pass (static-i18n makes new File objects in each)."""
    files = [File(name, str(docs), str(site), use_directory_urls=True) for name in names]
    if language_page:
        files.append(File(language_page, str(docs), str(site), use_directory_urls=True))
    return Files(files)


def test_a_later_language_pass_does_not_copy_what_an_earlier_one_copied(tmp_path):
    docs, site = tmp_path / "docs", tmp_path / "site"
    for name, text in {"assets/logo.svg": "<svg/>", "assets/big.js": "x" * 10_000, "images/pic.da.png": "da"}.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text)
    once = CopyOnce()
    once.new_build()
    first = a_pass(docs, site, ["assets/logo.svg", "assets/big.js"], "index.md")
    assert once.skip_copied(first) == 0
    first.copy_static_files()
    copied = {name: os.stat(site / name).st_mtime_ns for name in ("assets/logo.svg", "assets/big.js")}
    os.utime(docs / "assets/big.js")  # MkDocs would copy it again: it is newer than the copy

    second = a_pass(docs, site, ["assets/logo.svg", "assets/big.js", "images/pic.da.png"], "index.md")
    assert once.skip_copied(second) == 2, "the shared assets only; the page and the new file are not skipped"
    second.copy_static_files()
    assert {name: os.stat(site / name).st_mtime_ns for name in copied} == copied, "not copied again"
    assert (site / "assets/big.js").read_text() == "x" * 10_000 and (site / "images/pic.da.png").read_text() == "da"

    once.new_build()  # the next build starts from an empty site: everything is copied again
    assert once.skip_copied(a_pass(docs, site, ["assets/logo.svg", "assets/big.js"])) == 0
