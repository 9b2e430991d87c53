"""Old quiz addresses of the original course, kept working as static redirect pages.

The original course linked its quizzes as `/quiz/<n>` on a separate quiz app. For this lesson
`n` was 110 (pre) and 210 (post) in the first app (100 or 200 + lesson 10), and 19 and 20 in
the newer quiz hosting. Each bank file lists its numbers under `legacy.addresses`, so the
mapping is data (quiz/<id>.yml), not code. The site writes one small page per number and
language: `/quiz/19/` leads to `/quiz/gan-pre/`, `/da/quiz/19/` to `/da/quiz/gan-pre/`.
"""
from __future__ import annotations

import html

from coursekit.quiz.bank import QuizBank


def redirects(bank: QuizBank) -> dict[str, str]:
    """Legacy page path -> target page path, both relative to a language root:
    {"quiz/19/index.html": "quiz/gan-pre/", ...}. Raises QuizError for a broken bank file."""
    mapping = {}
    folder = bank.layout.quiz
    for quiz_id in bank.ids:
        for number in bank.quiz(quiz_id).legacy.addresses:
            mapping[f"{folder}/{number}/index.html"] = f"{folder}/{quiz_id}/"
    return dict(sorted(mapping.items()))


def relative_target(legacy_path: str, target_path: str) -> str:
    """The link from the legacy page to its target, relative, so that it stays in the same
    language folder: ("quiz/19/index.html", "quiz/gan-pre/") -> "../../quiz/gan-pre/"."""
    depth = legacy_path.count("/")  # folders between the language root and the page
    return "../" * depth + target_path


def redirect_html(target_url: str, lang: str, strings, canonical_url: str | None = None) -> str:
    """A small static page that sends the reader to `target_url` at once (meta refresh), names
    the target as the canonical address (`canonical_url` when given, best absolute), and shows
    a link for anyone whose browser does not follow. No scripts, styles or other resources."""
    url = html.escape(target_url, quote=True)
    canonical = html.escape(canonical_url or target_url, quote=True)
    title = html.escape(strings.ui("quiz", lang, "redirect_title"))
    link = html.escape(strings.ui("quiz", lang, "redirect_link"))
    return (
        "<!doctype html>\n"
        f'<html lang="{html.escape(lang, quote=True)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={url}">\n'
        f'<link rel="canonical" href="{canonical}">\n'
        '<meta name="robots" content="noindex">\n'
        "</head>\n"
        "<body>\n"
        f"<h1>{title}</h1>\n"
        f'<p><a href="{url}">{link}</a></p>\n'
        "</body>\n"
        "</html>\n"
    )


def redirect_pages(bank: QuizBank, strings, site_url: str | None = None) -> dict[str, str]:
    """Every redirect page of the site: output path under site/ -> HTML. English pages sit at
    the root, other languages under <lang>/, each pointing at the quiz in its own language.
    The refresh and the link are relative (they work on any host); with `site_url` the
    canonical link is absolute."""
    pages = {}
    layout = bank.layout
    for legacy_path, target in redirects(bank).items():
        for lang in layout.locales:
            prefix = "" if lang == layout.default_language else f"{lang}/"
            canonical = f"{site_url.rstrip('/')}/{prefix}{target}" if site_url else None
            pages[prefix + legacy_path] = redirect_html(relative_target(legacy_path, target), lang, strings, canonical)
    return pages
