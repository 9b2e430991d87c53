"""`coursekit`: the course site's command line. Each command group lives in its own package and
registers itself with `add_parser(subparsers)`, setting `func(args) -> exit status`; adding a
group is one import and one entry in GROUPS.

Exit status: 0 fine, 1 the checked thing has problems (lint errors, `status --strict`, a failed
import), 2 a usage error, printed as one line `coursekit: error: ...`.
"""
from __future__ import annotations

import argparse
import sys

from coursekit.i18n import cli as i18n_cli
from coursekit.quiz import cli as quiz_cli

GROUPS = [i18n_cli, quiz_cli]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        """One line (argparse would print the whole usage first), exit status 2."""
        where = self.prog.removeprefix("coursekit").strip()
        self.exit(2, f"coursekit: error: {where + ': ' if where else ''}{message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="coursekit", description="Tools for the course site: translations and quizzes.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `coursekit i18n status | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
