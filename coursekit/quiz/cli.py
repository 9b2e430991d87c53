"""`coursekit quiz ...`: check the quiz bank and its translations, export it for other apps.

    coursekit quiz validate [--root DIR]
    coursekit quiz export --format ai4b --out DIR [--lang da ...] [--root DIR]
    coursekit quiz export --format moodle --site-url URL --out DIR [--lang da ...] [--root DIR]

`validate` checks every English quiz file and every translation, with the same checks `coursekit
i18n lint` runs on quiz translations (links, HTML, encoding, front matter, ids), prints each problem
as `file:line: message` and exits with status 1 when any is an error (warnings alone, such as a
stale translation lacking a new question, exit 0). The same runs as `python -m coursekit.quiz.cli`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coursekit.quiz.bank import QuizBank
from coursekit.quiz.export import export_ai4b
from coursekit.quiz.moodle import export_moodle
from coursekit.quiz.schema import QuizError
from coursekit.translations.findings import UserError, errors, sort_findings
from coursekit.translations.layout import Layout
from coursekit.translations.repository import Repository


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register `quiz validate` and `quiz export` under a `coursekit` subparsers object; each
    sets `func(args) -> exit status`."""
    quiz = subparsers.add_parser("quiz", help="check and export the quiz bank", description=__doc__.splitlines()[0])
    sub = quiz.add_subparsers(dest="quiz_command", required=True)
    root_help = "the repository root (default: the folder with mkdocs.yml at or above the current one)"

    check = sub.add_parser("validate", help="check quiz/*.yml and translations/<lang>/quiz/*.yml")
    check.add_argument("--root", type=Path, help=root_help)
    check.set_defaults(func=run_validate)

    export = sub.add_parser("export", help="write the bank in another app's format")
    export.add_argument("--format", required=True, choices=("ai4b", "moodle"),
                        help="ai4b: the original course's quiz-app JSON (<lang>/lesson-<n>.json); "
                             "moodle: Moodle XML for a question bank (<lang>/<quiz>.xml)")
    export.add_argument("--out", required=True, type=Path, help="folder to write into")
    export.add_argument("--site-url", help="moodle: the published course site, e.g. https://example.org/gan-course/; "
                                           "links and pictures in the questions point there")
    export.add_argument("--lang", action="append", help="language to export (repeatable; default: every language of the site)")
    export.add_argument("--root", type=Path, help=root_help)
    export.set_defaults(func=run_export)
    return quiz


def _bank(args) -> QuizBank:
    layout = Layout.find(args.root) if args.root is None else Layout.read(args.root)
    return QuizBank(Repository(layout))


def run_validate(args) -> int:
    try:
        bank = _bank(args)
    except UserError as exc:
        print(f"coursekit: error: {exc}", file=sys.stderr)
        return 2
    findings = sort_findings(bank.validate())
    for finding in findings:
        print(finding, file=sys.stderr)
    found = errors(findings)
    if found:
        print(f"coursekit: {len(found)} quiz error(s)", file=sys.stderr)
        return 1
    print(f"quiz bank OK ({len(findings)} warning(s))" if findings else "quiz bank OK")
    return 0


def run_export(args) -> int:
    from coursekit.strings import Strings

    try:
        bank = _bank(args)
    except UserError as exc:
        print(f"coursekit: error: {exc}", file=sys.stderr)
        return 2
    if args.format == "moodle" and not args.site_url:
        print("coursekit: error: --format moodle needs --site-url URL (the published course site), so that the "
              "links and pictures in the questions work inside Moodle", file=sys.stderr)
        return 2
    problems = errors(bank.validate())
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("coursekit: error: the quiz bank has errors; nothing was exported", file=sys.stderr)
        return 1
    try:
        if args.format == "moodle":
            written, notes = export_moodle(bank, args.out, args.site_url, args.lang), []
        else:
            written, notes = export_ai4b(bank, Strings(bank.repo), args.out, args.lang)
    except QuizError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"coursekit: error: cannot write to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for path in written:
        print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coursekit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["quiz", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
