"""Git blob ids, computed the way `git hash-object` does, so no git process is needed per file."""
from __future__ import annotations

import hashlib
from pathlib import Path


def blob_id(data: bytes) -> str:
    """The object id git gives `data` stored as a blob (SHA-1 over a "blob <size>\\0" header)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def file_blob_id(path: Path) -> str:
    return blob_id(Path(path).read_bytes())
