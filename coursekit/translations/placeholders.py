"""`{{ result RUN KEY }}` placeholders: what a page writes where it quotes a rendered number.

The build replaces each placeholder with the value from the notebooks' last render
(coursekit.results). A translation keeps the English text's placeholders exactly as written:
the words inside `{{ }}` are never translated. Anything else between `{{` and `}}` outside code
would be published as it stands, so it is an error, with the nearest real placeholder suggested.
"""
from __future__ import annotations

import difflib
import re

from coursekit.translations.mdscan import line_of, mask

PLACEHOLDER = re.compile(r"\{\{\s*result\s+(?P<run>[\w.-]+/[\w.=-]+)\s+(?P<key>\w+)\s*\}\}")
ANY_BRACES = re.compile(r"\{\{(?P<inside>[^{}\n]*)\}\}")
NEVER_TRANSLATED = "the words inside {{ }} are never translated"


def find(text: str, masked: str | None = None):
    """The placeholder matches in `text` outside code, at their positions in `text`."""
    return PLACEHOLDER.finditer(mask(text) if masked is None else masked)  # mask keeps every position


def placeholders(text: str) -> list[str]:
    """Each placeholder in `text` (outside code), normalised to "RUN KEY", in order."""
    return [f"{m['run']} {m['key']}" for m in find(text)]


def written(name: str) -> str:
    return "{{ result " + name + " }}"


def leftovers(text: str, masked: str | None = None) -> list[tuple[int, str]]:
    """(line, text) of each `{{ ... }}` outside code that is not a placeholder."""
    masked = mask(text) if masked is None else masked
    return [(line_of(text, m.start()), m.group()) for m in ANY_BRACES.finditer(masked) if not PLACEHOLDER.fullmatch(m.group())]


def nearest(written_text: str, candidates: list[str]) -> str | None:
    """The placeholder among `candidates` ("RUN KEY") closest to what was written."""
    inner = re.sub(r"^\{\{\s*|\s*\}\}$", "", written_text)
    words = inner.split()
    if not words:
        return None
    # Compare without the first word, which is the one a translator may have translated ("Ergebnis").
    tail = " ".join(words[1:]) if len(words) > 1 else inner
    close = difflib.get_close_matches(tail, candidates, n=1, cutoff=0.6) or difflib.get_close_matches(inner, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def compare(body: str, english: str, english_name: str, body_line=lambda line: line, english_line=lambda line: line):
    """Yield (line, message) for each way the placeholders of a translated `body` differ from the
    `english` text's: one missing, one not in English (a typo, with the near miss named), and any
    other `{{ ... }}` (a translated keyword). Lines yielded are lines of `body`; in messages,
    `body_line`/`english_line` turn text lines into file lines."""
    masked = mask(body)
    ours = [(f"{m['run']} {m['key']}", line_of(body, m.start()), m.group()) for m in find(body, masked)]
    theirs = [(f"{m['run']} {m['key']}", line_of(english, m.start())) for m in find(english)]
    matcher = difflib.SequenceMatcher(None, [name for name, _ in theirs], [name for name, _, _ in ours], autojunk=False)
    kept: dict[int, int] = {}  # English index -> translated index
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            kept[block.a + k] = block.b + k
    missing = [i for i in range(len(theirs)) if i not in kept]
    strays = sorted([(ours[j][1], ours[j][2], True) for j in range(len(ours)) if j not in kept.values()]
                    + [(line, text, False) for line, text in leftovers(body, masked)])
    claimed: set[int] = set()
    for line, text, is_placeholder in strays:
        guess = nearest(text, [theirs[i][0] for i in missing if i not in claimed])
        if guess is not None:
            i = next(i for i in missing if theirs[i][0] == guess and i not in claimed)
            claimed.add(i)
            yield line, (f"{text}: did you mean {written(guess)} ({english_name}:{english_line(theirs[i][1])})? "
                                    f"copy the placeholder exactly; {NEVER_TRANSLATED}")
        elif is_placeholder:
            yield line, f"{text} is not in the English text ({english_name}); use the English page's placeholders only"
        else:
            yield line, (f"{text} is not a placeholder the site knows, and would be published as it stands; "
                                    f"placeholders read {{{{ result RUN KEY }}}} as in the English text; {NEVER_TRANSLATED}")
    for i in missing:
        if i in claimed:
            continue
        name, english_at = theirs[i]
        before = [kept[k] for k in kept if k < i]
        after = [kept[k] for k in kept if k > i]
        if before:
            where = ours[max(before)][1]
            hint = f"after {ours[max(before)][2]} on line {body_line(where)}"
        elif after:
            where = ours[min(after)][1]
            hint = f"before {ours[min(after)][2]} on line {body_line(where)}"
        else:
            where = max(1, round(english_at * body.count("\n") / max(english.count("\n"), 1)))
            hint = f"near line {body_line(where)}"
        yield where, (f"{written(name)} is missing: the English text quotes it on line {english_line(english_at)} "
                                 f"({english_name}); put it back {hint}, as written (the build fills in the number; "
                                 f"{NEVER_TRANSLATED})")
