"""Every language's copy of a notebook has the English code cells (comments are translated)."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from coursekit.notebooks import code_without_comments

ROOT = Path(__file__).resolve().parents[1]


def code_cells(path: Path) -> list[list[str]]:
    """The code of each code cell; comments are translated, so they are left out."""
    return [code_without_comments(c.source) for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


TRANSLATED_NOTEBOOKS = sorted(ROOT.glob("translations/*/notebooks/*.ipynb"))


@pytest.mark.parametrize("path", TRANSLATED_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_translated_notebooks_keep_the_english_code(path):
    english = ROOT / "docs" / "notebooks" / path.name
    assert code_cells(path) == code_cells(english), f"{path.relative_to(ROOT)}: code cells differ from English"
