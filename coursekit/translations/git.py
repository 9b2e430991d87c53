"""Git blob ids, and the English text of earlier versions read from git history.

Blob ids are computed the way `git hash-object` does, so no git process is needed per file.
Reading an earlier blob does need git; `History` runs it once per blob and keeps what it read
(a blob's content never changes), so a build or a lint run asks git once for each English text.
"""
from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path


def blob_id(data: bytes) -> str:
    """The object id git gives `data` stored as a blob (SHA-1 over a "blob <size>\\0" header)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def file_blob_id(path: Path) -> str:
    return blob_id(Path(path).read_bytes())


class GitError(RuntimeError):
    """git is missing, or the folder is not a git work tree; the message says which."""


class History:
    """The git history of the repository at `root`."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._blobs: dict[str, bytes] = {}

    def _git(self, *args: str) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True)
        except FileNotFoundError:
            raise GitError("git is not installed; install git to compare with earlier English text") from None

    def _not_a_repository(self) -> GitError:
        return GitError(f"{self.root.name} is not a git repository (or git history is missing); "
                        "earlier English text is read from its history: work in a `git clone`")

    def blob(self, blob: str) -> bytes | None:
        """The content of blob `blob`, or None when the object database lacks it (never
        committed, or cut off by a shallow clone). A missing blob is asked for again next time:
        it may be committed meanwhile."""
        if blob in self._blobs:
            return self._blobs[blob]
        result = self._git("cat-file", "blob", blob)
        if result.returncode == 0:
            self._blobs[blob] = result.stdout
            return result.stdout
        if self._git("rev-parse", "--git-dir").returncode != 0:
            raise self._not_a_repository()
        return None

    def path_blobs(self, path: str) -> list[str]:
        """Blob ids `path` (relative to the root) has had in any commit of any branch, newest first."""
        result = self._git("log", "--all", "--format=", "--raw", "--no-abbrev", "--no-renames", "--", path)
        if result.returncode != 0:
            raise self._not_a_repository()
        blobs = []
        for line in result.stdout.decode("utf-8", "replace").splitlines():
            # ":100644 100644 <old> <new> M\tpath": the new blob is what that commit stored.
            fields = line.split()
            if len(fields) >= 5 and line.startswith(":") and set(fields[3]) != {"0"} and fields[3] not in blobs:
                blobs.append(fields[3])
        return blobs

    def uncommitted(self, path: str) -> bool:
        """Whether `path` differs from the last commit (or is not committed at all)."""
        if self._git("ls-files", "--error-unmatch", "--", path).returncode != 0:
            return True
        return self._git("diff", "--quiet", "HEAD", "--", path).returncode != 0

    def last_commit(self, path: str) -> str | None:
        """The last commit that changed `path`, or None."""
        out = self._git("log", "-1", "--format=%H", "--", path).stdout.decode().strip()
        return out or None

    def changed_away(self, path: str, blob: str) -> str | None:
        """The commit that replaced blob `blob` of `path` with another text since `path` last
        became `blob`, or None (not yet). A text can come back (a change undone, a branch merged):
        only the change after its latest return counts."""
        result = self._git("log", "--reverse", "--format=%H", "--raw", "--no-abbrev", "--no-renames", "--", path)
        commit, found = None, None
        for line in result.stdout.decode("utf-8", "replace").splitlines():
            if line.startswith(":"):
                fields = line.split()
                if len(fields) < 5:
                    continue
                old, new = fields[2], fields[3]
                if new == blob and old != blob:
                    found = None  # `blob` is the text again: what replaced it earlier no longer counts
                elif old == blob and new != blob and found is None:
                    found = commit
            elif line.strip():
                commit = line.strip()
        return found

    def parent(self, commit: str) -> str | None:
        """The (first) parent of `commit`, or None for a root commit."""
        result = self._git("rev-parse", "--verify", "--quiet", f"{commit}^")
        return result.stdout.decode().strip() or None if result.returncode == 0 else None

    def contains(self, later: str, earlier: str) -> bool:
        """Whether commit `later` is `earlier` or comes after it in history."""
        return self._git("merge-base", "--is-ancestor", earlier, later).returncode == 0
