"""`coursekit`: the course site's command line. Each command group lives in its own package and
registers itself with `add_parser(subparsers)`, setting `func(args) -> exit status`; adding a
group is one entry in GROUPS.

Exit status: 0 fine, 1 the checked thing has problems (lint errors, `status --strict`, a failed
import), 2 a usage error, printed as one line `coursekit: error: ...`.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# (command, module with add_parser, what it is for). Modules are imported when the parser is
# built; one whose dependencies are missing still shows up and says what to install, so that
# `coursekit i18n ...` keeps working with pyyaml alone (the translations CI job).
GROUPS = [
    ("i18n", "coursekit.i18n.cli", "translation status, diffs, import and checks"),
    ("quiz", "coursekit.quiz.cli", "check and export the quiz bank"),
    ("render", "coursekit.render.cli", "execute the notebooks and publish their outputs"),
    ("colab", "coursekit.colab", "the notebooks \"Open in Colab\" opens"),
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        """One line (argparse would print the whole usage first), exit status 2."""
        where = self.prog.removeprefix("coursekit").strip()
        self.exit(2, f"coursekit: error: {where + ': ' if where else ''}{message} (see `{self.prog} --help`)\n")


def _unavailable(name: str, help_text: str, missing: str):
    def add_parser(subparsers):
        group = subparsers.add_parser(name, help=f"{help_text} (unavailable: needs {missing})", add_help=False)
        group.add_argument("rest", nargs=argparse.REMAINDER)
        group.set_defaults(func=lambda args: _fail(f"`coursekit {name}` needs the Python package '{missing}': "
                                                   f"pip install -e '.[site]'"))
    return add_parser


def _fail(message: str) -> int:
    print(f"coursekit: error: {message}", file=sys.stderr)
    return 2


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="coursekit", description="Tools for the course site: translations, quizzes and notebook rendering.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module, help_text in GROUPS:
        try:
            add_parser = importlib.import_module(module).add_parser
        except ModuleNotFoundError as exc:
            if exc.name is None or exc.name.split(".")[0] == "coursekit":
                raise
            add_parser = _unavailable(name, help_text, exc.name.split(".")[0])
        add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `coursekit i18n status | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
