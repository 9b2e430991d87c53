"""Every language's copy of a notebook has the English code cells (comments may be translated)."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def code_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


TRANSLATED_NOTEBOOKS = sorted(ROOT.glob("translations/*/notebooks/*.ipynb"))


@pytest.mark.parametrize("path", TRANSLATED_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_translated_notebooks_keep_the_english_code(path):
    """Comments may be translated (the rule the lint and the page's English outputs share)."""
    from coursekit.translations.notebook import same_code

    english = ROOT / "docs" / "notebooks" / path.name
    pairs = list(zip(code_cells(path), code_cells(english), strict=True))
    assert all(same_code(mine, theirs) for mine, theirs in pairs), f"{path.relative_to(ROOT)}: code cells differ from English"
