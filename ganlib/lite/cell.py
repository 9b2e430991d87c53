"""Run the code of one runnable block in a lesson page (what the page's Web Worker calls).

`run(source, emit)` executes the code in a fresh namespace; `run(source, emit, scope="page")`
in the namespace that earlier runs with that scope left behind, as the cells of a notebook share
theirs (the namespaces live as long as the worker). It reports, in order, through
`emit(kind, text)`:
- "stdout" and "stderr": printed text, in pieces as it comes (so a long run shows progress);
- "plot": a figure from ganlib.lite.plot, as JSON;
- "error": the traceback, with the frames of this runner left out, ending in the error's line.
It returns True when the code ran to the end.
"""
from __future__ import annotations

import builtins
import io
import json
import linecache
import sys
import time
import traceback
from collections.abc import Callable

from ganlib.lite import plot

FLUSH_SECONDS = 0.1  # printed text reaches the page at least this often while code runs
FLUSH_CHARS = 8192
_scopes: dict[str, dict] = {}  # scope name -> the namespace its runs share


class _Stream(io.TextIOBase):
    """A text stream that hands what is written to `emit` in batches."""

    def __init__(self, kind: str, emit: Callable[[str, str], None]):
        self.kind, self.emit = kind, emit
        self.pending: list[str] = []
        self.size = 0
        self.last = time.perf_counter()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.pending.append(text)
        self.size += len(text)
        if self.size >= FLUSH_CHARS or time.perf_counter() - self.last >= FLUSH_SECONDS:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self.pending:
            text = "".join(self.pending)
            self.pending, self.size = [], 0
            self.emit(self.kind, text)
        self.last = time.perf_counter()


def _traceback(exc: BaseException, filename: str) -> str:
    """The traceback from the first frame of the reader's code on (none of the runner's own)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


def _namespace(scope: str | None) -> dict:
    fresh = {"__name__": "__main__", "__builtins__": builtins}
    return fresh if scope is None else _scopes.setdefault(scope, fresh)


def run(source: str, emit: Callable[[str, str], None], filename: str = "<code>", scope: str | None = None) -> bool:
    # The source goes into linecache so the traceback can quote the reader's lines.
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    out, err = _Stream("stdout", emit), _Stream("stderr", emit)
    saved = sys.stdout, sys.stderr, sys.stdin

    def display(figure: dict) -> None:
        out.flush()  # text printed before the figure appears before it
        emit("plot", json.dumps(figure, allow_nan=False))

    sys.stdout, sys.stderr, sys.stdin = out, err, io.StringIO()  # input() ends at once (EOFError)
    plot.set_display(display)
    try:
        code = compile(source, filename, "exec")
        exec(code, _namespace(scope))
        ok = True
    except BaseException as exc:  # SystemExit and KeyboardInterrupt too: the page reports them
        if isinstance(exc, SystemExit) and exc.code in (None, 0):
            ok = True
        else:
            out.flush()
            err.flush()
            emit("error", _traceback(exc, filename))
            ok = False
    finally:
        out.flush()
        err.flush()
        sys.stdout, sys.stderr, sys.stdin = saved
        plot.set_display(None)
    return ok
