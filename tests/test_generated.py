"""The stored renders: the published outputs match their manifest, every rendered notebook kept its
outputs and no error, and every image the pages use exists."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from coursekit.render import manifest
from coursekit.render.declare import MODES
from coursekit.render.publish import NOTEBOOKS, renderable

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "docs" / manifest.GENERATED
REQUIRED = {"notebook", "config", "seed", "steps", "device", "torch", "wall_time_s", "metrics", "git_commit", "mode", "bytes"}
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


def published_files() -> set[str]:
    return {p.relative_to(GENERATED).as_posix() for p in GENERATED.rglob("*")
            if p.is_file() and p.name != manifest.MANIFEST.name}


def test_manifest_lists_exactly_the_files_present():
    artifacts = manifest.read(ROOT / "docs")["artifacts"]
    assert set(artifacts) == published_files()
    for name, entry in artifacts.items():
        assert REQUIRED <= set(entry), f"{name}: missing {sorted(REQUIRED - set(entry))}"
        assert entry["bytes"] == (GENERATED / name).stat().st_size, f"{name} changed after it was rendered"
        assert entry["mode"] in MODES and entry["wall_time_s"] > 0
        assert re.fullmatch(r"[0-9a-f]{40}(-dirty)?", entry["git_commit"]), name


def test_every_rendered_notebook_kept_its_outputs_and_no_error():
    for name in renderable(ROOT):
        nb = nbformat.read(ROOT / NOTEBOOKS / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.execution_count is not None, f"{name}: a code cell has no stored output"
                assert not [o for o in cell.outputs if o.output_type == "error"], f"{name}: stored error"


def test_a_style_record_names_the_features_that_made_the_picture():
    """The config recorded for the style runs names the network, also where a learner asks for "auto"."""
    runs = manifest.read(ROOT / "docs")["runs"]
    assert runs["style-transfer/base"]["config"]["features"] in ("vgg19", "vgg16", "vgg16-hed")


def _referenced_images(path: Path, text: str):
    # A translation's links are written as from its English page: translations/<lang>/x -> docs/x.
    rel = path.relative_to(ROOT)
    page = ROOT / "docs" / Path(*rel.parts[2:]) if rel.parts[0] == "translations" else path
    for target in IMAGE_LINK.findall(text):
        if "assets/generated/" in target:
            yield (page.parent / target).resolve()


def test_every_generated_image_the_pages_reference_exists():
    pages = [*ROOT.glob("docs/**/*.md"), *ROOT.glob("translations/*/**/*.md")]
    notebooks = [*ROOT.glob("docs/**/*.ipynb"), *ROOT.glob("translations/*/**/*.ipynb")]
    found = []
    for page in pages:
        found += [(page, t) for t in _referenced_images(page, page.read_text(encoding="utf-8"))]
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                found += [(path, t) for t in _referenced_images(path, cell.source)]
    for page, target in found:
        assert target.is_file(), f"{page.relative_to(ROOT)} shows {target}, which does not exist"
