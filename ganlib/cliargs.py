"""What every `ganlib` command module shares: the one-line user error and the argparse types.

It imports nothing from ganlib, so any command module can import it at the top without an
import circle through `ganlib.cli`, which imports the command modules.
"""
from __future__ import annotations

import argparse


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


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
