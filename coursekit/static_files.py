"""Static files copied once per build, not once per language.

static-i18n builds each language with MkDocs' whole build, and each pass copies every static file
(the theme's assets, images, KaTeX, Pyodide: about 100 files, 20 MB) to the same place in the
site again. A later pass leaves a file that an earlier pass of the same build copied from the same
source where it is: its source is pointed at the copy already made, and MkDocs does not copy a file
onto itself (it lets plugins write into the site that way: shutil.SameFileError is skipped).
"""
from __future__ import annotations

from mkdocs.structure.files import Files


class CopyOnce:
    def __init__(self):
        self.copied: set[tuple[str, str]] = set()  # (source, destination) copied by this build's passes

    def new_build(self) -> None:
        self.copied = set()  # MkDocs empties the site when a build starts

    def skip_copied(self, files: Files) -> int:
        """Marks the static files of this pass that an earlier pass copied; returns how many."""
        skipped = 0
        for file in files:
            if file.is_documentation_page() or file.abs_src_path is None or not file.inclusion.is_included():
                continue
            copy = (file.abs_src_path, file.abs_dest_path)
            if copy in self.copied:
                file.abs_src_path = file.abs_dest_path
                skipped += 1
            else:
                self.copied.add(copy)
        return skipped
