"""The `ganlib` command: one subcommand per task, each delegating to its module.

Every error a user can fix (bad arguments, unreadable files, missing downloads) is one line in one
style, `ganlib train: error: ...`, naming the subcommand and the option, and exits with status 2.
"""
from __future__ import annotations

import argparse
import difflib
import sys

from ganlib import style_cli, train_cli, weights_cli
from ganlib.cliargs import CommandError, Interrupted

# Each command module names its subcommands in COMMANDS ({name: one-line help}) and registers them
# with add_arguments(subparsers), setting func(args) -> exit status; one that has a benchmark
# registers it under `ganlib bench` with add_bench_command(bench_subparsers). Adding a command
# module is one entry here.
COMMAND_MODULES = [
    train_cli,  # train, sample, evaluate, train-classifier; bench train
    style_cli,  # style; bench style
    weights_cli,  # weights get, weights list
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage plus the error; we keep one line
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _remember_parsers(subparsers) -> None:
    """Each subcommand's parser stores itself in the parsed arguments (the deepest one wins), so
    errors found after parsing carry its name and unknown options are matched against its options."""
    for parser in subparsers.choices.values():
        parser.set_defaults(parser=parser)


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
    _remember_parsers(sub)
    _remember_parsers(bench_sub)
    return parser


def _unrecognized(parser: argparse.ArgumentParser, extras: list[str]) -> str:
    """argparse's "unrecognized arguments" message, with the nearest option for a mistyped one
    (`--image_size` -> `--image-size`)."""
    options = [o for action in parser._actions for o in action.option_strings if o.startswith("--")]
    words = [w.split("=", 1)[0] for w in extras if w.startswith("-")]
    hints = []
    for word in words:
        close = difflib.get_close_matches(word.replace("_", "-").lower(), options, n=1, cutoff=0.6)
        if close:
            hints.append(f"did you mean {close[0]}?" if len(words) == 1 else f"{word}: did you mean {close[0]}?")
    return f"unrecognized arguments: {' '.join(extras)}" + "".join(f"; {h}" for h in hints)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(command=argv[0] if argv and not argv[0].startswith("-") else "")
    args, extras = parser.parse_known_args(argv)
    command_parser = getattr(args, "parser", parser)
    if extras:
        command_parser.error(_unrecognized(command_parser, extras))
    prog = command_parser.prog
    try:
        return int(args.func(args) or 0)
    except Interrupted as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return exc.status
    except CommandError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
