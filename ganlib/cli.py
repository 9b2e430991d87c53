"""The `ganlib` command: one subcommand per task, each delegating to its module.

Errors a user can fix (bad arguments, unreadable files, missing downloads) print one line,
`ganlib: error: ...`, and exit with status 2.
"""
from __future__ import annotations

import argparse
import sys

from ganlib import render, style_cli, train_cli, weights_cli
from ganlib.cliargs import UsageError

# Each command module names its subcommands in COMMANDS ({name: one-line help}) and registers them
# with add_arguments(subparsers), setting func(args) -> exit status; one that has a benchmark
# registers it under `ganlib bench` with add_bench_command(bench_subparsers). Adding a command
# module is one entry here.
COMMAND_MODULES = [
    train_cli,  # train, sample, evaluate, train-classifier; bench train
    style_cli,  # style; bench style
    weights_cli,  # weights get, weights list
    render,  # render (maintainers)
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage plus the error; we keep one line
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole `ganlib` parser; with `command`, only that command's options are built ("": none).

    Building a command's options imports what they are made from (for most, PyTorch, which takes
    seconds to load); the other commands are still listed, with their help line, so `ganlib --help`,
    `ganlib train --help` and a mistyped command read as usual.
    """
    parser = _Parser(prog="ganlib", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in COMMAND_MODULES:
        if command is None or command in module.COMMANDS:
            module.add_arguments(sub)
        else:
            for name, text in module.COMMANDS.items():
                sub.add_parser(name, help=text)
    bench = sub.add_parser("bench", help="speed benchmarks, each against a baseline measured in the same run")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True, parser_class=_Parser)
    for module in COMMAND_MODULES:
        if command in (None, "bench") and hasattr(module, "add_bench_command"):
            module.add_bench_command(bench_sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(command=argv[0] if argv and not argv[0].startswith("-") else "")
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"ganlib: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ganlib: interrupted", file=sys.stderr)
        return 130
