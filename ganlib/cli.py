"""The `ganlib` command: one subcommand per task, each delegating to its module.

Errors a user can fix (bad arguments, unreadable files, missing downloads) print one line,
`ganlib: error: ...`, and exit with status 2.
"""
from __future__ import annotations

import argparse
import sys


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


# -- argument types shared by the subcommands: argparse turns their errors into one line ----------
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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage plus the error; we keep one line
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ganlib", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    # Each task module adds its own subcommand(s): add_arguments(sub) -> sets func=run.
    # (train/sample/evaluate/bench train: ganlib.train_cli; style/bench style: ganlib.style_cli;
    # weights: ganlib.weights_cli; render: ganlib.render)
    from ganlib import render, style_cli, train_cli, weights_cli

    train_cli.add_arguments(sub)
    style_cli.add_arguments(sub)
    weights_cli.add_arguments(sub)
    render.add_arguments(sub)
    bench = sub.add_parser("bench", help="speed benchmarks, each against a baseline measured in the same run")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True, parser_class=_Parser)
    train_cli.add_bench_command(bench_sub)
    style_cli.add_bench_command(bench_sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"ganlib: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ganlib: interrupted", file=sys.stderr)
        return 130
