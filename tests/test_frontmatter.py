"""Translation front matter: valid files read, every kind of mistake named with file and line."""
from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from coursekit.translations.findings import TranslationError
from coursekit.translations.frontmatter import read_meta
from coursekit.translations.git import blob_id

BLOB = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"


def read_translation_meta(path, expected_source=None):
    """The front matter of the file at `path`, read the way the translation model reads it."""
    text = path.read_text(encoding="utf-8")
    notebook = json.loads(text) if path.suffix == ".ipynb" else None
    return read_meta(text, str(path), path.suffix, notebook, expected_source)


def write(tmp_path, text, name="page.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_a_valid_header(tmp_path):
    path = write(tmp_path, f"---\nsource: lessons/gan/index.md\nsource_blob: {BLOB}\ntranslated: 2026-11-22\n---\n# Titel\n")
    meta = read_translation_meta(path, expected_source="lessons/gan/index.md")
    assert (meta.source, meta.source_blob, meta.translated) == ("lessons/gan/index.md", BLOB, dt.date(2026, 11, 22))


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("# no header\n", 1, "missing front matter"),
        ("---\nsource: a.md\n", 1, "never closed"),
        (f"---\nsource: a.md\nsource_blob: {BLOB}\n---\n", 1, "lacks 'translated'"),
        (f"---\nsource: a.md\nsource_blob: abc\ntranslated: 2026-11-22\n---\n", 3, "not a 40-hex"),
        (f"---\nsource: a.md\nsource_blob: {BLOB}\ntranslated: yesterday\n---\n", 4, "must be a date"),
        (f"---\nsource: a.md\nsource_blob: {BLOB}\ntranslated: [2026\n---\n", 4, "not valid YAML in the front matter: the [ opened on line 4"),
        (f"---\nsource: a.md\n  bad: indent\nsource_blob: {BLOB}\n---\n", 3, "line 3 is indented more than line 2"),
        (f"---\nsource: b.md\nsource_blob: {BLOB}\ntranslated: 2026-11-22\n---\n", 2, "but this file translates 'a.md'"),
    ],
)
def test_errors_name_file_and_line(tmp_path, text, line, words):
    path = write(tmp_path, text)
    with pytest.raises(TranslationError) as caught:
        read_translation_meta(path, expected_source="a.md")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert words in str(caught.value)


def test_notebook_carries_it_in_metadata(tmp_path):
    notebook = {"cells": [], "metadata": {"translation": {"source": "n.ipynb", "source_blob": BLOB, "translated": "2026-11-22"}}}
    path = write(tmp_path, json.dumps(notebook), "n.ipynb")
    assert read_translation_meta(path, expected_source="n.ipynb").source_blob == BLOB
    path.write_text(json.dumps({"cells": [], "metadata": {}}), encoding="utf-8")
    with pytest.raises(TranslationError, match="metadata.translation"):
        read_translation_meta(path)


def test_notebook_errors_point_at_its_translation_metadata(tmp_path):
    notebook = {"cells": [{"cell_type": "code", "source": ["x = 1\n"], "metadata": {}, "outputs": []}],
                "metadata": {"translation": {"source": "n.ipynb", "source_blob": "abc", "translated": "2026-11-22"}}}
    path = write(tmp_path, json.dumps(notebook, indent=1), "n.ipynb")
    blob_line = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if '"source_blob"' in line)
    with pytest.raises(TranslationError) as caught:
        read_translation_meta(path, expected_source="n.ipynb")
    assert caught.value.line == blob_line and "not a 40-hex" in caught.value.message


def test_blob_id_matches_git(tmp_path):
    path = write(tmp_path, "Hej verden ✅\n")
    git = subprocess.run(["git", "hash-object", str(path)], capture_output=True, text=True, check=True).stdout.strip()
    assert blob_id(path.read_bytes()) == git
