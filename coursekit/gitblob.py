"""Git blob ids, computed the way `git hash-object` does, so no git process is needed per file."""
from __future__ import annotations

import hashlib
from pathlib import Path


def blob_id(data: bytes) -> str:
    """The object id git gives `data` stored as a blob (SHA-1 over a "blob <size>\\0" header)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def file_blob_id(path: Path) -> str:
    return blob_id(Path(path).read_bytes())


# -- reading history (one git process per call) ---------------------------------------------
import subprocess  # noqa: E402  (kept beside the functions that need it)


class GitError(RuntimeError):
    """git is missing, or `repo` is not a git work tree; the message says which."""


def _git(repo: Path, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], input=input, capture_output=True)
    except FileNotFoundError:
        raise GitError("git is not installed; install git to compare with earlier English text") from None


def read_blob(repo: Path, blob: str) -> bytes | None:
    """The content of blob `blob` from the repository at `repo`, or None when the object
    database lacks it (never committed, or cut off by a shallow clone)."""
    result = _git(Path(repo), "cat-file", "blob", blob)
    if result.returncode == 0:
        return result.stdout
    if _git(Path(repo), "rev-parse", "--git-dir").returncode != 0:
        raise GitError(f"{repo} is not a git repository; earlier English text is read from its history")
    return None


def path_blobs(repo: Path, path: str) -> list[str]:
    """Blob ids `path` (relative to `repo`) has had in any commit of any branch, newest first."""
    result = _git(Path(repo), "log", "--all", "--format=", "--raw", "--no-abbrev", "--no-renames", "--", path)
    if result.returncode != 0:
        raise GitError(f"{repo} is not a git repository; earlier English text is read from its history")
    blobs = []
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        # ":100644 100644 <old> <new> M\tpath": the new blob is what that commit stored.
        fields = line.split()
        if len(fields) >= 5 and line.startswith(":") and set(fields[3]) != {"0"} and fields[3] not in blobs:
            blobs.append(fields[3])
    return blobs
