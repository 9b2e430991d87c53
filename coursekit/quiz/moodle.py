"""Export a quiz as Moodle XML, for teachers who run the quizzes in their own learning platform.

One file per quiz and language, `<lang>/<quiz id>.xml`, importable through Moodle's question bank
(Import, format "Moodle XML"); the quiz lands in a category named after it. A single or true/false
question becomes a multichoice or truefalse question, a multiple one a multichoice question that
allows several answers: each correct option earns an equal share, each wrong one takes an equal
share away. The explanation becomes the general feedback and each option's feedback its answer
feedback, so a learner in Moodle reads what a learner on the site reads.

Links and pictures on the site are relative to the quiz page; inside Moodle they must point at the
published site, so the export needs its address (`site_url`) and writes absolute ones.
"""
from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import markdown

from coursekit.atomic import write_text_atomic
from coursekit.quiz.bank import QuizBank
from coursekit.quiz.localize import LocalizedQuestion, LocalizedQuiz

_ADDRESS = re.compile(r'(href|src)="([^"#:]*)(#[^"]*)?"')


def fraction(share: float) -> str:
    """A grade percentage as Moodle writes it (Moodle only accepts the fractions of its own list,
    which include every 100/n for n up to 10, written with five decimals)."""
    text = f"{share:.5f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


class Addresses:
    """Turns the site-relative links of one language's quiz page into absolute addresses."""

    def __init__(self, site_url: str, lang: str, default_language: str, quiz_dir: str):
        self.root = site_url.rstrip("/") + "/"
        self.prefix = "" if lang == default_language else f"{lang}/"
        self.page_dir = quiz_dir  # quiz pages are <quiz_dir>/<id>.md in the docs tree

    def absolute(self, html: str) -> str:
        return _ADDRESS.sub(self._replace, html)

    def _replace(self, match: re.Match) -> str:
        attribute, path, anchor = match.group(1), match.group(2), match.group(3) or ""
        if not path:  # an anchor on the same page: there is no such page in Moodle
            return match.group(0)
        target = posixpath.normpath(posixpath.join(self.page_dir, path))
        if target.endswith(".md"):  # a page: its directory address, in this language
            page = target[:-3]
            page = page[: -len("index")] if page.endswith("index") else page + "/"
            url = urljoin(self.root, self.prefix + page)
        else:  # a picture or a file: one copy for every language
            url = urljoin(self.root, target)
        return f'{attribute}="{url}{anchor}"'


def _html(text: str, addresses: Addresses) -> str:
    return addresses.absolute(markdown.markdown(text, extensions=["attr_list"]))


def _text(parent: ET.Element, tag: str, html: str, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html", **attributes})
    ET.SubElement(element, "text").text = html
    return element


def _question(quiz: LocalizedQuiz, question: LocalizedQuestion, addresses: Addresses) -> ET.Element:
    kind = "truefalse" if question.type == "truefalse" else "multichoice"
    element = ET.Element("question", {"type": kind})
    ET.SubElement(ET.SubElement(element, "name"), "text").text = f"{quiz.id}: {question.id}"
    body = _html(question.text, addresses)
    if question.image:
        body += addresses.absolute(f'<p><img src="{question.image}" alt="{html.escape(question.alt or "")}"></p>')
    if question.code:
        body += f"<pre><code>{html.escape(question.code, quote=False)}</code></pre>"
    _text(element, "questiontext", body)
    _text(element, "generalfeedback", _html(question.explanation, addresses))
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "idnumber").text = f"{quiz.id}/{question.id}"
    if kind == "multichoice":
        ET.SubElement(element, "single").text = "false" if question.type == "multiple" else "true"
        ET.SubElement(element, "shuffleanswers").text = "true"
        ET.SubElement(element, "answernumbering").text = "abc"
    feedback = dict(question.feedback)
    right = len(question.correct)
    wrong = len(question.options) - right
    for option_id, text in question.options:
        if question.type == "multiple":
            share = 100 / right if option_id in question.correct else -100 / wrong
        else:
            share = 100 if option_id in question.correct else 0
        label = option_id if kind == "truefalse" else _html(text, addresses)  # Moodle reads "true"/"false"
        answer = _text(element, "answer", label, fraction=fraction(share))
        if kind == "truefalse":
            answer.set("format", "moodle_auto_format")
        _text(answer, "feedback", _html(feedback[option_id], addresses) if option_id in feedback else "")
    return element


def quiz_xml(quiz: LocalizedQuiz, addresses: Addresses) -> str:
    root = ET.Element("quiz")
    category = ET.SubElement(root, "question", {"type": "category"})
    ET.SubElement(ET.SubElement(category, "category"), "text").text = f"$course$/{quiz.title}"
    for question in quiz.questions:
        root.append(_question(quiz, question, addresses))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def export_moodle(bank: QuizBank, out_dir: Path, site_url: str, languages: list[str] | None = None) -> list[Path]:
    """Write `<out_dir>/<lang>/<quiz id>.xml` for every quiz and language. Returns the paths."""
    layout = bank.layout
    written = []
    for lang in languages or layout.locales:
        addresses = Addresses(site_url, lang, layout.default_language, layout.quiz)
        for quiz_id in bank.ids:
            path = Path(out_dir) / lang / f"{quiz_id}.xml"
            write_text_atomic(path, quiz_xml(bank.localized(quiz_id, lang), addresses), overwrite=True)
            written.append(path)
    return written

