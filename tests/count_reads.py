"""`python tests/count_reads.py ROOT SITE`: a strict `mkdocs build` of ROOT into SITE that also
writes SITE/../reads.json: how often coursekit code opened each file of docs/, translations/ and
quiz/, and how often it ran each git command (test_build_once checks both are once). The
session's built site is made this way, so the count costs no build of its own."""
from __future__ import annotations

import collections
import io
import json
import os
import subprocess
import sys
from pathlib import Path

root, site = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
opens, gits = collections.Counter(), collections.Counter()


def from_coursekit() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("coursekit"):
            return True
        frame = frame.f_back
    return False


real_open = io.open


def counting_open(file, mode="r", *args, **kwargs):
    if "r" in mode and isinstance(file, (str, os.PathLike)):
        path = Path(file).resolve()
        if path.is_relative_to(root) and path.relative_to(root).parts[0] in ("docs", "translations", "quiz") and from_coursekit():
            opens[path.relative_to(root).as_posix()] += 1
    return real_open(file, mode, *args, **kwargs)


real_run = subprocess.run


def counting_run(args, *rest, **kwargs):
    if args and args[0] == "git":
        gits[" ".join(a for a in args[3:] if not a.startswith("-"))] += 1
    return real_run(args, *rest, **kwargs)


io.open = counting_open  # pathlib opens files through io.open
subprocess.run = counting_run
os.environ["NO_MKDOCS_2_WARNING"] = "1"
sys.argv = ["mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)]
from mkdocs.__main__ import cli  # noqa: E402  (after the counters are in place)

status = 1  # a crash
try:
    cli()
    status = 0
except SystemExit as exc:  # click ends every run with one
    status = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
finally:
    (site.parent / "reads.json").write_text(json.dumps({"opens": opens, "git": gits}), encoding="utf-8")
    # Last, and whole (temp file, then rename): the tests' built_site waits for this file.
    (site.parent / "status.tmp").write_text(str(status), encoding="utf-8")
    os.replace(site.parent / "status.tmp", site.parent / "status")
sys.exit(status)
