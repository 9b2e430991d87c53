"""The English lesson pages: shapes that keep translations aligned, and commands that really run."""
from __future__ import annotations

import argparse
import re
import shlex

import pytest

from conftest import ROOT

LESSON = ROOT / "docs" / "lessons" / "gan"
PAGES = {path.name: path.read_text(encoding="utf-8") for path in sorted(LESSON.glob("*.md"))}
FENCE = re.compile(r"^(?P<indent> *)```(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)


def headings(text: str) -> list[str]:
    return [line for line in FENCE.sub("", text).splitlines() if re.match(r"#{1,6} ", line)]


def test_the_lesson_has_its_three_pages():
    assert {"index.md", "style-transfer.md", "exercises.md"} <= set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_headings_are_plain_text(name):
    """Translations align heading by heading; links or code in a heading would be translated apart."""
    for heading in headings(PAGES[name]):
        assert not re.search(r"[`\[\]<>*_]", heading), f"{name}: {heading!r}"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_only_markdown_links_and_images(name):
    """static-i18n rewrites Markdown links per language; raw HTML ones break under /<lang>/."""
    assert not re.search(r"<(a|img)\s", PAGES[name], re.I), name


@pytest.mark.parametrize("name", sorted(PAGES))
def test_code_blocks_hold_no_prose(name):
    """Code blocks stay identical in every language, so they carry no comments to translate.
    Runnable blocks are the exception: readers change and run them, so their comments say what
    each part does and are translated (help-translate.md)."""
    for block in FENCE.finditer(PAGES[name]):
        if "{.runnable}" in block.group("info"):
            continue
        for line in block.group("body").splitlines():
            assert not line.strip().startswith("#"), f"{name}: comment in a code block: {line!r}"


def test_quizzes_open_and_close_the_lesson():
    text = PAGES["index.md"]
    pre, post = text.find("../../quiz/gan-pre.md"), text.find("../../quiz/gan-post.md")
    first_topic = text.find("\n## ")
    assert 0 < pre < first_topic, "the pre-lecture quiz link comes before the first section"
    assert post > text.find("## Conclusion"), "the post-lecture quiz link comes after the conclusion"


EXERCISE_TARGETS = {
    "../../notebooks/gan-pytorch.ipynb": "*A GAN in PyTorch* (coming soon)",
    "../../notebooks/style-transfer.ipynb": "*Neural style transfer* (coming soon)",
    "../../demo/index.md": "in-browser demo (coming soon)",
}


def test_exercises_link_the_notebooks_and_the_demo():
    """Each exercise links its notebook or demo once that page exists, and says "coming soon" until then."""
    text = PAGES["exercises.md"]
    for target, announcement in EXERCISE_TARGETS.items():
        exists = (ROOT / "docs" / "lessons" / "gan" / target).resolve().is_file()
        if exists:
            assert f"]({target})" in text, f"{target} exists: link it"
        else:
            assert announcement in text and f"]({target})" not in text, target


def test_no_placeholder_images():
    """Pre-rendered results are announced, never faked: no image from assets/generated/ yet
    unless the file exists."""
    for name, text in PAGES.items():
        for src in re.findall(r"!\[[^\]]*\]\(([^)]*assets/generated/[^)]*)\)", text):
            assert (LESSON / src).resolve().is_file(), f"{name}: {src} does not exist"


# -- commands in the pages run against the real CLI -------------------------------------------

def _subparsers() -> dict[str, argparse.ArgumentParser]:
    from ganlib.cli import build_parser

    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions for flag in action.option_strings}


def _commands() -> list[tuple[str, str]]:
    found = []
    for name, text in PAGES.items():
        for block in FENCE.finditer(text):
            found += [(name, line.strip()) for line in block.group("body").splitlines() if line.strip().startswith("ganlib ")]
    return found


@pytest.mark.parametrize("name, command", _commands())
def test_commands_in_code_blocks_parse(name, command):
    words = shlex.split(command)[1:]
    sub = _subparsers()
    if words[0] not in sub:
        pytest.skip(f"`ganlib {words[0]}` is not part of this checkout yet")
    try:
        sub[words[0]].parse_args(words[1:])
    except SystemExit:
        pytest.fail(f"{name}: `{command}` does not parse with the current ganlib CLI")


# Which subcommands a page's loose `--option` mentions belong to.
PROSE_OPTIONS = {"index.md": ("train",), "style-transfer.md": ("style",), "exercises.md": ("train", "sample", "style")}


@pytest.mark.parametrize("name", sorted(PROSE_OPTIONS))
def test_options_named_in_the_text_exist(name):
    sub = _subparsers()
    missing = [cmd for cmd in PROSE_OPTIONS[name] if cmd not in sub]
    if missing:
        pytest.skip(f"ganlib {', '.join(missing)} not part of this checkout yet")
    known = set().union(*(_options(sub[cmd]) for cmd in PROSE_OPTIONS[name]))
    text = FENCE.sub("", PAGES[name])
    named = set(re.findall(r"`[^`]*?(--[a-z][a-z0-9-]*)", text)) | set(re.findall(r"`(--[a-z][a-z0-9-]*)", text))
    for inline in re.findall(r"`([^`]+)`", text):
        named |= set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", inline))
    assert named, f"{name} names no options"
    assert sorted(named - known) == [], f"{name} names options ganlib does not have"
