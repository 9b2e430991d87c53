"""Import Markdown translated by Co-op Translator (the tool the original course uses) into
translations/<lang>/, repairing what such files get wrong:

1. encoding: UTF-8 with or without a byte-order mark (UTF-16 with one is read too); Windows line
   ends become "\\n"; whole-document Mac Roman mojibake is undone exactly (coursekit.translations.mojibake);
2. the leading `<!-- CO_OP_TRANSLATOR_METADATA: {json} -->` comment becomes our front matter
   (`source`, `source_blob`, `translated`, and an `origin` record of what the tool said); without
   it, the language and page come from the options or from the file's own path;
3. links written for the original repository are rewritten to this site's pages, notebooks,
   diagrams and quizzes (coursekit.i18n.links and links.yml), relative to the imported page;
   raw `<img>` tags become Markdown images (static-i18n rewrites only those for /<lang>/ pages);
   links to other lessons of the original course keep their text and lose the link; anything
   else that would be broken is reported, never silently kept.

Which English text the translation follows (`source_blob`): Co-op Translator records the MD5
of the English file it translated (`original_hash`). If today's English file has that MD5 the
translation is fresh; if an earlier version in git history has it, that version's blob is used
(so `coursekit i18n diff` shows what changed since); otherwise the translation was made from a
text this repository never had (such as the original course's page) and gets the null blob id:
it shows as outdated until a person has compared it with the English page and run
`coursekit i18n stamp`. `--source-blob current` vouches that it follows today's English.

Nothing is overwritten without `force`, and every file is written whole (atomic) or not at all.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from coursekit.atomic import write_text_atomic
from coursekit.i18n.links import KEEP, MAP, QUIZ_URLS, UNKNOWN, UNLINK, LinkTable, classify, load_table, original_page, relative_url
from coursekit.translations import mdscan
from coursekit.translations.findings import TranslationError, UserError
from coursekit.translations.freshness import NULL_BLOB
from coursekit.translations.frontmatter import BLOB, render_front_matter, split_markdown
from coursekit.translations.git import GitError, History, blob_id
from coursekit.translations.layout import LABELS, Layout
from coursekit.translations.mojibake import repair

TOOL = "Co-op Translator"
_METADATA = re.compile(r"\A\s*<!--\s*CO_OP_TRANSLATOR_METADATA\s*:?\s*(?P<json>\{.*?\})\s*-->[ \t]*\n?(?:[ \t]*\n)*", re.S)
# Wrappers the original course puts around images (<p align="center">, <div>, <center>, <br>);
# a block of only these and <img> tags becomes plain Markdown images.
_WRAPPERS = {"p", "div", "center", "br", "span", "figure"}
_BLOCK_TAGS = {"div", "p", "table", "figure", "center", "details", "section", "blockquote", "ul", "ol", "dl", "pre"}
_KEPT_IMG_ATTRS = {"width", "height"}


class ImportFailure(UserError):
    """One input cannot be imported; str() is `file:line: message` or `file: message`."""


@dataclass(frozen=True)
class Note:
    path: str
    line: int
    message: str
    level: str = "warning"  # "warning": a person should look; "info": what was done

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.message}"


@dataclass(frozen=True)
class ImportOptions:
    lang: str | None = None  # required when the file has no metadata
    source: str | None = None  # the page (docs/ path) or the original course's path
    source_blob: str | None = None  # "current", a 40-hex blob id, or None for the MD5 policy
    force: bool = False  # replace an existing translation
    dry_run: bool = False  # do everything but write
    today: dt.date | None = None  # the `translated` date when the metadata has none


@dataclass
class ImportResult:
    input: str
    lang: str
    source: str
    dest: Path
    text: str
    notes: list[Note] = field(default_factory=list)
    written: bool = False


def import_file(root: Path, path: Path, options: ImportOptions = ImportOptions(), table: LinkTable | None = None) -> ImportResult:
    """Import one file. Raises ImportFailure (nothing written) for what a person must fix first."""
    root, path = Path(root), Path(path)
    shown = str(path)
    table = table or load_table()
    notes: list[Note] = []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"{shown}: cannot read: {exc.strerror or exc}") from None
    text = _decode(raw, shown, notes)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fixed = repair(text)
    if fixed.changed:
        where = "the whole document" if fixed.whole else f"{len(fixed.lines)} line(s): {', '.join(map(str, fixed.lines[:10]))}"
        notes.append(Note(shown, fixed.lines[0], f"repaired mojibake (UTF-8 that had been read as Mac Roman) in {where}", "info"))
        text = fixed.text
    if text.startswith("\ufeff"):  # a byte-order mark that was garbled along with the rest
        text = text[1:]

    metadata, body, skipped = _metadata(text, shown)
    lang = _language(root, metadata, options, shown)
    source = _source(root, metadata, options, path, shown, table)
    if not source.endswith(".md") or path.suffix.lower() == ".ipynb":
        raise ImportFailure(f"{shown}: only Markdown pages are imported, and {source} is not one; "
                            f"start it with `coursekit i18n new {lang} {source}` and translate it there")
    layout = Layout.read(root)
    dest = layout.translation_path(lang, source)
    dest_shown = layout.shown(dest)
    if dest.exists() and not options.force:
        raise ImportFailure(f"{shown}: {dest_shown} already exists; pass --force to replace it")
    if not layout.english_path(source).is_file():
        raise ImportFailure(f"{shown}: the English page {layout.english_rel(source)} does not exist on this site")

    body, extra = _own_front_matter(body, shown, skipped, notes)
    body, link_notes = rewrite_links(root, lang, source, body, table)
    for note in link_notes:  # body lines -> lines of the input file
        notes.append(Note(shown, note.line + skipped, note.message, note.level))

    source_blob = _source_blob(root, source, metadata, options, shown, notes)
    translated = _translated_date(metadata, options)
    if metadata:
        extra["origin"] = {"tool": TOOL, **{key: metadata[key] for key in ("source_file", "original_hash", "translation_date") if key in metadata}}
        if isinstance(extra["origin"].get("source_file"), str):
            extra["origin"]["source_file"] = extra["origin"]["source_file"].replace("\\", "/")
    result_text = render_front_matter(source, source_blob, translated, extra or None) + body.lstrip("\n")
    if not result_text.endswith("\n"):
        result_text += "\n"
    notes.sort(key=lambda note: note.line)
    result = ImportResult(shown, lang, source, dest, result_text, notes)
    if not options.dry_run:
        write_import(root, result, options.force)
    return result


def write_import(root: Path, result: ImportResult, force: bool = False) -> None:
    """Write an import's result (whole or not at all); never replaces a file unless `force`."""
    try:
        write_text_atomic(result.dest, result.text, overwrite=force)
    except FileExistsError:
        shown = result.dest.relative_to(root).as_posix()
        raise ImportFailure(f"{result.input}: {shown} already exists; pass --force to replace it") from None
    result.written = True


# -- reading -----------------------------------------------------------------------------------
def _decode(raw: bytes, shown: str, notes: list[Note]) -> str:
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom) and not raw.startswith(codecs.BOM_UTF8):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                break
            notes.append(Note(shown, 1, f"read as {codec.upper()} (it starts with that byte-order mark); written as UTF-8", "info"))
            return text.lstrip("\ufeff")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFailure(f"{shown}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8 and import it again") from None
    if text.startswith("\ufeff"):
        notes.append(Note(shown, 1, "removed the byte-order mark", "info"))
        text = text[1:]
    return text


def _metadata(text: str, shown: str) -> tuple[dict, str, int]:
    """(Co-op Translator's metadata or {}, the rest, how many lines the comment took)."""
    match = _METADATA.match(text)
    if not match:
        return {}, text, 0
    try:
        metadata = json.loads(match["json"])
    except json.JSONDecodeError as exc:
        line = text.count("\n", 0, match.start("json")) + exc.lineno
        raise ImportFailure(f"{shown}:{line}: CO_OP_TRANSLATOR_METADATA is not valid JSON: {exc.msg}") from None
    if not isinstance(metadata, dict):
        raise ImportFailure(f"{shown}:1: CO_OP_TRANSLATOR_METADATA must be a JSON object")
    return metadata, text[match.end():], text.count("\n", 0, match.end())


def _language(root: Path, metadata: dict, options: ImportOptions, shown: str) -> str:
    known = Layout.read(root).translated
    given = metadata.get("language_code")
    if given is not None and options.lang and str(given).lower() != options.lang.lower():
        raise ImportFailure(f"{shown}:1: the file says it is in {given!r} (language_code) but --lang is {options.lang!r}; check which is right")
    lang = options.lang or given
    if not lang:
        raise ImportFailure(f"{shown}: no CO_OP_TRANSLATOR_METADATA names the language; pass --lang ({', '.join(known)})")
    match = next((code for code in known if code.lower() == str(lang).lower()), None)
    if match is None:
        raise ImportFailure(f"{shown}: language {lang!r} is not one of this site's ({', '.join(known)}; mkdocs.yml)")
    return match


def _source(root: Path, metadata: dict, options: ImportOptions, path: Path, shown: str, table: LinkTable) -> str:
    """The page under docs/ this file translates: --source, else the metadata's source_file,
    else the file's own path (Co-op Translator mirrors the original layout)."""
    layout = Layout.read(root)
    pages = set(layout.english_sources())
    for given, what in ((options.source, "--source"), (metadata.get("source_file"), "source_file")):
        if not given:
            continue
        given = str(given).replace("\\", "/")
        page = given[len(layout.docs) + 1:] if given.startswith(f"{layout.docs}/") else given
        if page in pages:
            return page
        mapped = original_page(given, table)
        if mapped:
            return mapped
        raise ImportFailure(
            f"{shown}: {what} {given!r} is neither a page of this site nor a file of the original lesson {table.lesson} "
            f"that links.yml maps; pass --source with the page under docs/ it translates"
        )
    posix = PurePosixPath(path.resolve().as_posix())
    for start in range(len(posix.parts)):
        mapped = original_page("/".join(posix.parts[start:]), table)
        if mapped:
            return mapped
    raise ImportFailure(f"{shown}: cannot tell which page this translates (no CO_OP_TRANSLATOR_METADATA); pass --source, e.g. --source lessons/gan/index.md")


def _own_front_matter(body: str, shown: str, skipped: int, notes: list[Note]) -> tuple[str, dict]:
    """A front matter block the file itself has: its keys are kept, ours replace their own."""
    try:
        meta, rest, _ = split_markdown(body, shown)
    except TranslationError as exc:
        raise ImportFailure(f"{shown}:{exc.line + skipped}: {exc.message}") from None
    if not meta:
        return body, {}
    replaced = [key for key in ("source", "source_blob", "translated") if key in meta]
    if replaced:
        notes.append(Note(shown, skipped + 1, f"the file's own front matter had {', '.join(replaced)}; replaced by the imported values", "info"))
    return rest, {key: value for key, value in meta.items() if key not in ("source", "source_blob", "translated", "origin")}


def _md5_variants(data: bytes) -> set[str]:
    """MD5s the English file may have had when Co-op Translator hashed it (line ends vary)."""
    variants = {data, data.replace(b"\r\n", b"\n"), data.replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n")}
    return {hashlib.md5(variant).hexdigest() for variant in variants}


def _source_blob(root: Path, source: str, metadata: dict, options: ImportOptions, shown: str, notes: list[Note]) -> str:
    layout = Layout.read(root)
    english, english_rel = layout.english_path(source), layout.english_rel(source)
    current = blob_id(english.read_bytes())
    wanted = options.source_blob
    if wanted == "current":
        return current
    if wanted:
        if not BLOB.fullmatch(wanted):
            raise UserError(f"--source-blob {wanted!r} is neither 'current' nor a 40-hex git blob id")
        return wanted
    md5 = str(metadata.get("original_hash", "")).lower()
    if md5:
        if md5 in _md5_variants(english.read_bytes()):
            notes.append(Note(shown, 1, f"made from today's {english_rel}: fresh", "info"))
            return current
        try:
            history = History(root)
            for blob in history.path_blobs(english_rel):
                data = history.blob(blob)
                if data is not None and md5 in _md5_variants(data):
                    notes.append(Note(shown, 1, f"made from an earlier {english_rel} (blob {blob[:12]}): outdated; "
                                                f"`coursekit i18n diff` shows what changed since", "info"))
                    return blob
        except GitError:
            pass
    notes.append(Note(shown, 1, f"made from an English text this repository never had ({'original_hash ' + md5 if md5 else 'no metadata'}); "
                                f"marked outdated: compare it with {english_rel}, then run `coursekit i18n stamp`"))
    return NULL_BLOB


def _translated_date(metadata: dict, options: ImportOptions) -> dt.date:
    stamp = str(metadata.get("translation_date", ""))
    try:
        return dt.date.fromisoformat(stamp[:10])
    except ValueError:
        return options.today or dt.date.today()


# -- links -------------------------------------------------------------------------------------
@dataclass
class _Edits:
    """Replacements on a text, applied back to front so offsets stay valid."""

    items: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, start: int, end: int, text: str) -> None:
        self.items.append((start, end, text))

    def covers(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e, _ in self.items)

    def apply(self, text: str) -> str:
        for start, end, new in sorted(self.items, key=lambda item: item[0], reverse=True):
            text = text[:start] + new + text[end:]
        return text


def rewrite_links(root: Path, lang: str, source: str, body: str, table: LinkTable | None = None) -> tuple[str, list[Note]]:
    """`body` with every link fitted to this site, and a note (line in `body`) for each change
    a person should know about and each link that could not be fixed."""
    table = table or load_table()
    site = _SiteFiles(Path(root), lang)
    masked = mdscan.mask(body)
    edits, notes = _Edits(), []
    image_blocks = _image_only_blocks(body, masked)

    for block_start, block_end, images in image_blocks:
        markdown = [_markdown_image(site, lang, source, body, tag, table, notes) for tag in images]
        edits.add(block_start, block_end, "\n\n".join(markdown))

    found_links = mdscan.links(body, masked)
    for link in found_links:
        if edits.covers(link.start, link.end):
            continue
        if link.kind == "html":
            _html_link(site, source, body, link, table, edits, notes)
            continue
        decision = classify(link.target, table)
        if decision.action == MAP:
            edits.add(link.start, link.end, _mapped(site, source, decision.target, link.line, notes))
        elif decision.action == UNLINK and link.kind == "link":
            edits.add(link.match_start, link.match_end, link.text)
            notes.append(Note("", link.line, f"{link.target}: {decision.note}"))
        elif decision.action in (UNLINK, UNKNOWN):
            if not site.resolves(source, link.target):
                notes.append(Note("", link.line, f"{link.target}: {decision.note or 'would be broken on this site'}; left as it is: fix it before merging"))
        elif decision.note:
            notes.append(Note("", link.line, f"{link.target}: {decision.note}", "info"))

    # Quiz addresses written as plain text or <autolinks>, outside any link.
    for pattern in QUIZ_URLS.values():
        for match in pattern.finditer(masked):
            start, end = match.span()
            if body[start - 1:start] == "<" and body[end:end + 1] == ">":
                start, end = start - 1, end + 1
            if edits.covers(start, end) or any(link.start <= match.start() < link.end for link in found_links):
                continue
            decision = classify(match.group(), table)
            line = mdscan.line_of(body, start)
            if decision.action == MAP:
                name = PurePosixPath(decision.target).stem
                edits.add(start, end, f"[{name}]({_mapped(site, source, decision.target, line, notes)})")
                notes.append(Note("", line, f"the bare quiz address {match.group()} is now a link titled '{name}': give it words in your language"))
            elif decision.note:
                notes.append(Note("", line, f"{match.group()}: {decision.note}", "info"))
    return edits.apply(body), notes


class _SiteFiles:
    """What exists on the site, for checking rewritten and kept links."""

    def __init__(self, root: Path, lang: str):
        self.root, self.lang, self.layout = root, lang, Layout.read(root)
        self.generated = self.layout.generated_pages()

    def exists(self, target: str) -> bool:
        path = target.partition("#")[0]
        return path in self.generated or (self.layout.docs_dir / path).is_file()

    def resolves(self, source: str, url: str) -> bool:
        """Is `url`, written in the page `source`, already a link to a file of this site?"""
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//|^#", url):
            return True
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), url.partition("#")[0]))
        return not target.startswith("..") and self.exists(target)

    def anchors(self, page: str) -> set[str] | None:
        """Anchors of a Markdown page in this language (its translation, else English)."""
        if not page.endswith(".md"):
            return None
        found = set()
        for path in (self.layout.translation_path(self.lang, page), self.layout.docs_dir / page):
            if path.is_file():
                found |= mdscan.anchors(path.read_text(encoding="utf-8", errors="replace"))
        return found if found else None


def _mapped(site: _SiteFiles, source: str, target: str, line: int, notes: list[Note]) -> str:
    page, hashmark, fragment = target.partition("#")
    if fragment:
        anchors = site.anchors(page)
        if anchors is not None and fragment not in anchors:
            notes.append(Note("", line, f"#{fragment} is not a heading of {page}; the link now goes to the top of that page"))
            target = page
    if not site.exists(page):
        notes.append(Note("", line, f"links to {page}, which this site does not have yet ({site.layout.docs}/{page})"))
    return relative_url(source, target)


def _html_link(site: _SiteFiles, source: str, body: str, link: mdscan.Link, table: LinkTable,
               edits: _Edits, notes: list[Note]) -> None:
    decision = classify(link.target, table)
    if link.tag == "img":
        # An <img> inside other HTML: Markdown cannot stand there, and static-i18n does not
        # rewrite raw HTML, so the path breaks under /<lang>/. A person has to restructure it.
        if decision.action == MAP:
            edits.add(link.start, link.end, _mapped(site, source, decision.target, link.line, notes))
        notes.append(Note("", link.line, "a raw <img> inside an HTML block: its path breaks on /<lang>/ pages "
                                         "(static-i18n rewrites Markdown images only); use a Markdown image"))
        return
    if decision.action == MAP:
        edits.add(link.start, link.end, _mapped(site, source, decision.target, link.line, notes))
        notes.append(Note("", link.line, f"raw HTML <{link.tag}> link rewritten; a Markdown link would be rewritten for /<lang>/ pages, this one is not"))
    elif decision.action in (UNLINK, UNKNOWN):
        if not site.resolves(source, link.target):
            notes.append(Note("", link.line, f"{link.target} (in <{link.tag}>): {decision.note or 'would be broken'}; left as it is: fix it before merging"))
    elif decision.note:
        notes.append(Note("", link.line, f"{link.target}: {decision.note}", "info"))


def _image_only_blocks(body: str, masked: str) -> list[tuple[int, int, list[mdscan.Tag]]]:
    """Runs of text holding <img> tags that can become Markdown images: a tag inside a paragraph,
    or a block of nothing but images and wrapper tags (<p align="center">...</p>)."""
    found = []
    all_tags = mdscan.tags(body, masked)
    for block in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", masked):
        start, end = block.span()
        inside = [tag for tag in all_tags if start <= tag.start < end]
        images = [tag for tag in inside if tag.name == "img"]
        if not images:
            continue
        leftover = re.sub(r"</?(?:" + "|".join(_WRAPPERS) + r")\b[^>]*>", "", masked[start:end])
        for tag in images:
            leftover = leftover.replace(masked[tag.start:tag.end], "")
        first = re.match(r"\s*<([a-zA-Z][a-zA-Z0-9-]*)", masked[start:end])
        if not leftover.strip():
            trailing = len(block.group()) - len(block.group().rstrip("\n"))
            found.append((start, end - trailing, images))
        elif first and first.group(1).lower() in _BLOCK_TAGS:
            continue  # inside real HTML: handled (reported) per link
        else:
            found.extend((tag.start, tag.end, [tag]) for tag in images)
    return found


def _markdown_image(site: _SiteFiles, lang: str, source: str, body: str, tag: mdscan.Tag, table: LinkTable, notes: list[Note]) -> str:
    line = tag.line
    src = tag.attrs.get("src", "")
    decision = classify(src, table)
    if decision.action == MAP:
        url = _mapped(site, source, decision.target, line, notes)
        target = decision.target
    else:
        url, target = src, ""
        if not site.resolves(source, src):
            notes.append(Note("", line, f"{src}: {decision.note or 'would be broken on this site'}; left as it is: fix it before merging"))
    alt = tag.attrs.get("alt", "").strip()
    if not alt and target.startswith("assets/diagrams/"):
        alt, english = _diagram_alt(site.root, lang, PurePosixPath(target).name)
        if alt and english:
            notes.append(Note("", line, "the image had no alt text; wrote the diagram's English description from labels.yml: translate it"))
    if not alt:
        notes.append(Note("", line, f"the image {src} has no alt text; add a description in your language"))
    dropped = sorted(name for name in tag.attrs if name not in _KEPT_IMG_ATTRS | {"src", "alt", "title"})
    if any(name.startswith("on") or name == "style" for name in dropped):
        notes.append(Note("", line, f"dropped attributes of <img>: {', '.join(dropped)}"))
    title = tag.attrs.get("title")
    alt_md = " ".join(alt.split()).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    title_md = f' "{title.replace(chr(34), chr(39))}"' if title else ""
    attrs = " ".join(f'{name}="{tag.attrs[name]}"' for name in ("width", "height") if tag.attrs.get(name))
    return f"![{alt_md}]({url}{title_md})" + (f"{{ {attrs} }}" if attrs else "")


def _diagram_alt(root: Path, lang: str, name: str) -> tuple[str, bool]:
    """(alt text of diagram `name` in `lang`, whether it is the English one)."""
    layout = Layout.read(root)
    for path, english in ((layout.translation_path(lang, LABELS), False), (layout.english_path(LABELS), True)):
        if not path.is_file():
            continue
        try:
            _, body, _ = split_markdown(path.read_text(encoding="utf-8"), path)
            entry = (yaml.safe_load(body) or {}).get(name) or {}
        except (TranslationError, yaml.YAMLError, AttributeError, UnicodeDecodeError):
            continue
        if isinstance(entry, dict) and isinstance(entry.get("alt"), str) and entry["alt"].strip():
            return " ".join(entry["alt"].split()), english
    return "", False
