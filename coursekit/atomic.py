"""Write a file completely or not at all, and never replace one unless asked."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: Path, text: str, overwrite: bool = False) -> None:
    """Write `text` (UTF-8, "\\n" line ends) to `path` through a temporary file in the same folder.

    Without `overwrite`, an existing `path` raises FileExistsError, also when it appears while
    we write: the finished file is hard-linked into place, which fails rather than replaces."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not overwrite and path.exists():
        raise FileExistsError(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp, path.stat().st_mode & 0o7777 if path.exists() else _default_mode())
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)
            except OSError as exc:
                if isinstance(exc, FileExistsError):
                    raise
                # A file system without hard links: the check above is the best we can do.
                if path.exists():
                    raise FileExistsError(path) from None
                os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _default_mode() -> int:
    """What a plain open() would create: 0o666 less the umask (mkstemp makes files 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
