"""Mojibake from UTF-8 read as Mac Roman, found and undone exactly.

Files produced by Co-op Translator sometimes reach us after an editor decoded their UTF-8 bytes
as Mac Roman and saved the result as UTF-8 again: `lærte` becomes `l√¶rte`, `✅` becomes `‚úÖ`.
Every UTF-8 byte has a Mac Roman character, so nothing is lost: encoding the text as Mac Roman
gives back the original bytes, and decoding those as UTF-8 gives back the original text.

The *signature* of this damage is a UTF-8 lead byte's Mac Roman character followed by the right
number of continuation-byte characters, where the bytes form one valid UTF-8 character that a
text in the site's languages plausibly contains (Latin letters, Greek for maths, punctuation,
symbols, emoji). Correct text almost never has that: `für` has `ü` (a continuation byte) after a
letter, not after a lead byte.

`repair` first tries the whole document: encode as Mac Roman, decode as UTF-8, keep the result
only if both succeed and the signatures drop (repeated for text garbled twice). A correct
document fails the round trip at its first accented letter and is returned untouched. Only when
the whole document cannot round-trip (some lines were fixed by hand, or hold characters Mac
Roman lacks such as `č`) is each line tried on its own, under a stricter rule: the line must
show a signature and every character the repair makes must be plausible. ftfy was measured to
leave residue and break emoji on long documents; this round trip is exact.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_MAC = bytes(range(256)).decode("mac_roman")
_CONT = re.escape(_MAC[0x80:0xC0])
_LEAD2 = re.escape(_MAC[0xC2:0xE0])
_LEAD3 = re.escape(_MAC[0xE0:0xF0])
_LEAD4 = re.escape(_MAC[0xF0:0xF5])
_CANDIDATE = re.compile(f"[{_LEAD2}][{_CONT}]|[{_LEAD3}][{_CONT}]{{2}}|[{_LEAD4}][{_CONT}]{{3}}")
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")  # lines by "\n" alone, unlike str.splitlines
MAX_PASSES = 3  # text garbled more than three times over is left to a person

# Code points a course text in da/sv/nl/de/sl (or English) plausibly holds beyond ASCII.
_PLAUSIBLE = (
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A: æøå äöü ß éèë č š ž ć đ ĳ ...
    (0x0370, 0x03FF),  # Greek: α β σ μ in formulas
    (0x1E00, 0x1EFF),  # Latin Extended Additional (ẞ)
    (0x2000, 0x2BFF),  # punctuation „“ – — …, currency, letterlike, arrows, maths, symbols, dingbats
    (0xFB00, 0xFB06),  # ligatures
    (0xFE0E, 0xFE0F),  # variation selectors (✍️)
    (0x1F000, 0x1FAFF),  # emoji and pictographs
)


def plausible(char: str) -> bool:
    code = ord(char)
    return code < 0x80 or any(low <= code <= high for low, high in _PLAUSIBLE)


@dataclass(frozen=True)
class Signature:
    start: int  # offset in the text
    garbled: str  # e.g. "√¶"
    meant: str  # e.g. "æ"


def signatures(text: str) -> list[Signature]:
    """Every place in `text` that reads like one UTF-8 character decoded as Mac Roman."""
    found = []
    for match in _CANDIDATE.finditer(text):
        try:
            meant = match.group().encode("mac_roman").decode("utf-8")
        except UnicodeDecodeError:
            continue  # not one valid UTF-8 sequence (overlong, surrogate, ...)
        if plausible(meant) and unicodedata.category(meant) not in ("Cc", "Co", "Cn", "Cs"):
            found.append(Signature(match.start(), match.group(), meant))
    return found


def _round_trip(text: str) -> str | None:
    try:
        return text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class Repair:
    text: str
    lines: list[int]  # 1-based lines that changed (every line for a whole-document repair)
    whole: bool  # the whole document round-tripped

    @property
    def changed(self) -> bool:
        return bool(self.lines)


def repair(text: str) -> Repair:
    """`text` with Mac Roman mojibake undone, and where. Correct text comes back unchanged."""
    fixed, passes = text, 0
    while passes < MAX_PASSES:
        before = len(signatures(fixed))
        candidate = _round_trip(fixed) if before else None
        if candidate is None or len(signatures(candidate)) >= before:
            break
        fixed, passes = candidate, passes + 1
    if passes:
        return Repair(fixed, _changed_lines(text, fixed), True)
    lines = _LINE.findall(text)
    changed = []
    for number, line in enumerate(lines):
        repaired = _repair_line(line)
        if repaired != line:
            lines[number] = repaired
            changed.append(number + 1)
    return Repair("".join(lines), changed, False)


def _repair_line(line: str) -> str:
    for _ in range(MAX_PASSES):
        found = signatures(line)
        candidate = _round_trip(line) if found else None
        if candidate is None or not all(plausible(char) for char in candidate):
            return line
        if len(signatures(candidate)) >= len(found):
            return line
        line = candidate
    return line


def _changed_lines(old: str, new: str) -> list[int]:
    # The round trip never adds or removes a line break (they are ASCII), so lines pair up.
    return [n for n, (a, b) in enumerate(zip(old.split("\n"), new.split("\n")), 1) if a != b]


def main(argv: list[str] | None = None) -> int:
    """`python -m coursekit.translations.mojibake FILE...`: repair files in place (atomically)."""
    import sys
    from pathlib import Path

    from coursekit.atomic import write_text_atomic

    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print("usage: python -m coursekit.translations.mojibake FILE...", file=sys.stderr)
        return 2
    for name in paths:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{name}: error: cannot read as UTF-8: {exc}", file=sys.stderr)
            return 1
        fixed = repair(text)
        if fixed.changed:
            write_text_atomic(Path(name), fixed.text, overwrite=True)
            print(f"{name}: repaired {len(fixed.lines)} line(s)")
        else:
            print(f"{name}: no mojibake found")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
