"""Links written for the original course's repository, and where they lead on this site.

The table is data (links.yml beside this module). `classify(url)` says what to do with one link:

- MAP: it is this lesson's page, notebook, image or quiz; `target` is the path under docs/
  (a quiz: quiz/<id>.md), to be written relative to the page that links to it;
- UNLINK: it is another lesson of the original course, which this site does not have: keep the
  link text, drop the link;
- KEEP: an outside address, an anchor, or a quiz of another lesson on the still-running quiz
  host: leave it (with a note when the reader should know);
- UNKNOWN: a relative link the table does not cover: it would be broken here; reported so a
  person decides.

Relative links are matched by what they point at, not by how many `../` they climb: Co-op
Translator writes `../../../../../lessons/4-ComputerVision/10-GANs/X.ipynb` from its own
folder depth, the English original writes `X.ipynb`, and both mean the same file.
"""
from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import yaml

TABLE_FILE = Path(__file__).with_name("links.yml")
MAP, UNLINK, KEEP, UNKNOWN = "map", "unlink", "keep", "unknown"

QUIZ_URLS = {
    "azurestaticapps": re.compile(r"https?://[\w.-]+\.azurestaticapps\.net/quiz/(?P<n>\d+)/?", re.I),
    "ff-quizzes": re.compile(r"https?://ff-quizzes\.netlify\.app/(?:[\w-]+/)*quiz/(?P<n>\d+)/?", re.I),
}
_LESSON_FOLDER = re.compile(r"^\d{1,2}-[\w-]+$")  # 07-ConvNets, 10-GANs
_HASHED_IMAGE = re.compile(r"^(?P<stem>.+?)\.[0-9a-f]{6,}(?:\.[a-z]{2,3}(?:-[A-Za-z]{2,4})?)?\.\w+$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


@dataclass(frozen=True)
class LinkTable:
    lesson: str  # the lesson folder in the original repository
    files: dict[str, str]
    images: dict[str, str]
    quizzes: dict[str, dict[int, str]]

    @property
    def lesson_folder(self) -> str:
        return posixpath.basename(self.lesson.rstrip("/"))


@functools.cache
def load_table(path: Path = TABLE_FILE) -> LinkTable:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return LinkTable(
        lesson=data["lesson"], files=dict(data["files"]), images=dict(data["images"]),
        quizzes={host: {int(n): target for n, target in numbers.items()} for host, numbers in data["quizzes"].items()},
    )


@dataclass(frozen=True)
class Decision:
    action: str  # MAP, UNLINK, KEEP or UNKNOWN
    target: str = ""  # MAP: a path under docs/, with the link's #fragment when it had one
    note: str = ""  # what a person should know


def quiz_number(url: str) -> tuple[str, int] | None:
    for host, pattern in QUIZ_URLS.items():
        match = pattern.fullmatch(url.strip())
        if match:
            return host, int(match["n"])
    return None


def image_stem(name: str) -> str:
    """`gan_architecture.png` and `gan_architecture.3f2a9c81.webp` both give `gan_architecture`."""
    match = _HASHED_IMAGE.match(name)
    return match["stem"] if match else posixpath.splitext(name)[0]


def classify(url: str, table: LinkTable | None = None) -> Decision:
    table = table or load_table()
    url = url.strip()
    quiz = quiz_number(url)
    if quiz is not None:
        host, number = quiz
        target = table.quizzes.get(host, {}).get(number)
        if target:
            return Decision(MAP, target)
        return Decision(KEEP, note=f"quiz {number} on {host} belongs to another lesson of the original course; kept as an outside link")
    if not url or url.startswith("#") or _SCHEME.match(url):
        return Decision(KEEP)
    path, hashmark, fragment = url.partition("#")
    path = unquote(path.split("?", 1)[0])
    parts = [part for part in path.split("/") if part not in ("", ".")]
    climbs = 0
    while parts and parts[0] == "..":
        parts.pop(0)
        climbs += 1
    if not parts:
        return Decision(UNKNOWN, note="a link to a folder of the original repository")
    mapped = _in_table(parts, climbs, table)
    if mapped is not None:
        return Decision(MAP, mapped + (hashmark + fragment if fragment else ""))
    lesson = next((part for part in parts[:-1] if _LESSON_FOLDER.match(part) and part != table.lesson_folder), None)
    if lesson is not None:
        return Decision(UNLINK, note=f"lesson {lesson} of the original course is not on this site; kept the link text without the link")
    return Decision(UNKNOWN, note="not in the link table (coursekit/i18n/links.yml) and not a file of this site")


def _in_table(parts: list[str], climbs: int, table: LinkTable) -> str | None:
    """The site path of a link into this lesson's folder, or None."""
    name = parts[-1]
    if "translated_images" in parts:
        return table.images.get(image_stem(name))
    if table.lesson_folder in parts:
        rest = parts[parts.index(table.lesson_folder) + 1:]
    elif climbs == 0:
        rest = parts  # written from inside the lesson folder: `GANPyTorch.ipynb`, `images/x.png`
    else:
        return None
    inside = "/".join(rest)
    if inside in table.files:
        return table.files[inside]
    if len(rest) == 2 and rest[0] == "images":
        return table.images.get(image_stem(name))
    return None


def original_page(source_file: str, table: LinkTable | None = None) -> str | None:
    """The page of this site a file of the original course became:
    `lessons/4-ComputerVision/10-GANs/README.md` -> `lessons/gan/index.md`; None if none."""
    table = table or load_table()
    path = re.sub(r"^(?:\./)+", "", source_file.replace("\\", "/"))
    prefix = table.lesson.rstrip("/") + "/"
    if path.startswith(prefix):
        return table.files.get(path[len(prefix):])
    return None


def relative_url(from_source: str, to_target: str) -> str:
    """The link from the page `from_source` to `to_target` (both paths under docs/)."""
    path, hashmark, fragment = to_target.partition("#")
    base = posixpath.dirname(from_source) or "."
    return posixpath.relpath(path, base) + hashmark + fragment
