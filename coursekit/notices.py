"""The notices a translated page shows its readers above its text (the plugin places them):

- the stale banner: the translation follows an older English text. It says when it was
  translated, how many English lines changed since, and links the English page, the "help
  translate" page and that change on the repository host (a commit, or a comparison of the
  commits between; built from `repo_url`);
- the review note: a translation no native speaker has reviewed yet (see
  coursekit.translations.repository) says that the course team translated it, and invites a
  review. Readers can hide it; the choice is kept in the browser (localStorage, per language),
  so hiding it sends nothing anywhere.
"""
from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass

import markdown

from coursekit.translations import freshness
from coursekit.translations.git import GitError
from coursekit.translations.repository import Repository, TranslationFile

# Inside the note: removes it when the reader hid it before; its button hides it for good.
_DISMISS_SCRIPT = (
    "<script>(function(){var note=document.currentScript.parentElement,key=note.dataset.dismissKey;"
    "try{if(localStorage.getItem(key)){note.remove();return}}catch(e){}"
    "note.querySelector('button').addEventListener('click',function(){"
    "try{localStorage.setItem(key,'hidden')}catch(e){}note.remove()})})();</script>"
)


@dataclass(frozen=True)
class EnglishChange:
    lines: int | None  # English lines added and removed since the translation; None: unknown
    url: str | None  # that change on the repository host; None: no repo_url, or not committed


def english_change(repo: Repository, translation: TranslationFile, repo_url: str | None) -> EnglishChange:
    """What changed in English since a stale translation was made, as far as git history tells."""
    source, blob = translation.source, translation.meta.source_blob
    try:
        then = repo.english_then(translation.meta)
    except GitError:
        return EnglishChange(None, None)
    lines = None
    if then is not None:
        added, removed = freshness.count_changes(freshness.translator_text(then, source),
                                                 freshness.translator_text(repo.english(source).raw, source))
        lines = added + removed
    return EnglishChange(lines, change_url(repo, repo.layout.english_rel(source), blob, repo_url))


def change_url(repo: Repository, english_rel: str, blob: str, repo_url: str | None) -> str | None:
    """The English file's changes since it was `blob`, on the repository host: the one commit that
    changed it, or the comparison from before the first change to the last. None when there is no
    repo_url or the change is not committed."""
    if not repo_url:
        return None
    history = repo.history
    try:
        first = history.changed_away(english_rel, blob)
        last = history.last_commit(english_rel)
        before = history.parent(first) if first is not None and first != last else None
    except GitError:
        return None
    if first is None or last is None:
        return None
    base = repo_url.rstrip("/") + ("/-" if "gitlab" in repo_url else "")  # GitLab's paths carry a /-/
    anchor = "#diff-" + hashlib.sha256(english_rel.encode()).hexdigest()  # the file's place in the diff
    if before is None:
        return f"{base}/commit/{first}{anchor}"
    return f"{base}/compare/{before}...{last}{anchor}"


def stale_banner(ui, date: str, english_url: str, help_url: str, change: EnglishChange) -> str:
    """The "older translation" banner; `ui(key, **values)` gives the page language's strings."""
    text = ui("stale_body", date=date, english_url=english_url, help_url=help_url)
    if change.lines is not None:
        text += " " + ui("stale_changes", n=change.lines)
    if change.url is not None:
        text += " " + ui("stale_change_link", change_url=change.url)
    return admonition("warning", ui("stale_title"), text)


def review_note(ui, lang: str, language: str, help_url: str) -> str:
    """The small note on a translation no native speaker has reviewed, with its "hide" button."""
    body = markdown.markdown(ui("review_body", language=language, help_url=help_url))
    # data-search-exclude: Material's search leaves the note out of every page's indexed text.
    return (f'<div class="admonition note coursekit-notice coursekit-review-note" role="note" data-search-exclude '
            f'data-dismiss-key="coursekit-review-note-{html.escape(lang)}">'
            f'<p class="admonition-title">{html.escape(ui("review_title"))}</p>{body}'
            f'<button type="button" class="md-button coursekit-dismiss">{html.escape(ui("review_dismiss"))}</button>'
            f'{_DISMISS_SCRIPT}</div>\n')


def admonition(kind: str, title: str, body_markdown: str) -> str:
    body = markdown.markdown(body_markdown)
    return (
        f'<div class="admonition {kind} coursekit-notice" role="note">'
        f'<p class="admonition-title">{title}</p>{body}</div>\n'
    )
