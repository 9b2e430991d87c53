"""A small course repository in a temporary folder, with git history, for the i18n tests."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from coursekit.translations.git import file_blob_id

MKDOCS_YML = """\
site_name: Test course
site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]
docs_dir: docs
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
plugins:
  - search
  - i18n:
      docs_structure: suffix
      languages:
        - locale: en
          default: true
          name: English
          build: true
        - locale: da
          name: Dansk
          build: true
        - locale: sv
          name: Svenska
          build: true
        - locale: nl
          name: Nederlands
          build: true
        - locale: de
          name: Deutsch
          build: true
        - locale: sl
          name: Slovenščina
          build: true
"""

LESSON = """\
# Generative adversarial networks

A generative adversarial network pairs a **generator** with a **discriminator**.
Take the [pre-lecture quiz](../../quiz/gan-pre.md) first.

## Two networks, one game {#game}

![The GAN architecture](../../assets/diagrams/gan-architecture.svg)

```python
import torch
noise = torch.randn(16, 100)  # one latent vector per image
```

## Training

Train the discriminator, then the generator. See [the game](#game) and the
[notebook](../../notebooks/first-look.ipynb).

```bash
python -m ganlib train --epochs 5
```
"""

LABELS = """\
gan-architecture.svg:
  alt: The GAN architecture, drawn as boxes and arrows.
  labels:
    title: The GAN architecture
gan-networks.svg:
  alt: The generator and the discriminator in detail.
  labels:
    title: The two networks
"""

GLOSSARY = """\
terms:
  generator:
    term: generator
    definition: The network that makes images from noise.
  discriminator:
    term: discriminator
    definition: The network that tells real images from generated ones.
"""

QUIZ = """\
title: Before the lesson
lesson: ../lessons/gan/index.md
legacy:
  app_id: {app}
  addresses: [{app}, {new}]
questions:
  - id: q1
    type: truefalse
    text: A GAN has two networks.
    correct: true
    explanation: It has a generator and a discriminator; see [the lesson](../lessons/gan/index.md).
"""


def notebook(cells: list[tuple[str, str]], translation: dict | None = None) -> str:
    metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    if translation:
        metadata["translation"] = translation
    nb = {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True),
             **({"outputs": [], "execution_count": None} if kind == "code" else {})}
            for kind, text in cells
        ],
        "metadata": metadata, "nbformat": 4, "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


NOTEBOOK_CELLS = [("markdown", "# A first look\n\nA generator turns noise into images.\n"),
                  ("code", "import torch\nz = torch.randn(4, 100)\n")]


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
                          cwd=root, check=True, capture_output=True, text=True).stdout


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_site(root: Path, with_git: bool = True) -> Path:
    """The English side of a course repository (committed once when `with_git`)."""
    write(root, "mkdocs.yml", MKDOCS_YML)
    write(root, "docs/index.md", "# Home\n\nRead [the lesson](lessons/gan/index.md).\n")
    write(root, "docs/lessons/gan/index.md", LESSON)
    write(root, "docs/notebooks/first-look.ipynb", notebook(NOTEBOOK_CELLS))
    write(root, "docs/notebooks/gan-pytorch.ipynb", notebook(NOTEBOOK_CELLS))
    write(root, "docs/assets/diagrams/gan-architecture.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    write(root, "docs/assets/diagrams/gan-networks.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    write(root, "docs/assets/diagrams/labels.yml", LABELS)
    write(root, "docs/assets/stylesheets/site.md", "not a page: under docs/assets\n")
    write(root, "docs/glossary.yml", GLOSSARY)
    write(root, "quiz/gan-pre.yml", QUIZ.format(app=110, new=19))
    write(root, "quiz/gan-post.yml", QUIZ.format(app=210, new=20))
    if with_git:
        git(root, "init", "-q", "-b", "main")
        commit(root, "English pages")
    return root


def front_matter(root: Path, source: str, english_rel: str | None = None, translated: str = "2026-11-22") -> str:
    english = root / (english_rel or f"docs/{source}")
    return f"---\nsource: {source}\nsource_blob: {file_blob_id(english)}\ntranslated: {translated}\n---\n"


def translate(root: Path, lang: str, source: str, body: str, english_rel: str | None = None) -> Path:
    """A translation of `source` made from today's English (fresh)."""
    return write(root, f"translations/{lang}/{source}", front_matter(root, source, english_rel) + body)


# -- the translation model over such a repository, read afresh (files change between calls) --------
def repo(root: Path):
    from coursekit.translations.layout import Layout
    from coursekit.translations.repository import Repository

    return Repository(Layout.read(root))


def lint(root: Path, paths=None):
    from coursekit.lint import lint as run_lint

    return run_lint(repo(root), paths)


def collect(root: Path, languages=None):
    from coursekit.translations.status import collect as collect_rows

    return collect_rows(repo(root), languages)


def read_translation_meta(path: Path, expected_source: str | None = None):
    """The front matter of a translated file, as the model reads it."""
    from coursekit.translations.frontmatter import read_meta

    text = Path(path).read_text(encoding="utf-8")
    notebook = json.loads(text) if Path(path).suffix == ".ipynb" else None
    return read_meta(text, str(path), Path(path).suffix, notebook, expected_source)
