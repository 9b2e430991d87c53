"""What every `ganlib` command module shares: the one-line user error and the argparse types.

It imports nothing from ganlib, so any command module can import it at the top without an
import circle through `ganlib.cli`, which imports the command modules.
"""
from __future__ import annotations

import argparse


class CommandError(Exception):
    """A command that cannot go on: printed as one line, `ganlib <command>: error: <message>`,
    then the command exits with `status`."""

    status = 1


class UsageError(CommandError):
    """A problem the user can fix (an argument, a file, a missing download); exit status 2."""

    status = 2


class Interrupted(CommandError):
    """Stopped by a signal: `ganlib <command>: <message>`, then exit status 128 + the signal's
    number (130 for Ctrl-C), as a shell reports a process that the signal ended."""

    def __init__(self, message: str, signum: int):
        super().__init__(message)
        self.status = 128 + signum


# argparse turns an ArgumentTypeError into one line naming the option.
def _number(text: str, kind: type):
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole number' if kind is int else 'number'}") from None


def count(text: str) -> int:
    """A whole number >= 0."""
    value = _number(text, int)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
    return value


def positive_int(text: str) -> int:
    """A whole number >= 1."""
    value = _number(text, int)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def number(text: str) -> float:
    return _number(text, float)


def weight(text: str) -> float:
    """A finite number >= 0."""
    value = _number(text, float)
    if not (value >= 0 and value != float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value
