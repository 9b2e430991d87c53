"""A quiz as a page: Markdown with the quiz's form as HTML, for MkDocs (md_in_html) to finish.

The page is Markdown so that the build treats it like any other page: explanations and the
link back to the lesson stay Markdown inside `markdown="1"` blocks, and MkDocs and
static-i18n rewrite and check their links for each language. Question and option texts are
one-line inline Markdown, rendered here because they sit inside form controls.

The answer key travels with the page (a JSON script tag) so that quiz.js can give feedback
offline; nothing is ever sent anywhere, and progress is kept in localStorage under
`coursekit-quiz:<quiz id>:<lang>`.
"""
from __future__ import annotations

import hashlib
import html
import json

import markdown

from coursekit.quiz.localize import LocalizedQuestion, LocalizedQuiz
from coursekit.translations.layout import suffixed

# The strings quiz.js needs at run time (the rest are written into the page here).
JS_STRINGS = ("correct", "wrong", "choose_first", "progress", "score", "reset_done")


def storage_key(quiz_id: str, lang: str) -> str:
    return f"coursekit-quiz:{quiz_id}:{lang}"


def fingerprint(quiz: LocalizedQuiz) -> str:
    """Changes when questions, options or the answer key change, so that quiz.js can drop
    progress saved for an older version of the quiz."""
    shape = [(q.id, q.type, [oid for oid, _ in q.options], sorted(q.correct)) for q in quiz.questions]
    return hashlib.sha1(json.dumps(shape).encode()).hexdigest()[:12]


def render_markdown(quiz: LocalizedQuiz, strings) -> str:
    """The page's Markdown; `strings` is the repository's coursekit.strings.Strings."""
    lang = quiz.lang
    ui = lambda lang, key, **values: strings.ui("quiz", lang, key, **values)  # noqa: E731
    parts = [f"# {quiz.title}", ""]
    if quiz.intro:
        parts += [quiz.intro, ""]
    total = len(quiz.questions)
    parts += [
        f'<div class="ck-quiz" id="ck-{quiz.id}" data-quiz="{quiz.id}" data-lang="{_attr(lang)}" markdown="1">',
        f'<script type="application/json" class="ck-quiz-data">{_json_for_script(_data(quiz, strings))}</script>',
        f'<noscript><p class="ck-noscript">{_esc(ui(lang, "noscript"))}</p></noscript>',
        f'<p class="ck-note">{_esc(ui(lang, "privacy"))}</p>',
    ]
    for number, question in enumerate(quiz.questions, 1):
        parts += _question(quiz, question, number, total, ui)
    parts += [
        '<div class="ck-summary">',
        f'<p class="ck-progress">{_esc(ui(lang, "progress", answered=0, total=total))}</p>',
        '<p class="ck-score" role="status" aria-live="polite"></p>',
        f'<button type="button" class="md-button ck-reset">{_esc(ui(lang, "start_over"))}</button>',
        "</div>",
        "</div>",
        "",
    ]
    if quiz.lesson:
        parts += [f"[{ui(lang, 'back_to_lesson')}]({quiz.lesson})", ""]
    return "\n".join(parts)


def _question(quiz: LocalizedQuiz, question: LocalizedQuestion, number: int, total: int, ui) -> list[str]:
    lang = quiz.lang
    base = f"ck-{quiz.id}-{question.id}"
    control = "checkbox" if question.type == "multiple" else "radio"
    lines = [
        f'<form class="ck-question" id="{base}" data-question="{question.id}" data-type="{question.type}" markdown="1">',
        # markdown="1" so that a picture's Markdown image gets its address checked and rewritten
        # for each language like any other image of the site.
        f'<fieldset aria-describedby="{base}-hint" markdown="1">',
        f'<legend><span class="ck-qnum">{_esc(ui(lang, "question_n_of_m", n=number, m=total))}</span> '
        f'<span class="ck-qtext">{_inline(question.text)}</span></legend>',
        *_exhibits(question),
        f'<p class="ck-hint" id="{base}-hint">{_esc(ui(lang, "hint_" + question.type))}</p>',
        '<div class="ck-options">',
    ]
    labels = {}
    for option_id, text in question.options:
        label = _esc(ui(lang, option_id)) if question.type == "truefalse" else _inline(text)
        labels[option_id] = label
        lines.append(
            f'<div class="ck-option"><input type="{control}" name="{base}" id="{base}-{option_id}" value="{option_id}">'
            f'<label for="{base}-{option_id}">{label}</label></div>'
        )
    lines += [
        "</div>",
        "</fieldset>",
        '<div class="ck-actions">'
        f'<button type="submit" class="md-button md-button--primary ck-check">{_esc(ui(lang, "check"))}</button>'
        f'<button type="button" class="md-button ck-retry" hidden>{_esc(ui(lang, "try_again"))}</button>'
        "</div>",
        # The live region is always in the page (an inserted one is not reliably announced);
        # quiz.js fills the verdict and shows the explanation inside it.
        '<div class="ck-feedback" aria-live="polite" aria-atomic="true" markdown="1">',
        '<p class="ck-verdict"></p>',
        # What each wrong option gets right and wrong; quiz.js shows the ones the learner chose.
        *[line for option_id, text in question.feedback for line in (
            f'<div class="ck-option-feedback" data-option="{option_id}" hidden markdown="1">', "",
            f'<span class="ck-option-name">{labels[option_id]}</span>: {text}', "", "</div>")],
        '<div class="ck-explanation" hidden markdown="1">',
        "",
        question.explanation,
        "",
        "</div>",
        "</div>",
        "</form>",
    ]
    return lines


def _exhibits(question: LocalizedQuestion) -> list[str]:
    """The picture and the code listing a question asks about, between the question and its options."""
    lines = []
    if question.image:
        alt = question.alt.replace("[", "\\[").replace("]", "\\]")
        lines += ['<div class="ck-figure" markdown="1">', "", f"![{alt}]({question.image})", "", "</div>"]
    if question.code:
        lines.append(f'<pre class="ck-code"><code>{_esc(question.code)}</code></pre>')
    return lines


def _data(quiz: LocalizedQuiz, strings) -> dict:
    return {
        "quiz": quiz.id,
        "lang": quiz.lang,
        "storageKey": storage_key(quiz.id, quiz.lang),
        "fingerprint": fingerprint(quiz),
        "questions": {q.id: {"type": q.type, "correct": sorted(q.correct)} for q in quiz.questions},
        "strings": {key: value for key, value in strings.strings("quiz", quiz.lang).items() if key in JS_STRINGS},
    }


def _json_for_script(data: dict) -> str:
    # Inside <script>, "</" would end the element; escaped this way the JSON stays valid.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _inline(text: str) -> str:
    """One line of inline Markdown as HTML (emphasis, code), without the paragraph around it.
    Raw HTML is shown as text, never passed through: question and option texts are contributed
    text inside form controls, and a <script> there must not reach the page."""
    rendered = _TEXT_ONLY.reset().convert(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>"):
        rendered = rendered[3:-4]
    return rendered.replace("\n", " ")


def _text_only_markdown() -> markdown.Markdown:
    md = markdown.Markdown()
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_TEXT_ONLY = _text_only_markdown()


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def pages(site) -> dict[str, str]:
    """Every quiz page in every language, by the name static-i18n knows it (`quiz/gan-pre.md`,
    `quiz/gan-pre.da.md`, ...) -> its Markdown (a page provider for the plugin; see coursekit.site).
    Languages without a translation get the English text with their own interface strings."""
    layout = site.repo.layout
    found = {}
    for quiz_id in site.quizzes.ids:
        rel = f"{layout.quiz}/{quiz_id}.md"
        for lang in layout.locales:
            found[rel if lang == layout.default_language else suffixed(rel, lang)] = render_markdown(site.quizzes.localized(quiz_id, lang), site.strings)
    return found
