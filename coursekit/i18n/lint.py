"""The checks every pull request's translations must pass. Each finding is `file:line: message`
(warnings say `warning:` after the line number); errors fail CI, warnings do not.

Per file under translations/<lang>/:
- encoding: valid UTF-8, no byte-order mark, no Mac Roman mojibake signature;
- front matter: present and valid, `source` is the file's own path, the English source exists;
  `source_blob` is in git history (warning otherwise: `diff` cannot help the next translator);
- links and images: relative targets exist on the site (a docs/ file or a page the plugin
  builds), `#anchors` exist in the page as shown in that language, no absolute `/paths`;
- same shape as the English text it was translated from (the blob in `source_blob`, so an
  English change does not fail every translation at once): headings (levels in order, explicit
  `{#id}`s kept) and fenced code blocks (count, language; code beyond comments: warning);
- no unsafe HTML in contributed text: <script>, <iframe>, <frame>, <object>, <embed>, <applet>,
  <base>, <meta>, <link>, <form>, any <style> element (it can hide or restyle anything on the
  page), `on*=` event attributes (in tags or `{ attribute lists }`), `javascript:`/`vbscript:`
  and non-image `data:` URLs, inline styles that hide text;
- notebooks: code cells the same as the English ones; no outputs (warning: the site shows the English outputs);
- result placeholders: the `{{ result RUN KEY }}` values of the English text, no more, no fewer;
- glossary (warning): a glossary term the English text uses should appear in the
  language's own words (translations/<lang>/glossary.yml).
"""
from __future__ import annotations

import html
import json
import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import yaml

from coursekit import results
from coursekit.frontmatter import TranslationError, TranslationMeta, read_translation_meta, split_markdown
from coursekit.gitblob import GitError, read_blob
from coursekit.i18n import mdscan
from coursekit.i18n.diff import NULL_BLOB, cell_source, english_then
from coursekit.i18n.mojibake import signatures
from coursekit.i18n.site import (
    DOCS, TRANSLATIONS, TRANSLATION_SUFFIXES, english_rel, english_sources, generated_pages, is_quiz,
    translated_languages, translation_path,
)

ERROR, WARNING = "error", "warning"
MAX_MOJIBAKE_LINES = 5
_UNSAFE_TAG = re.compile(r"<\s*(script|iframe|frame|frameset|object|embed|applet|base|meta|link|form|style)\b", re.I)
_ATTR_LIST_EVENT = re.compile(r"\{:?[^{}\n]*?\bon[a-z]+\s*=[^{}\n]*\}", re.I)
_ATTR_LIST_STYLE = re.compile(r"\{:?[^{}\n]*?\bstyle\s*=\s*(\"[^\"]*\"|'[^']*')[^{}\n]*\}", re.I)
_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0*(?:\.0+)?\s*(?:;|$|!)|font-size\s*:\s*0+(?:px|em|rem|%)?\s*(?:;|$|!)"
    r"|(?:height|width|max-height|max-width)\s*:\s*0+(?:px|em|rem|%)?\s*(?:;|$|!)|text-indent\s*:\s*-\d"
    r"|(?:left|top|right)\s*:\s*-\d{3,}|clip(?:-path)?\s*:",
    re.I,
)
_SAFE_DATA = re.compile(r"data:image/(?:png|jpeg|jpg|gif|webp|avif);", re.I)
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|--|%)")
_TRAILING_COMMENT = re.compile(r"\s+#\s.*$")
LABELS = "assets/diagrams/labels.yml"


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str
    level: str = ERROR

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {'' if self.level == ERROR else self.level + ': '}{self.message}"


def errors(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.level == ERROR]


def lint(root: Path, paths: list[Path] | None = None) -> list[Finding]:
    """Findings for every translation file (or those under `paths`), sorted by file and line."""
    root = Path(root).resolve()
    checker = _Checker(root)
    findings: list[Finding] = []
    for lang, rel, path in _files(root, paths, findings):
        findings += checker.check(lang, rel, path)
    return sorted(findings, key=lambda finding: (finding.path, finding.line))  # stable: source order within a line


def _files(root: Path, paths: list[Path] | None, findings: list[Finding]):
    base = root / TRANSLATIONS
    known = translated_languages(root)
    wanted = [Path(p).resolve() for p in paths] if paths else [base]
    seen = set()
    for start in wanted:
        candidates = sorted(p for p in start.rglob("*") if p.is_file()) if start.is_dir() else [start]
        for path in candidates:
            try:
                lang, *rest = path.relative_to(base).parts
            except ValueError:
                continue  # not a translation (an English file in the same pull request, say)
            if not rest or path in seen or any(part.startswith(".") for part in rest) or ".ipynb_checkpoints" in rest:
                continue
            seen.add(path)
            shown = path.relative_to(root).as_posix()
            if lang not in known:
                findings.append(Finding(shown, 1, f"{TRANSLATIONS}/{lang} is not a language of this site ({', '.join(known)}; mkdocs.yml)"))
                continue
            rel = "/".join(rest)
            if path.suffix not in TRANSLATION_SUFFIXES:
                findings.append(Finding(shown, 1, "the site does not use this file (translations hold .md, .ipynb and .yml files)", WARNING))
                continue
            yield lang, rel, path


class _Checker:
    def __init__(self, root: Path):
        self.root = root
        self.sources = set(english_sources(root))
        self.generated = generated_pages(root)
        self._anchor_cache: dict[Path, set[str]] = {}

    # -- one file ------------------------------------------------------------------------------
    def check(self, lang: str, rel: str, path: Path) -> list[Finding]:
        shown = path.relative_to(self.root).as_posix()
        out: list[Finding] = []

        def add(line: int, message: str, level: str = ERROR) -> None:
            out.append(Finding(shown, line, message, level))

        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            add(raw.count(b"\n", 0, exc.start) + 1, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
            return out
        if text.startswith("\ufeff"):
            add(1, "the file starts with a byte-order mark, which hides the front matter; save it as UTF-8 without BOM")
            text = text[1:]
        self._mojibake(text, add)

        if rel not in self.sources:
            add(1, f"there is no English {english_rel(rel)} for this file to translate (moved or deleted? move or delete the translation too)")
            return out
        meta = None
        try:
            meta = read_translation_meta(path, expected_source=rel)
        except TranslationError as exc:
            add(exc.line, exc.message)
        english = None
        if meta is not None:
            english = self._english_then(meta, path, add)

        if path.suffix == ".md":
            self._markdown(lang, rel, text, english, add)
        elif path.suffix == ".ipynb":
            self._notebook(lang, rel, text, english, add)
        else:
            self._yaml(lang, rel, text, add, front_matter_ok=meta is not None)
        return out

    def _mojibake(self, text: str, add) -> None:
        lines: dict[int, list] = {}
        for found in signatures(text):
            lines.setdefault(mdscan.line_of(text, found.start), []).append(found)
        for number in sorted(lines)[:MAX_MOJIBAKE_LINES]:
            sample = lines[number][0]
            add(number, f"mojibake: {sample.garbled!r} is UTF-8 read as Mac Roman (meant {sample.meant!r}); "
                        f"repair it with `python -m coursekit.i18n.mojibake FILE`")
        if len(lines) > MAX_MOJIBAKE_LINES:
            add(sorted(lines)[MAX_MOJIBAKE_LINES], f"mojibake on {len(lines) - MAX_MOJIBAKE_LINES} more line(s)")

    def _english_then(self, meta: TranslationMeta, path: Path, add) -> str | None:
        """The English text this translation follows, when it can be had."""
        from coursekit.i18n.diff import blob_line

        try:
            data = english_then(self.root, meta)
        except GitError:
            return None  # not a git checkout: nothing to compare with, nothing to report
        if data is None:
            if meta.source_blob == NULL_BLOB:
                add(blob_line(path), f"imported from an English text this repository never had; compare it with {english_rel(meta.source)}, "
                                     f"then run `coursekit i18n stamp`", WARNING)
            else:
                add(blob_line(path), f"source_blob {meta.source_blob[:12]} is not in git history, so `coursekit i18n diff` cannot show "
                                     f"what changed (a shallow clone? or a mistyped id)", WARNING)
            return None
        return data.decode("utf-8", "replace")

    # -- Markdown --------------------------------------------------------------------------------
    def _markdown(self, lang: str, rel: str, text: str, english: str | None, add) -> None:
        try:
            _, body, first = split_markdown(text)
        except TranslationError:
            body, first = text, 1
        offset = first - 1

        def add_body(line: int, message: str, level: str = ERROR) -> None:
            add(line + offset, message, level)

        masked = mdscan.mask(body)
        self._unsafe(body, masked, add_body)
        self._links(lang, rel, body, masked, add_body)
        if english is not None:
            _, english_body, _ = split_markdown(english)
            self._same_shape(rel, body, english_body, add_body)
            self._same_results(rel, body, english_body, add_body)
            self._glossary(lang, body, english_body, add_body)

    def _links(self, lang: str, rel: str, body: str, masked: str, add, page_anchors: set[str] | None = None) -> None:
        own = mdscan.anchors(body) if page_anchors is None else page_anchors
        for link in mdscan.links(body, masked):
            if link.kind == "html" and link.tag not in ("a", "img", "source", "video", "audio"):
                continue
            problem = self._link_problem(lang, rel, link.target, own)
            if problem:
                add(link.line, problem)

    def _link_problem(self, lang: str, rel: str, url: str, own_anchors: set[str]) -> str | None:
        url = url.strip()
        if not url:
            return "empty link target"
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", url):
            return None  # outside addresses are not fetched; unsafe schemes are reported apart
        if url.startswith("/"):
            return f"{url}: an absolute path breaks on /<lang>/ pages; write it relative to this file"
        path, _, fragment = url.partition("#")
        if not path:
            if fragment not in own_anchors:
                return f"#{fragment}: no heading or id with that anchor on this page (translated headings get new anchors; add {{#{fragment}}} to the heading)"
            return None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(path.split("?", 1)[0])))
        if target == ".." or target.startswith("../"):
            return f"{url}: points outside the site"
        docs_file = self.root / DOCS / target
        if docs_file.is_dir():
            return f"{url}: points to a folder; link to the page's .md file"
        if not (docs_file.is_file() or target in self.generated):
            return f"{url}: no such page or file on the site ({DOCS}/{target})"
        if fragment and target.endswith(".md") and target not in self.generated:
            anchors = self._anchors_in(lang, target)
            if fragment not in anchors:
                return f"{url}: {target} in this language has no #{fragment} anchor"
        return None

    def _anchors_in(self, lang: str, page: str) -> set[str]:
        path = translation_path(self.root, lang, page)
        if not path.is_file():
            path = self.root / DOCS / page
        if path not in self._anchor_cache:
            text = path.read_text(encoding="utf-8", errors="replace")
            try:
                _, text, _ = split_markdown(text)
            except TranslationError:
                pass
            self._anchor_cache[path] = mdscan.anchors(text)
        return self._anchor_cache[path]

    def _unsafe(self, text: str, masked: str, add) -> None:
        for match in _UNSAFE_TAG.finditer(masked):
            name = match.group(1).lower()
            why = "it can hide or restyle anything on the page" if name == "style" else "it is not allowed in translated text"
            add(mdscan.line_of(text, match.start()), f"unsafe HTML: <{name}>: {why}")
        for tag in mdscan.tags(text, masked):
            for name, value in tag.attrs.items():
                if name.startswith("on"):
                    add(tag.line, f"unsafe HTML: the {name}= attribute on <{tag.name}> runs script")
                elif name == "style" and _HIDING_STYLE.search(value):
                    add(tag.line, f"unsafe HTML: style={value!r} on <{tag.name}> hides content")
        for match in _ATTR_LIST_EVENT.finditer(masked):
            add(mdscan.line_of(text, match.start()), f"unsafe attribute list {match.group()}: on*= attributes run script")
        for match in _ATTR_LIST_STYLE.finditer(masked):
            if _HIDING_STYLE.search(match.group(1)):
                add(mdscan.line_of(text, match.start()), f"unsafe attribute list {match.group()}: the style hides content")
        for link in mdscan.links(text, masked):
            url = re.sub(r"[\s\x00-\x1f]", "", html.unescape(link.target)).lower()
            if url.startswith(("javascript:", "vbscript:")) or (url.startswith("data:") and not _SAFE_DATA.match(url)):
                add(link.line, f"unsafe link: {link.target[:40]!r} (javascript:, vbscript: and non-image data: addresses are not allowed)")

    def _same_shape(self, rel: str, body: str, english: str, add) -> None:
        name = english_rel(rel)
        ours, theirs = mdscan.headings(body), mdscan.headings(english)
        for index, (mine, source) in enumerate(zip(ours, theirs)):
            if mine.level != source.level:
                add(mine.line, f"heading level {mine.level} where the English has level {source.level} "
                               f"({'#' * source.level} {source.text}, {name}:{source.line}); keep the English page's headings")
                break
        else:
            if len(ours) != len(theirs):
                where = ours[len(theirs)].line if len(ours) > len(theirs) else (ours[-1].line if ours else 1)
                add(where, f"{len(ours)} headings where the English text has {len(theirs)} ({name}); keep the English page's headings")
        kept = {heading.explicit_id for heading in ours if heading.explicit_id}
        for index, heading in enumerate(theirs):
            if heading.explicit_id and heading.explicit_id not in kept:
                add(ours[index].line if index < len(ours) else 1, f"the English heading '{heading.text}' has {{#{heading.explicit_id}}} ({name}:{heading.line}); "
                       f"keep it on the translated heading, links to #{heading.explicit_id} need it")
        self._same_code(name, [(b.line, b.info, b.code) for b in mdscan.code_blocks(body)],
                        [(b.line, b.info, b.code) for b in mdscan.code_blocks(english)], add, "code block")

    def _same_results(self, rel: str, body: str, english: str, add) -> None:
        """The `{{ result RUN KEY }}` placeholders (coursekit.results) of the English text, each kept."""
        ours, theirs = Counter(results.placeholders(body)), Counter(results.placeholders(english))
        for missing in sorted(theirs - ours):
            add(1, f"the English text quotes {{{{ result {missing} }}}} ({english_rel(rel)}); keep the placeholder, "
                   "the build writes the rendered value in its place")
        for match in results.find(body):
            if f"{match['run']} {match['key']}" not in theirs:
                add(mdscan.line_of(body, match.start()), f"{match.group()} is not in the English text ({english_rel(rel)})")

    def _same_code(self, name: str, ours: list, theirs: list, add, what: str) -> None:
        if len(ours) != len(theirs):
            add(ours[0][0] if ours else 1, f"{len(ours)} {what}s where the English text has {len(theirs)} ({name})")
            return
        for (line, info, code), (english_line, english_info, english_code) in zip(ours, theirs):
            if info.split()[:1] != english_info.split()[:1]:
                add(line, f"{what} marked {info or '(no language)'!r} where the English one is {english_info or '(no language)'!r} ({name}:{english_line})")
            elif _code_only(code) != _code_only(english_code):
                add(line, f"{what} differs from the English one ({name}:{english_line}) in more than comments; "
                          f"translate comments and text, keep code", WARNING)

    def _glossary(self, lang: str, body: str, english: str, add) -> None:
        terms = self._terms(lang)
        lowered = body.lower()
        for english_term, term in terms:
            if re.search(rf"(?<!\w){re.escape(english_term)}", english, re.I) and term.lower() not in lowered:
                add(1, f"glossary: the English text uses '{english_term}'; the {lang} glossary term '{term}' does not appear here "
                       f"({TRANSLATIONS}/{lang}/glossary.yml)", WARNING)

    def _terms(self, lang: str) -> list[tuple[str, str]]:
        from coursekit.glossary import load_glossary

        english_file, translated_file = self.root / DOCS / "glossary.yml", translation_path(self.root, lang, "glossary.yml")
        if not (english_file.is_file() and translated_file.is_file()):
            return []
        try:
            english, translated = load_glossary(english_file), load_glossary(translated_file)
        except (TranslationError, UnicodeDecodeError, yaml.YAMLError):
            return []  # reported when that file itself is linted
        return [(english[key].term, translated[key].term) for key in english if key in translated]

    # -- notebooks -------------------------------------------------------------------------------
    def _notebook(self, lang: str, rel: str, text: str, english: str | None, add) -> None:
        try:
            notebook = json.loads(text)
        except json.JSONDecodeError as exc:
            add(exc.lineno, f"notebook is not valid JSON: {exc.msg}")
            return
        cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
        locate = _SourceLines(text, cells)
        markdown = [(index, cell_source(cell)) for index, cell in enumerate(cells) if cell.get("cell_type") == "markdown"]
        anchors = set().union(*(mdscan.anchors(source) for _, source in markdown)) if markdown else set()
        for index, source in markdown:
            first = locate.cell_line(index)

            def add_cell(line: int, message: str, level: str = ERROR, first=first) -> None:
                add(first + line - 1, message, level)

            masked = mdscan.mask(source)
            self._unsafe(source, masked, add_cell)
            self._links(lang, rel, source, masked, add_cell, anchors)
        for index, cell in enumerate(cells):
            if cell.get("outputs"):
                # The site shows the English outputs beside the translated text (coursekit.notebooks),
                # so outputs here would only be dead weight in the repository.
                add(locate.cell_line(index), "outputs in a translated notebook are not used (the site shows the "
                    "English ones); clear them (Jupyter: Edit > Clear Outputs of All Cells)", WARNING)
        if english is not None:
            try:
                english_cells = json.loads(english).get("cells", [])
            except (json.JSONDecodeError, AttributeError):
                return
            name = english_rel(rel)
            english_lines = _SourceLines(english, english_cells)
            ours = [(locate.cell_line(i), "", cell_source(c)) for i, c in enumerate(cells) if c.get("cell_type") == "code"]
            theirs = [(english_lines.cell_line(i), "", cell_source(c)) for i, c in enumerate(english_cells) if c.get("cell_type") == "code"]
            self._same_code(name, ours, theirs, add, "code cell")

    # -- YAML (quiz, glossary, diagram labels) ------------------------------------------------------
    def _yaml(self, lang: str, rel: str, text: str, add, front_matter_ok: bool = True) -> None:
        try:
            _, body, first = split_markdown(text)
        except TranslationError:
            return  # reported with the front matter
        try:
            yaml.safe_load(body)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            add(first + (mark.line if mark else 0), f"not valid YAML: {getattr(exc, 'problem', exc)}")
            return
        path = translation_path(self.root, lang, rel)
        if rel == "glossary.yml":
            from coursekit.glossary import load_glossary

            try:
                load_glossary(path)
            except TranslationError as exc:
                add(exc.line, exc.message)
        elif rel == LABELS:
            self._labels(path, add)
        elif is_quiz(rel) and front_matter_ok:
            self._quiz(rel, path, add)

        def add_body(line: int, message: str, level: str = ERROR) -> None:
            add(line + first - 1, message, level)

        # Quiz explanations and glossary definitions are Markdown shown on pages in the same
        # folder as the file (quiz/<id>.md, glossary.md): links resolve from there.
        masked = mdscan.mask(body)
        self._unsafe(body, masked, add_body)
        self._links(lang, rel, body, masked, add_body)


    def _labels(self, path: Path, add) -> None:
        """Diagram labels: ids the English file has, and labels that fit their space (warning)."""
        from coursekit.diagrams import DiagramError, load_labels, merge_labels, overflowing_labels

        try:
            english = load_labels(self.root / DOCS / LABELS)
            translated = load_labels(path)
            merged = merge_labels(english, translated, path)
        except TranslationError as exc:
            if Path(exc.path).resolve() == path.resolve():
                add(exc.line, exc.message)
            return
        folder = (self.root / DOCS / LABELS).parent
        for name, words in translated.items():
            svg = folder / name
            if not svg.is_file():
                continue
            for label_id, text in merged[name].labels.items():
                if label_id not in words.labels:
                    continue
                try:
                    too_long = overflowing_labels(svg.read_text(encoding="utf-8"), {label_id: text}, source=name)
                except DiagramError as exc:
                    add(words.lines.get(label_id, words.line), str(exc))
                    continue
                for message in too_long:
                    add(words.lines.get(label_id, words.line), message, WARNING)

    def _quiz(self, rel: str, path: Path, add) -> None:
        """A quiz translation, checked by the quiz bank's own rules (ids, no answer keys, ...)."""
        from coursekit.quiz.bank import bank_path, load_quiz, load_translation

        quiz, problems = load_quiz(bank_path(self.root, Path(rel).stem), self.root)
        if quiz is None:
            add(1, f"the English quiz {rel} has errors; run `coursekit quiz validate`")
            return
        for problem in load_translation(path, quiz, self.root)[3]:
            add(problem.line, problem.message, WARNING if problem.severity == "warning" else ERROR)


def _code_only(code: str) -> list[str]:
    """The lines of code that must match the English: comments, blank lines and trailing
    `# comments` left out (those are translated)."""
    return [_TRAILING_COMMENT.sub("", line).strip() for line in code.splitlines() if line.strip() and not _COMMENT_LINE.match(line)]


class _SourceLines:
    """The line of a notebook's JSON text where each cell's source begins (nbformat writes one
    JSON string per source line), for `file:line` messages."""

    def __init__(self, text: str, cells: list[dict]):
        lines = text.splitlines()
        self.starts, cursor = [], 0
        for cell in cells:
            first = (cell_source(cell).splitlines(keepends=True) or [""])[0]
            needles = {json.dumps(first, ensure_ascii=False)[1:-1], json.dumps(first)[1:-1]} if first else set()
            line = cursor + 1
            for number in range(cursor, len(lines)):
                if needles and any(needle in lines[number] for needle in needles):
                    line, cursor = number + 1, number + 1
                    break
            self.starts.append(min(line, max(len(lines), 1)))

    def cell_line(self, index: int) -> int:
        return self.starts[index] if index < len(self.starts) else 1
