"""Links that open a file of the repository on its code host, for editing or for creating it.

They are made from mkdocs.yml's `repo_url` and `edit_uri`, as MkDocs makes its "edit this page"
link: `edit_uri` is the edit address of the docs folder on a branch (`edit/main/docs/` on
GitHub, `-/edit/main/docs/` on GitLab). Without the docs folder it is the edit address of the
repository's root, so it opens any file (a translation, a quiz file); with `new` in place of
`edit`, followed by the folder and `?filename=<name>`, it is GitHub's form that creates a file.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import quote, urljoin


@dataclass(frozen=True)
class RepoLinks:
    edit_root: str | None  # the edit address of the repository's root; None: no links

    @classmethod
    def from_config(cls, repo_url: str | None, edit_uri: str | None, docs_dir: str) -> RepoLinks:
        """From mkdocs.yml's values; `docs_dir` is its docs_dir (relative to the repository root)."""
        if not edit_uri or not (repo_url or edit_uri.startswith(("http://", "https://"))):
            return cls(None)
        edit = urljoin(repo_url.rstrip("/") + "/" if repo_url else "", edit_uri)
        docs = posixpath.normpath(docs_dir).strip("/") + "/"
        path_part = edit.split("?", 1)[0]
        if not path_part.endswith("/" + docs) or "?" in edit:
            return cls(None)  # an edit address that does not end in the docs folder: no safe guess
        return cls(path_part[: -len(docs)])

    def edit(self, path: str) -> str | None:
        """The address that opens `path` (relative to the repository root) in the host's editor."""
        return None if self.edit_root is None else self.edit_root + quote(path)

    def new(self, path: str) -> str | None:
        """The address of the host's form that creates `path`, named and in its folder."""
        if self.edit_root is None or "/edit/" not in self.edit_root:
            return None
        before, _, after = self.edit_root.rpartition("/edit/")
        folder, name = posixpath.split(path)
        where = f"{before}/new/{after}{quote(folder)}"
        return f"{where}?filename={quote(name)}"
