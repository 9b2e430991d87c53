"""The course notebooks still run (smoke mode), `--check` rewrites nothing, and every language's
copy of a notebook has the English code cells."""
from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pytest

from coursekit.notebooks import code_without_comments
from ganlib import render

ROOT = Path(__file__).resolve().parents[1]


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("name", render.available_notebooks())
def test_smoke_run_passes_and_changes_nothing(name, request):
    if name == "style-transfer":
        request.getfixturevalue("vgg16_hed_cache")  # the notebook's features, when they can be had
    notebook = ROOT / render.NOTEBOOKS / f"{name}.ipynb"
    before = notebook.read_bytes(), tree_digest(ROOT / render.GENERATED)
    report = render.check_notebook(name, log=lambda _m: None)
    assert (notebook.read_bytes(), tree_digest(ROOT / render.GENERATED)) == before, "--check rewrote stored outputs"
    # The stored render and the current notebook save the same files: the published set is not stale.
    published = {key.split("/", 1)[1] for key in render.read_manifest(ROOT / render.GENERATED)["artifacts"]
                 if key.startswith(f"{name}/")}
    assert set(report.artifacts) == published
    for entry in report.artifacts.values():
        assert entry["config"] and entry["device"] and entry["torch"]


def code_cells(path: Path) -> list[list[str]]:
    """The code of each code cell; comments are translated, so they are left out."""
    return [code_without_comments(c.source) for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


TRANSLATED_NOTEBOOKS = sorted(ROOT.glob("translations/*/notebooks/*.ipynb"))


@pytest.mark.parametrize("path", TRANSLATED_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_translated_notebooks_keep_the_english_code(path):
    english = ROOT / "docs" / "notebooks" / path.name
    assert code_cells(path) == code_cells(english), f"{path.relative_to(ROOT)}: code cells differ from English"


def test_notebook_settings_exist_for_every_mode():
    for name, modes in render.SETTINGS.items():
        assert set(modes) == set(render.MODES), name
        assert (ROOT / render.NOTEBOOKS / f"{name}.ipynb").is_file(), f"settings for a missing notebook {name}"
