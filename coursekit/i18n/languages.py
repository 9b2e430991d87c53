"""`coursekit i18n add-language CODE --name NAME`: everything a new language needs to start.

1. mkdocs.yml: the language's block under the i18n plugin's `languages` (its name, site name and
   every navigation title, in English, to translate), and the code in the coursekit plugin's
   `languages_in_progress`, so that it can be merged before every page is translated: its pages
   fall back to English with a "not translated yet" notice, and the checks that every page is
   fresh (tests, the release check) leave it out until it is removed from that list;
2. translations/<code>/language.yml: the decimal mark, and every interface string of the site in
   English, to translate (coursekit.strings).

mkdocs.yml is edited as text, so its comments and layout stay as they are; the result is read
back before it replaces the file.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from coursekit.atomic import write_text_atomic
from coursekit.strings import COMPONENTS, english
from coursekit.translations.findings import UserError
from coursekit.translations.layout import Layout

CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")


def add_language(layout: Layout, code: str, name: str, decimal_mark: str = ".") -> list[Path]:
    """Add language `code` (shown as `name`); returns the files written."""
    if not CODE.fullmatch(code):
        raise UserError(f"{code!r} is not a language code; use the ISO 639-1 code, such as nb, fi or pt-BR")
    if code in layout.locales:
        raise UserError(f"{code} is already a language of this site (mkdocs.yml)")
    if decimal_mark not in (".", ","):
        raise UserError(f"--decimal-mark must be . or , (not {decimal_mark!r})")
    config_path = layout.root / "mkdocs.yml"
    text = config_path.read_text(encoding="utf-8")
    text = _with_language_block(text, code, name, _nav_titles(layout.mkdocs_config.get("nav") or []))
    text = _with_in_progress(text, code)
    language_file = layout.language_file(code)
    if language_file.exists():
        raise UserError(f"{layout.shown(language_file)} already exists; move it away first")
    scratch = config_path.with_name(".mkdocs.yml.new")
    write_text_atomic(scratch, text, overwrite=True)
    try:
        check = Layout.read(layout.root, scratch)
    finally:
        scratch.unlink()
    if code not in check.locales or code in check.complete:
        raise UserError("mkdocs.yml has a shape this command cannot edit; add the language block by hand (see the Help translate page)")
    write_text_atomic(config_path, text, overwrite=True)
    write_text_atomic(language_file, language_file_text(code, name, decimal_mark))
    return [config_path, language_file]


def _nav_titles(nav) -> list[str]:
    titles = []
    for entry in nav:
        if isinstance(entry, dict):
            for title, value in entry.items():
                titles.append(str(title))
                if isinstance(value, list):
                    titles += _nav_titles(value)
    return list(dict.fromkeys(titles))


def _quoted(value: str) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1000).strip()
    return dumped.removesuffix("\n...").removesuffix("...").strip()


def _with_language_block(text: str, code: str, name: str, titles: list[str]) -> str:
    """Insert the language's block after the last entry of the i18n plugin's `languages:` list."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"\s*-\s*i18n\s*:\s*$", line)), None)
    if start is None:
        raise UserError("mkdocs.yml has no '- i18n:' plugin entry to add the language to")
    languages = next((i for i in range(start + 1, len(lines)) if re.match(r"\s*languages\s*:\s*$", lines[i])), None)
    if languages is None:
        raise UserError("mkdocs.yml: the i18n plugin has no 'languages:' list")
    entry = re.match(r"(\s*)-\s*locale\s*:", lines[languages + 1]) if languages + 1 < len(lines) else None
    if entry is None:
        raise UserError("mkdocs.yml: expected '- locale: ...' entries under the i18n plugin's 'languages:'")
    dash = entry.group(1)
    inner = dash + "  "
    end = languages + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) >= len(dash)):
        end += 1
    while end > languages + 1 and not lines[end - 1].strip():
        end -= 1
    site_name = layout_site_name(text)
    block = [f"{dash}- locale: {code}\n", f"{inner}name: {_quoted(name)}\n", f"{inner}build: true\n",
             f"{inner}site_name: {_quoted(site_name)}  # translate: the site's title in {name}\n",
             f"{inner}nav_translations:  # translate each title after its colon\n"]
    block += [f"{inner}  {_quoted(title)}: {_quoted(title)}\n" for title in titles]
    return "".join(lines[:end] + block + lines[end:])


def layout_site_name(text: str) -> str:
    match = re.search(r"(?m)^site_name\s*:\s*(.+)$", text)
    return yaml.safe_load(match.group(1)) if match else "Course"


def _with_in_progress(text: str, code: str) -> str:
    """Add `code` to the coursekit plugin's `languages_in_progress` (making the entry a mapping)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        bare = re.match(r"(\s*)-\s*coursekit\s*(#.*)?$", line)
        mapping = re.match(r"(\s*)-\s*coursekit\s*:\s*(#.*)?$", line)
        if bare:
            indent = bare.group(1) + "    "
            lines[i] = f"{bare.group(1)}- coursekit:\n{indent}languages_in_progress: [{code}]  # merged before every page is translated\n"
            return "".join(lines)
        if mapping:
            indent = None
            for j in range(i + 1, len(lines)):
                if not lines[j].strip():
                    continue
                own = len(lines[j]) - len(lines[j].lstrip())
                if own <= len(mapping.group(1)):
                    break
                indent = indent or lines[j][:own]
                found = re.match(r"(\s*languages_in_progress\s*:\s*)\[(.*?)\](.*)$", lines[j].rstrip("\n"))
                if found:
                    items = [item.strip() for item in found.group(2).split(",") if item.strip()]
                    lines[j] = f"{found.group(1)}[{', '.join(items + [code])}]{found.group(3)}\n"
                    return "".join(lines)
            indent = indent or mapping.group(1) + "    "
            lines.insert(i + 1, f"{indent}languages_in_progress: [{code}]  # merged before every page is translated\n")
            return "".join(lines)
    raise UserError("mkdocs.yml has no '- coursekit' plugin entry")


def language_file_text(code: str, name: str, decimal_mark: str) -> str:
    """translations/<code>/language.yml with every interface string to translate: the English text
    in a comment above each key, the key itself empty (the site shows English until it is filled)."""
    out = [f"# {name}: how this language writes numbers, and the words of the site's interface in it.",
           "# Write each text after its key's colon; the English is in the comment above. Keep every {name}",
           "# in braces as it is. A text of two lines is written as a block: `key: |-` and then the lines,",
           "# indented. Until a key is filled the site shows it in English; `coursekit i18n lint` counts them.",
           "# (The in-browser demo's words are in coursekit/demo/ui.yml: add a block for this language there.)",
           "locale:",
           f'  decimal_mark: "{decimal_mark}"  # how pages write 1.76 when they quote a rendered number: "." or ","',
           ""]
    for component in COMPONENTS:
        out.append(f"{component}:")
        for key, value in english(component).items():
            out += [f"  # {line}" for line in value.splitlines()]
            out.append(f"  {_quoted(key)}:")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
