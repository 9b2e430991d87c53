"""`coursekit i18n ...`: the translator's commands (see coursekit.i18n for the list).

Exit status: 0 fine; 1 when what was checked has problems (lint errors, `status --strict` with
anything but fresh, an import that failed, no earlier English text for `diff`); 2 for a usage
error, printed as one line `coursekit: error: ...`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coursekit.frontmatter import TranslationError


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register `i18n` and its commands on a `coursekit` subparsers object."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, help="the repository root (default: the folder with mkdocs.yml at or above the current one)")

    i18n = subparsers.add_parser("i18n", help="translation status, diffs, import and checks",
                                 description="Translation status, English diffs, Co-op Translator import and pull request checks.")
    sub = i18n.add_subparsers(dest="i18n_command", required=True, metavar="COMMAND")

    status = sub.add_parser("status", parents=[common], help="a table of language x page: fresh, stale, missing, orphaned, invalid")
    status.add_argument("--lang", action="append", help="only this language (repeatable)")
    status.add_argument("--json", action="store_true", help="print JSON for machines")
    status.add_argument("--markdown", action="store_true", help="print the table as Markdown (for a CI job summary)")
    status.add_argument("--strict", action="store_true", help="exit 1 unless every page is fresh in every language")
    status.set_defaults(func=run_status)

    diff = sub.add_parser("diff", parents=[common], help="what changed in English since a translation was made")
    diff.add_argument("lang")
    diff.add_argument("page", help="lessons/gan/index.md, docs/..., translations/<lang>/... or quiz/<id>.yml")
    diff.add_argument("-U", "--context", type=int, default=3, help="lines of context (default 3)")
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
    stamp.set_defaults(func=run_stamp)
    return i18n


def _fail(message: str, status: int) -> int:
    print(f"coursekit: error: {message}", file=sys.stderr)
    return status


def _root(args) -> Path:
    from coursekit.i18n.site import find_root

    return find_root(args.root) if args.root is None else _checked_root(args.root)


def _checked_root(root: Path) -> Path:
    from coursekit.i18n.site import I18nError

    if not (root / "mkdocs.yml").is_file():
        raise I18nError(f"{root} has no mkdocs.yml; --root must be the course repository's root")
    return root.resolve()


def _usage_errors(run):
    """Turn a user-fixable problem into one line and exit status 2."""
    def wrapped(args) -> int:
        from coursekit.i18n.site import I18nError

        try:
            return run(args)
        except (I18nError, TranslationError) as exc:
            return _fail(str(exc), 2)
    wrapped.__name__ = run.__name__
    return wrapped


@_usage_errors
def run_status(args) -> int:
    from coursekit.i18n.site import check_language
    from coursekit.i18n.site import languages as site_languages
    from coursekit.i18n.status import FRESH, collect, render_markdown, render_text, to_json

    root = _root(args)
    languages = [check_language(root, lang) for lang in args.lang] if args.lang else None
    rows = collect(root, languages)
    if args.json:
        print(to_json(rows))
    elif args.markdown:
        names = {lang.locale: lang.name for lang in site_languages(root)}
        print(render_markdown(rows, "en", names), end="")
    else:
        print(render_text(rows), end="")
    if args.strict and any(row.state != FRESH for row in rows):
        if not args.json:
            print("coursekit: status --strict: not every translation is fresh", file=sys.stderr)
        return 1
    return 0


@_usage_errors
def run_diff(args) -> int:
    from coursekit.i18n.diff import NoEarlierText, english_diff
    from coursekit.i18n.site import check_language, page_argument

    root = _root(args)
    lang = check_language(root, args.lang)
    source = page_argument(root, lang, args.page)
    try:
        result = english_diff(root, lang, source, context=max(args.context, 0))
    except NoEarlierText as exc:
        return _fail(str(exc), 1)
    if result.fresh:
        print(f"translations/{lang}/{source} is up to date with the English text (source_blob {result.meta.source_blob[:12]})", file=sys.stderr)
        return 0
    sys.stdout.write(result.text)
    print(f"{result.added} line(s) added, {result.removed} removed in English since {result.meta.translated.isoformat()}", file=sys.stderr)
    return 0


@_usage_errors
def run_import(args) -> int:
    from coursekit.i18n.importer import ImportFailure, ImportOptions, import_file, write_import
    from coursekit.i18n.site import check_language

    root = _root(args)
    if args.lang:
        check_language(root, args.lang)
    options = ImportOptions(lang=args.lang, source=args.source, source_blob=args.source_blob, force=args.force, dry_run=True)
    failed, claimed = 0, {}
    for path in args.files:
        try:
            result = import_file(root, path, options)
            dest = result.dest.relative_to(root).as_posix()
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
    from coursekit.i18n.lint import ERROR, errors, lint

    root = _root(args)
    findings = lint(root, args.paths or None)
    shown = [finding for finding in findings if finding.level == ERROR] if args.errors_only else findings
    for finding in shown:
        print(finding)
        if args.format == "github":
            # https://docs.github.com/actions/reference/workflow-commands-for-github-actions
            message = finding.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            print(f"::{finding.level} file={finding.path},line={finding.line}::{message}")
    found = errors(findings)
    warnings = len(findings) - len(found)
    files = len({finding.path for finding in findings})
    summary = f"{len(found)} error(s), {warnings} warning(s) in {files} file(s)" if findings else "translations OK"
    print(summary, file=sys.stderr)
    return 1 if found else 0


@_usage_errors
def run_new(args) -> int:
    from coursekit.i18n.scaffold import new_translation
    from coursekit.i18n.site import check_language, page_argument

    root = _root(args)
    lang = check_language(root, args.lang)
    path = new_translation(root, lang, page_argument(root, lang, args.page), force=args.force)
    print(f"wrote {path.relative_to(root).as_posix()}: translate it in place")
    return 0


@_usage_errors
def run_stamp(args) -> int:
    from coursekit.i18n.scaffold import stamp_translation
    from coursekit.i18n.site import check_language, page_argument

    root = _root(args)
    lang = check_language(root, args.lang)
    path, changed = stamp_translation(root, lang, page_argument(root, lang, args.page))
    shown = path.relative_to(root).as_posix()
    print(f"{shown} now follows today's English text" if changed else f"{shown} already follows today's English text")
    return 0
