"""The checks every translated file must pass, shared by `coursekit i18n lint`, `coursekit quiz
validate` and the build (which fails on their errors and prints their warnings).

Per file under translations/<lang>/:
- encoding: valid UTF-8, no byte-order mark, no Mac Roman mojibake signature;
- front matter: present and valid, `source` is the file's own path, the English source exists;
  `source_blob` is in git history (warning otherwise: `diff` cannot help the next translator);
- links and images: relative targets exist on the site (a docs/ file or a page the plugin builds;
  the nearest real page is suggested), `#anchors` exist in the page as shown in that language, no
  absolute `/paths`;
- no unsafe HTML in contributed text: <script>, <iframe>, <frame>, <object>, <embed>, <applet>,
  <base>, <meta>, <link>, <form>, any <style> element (it can hide or restyle anything on the
  page), `on*=` event attributes (in tags or `{ attribute lists }`), `javascript:`/`vbscript:`
  and non-image `data:` URLs, inline styles that hide text;
- pages: the shape of the English text it was translated from (the blob in `source_blob`, so an
  English change does not fail every translation at once): headings (levels in order, explicit
  `{#id}`s kept), fenced code blocks (count, language; code beyond comments: warning), the
  `{{ result RUN KEY }}` placeholders (coursekit.translations.placeholders), glossary terms
  (warning: a term the English text uses should appear in the language's own words);
- notebooks: the same cells as English (kind, order, ids), code cells the same code as English
  (coursekit.translations.notebook.same_code: otherwise the page loses that cell's output), no
  outputs (warning: the site shows the English outputs);
- data files (quiz, glossary, diagram labels) and the language file: their own rules, passed in
  by the caller as `rules` (coursekit.lint), and links and HTML in their Markdown texts.
"""
from __future__ import annotations

import difflib
import html
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from coursekit.translations import mdscan, numbers, placeholders
from coursekit.translations.findings import ERROR, WARNING, Finding
from coursekit.translations.freshness import NULL_BLOB
from coursekit.translations.frontmatter import split_markdown
from coursekit.translations.git import GitError
from coursekit.translations.mojibake import signatures
from coursekit.translations.notebook import SourceLines, cell_label, cell_source, cells, same_code, structure_findings
from coursekit.translations.repository import INVALID, ORPHANED, Repository, TranslationFile

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

# A kind's own rules: (checks, translation file, add) -> None, reporting through add(line, message, severity).
Rules = Callable[["Checks", TranslationFile, Callable], None]


class Checks:
    """The checks of one repository's translations; anchors and English texts are read once."""

    def __init__(self, repo: Repository, terms: Callable[[str], list[tuple[str, str]]] | None = None):
        self.repo = repo
        self.layout = repo.layout
        self.terms = terms or (lambda lang: [])  # lang -> [(English term, the language's term)]
        self._anchors: dict[Path, set[str]] = {}
        self._decimal_marks: dict[str, str] = {}
        self._english_terms: dict[tuple[str, str], bool] = {}

    # -- one translated file -------------------------------------------------------------------------
    def translation(self, t: TranslationFile, rules: Rules | None = None) -> list[Finding]:
        out: list[Finding] = []

        def add(line: int, message: str, severity: str = ERROR, detail: str = "") -> None:
            out.append(Finding(t.shown, line, message, severity, detail))

        file = t.file
        if file.text is None:
            return list(file.problems)
        if file.raw.startswith(b"\xef\xbb\xbf"):
            add(1, "the file starts with a byte-order mark, which hides the front matter; save it as UTF-8 without BOM")
        self.mojibake(file.text, add)
        if t.state == ORPHANED:
            out.append(t.problem)
            return out
        if t.state == INVALID and t.problem is not None:
            out.append(t.problem)
        english = self.english_then(t, add) if t.meta is not None else None
        if t.path.suffix == ".md":
            self.page(t, english, add)
        elif t.path.suffix == ".ipynb":
            if file.notebook is not None:
                self.notebook(t, english, add)
        elif file.notebook is None:
            data, problems = self.repo.yaml_body(t.path)
            out += [p for p in problems if p not in out]
            if not problems and t.meta is not None and rules is not None:
                rules(self, t, add)
            self.markdown_text(t.lang, t.source, file.body, add, file.body_line - 1)
        return out

    def mojibake(self, text: str, add) -> None:
        lines: dict[int, list] = {}
        for found in signatures(text):
            lines.setdefault(mdscan.line_of(text, found.start), []).append(found)
        for number in sorted(lines)[:MAX_MOJIBAKE_LINES]:
            sample = lines[number][0]
            add(number, f"mojibake: {sample.garbled!r} is UTF-8 read as Mac Roman (meant {sample.meant!r}); "
                        f"repair it with `python -m coursekit.translations.mojibake FILE`")
        if len(lines) > MAX_MOJIBAKE_LINES:
            add(sorted(lines)[MAX_MOJIBAKE_LINES], f"mojibake on {len(lines) - MAX_MOJIBAKE_LINES} more line(s)")

    def english_then(self, t: TranslationFile, add) -> str | None:
        """The English text this translation follows, when it can be had."""
        meta = t.meta
        try:
            data = self.repo.english_then(meta)
        except GitError:
            return None  # not a git checkout: nothing to compare with, nothing to report
        if data is None:
            english = self.layout.english_rel(meta.source)
            if meta.source_blob == NULL_BLOB:
                add(meta.blob_line, f"imported from an English text this repository never had; compare it with {english}, "
                                    f"then run `coursekit i18n stamp {t.lang} {t.source}`", WARNING)
            else:
                add(meta.blob_line, f"source_blob {meta.source_blob[:12]} is not in git history, so `coursekit i18n diff` cannot show "
                                    f"what changed (a shallow clone? run `git fetch --unshallow`; or a mistyped id)", WARNING)
            return None
        return data.decode("utf-8", "replace")

    # -- Markdown ------------------------------------------------------------------------------------
    def markdown_text(self, lang: str, rel: str, text: str, add, offset: int = 0, page_anchors: set[str] | None = None) -> None:
        """Unsafe HTML and links in Markdown `text` that sits at line `offset` + 1 of the file and is
        shown on the page built from `rel` (links resolve from that page's folder)."""
        def add_here(line: int, message: str, severity: str = ERROR, detail: str = "") -> None:
            add(line + offset, message, severity, detail)

        masked = mdscan.mask(text)
        found = mdscan.links(text, masked)  # the unsafe-link and the link-target checks read the same links
        self.unsafe(text, masked, found, add_here)
        self.links(lang, rel, text, found, add_here, page_anchors)
        if self.decimal_mark(lang) == ",":
            for line, number in numbers.point_decimals(text):
                add_here(line, f"{number}: this language writes decimals with a comma ({numbers.with_comma(number)}); "
                               "code, math ($1{,}5$), link targets and version numbers keep the point", WARNING)

    def decimal_mark(self, lang: str) -> str:
        """`locale.decimal_mark` of translations/<lang>/language.yml ("." when it says none)."""
        if lang not in self._decimal_marks:
            data, _ = self.repo.yaml_body(self.layout.language_file(lang)) if self.layout.language_file(lang).is_file() else ({}, [])
            locale = data.get("locale") if isinstance(data, dict) else None
            self._decimal_marks[lang] = str(locale.get("decimal_mark", ".")) if isinstance(locale, dict) else "."
        return self._decimal_marks[lang]

    def page(self, t: TranslationFile, english: str | None, add) -> None:
        body, offset = t.file.body, t.file.body_line - 1

        def add_body(line: int, message: str, severity: str = ERROR, detail: str = "") -> None:
            add(line + offset, message, severity, detail)

        self.markdown_text(t.lang, t.source, body, add_body)
        if english is None:
            return
        try:
            _, english_body, english_first = split_markdown(english)
        except Exception:  # a broken English front matter is the English author's to fix
            english_body, english_first = english, 1
        name = self.layout.english_rel(t.source)
        self.same_shape(name, body, english_body, add_body)
        for line, message in placeholders.compare(body, english_body, name, body_line=lambda n: n + offset,
                                                  english_line=lambda n: n + english_first - 1):
            add_body(line, message)
        self.glossary(t.lang, body, english_body, add_body)

    def links(self, lang: str, rel: str, body: str, found: list[mdscan.Link], add, page_anchors: set[str] | None = None) -> None:
        own = mdscan.anchors(body) if page_anchors is None else page_anchors
        for link in found:
            if link.kind == "html" and link.tag not in ("a", "img", "source", "video", "audio"):
                continue
            problem = self.link_problem(lang, rel, link.target, own)
            if problem:
                add(link.line, problem)

    def link_problem(self, lang: str, rel: str, url: str, own_anchors: set[str]) -> str | None:
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
        docs_file = self.layout.docs_dir / target
        if docs_file.is_dir():
            return f"{url}: points to a folder; link to the page's .md file"
        if not (docs_file.is_file() or target in self.repo.generated_pages):
            return f"{url}: no such page or file on the site ({self.layout.docs}/{target}){self._nearest_page(rel, target)}"
        if fragment and target.endswith(".md") and target not in self.repo.generated_pages:
            if fragment not in self._anchors_in(lang, target):
                return f"{url}: {target} in this language has no #{fragment} anchor"
        return None

    def _nearest_page(self, rel: str, target: str) -> str:
        candidates = [source for source in self.repo.english_sources if not source.endswith(".yml")] + sorted(self.repo.generated_pages)
        close = difflib.get_close_matches(target, candidates, n=1, cutoff=0.5)
        if not close:
            return ""
        return f"; did you mean {posixpath.relpath(close[0], posixpath.dirname(rel) or '.')}?"

    def _anchors_in(self, lang: str, page: str) -> set[str]:
        path = self.layout.translation_path(lang, page)
        if not path.is_file():
            path = self.layout.docs_dir / page
        if path not in self._anchors:
            file = self.repo.source_file(path)
            self._anchors[path] = mdscan.anchors(file.body if file.text is not None else "")
        return self._anchors[path]

    def unsafe(self, text: str, masked: str, found: list[mdscan.Link], add) -> None:
        for match in _UNSAFE_TAG.finditer(masked):
            name = match.group(1).lower()
            why = "it can hide or restyle anything on the page" if name == "style" else "it is not allowed in translated text"
            add(mdscan.line_of(text, match.start()), f"unsafe HTML: <{name}>: {why}; remove the tag (only text and Markdown are allowed)")
        for tag in mdscan.tags(text, masked):
            for name, value in tag.attrs.items():
                if name.startswith("on"):
                    add(tag.line, f"unsafe HTML: the {name}= attribute on <{tag.name}> runs script; remove it")
                elif name == "style" and _HIDING_STYLE.search(value):
                    add(tag.line, f"unsafe HTML: style={value!r} on <{tag.name}> hides content; remove it")
        for match in _ATTR_LIST_EVENT.finditer(masked):
            add(mdscan.line_of(text, match.start()), f"unsafe attribute list {match.group()}: on*= attributes run script")
        for match in _ATTR_LIST_STYLE.finditer(masked):
            if _HIDING_STYLE.search(match.group(1)):
                add(mdscan.line_of(text, match.start()), f"unsafe attribute list {match.group()}: the style hides content")
        for link in found:
            url = re.sub(r"[\s\x00-\x1f]", "", html.unescape(link.target)).lower()
            if url.startswith(("javascript:", "vbscript:")) or (url.startswith("data:") and not _SAFE_DATA.match(url)):
                add(link.line, f"unsafe link: {link.target[:40]!r} (javascript:, vbscript: and non-image data: addresses are not allowed)")

    def same_shape(self, name: str, body: str, english: str, add) -> None:
        ours, theirs = mdscan.headings(body), mdscan.headings(english)
        for mine, source in zip(ours, theirs):
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
        blocks, english_blocks = mdscan.code_blocks(body), mdscan.code_blocks(english)
        if len(blocks) != len(english_blocks):
            add(blocks[0].line if blocks else 1, f"{len(blocks)} code blocks where the English text has {len(english_blocks)} ({name})")
            return
        for block, source in zip(blocks, english_blocks):
            language = (source.info.split() or ["python"])[0].strip("{.")
            if block.info.split()[:1] != source.info.split()[:1]:
                add(block.line, f"code block marked {block.info or '(no language)'!r} where the English one is {source.info or '(no language)'!r} ({name}:{source.line})")
            elif not same_code(block.code, source.code, language):
                add(block.line, f"code block differs from the English one ({name}:{source.line}) in more than comments; "
                                "translate comments and the text around code, keep the code itself", WARNING)

    def glossary(self, lang: str, body: str, english: str, add) -> None:
        # Terms inside code are code (and a code example may stay English): only prose counts.
        body, english = mdscan.mask(body), mdscan.mask(english)
        lowered = body.lower()
        for english_term, term in self.terms(lang):
            if self._english_uses(english, english_term) and term.lower() not in lowered:
                add(1, f"glossary: the English text uses '{english_term}'; the {lang} glossary term '{term}' does not appear here "
                       f"({self.layout.translations}/{lang}/glossary.yml)", WARNING)

    def _english_uses(self, english: str, term: str) -> bool:
        """Does the (masked) English text use the glossary term? Every language asks of the same text."""
        key = (term, english)
        if key not in self._english_terms:
            self._english_terms[key] = re.search(rf"(?<!\w){re.escape(term)}", english, re.I) is not None
        return self._english_terms[key]

    # -- notebooks -----------------------------------------------------------------------------------
    def notebook(self, t: TranslationFile, english_text: str | None, add) -> None:
        notebook_cells = cells(t.file.notebook)
        locate = SourceLines(t.file.text, notebook_cells)
        markdown = [(index, cell_source(cell)) for index, cell in enumerate(notebook_cells) if cell.get("cell_type") == "markdown"]
        anchors = set().union(*(mdscan.anchors(source) for _, source in markdown)) if markdown else set()
        for index, source in markdown:
            self.markdown_text(t.lang, t.source, source, add, locate(index) - 1, anchors)
        for index, cell in enumerate(notebook_cells):
            if cell.get("outputs"):
                # The site shows the English outputs beside the translated text (coursekit.notebooks),
                # so outputs here would only be dead weight in the repository.
                add(locate(index), "outputs in a translated notebook are not used (the site shows the English ones); "
                                   "clear them (Jupyter: Edit > Clear Outputs of All Cells)", WARNING)
        if english_text is None:
            return
        import json

        try:
            english_cells = cells(json.loads(english_text))
        except (json.JSONDecodeError, AttributeError):
            return
        name = self.layout.english_rel(t.source)
        structure = structure_findings(t.shown, notebook_cells, english_cells, name, locate)
        for finding in structure:
            add(finding.line, finding.message)
        if structure:
            return  # code cells are paired by position only when the cells line up
        english_locate = SourceLines(english_text, english_cells)
        language = (t.file.notebook.get("metadata", {}).get("kernelspec", {}) or {}).get("language", "python")
        for index, (cell, source) in enumerate(zip(notebook_cells, english_cells)):
            if cell.get("cell_type") == "code" and not same_code(cell_source(cell), cell_source(source), language):
                add(locate(index), f"{cell_label(cell, index + 1)} differs from the English one ({name}:{english_locate(index)}) in more "
                                   "than comments, so the page shows no output under it; keep the code as in English and "
                                   "translate only its comments")
