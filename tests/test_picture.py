"""The mode-collapse picture (python -m coursekit.demo picture): its SVG, the record it leaves in
the manifest beside the renderer's, and that the stored picture is the one the code now makes."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT
from coursekit.demo import picture
from coursekit.render import manifest as render_manifest
from ganlib.lite.presets import preset_config
from ganlib.lite.train import record_run

SVG = "{http://www.w3.org/2000/svg}"


def dots(element) -> int:
    return element.get("d").count("h0")


def test_svg_has_a_panel_per_run_and_step_and_keeps_only_points_in_view():
    frame = lambda step, points: {"step": step, "points": points, "modes_covered": 1, "modes": 8}  # noqa: E731
    rows = {"a": [frame(10, [[0.0, 0.0], [9.0, 0.0]]), frame(20, [[1.0, 1.0]])],
            "b": [frame(10, [[-1.0, 0.5]]), frame(20, [])]}
    root = ET.fromstring(picture.svg([[0.5, 0.5]] * 3, rows))
    assert [t.text for t in root.iter(f"{SVG}text")] == ["10", "20", "1/8", "1/8", "1/8", "1/8"]
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == 8 and [dots(p) for p in paths] == [3, 1, 3, 1, 3, 1, 3, 0]  # real, then generated


def test_the_command_writes_the_picture_and_a_record_beside_the_renderers(tmp_path):
    generated = tmp_path / "docs" / "assets" / "generated"
    generated.mkdir(parents=True)
    other = {"gan-pytorch/losses.png": {"notebook": "gan-pytorch", "bytes": 1}}
    (generated / "manifest.json").write_text(json.dumps({"format": render_manifest.FORMAT, "artifacts": other,
                                                         "runs": {"gan-pytorch/dcgan": {"steps": 1}}}))
    record = picture.make_picture(tmp_path, steps=(2, 4), log=lambda _m: None)
    out = generated / picture.KEY
    manifest = json.loads((generated / "manifest.json").read_text())
    assert manifest["artifacts"][picture.KEY] == record and manifest["artifacts"]["gan-pytorch/losses.png"] == other[
        "gan-pytorch/losses.png"]
    assert set(manifest["runs"]) == {"gan-pytorch/dcgan", "demo/default", "demo/collapse"}
    assert record["bytes"] == out.stat().st_size and record["steps"] == {"default": 4, "collapse": 4}
    assert record["config"]["collapse"] == preset_config("collapse", seed=0).to_dict()
    assert record["metrics"]["collapse"]["modes_covered_at"].keys() == {"2", "4"}
    assert not list(generated.rglob("*.tmp")) and ET.parse(out).getroot().tag == f"{SVG}svg"


def test_a_manifest_of_another_format_is_refused(tmp_path):
    manifest = tmp_path / picture.MANIFEST
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"format": "something/2"}))
    with pytest.raises(render_manifest.ManifestError, match="format 'something/2' is not 'ganlib-render-manifest/1'"):
        picture.make_picture(tmp_path, steps=(1,), log=lambda _m: None)


def test_the_stored_picture_is_what_the_code_makes_now():
    """Its record names today's presets and steps: change either, and run the command again."""
    record = json.loads((ROOT / picture.MANIFEST).read_text())["artifacts"][picture.KEY]
    path = ROOT / picture.GENERATED / picture.KEY
    assert record["bytes"] == path.stat().st_size
    assert record["runs"] == list(picture.ROWS) and record["steps"] == {n: picture.STEPS[-1] for n in picture.ROWS}
    for name in picture.ROWS:
        assert record["config"][name] == preset_config(name, seed=picture.SEED).to_dict()
        assert list(record["metrics"][name]["modes_covered_at"]) == [str(s) for s in picture.STEPS]
    root = ET.parse(path).getroot()
    assert len(list(root.iter(f"{SVG}path"))) == 2 * len(picture.ROWS) * len(picture.STEPS)
    # Mode collapse, as the picture's caption will say: the collapsed run never covers more than a
    # few modes; the default run ends up covering most of them.
    assert max(record["metrics"]["collapse"]["modes_covered_at"].values()) <= 3
    assert record["metrics"]["default"]["modes_covered"] >= 7


def test_record_run_wants_ascending_steps():
    with pytest.raises(ValueError, match="at_steps must be ascending"):
        record_run(preset_config("default"), [5, 2])
