"""`coursekit i18n ...`: the translator's commands (see coursekit.i18n for the list).

Exit status: 0 fine; 1 when what was checked has problems (lint errors, `status --strict` with a
page that is not fresh, an import that failed, no earlier English text for `diff`); 2 for a
usage error, printed as one line `coursekit: error: ...`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coursekit.translations.findings import FindingsError, UserError


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register `i18n` and its commands on a `coursekit` subparsers object."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, help="the repository root (default: the folder with mkdocs.yml at or above the current one)")

    i18n = subparsers.add_parser("i18n", help="translation status, diffs, import and checks",
                                 description="Translation status, English diffs, Co-op Translator import and pull request checks.")
    sub = i18n.add_subparsers(dest="i18n_command", required=True, metavar="COMMAND")

    status = sub.add_parser("status", parents=[common], help="a table of language x page: fresh, stale, untranslated, missing, orphaned, invalid")
    status.add_argument("--lang", action="append", help="only this language (repeatable)")
    status.add_argument("--json", action="store_true", help="print JSON for machines")
    status.add_argument("--markdown", action="store_true", help="print the table and next steps as Markdown (for a CI job summary)")
    status.add_argument("--strict", action="store_true",
                        help="exit 1 unless every page is fresh in every language that is not in progress (the release check)")
    status.set_defaults(func=run_status)

    diff = sub.add_parser("diff", parents=[common], help="what changed in English since a translation was made")
    diff.add_argument("lang")
    diff.add_argument("page", help="lessons/gan/index.md, docs/..., translations/<lang>/... or quiz/<id>.yml")
    diff.add_argument("-U", "--context", type=int, default=2, help="lines of context (default 2)")
    diff.add_argument("--unified", action="store_true", help="the classic unified diff instead of sections and words")
    diff.set_defaults(func=run_diff)

    imp = sub.add_parser("import", parents=[common], help="import Co-op Translator Markdown into translations/<lang>/")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--lang", help="the language (required when a file has no CO_OP_TRANSLATOR_METADATA)")
    imp.add_argument("--source", help="the page it translates: a path under docs/ or the original course's path")
    imp.add_argument("--source-blob", help="'current' if it follows today's English, or a 40-hex blob id (default: from original_hash)")
    imp.add_argument("--force", action="store_true", help="replace an existing translation")
    imp.add_argument("--dry-run", action="store_true", help="report what would be written, write nothing")
    imp.set_defaults(func=run_import)

    lint = sub.add_parser("lint", parents=[common], help="check translation files (what CI runs on pull requests)")
    lint.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders under translations/ (default: all)")
    lint.add_argument("--errors-only", action="store_true", help="leave warnings out")
    lint.add_argument("--format", choices=("text", "github"), default="text",
                      help="github: also print each finding as a workflow command, so it shows on the pull request's lines")
    lint.set_defaults(func=run_lint)

    new = sub.add_parser("new", parents=[common], help="start a translation: copy the English file with front matter")
    new.add_argument("lang")
    new.add_argument("page")
    new.add_argument("--force", action="store_true", help="start again, replacing the existing file")
    new.set_defaults(func=run_new)

    stamp = sub.add_parser("stamp", parents=[common], help="mark an updated translation as following today's English")
    stamp.add_argument("lang")
    stamp.add_argument("page")
    stamp.add_argument("--force", action="store_true", help="stamp although the file looks unchanged since the English changed")
    stamp.set_defaults(func=run_stamp)

    review = sub.add_parser("review", parents=[common], help="record that a native speaker reviewed a fresh translation")
    review.add_argument("lang")
    review.add_argument("page")
    review.add_argument("--by", required=True, help='the reviewer\'s name, as it should be credited, such as "Ana Novak"')
    review.set_defaults(func=run_review)

    add = sub.add_parser("add-language", parents=[common], help="add a language: its mkdocs.yml block and its language.yml")
    add.add_argument("code", help="the ISO 639-1 language code, such as nb")
    add.add_argument("--name", required=True, help='the language\'s name in itself, such as "Norsk bokmål"')
    add.add_argument("--decimal-mark", default=".", choices=(".", ","), help="how the language writes 1.76 (default .)")
    add.set_defaults(func=run_add_language)
    return i18n


def _fail(message: str, status: int) -> int:
    print(f"coursekit: error: {message}", file=sys.stderr)
    return status


def _repository(args):
    from coursekit.translations.layout import Layout
    from coursekit.translations.repository import Repository

    return Repository(Layout.find() if args.root is None else Layout.read(args.root))


def _usage_errors(run):
    """Turn a user-fixable problem into one line and exit status 2."""
    def wrapped(args) -> int:
        try:
            return run(args)
        except (UserError, FindingsError) as exc:
            return _fail(str(exc), 2)
    wrapped.__name__ = run.__name__
    return wrapped


@_usage_errors
def run_status(args) -> int:
    from coursekit.strings import Strings
    from coursekit.translations.status import FRESH, collect, render_summary, render_text, to_json

    repo = _repository(args)
    layout = repo.layout
    languages = [layout.check_language(lang) for lang in args.lang] if args.lang else None
    rows = collect(repo, languages)
    if args.json:
        print(to_json(rows))
    elif args.markdown:
        print(render_summary(rows, repo, Strings(repo), layout.names), end="")
    else:
        print(render_text(rows), end="")
    if args.strict:
        behind = [row for row in rows if row.state != FRESH and row.lang in layout.complete]
        if behind:
            if not args.json:
                print(f"coursekit: status --strict: {len(behind)} page(s) not fresh in languages that are not in progress", file=sys.stderr)
            return 1
    return 0


@_usage_errors
def run_diff(args) -> int:
    from coursekit.i18n.diff import NoEarlierText, english_diff

    repo = _repository(args)
    lang = repo.layout.check_language(args.lang)
    source = repo.layout.page_argument(lang, args.page)
    try:
        result = english_diff(repo, lang, source, context=max(args.context, 0), unified=args.unified)
    except NoEarlierText as exc:
        return _fail(str(exc), 1)
    if result.fresh:
        print(f"{result.translation.shown} is up to date with the English text (source_blob {result.translation.meta.source_blob[:12]})",
              file=sys.stderr)
        return 0
    sys.stdout.write(result.text)
    print(f"{result.added} line(s) added, {result.removed} removed in English since {result.translation.meta.translated.isoformat()}; "
          f"update {result.translation.shown}, then run `coursekit i18n stamp {lang} {source}`", file=sys.stderr)
    return 0


@_usage_errors
def run_import(args) -> int:
    from coursekit.i18n.importer import ImportFailure, ImportOptions, import_file, write_import

    repo = _repository(args)
    root = repo.layout.root
    if args.lang:
        repo.layout.check_language(args.lang)
    options = ImportOptions(lang=args.lang, source=args.source, source_blob=args.source_blob, force=args.force, dry_run=True)
    failed, claimed = 0, {}
    for path in args.files:
        try:
            result = import_file(root, path, options)
            dest = repo.layout.shown(result.dest)
            if dest in claimed:
                raise ImportFailure(f"{path}: {claimed[dest]} is imported to {dest} in this run already")
            if not args.dry_run:
                write_import(root, result, args.force)
        except ImportFailure as exc:
            print(f"coursekit: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        claimed[dest] = str(path)
        for note in result.notes:
            print(note, file=sys.stderr)
        print(f"{'would write' if args.dry_run else 'wrote'} {dest}")
    return 1 if failed else 0


@_usage_errors
def run_lint(args) -> int:
    from coursekit.lint import lint
    from coursekit.translations.findings import ERROR, errors

    findings = lint(_repository(args), args.paths or None)
    shown = [finding for finding in findings if finding.severity == ERROR] if args.errors_only else findings
    for finding in shown:
        print(finding)
        if args.format == "github":
            # https://docs.github.com/actions/reference/workflow-commands-for-github-actions
            message = str(finding).split(": ", 1)[1].replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            print(f"::{finding.severity} file={finding.path},line={finding.line}::{message}")
    found = errors(findings)
    warnings = len(findings) - len(found)
    files = len({finding.path for finding in findings})
    summary = f"{len(found)} error(s), {warnings} warning(s) in {files} file(s)" if findings else "translations OK"
    print(summary, file=sys.stderr)
    return 1 if found else 0


@_usage_errors
def run_new(args) -> int:
    from coursekit.i18n.scaffold import new_translation

    repo = _repository(args)
    lang = repo.layout.check_language(args.lang)
    path = new_translation(repo, lang, repo.layout.page_argument(lang, args.page), force=args.force)
    print(f"wrote {repo.layout.shown(path)}: translate it in place (until you do, status calls it untranslated)")
    return 0


@_usage_errors
def run_stamp(args) -> int:
    from coursekit.i18n.scaffold import stamp_translation

    repo = _repository(args)
    lang = repo.layout.check_language(args.lang)
    stamped = stamp_translation(repo, lang, repo.layout.page_argument(lang, args.page), force=args.force)
    for note in stamped.notes:
        print(note, file=sys.stderr)
    shown = repo.layout.shown(stamped.path)
    print(f"{shown} now follows today's English text" if stamped.changed else f"{shown} already follows today's English text")
    return 0


@_usage_errors
def run_review(args) -> int:
    from coursekit.i18n.review import review_translation

    repo = _repository(args)
    lang = repo.layout.check_language(args.lang)
    path = review_translation(repo, lang, repo.layout.page_argument(lang, args.page), args.by)
    print(f"{repo.layout.shown(path)}: reviewed by {' '.join(args.by.split())}; commit it with your corrections")
    return 0


@_usage_errors
def run_add_language(args) -> int:
    from coursekit.i18n.languages import add_language

    repo = _repository(args)
    written = add_language(repo.layout, args.code, args.name, args.decimal_mark)
    for path in written:
        print(f"wrote {repo.layout.shown(path)}")
    print(f"next: translate the titles under '- locale: {args.code}' in mkdocs.yml and the texts in "
          f"{repo.layout.shown(written[-1])}; start pages with `coursekit i18n new {args.code} PAGE` "
          f"(`coursekit i18n status --lang {args.code}` lists them). {args.code} is in progress: when every page is "
          f"translated, remove it from languages_in_progress in mkdocs.yml.", file=sys.stderr)
    return 0
