"""Ctrl-C (SIGINT) and SIGTERM during a long loop: finish the current step, save, then stop.

Python turns Ctrl-C into a KeyboardInterrupt wherever the program happens to be, which can be in
the middle of an optimiser update; the loop would then have nothing consistent to save. While a
`StopRequest` is active, the first SIGINT or SIGTERM only records the signal; the loop reads
`signum` once per step and stops where the state is whole. A second signal acts at once, as it
would without us, so a loop that hangs can still be stopped.
"""
from __future__ import annotations

import signal
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """A context manager; `signum` is None until a stop was asked for, then the signal's number.

    Signal handlers can only be set in the main thread; elsewhere it does nothing (and the
    signals keep their usual effect).
    """

    def __init__(self):
        self.signum: int | None = None
        self._previous: dict[int, object] = {}

    def listen(self) -> "StopRequest":
        """Start recording SIGINT and SIGTERM (`close` puts the previous handlers back)."""
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                self._previous[sig] = signal.signal(sig, self._record)
        return self

    def _record(self, signum: int, _frame) -> None:
        self.signum = signum
        self._restore()  # the next signal behaves as usual

    def _restore(self) -> None:
        for sig, handler in self._previous.items():
            # None: a handler not set from Python; the default is the nearest we can put back.
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

    def close(self) -> None:
        self._restore()
        self._previous.clear()

    def __enter__(self) -> "StopRequest":
        return self.listen()

    def __exit__(self, *exc) -> None:
        self.close()


class StopAnywhere:
    """A context manager for loops that need no care to stop (style transfer keeps its latest
    picture, whatever the optimiser was doing): SIGTERM raises KeyboardInterrupt, as Ctrl-C does;
    `signum` says which of the two it was. A signal ignored when the block starts (a job started
    with `&` from a script ignores SIGINT) stays ignored."""

    def __init__(self):
        self.signum: int = signal.SIGINT
        self._previous: dict[int, object] = {}

    def _raise(self, signum: int, _frame) -> None:
        self.signum = signum
        raise KeyboardInterrupt

    def __enter__(self) -> "StopAnywhere":
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                if signal.getsignal(sig) is not signal.SIG_IGN:
                    self._previous[sig] = signal.signal(sig, self._raise)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        self._previous.clear()


def signal_name(signum: int) -> str:
    """"Ctrl-C" for SIGINT (what the user pressed), else the signal's name: "SIGTERM"."""
    return "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
