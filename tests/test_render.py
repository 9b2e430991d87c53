"""`ganlib render`: the published outputs match their manifest, every image the pages use exists,
and a render replaces a notebook's outputs all at once or not at all."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from ganlib import render
from ganlib.cli import main

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / render.GENERATED
REQUIRED = {"notebook", "config", "seed", "steps", "device", "torch", "wall_time_s", "metrics", "git_commit", "mode", "bytes"}
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


def published_files() -> set[str]:
    return {p.relative_to(GENERATED).as_posix() for p in GENERATED.rglob("*")
            if p.is_file() and p.name != render.MANIFEST}


def test_manifest_lists_exactly_the_files_present():
    manifest = render.read_manifest(GENERATED)
    assert set(manifest["artifacts"]) == published_files()
    for name, entry in manifest["artifacts"].items():
        assert REQUIRED <= set(entry), f"{name}: missing {sorted(REQUIRED - set(entry))}"
        assert entry["bytes"] == (GENERATED / name).stat().st_size, f"{name} changed after it was rendered"
        assert entry["mode"] in render.MODES and entry["wall_time_s"] > 0
        assert re.fullmatch(r"[0-9a-f]{40}(-dirty)?", entry["git_commit"]), name


def test_every_rendered_notebook_has_its_outputs_published():
    manifest = render.read_manifest(GENERATED)
    for name in render.available_notebooks():
        nb = nbformat.read(ROOT / render.NOTEBOOKS / f"{name}.ipynb", as_version=4)
        assert "ganlib_render" in nb.metadata, f"{name}.ipynb was never rendered: run `ganlib render`"
        assert any(key.startswith(f"{name}/") for key in manifest["artifacts"]), name
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.execution_count is not None, f"{name}: a code cell has no stored output"
                assert not [o for o in cell.outputs if o.output_type == "error"], f"{name}: stored error"


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


# -- the renderer on a tiny notebook in a throwaway repository -----------------------------------

TINY_CELLS = [
    "import os\nfrom ganlib import render\nfrom ganlib.train import TrainConfig, train\n"
    "outputs = render.Outputs('tiny')\nprint(render.mode())",
    "cfg = TrainConfig(arch='dense', image_size=16, batch_size=4, steps=2, sample_every=1, monitor_every=0,\n"
    "                  fid_samples=0, quiet=True, g_width=16, d_width=16, out=outputs.run_dir('r'))\n"
    "with outputs.timed('r'):\n    result = train(cfg)\noutputs.record_run('r', result)",
    "outputs.save_file('final.png', result.run_dir / 'samples' / 'final.png', runs=['r'])\n"
    "if os.environ.get('TINY_FAIL'):\n    raise RuntimeError('this cell fails on purpose')",
]


@pytest.fixture
def tiny_repo(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in TINY_CELLS],
                                  metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    path = tmp_path / render.NOTEBOOKS / "tiny.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    generated = tmp_path / render.GENERATED
    (generated / "tiny").mkdir(parents=True)
    (generated / "tiny" / "stale.png").write_bytes(b"old")
    manifest = {"format": render.MANIFEST_FORMAT, "artifacts": {"other/x.png": {"notebook": "other"},
                                                                 "tiny/stale.png": {"notebook": "tiny"}}}
    (generated / render.MANIFEST).write_text(json.dumps(manifest))
    # The kernel must import this checkout's ganlib, not look for one in the throwaway folder.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    return tmp_path


@pytest.mark.slow  # starts a Jupyter kernel and trains for two steps: about 10 s
def test_render_stores_outputs_and_replaces_the_notebooks_artifacts(tiny_repo):
    report = render.render_notebook("tiny", "smoke", root=tiny_repo, log=lambda _m: None)
    generated = tiny_repo / render.GENERATED
    assert sorted(p.name for p in (generated / "tiny").iterdir()) == ["final.png"]
    manifest = render.read_manifest(generated)
    assert set(manifest["artifacts"]) == {"other/x.png", "tiny/final.png"}, "other notebooks' entries are kept"
    entry = manifest["artifacts"]["tiny/final.png"]
    assert entry == report.artifacts["tiny/final.png"]
    assert entry["steps"] == 2 and entry["config"]["arch"] == "dense" and "out" not in entry["config"]
    assert entry["git_commit"] == "unknown" and entry["bytes"] == (generated / "tiny" / "final.png").stat().st_size
    assert set(manifest["runs"]) == {"tiny/r"} and manifest["runs"]["tiny/r"]["steps"] == 2
    assert manifest["runs"]["tiny/r"]["metrics"]["loss_d"] == entry["metrics"]["loss_d"]
    nb = nbformat.read(tiny_repo / render.NOTEBOOKS / "tiny.ipynb", as_version=4)
    assert nb.cells[0].outputs[0].text == "smoke\n", "the kernel sees the mode the renderer was given"
    assert nb.cells[2].execution_count is not None and nb.metadata["ganlib_render"]["mode"] == "smoke"
    assert not [p for p in generated.iterdir() if p.name.startswith(".")], "no staging folder is left behind"


@pytest.mark.slow
def test_a_failing_notebook_changes_nothing(tiny_repo, monkeypatch):
    monkeypatch.setenv("TINY_FAIL", "1")
    notebook = tiny_repo / render.NOTEBOOKS / "tiny.ipynb"
    generated = tiny_repo / render.GENERATED
    before = notebook.read_bytes(), (generated / render.MANIFEST).read_bytes()
    with pytest.raises(render.RenderError, match="this cell fails on purpose"):
        render.render_notebook("tiny", "smoke", root=tiny_repo, log=lambda _m: None)
    assert (notebook.read_bytes(), (generated / render.MANIFEST).read_bytes()) == before
    assert sorted(p.name for p in generated.iterdir()) == [render.MANIFEST, "tiny"]
    assert (generated / "tiny" / "stale.png").read_bytes() == b"old"


# -- settings and command line -----------------------------------------------------------------

def test_mode_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(render.ENV_MODE, "smoke")
    assert render.settings("style-transfer")["steps"] == render.SETTINGS["style-transfer"]["smoke"]["steps"]
    monkeypatch.setenv(render.ENV_MODE, "fast")
    with pytest.raises(ValueError, match="GANLIB_RENDER='fast' is not a render mode"):
        render.mode()


def test_smoke_is_smaller_than_cpu_and_cpu_than_full():
    for name, modes in render.SETTINGS.items():
        for key in ("dense_steps", "dcgan_steps", "steps"):
            if key in modes["full"]:
                assert modes["smoke"][key] < modes["cpu"][key] <= modes["full"][key], (name, key)


@pytest.mark.parametrize("args, message", [
    (["render", "--notebook", "nope"], "no renderable notebook nope"),
    (["render", "--check", "--mode", "cpu"], "--check always runs in smoke mode"),
])
def test_render_cli_errors_are_one_line(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("ganlib render: error:") and message in err and err.count("\n") == 1


def test_outputs_record_what_made_each_file(tmp_path):
    outputs = render.Outputs("nb", folder=tmp_path / "out")
    source = tmp_path / "result.png"
    source.write_bytes(b"png")
    with pytest.raises(ValueError, match="record_run\\(\\) was not called for styled"):
        outputs.save_file("result.png", source, runs=["styled"])
    with outputs.timed("styled"):
        pass
    outputs.record("styled", config={"style_weight": 1e5}, steps=3, seed=1, device="cpu", metrics={"loss": 0.5})
    outputs.save_file("result.png", source, runs=["styled"])
    recorded = json.loads((tmp_path / "out" / render.ARTIFACTS).read_text())
    entry = recorded["artifacts"]["result.png"]
    assert entry["config"] == {"style_weight": 1e5} and entry["steps"] == 3 and entry["seed"] == 1
    assert recorded["runs"]["styled"]["metrics"] == {"loss": 0.5}, "runs are kept for pages to quote"
    assert entry["metrics"] == {"loss": 0.5} and entry["device"].startswith("CPU") and entry["wall_time_s"] >= 0
    assert (tmp_path / "out" / "result.png").read_bytes() == b"png"


def test_a_notebook_run_by_hand_trains_under_runs_not_in_a_temporary_folder(tmp_path, monkeypatch):
    """A learner's notebook keeps its runs in ./runs/<notebook>-<time>/ (a second Outputs in the
    same second gets its own folder); under the renderer they go to its working folder, which it
    removes; a notebook that trains nothing makes no runs folder at all."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(render.ENV_RUNS, raising=False)
    render.Outputs("nb", folder=tmp_path / "out")
    assert not (tmp_path / "runs").exists()
    first, second = render.Outputs("nb", folder=tmp_path / "out"), render.Outputs("nb", folder=tmp_path / "out")
    a, b = Path(first.run_dir("dcgan")), Path(second.run_dir("dcgan"))
    assert a.parent.parent == b.parent.parent == Path("runs") and a.parent != b.parent
    assert a.parent.name.startswith("nb-") and a.name == "dcgan" and a.parent.is_dir()
    chosen = render.Outputs("nb", folder=tmp_path / "out", runs_folder=tmp_path / "mine")
    assert Path(chosen.run_dir("dense")) == tmp_path / "mine" / "dense"
    monkeypatch.setenv(render.ENV_RUNS, str(tmp_path / "work"))
    (tmp_path / "work").mkdir()
    rendered = Path(render.Outputs("nb", folder=tmp_path / "out").run_dir("dcgan"))
    assert rendered.parent.parent == tmp_path / "work"


def test_a_style_run_is_recorded_with_its_evaluations_over_all_levels(tmp_path):
    from types import SimpleNamespace

    from ganlib.style import StyleConfig

    outputs = render.Outputs("st", folder=tmp_path / "out")
    history = [{"level": 0, "eval": e, "content": 0.5, "style": 2.0, "tv": 0.1, "total": 3.0} for e in (1, 2, 3)]
    history += [{"level": 1, "eval": e, "content": 0.4, "style": 1.0 / e, "tv": 0.1, "total": 1.5} for e in (1, 2)]
    config = StyleConfig(size=64, steps=2, coarse_steps=3, pyramid=2, features="random", device="cpu")
    metrics = outputs.record_style("base", SimpleNamespace(history=history), config)
    assert metrics == {"content": 0.4, "style": 0.5, "tv": 0.1, "total": 1.5}, "the last evaluation's terms"
    record = outputs.runs["base"]
    assert record["steps"] == 5 and record["seed"] == config.seed and record["config"]["coarse_steps"] == 3
    assert record["device"].startswith("CPU")


def test_a_style_record_names_the_features_that_made_the_picture(tmp_path):
    """With features="auto" the record says which network auto chose, not "auto"."""
    from types import SimpleNamespace

    from ganlib.style import StyleConfig

    outputs = render.Outputs("st", folder=tmp_path / "out")
    history = [{"level": 0, "eval": 1, "content": 0.5, "style": 2.0, "tv": 0.1, "total": 3.0}]
    config = StyleConfig(size=64, steps=1, features="auto", device="cpu")
    outputs.record_style("base", SimpleNamespace(history=history, features="vgg16-hed"), config)
    assert outputs.runs["base"]["config"]["features"] == "vgg16-hed"
