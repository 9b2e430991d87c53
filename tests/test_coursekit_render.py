"""`coursekit render`: a notebook declares in cell metadata what the site publishes, the renderer
runs it with the mode's sizes and publishes exactly that, and learners' cells hold no renderer calls."""
from __future__ import annotations

import base64
import json
import tempfile
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from coursekit.cli import main
from coursekit.render import manifest
from coursekit.render.declare import (DeclarationError, check_settings, load_settings, plumbing, plumbing_cells,
                                      read_declarations)
from coursekit.render.execute import HIDDEN, RenderError, execution_copy
from coursekit.render.publish import NOTEBOOKS, check_notebook, render_notebook, renderable

KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
SETTINGS = {"tiny": {"full": {"steps": 9}, "cpu": {}, "smoke": {"steps": 3}}}


def tiny_notebook(fail_in_record: bool = False) -> nbformat.NotebookNode:
    """Parameters, a figure published and its run recorded, a file the notebook wrote, and plain cells."""
    v4 = nbformat.v4
    record = {"metrics": "{'last': values[-1], 'mean': sum(values) / len(values)}", "steps": "steps"}
    if fail_in_record:
        record["metrics"] = "{'last': undefined_name}"
    cells = [
        v4.new_markdown_cell("# Tiny"),
        v4.new_code_cell("steps = 5\nseed = 1", metadata={"tags": ["parameters"]}),
        v4.new_code_cell("import matplotlib.pyplot as plt\nvalues = [i * i for i in range(steps)]\n"
                         "fig, ax = plt.subplots(figsize=(2, 2))\nax.plot(values)\nplt.show()\nprint('steps', steps)",
                         metadata={"coursekit": {"run": "toy", "publish": ["curve.png"], "record": record}}),
        v4.new_code_cell("from pathlib import Path\nout = Path('runs/toy')\nout.mkdir(parents=True, exist_ok=True)\n"
                         "(out / 'values.txt').write_text(str(values))",
                         metadata={"coursekit": {"run": "toy", "publish_files": {"values.txt": "out / 'values.txt'"}}}),
        v4.new_code_cell("values[-1]"),
    ]
    return v4.new_notebook(cells=cells, metadata=dict(KERNEL))


@pytest.fixture
def tiny_repo(tmp_path):
    root = tmp_path / "repo"
    (root / NOTEBOOKS).mkdir(parents=True)
    nbformat.write(tiny_notebook(), root / NOTEBOOKS / "tiny.ipynb")
    generated = root / "docs" / manifest.GENERATED
    (generated / "tiny").mkdir(parents=True)
    (generated / "tiny" / "stale.png").write_bytes(b"old")
    (generated / "manifest.json").write_text(json.dumps({
        "format": manifest.FORMAT, "artifacts": {"other/x.png": {"notebook": "other"}, "tiny/stale.png": {}},
        "runs": {"other/r": {"steps": 1}}}))
    return root


# -- declarations ---------------------------------------------------------------------------------

def test_declarations_are_read_from_cell_metadata():
    decl = read_declarations(tiny_notebook(), "tiny.ipynb")
    assert decl.parameters_cell == 1 and decl.parameters == {"steps": 5, "seed": 1}
    assert decl.run_names == ["toy"] and decl.published() == ["curve.png", "values.txt"]
    figure = decl.cells[0]
    assert figure.index == 2 and figure.runs == ["toy"] and figure.record["steps"] == "steps"


@pytest.mark.parametrize("change, message", [
    (lambda nb: nb.cells[2].metadata["coursekit"].pop("run"), "record needs the run it belongs to"),
    (lambda nb: nb.cells[2].metadata["coursekit"].update(publish=["curve.gif"]), "publish lists file names ending in .png or .jpg"),
    (lambda nb: nb.cells[2].metadata["coursekit"].update(runs=["other"]), "publishes files of run other, but no cell declares"),
    (lambda nb: nb.cells[2].metadata["coursekit"].update(record={"metrics": "{'a': "}), "is not a Python expression"),
    (lambda nb: nb.cells[3].metadata["coursekit"].update(publish_files={"curve.png": "'x'"}), "curve.png is published by two cells"),
    (lambda nb: nb.cells[4].metadata.update(tags=["parameters"]), "2 cells are tagged 'parameters'"),
    (lambda nb: nb.cells[0].metadata.update(coursekit={"run": "x"}), "is on a markdown cell"),
    (lambda nb: nb.cells[4].metadata.update(coursekit={"figure": "a.png"}), "unknown figure"),
])
def test_a_wrong_declaration_is_an_error_naming_the_cell(change, message):
    nb = tiny_notebook()
    change(nb)
    with pytest.raises(DeclarationError, match=message) as caught:
        read_declarations(nb, "tiny.ipynb")
    assert str(caught.value).startswith("tiny.ipynb: ")


@pytest.mark.parametrize("modes, message", [
    ({"full": {"epochs": 3}, "cpu": {}, "smoke": {}}, "sets epochs, which the parameters cell does not assign"),
    ({"full": {}, "cpu": {"steps": 50}, "smoke": {}}, "cpu steps=50 differs from the parameters cell's 5"),
])
def test_settings_must_match_the_parameters_cell(modes, message):
    decl = read_declarations(tiny_notebook(), "tiny.ipynb")
    with pytest.raises(DeclarationError, match=message):
        check_settings(decl, modes, "tiny.ipynb")
    check_settings(decl, {"full": {"steps": 100}, "cpu": {"steps": 5}, "smoke": {"steps": 2}}, "tiny.ipynb")


def test_settings_yml_lists_three_modes_per_notebook(tmp_path):
    for name, modes in load_settings().items():
        assert set(modes) == {"full", "cpu", "smoke"}, name
    bad = tmp_path / "settings.yml"
    bad.write_text("nb:\n  cpu: {}\n  smoke: {}\n")
    with pytest.raises(DeclarationError, match="nb needs exactly the modes full, cpu, smoke"):
        load_settings(bad)


def test_the_copy_that_runs_sets_the_modes_values_after_the_parameters_cell():
    nb = tiny_notebook()
    decl = read_declarations(nb, "tiny.ipynb")
    cells = execution_copy(nb, decl, {"steps": 3}, "smoke")["cells"]
    hidden = [i for i, c in enumerate(cells) if HIDDEN in c.metadata.get("coursekit", {})]
    assert hidden == [2, 4, 6], "one after the parameters cell, one after each cell with records or files"
    assert "steps = 3\n" in cells[2].source and "'steps': steps, 'seed': seed" in cells[2].source
    assert "undefined" not in cells[4].source and "values[-1]" in cells[4].source
    assert [c.source for c in cells if HIDDEN not in c.metadata.get("coursekit", {})] == [c.source for c in nb.cells]


# -- renderer calls in learners' cells ------------------------------------------------------------

@pytest.mark.parametrize("code, found", [
    ("from ganlib import render\nsettings = render.settings('x')", ["imports ganlib.render"]),
    ("import ganlib.render as r", ["imports ganlib.render"]),
    ("from coursekit.render.kernel import emit", ["imports from coursekit.render.kernel"]),
    ("import os\nmode = os.environ['GANLIB_RENDER']", ["mentions GANLIB_RENDER"]),
    ("%matplotlib inline\nimport ganlib\nprint(ganlib.render)", ["uses ganlib.render"]),
    ("def render(x):\n    return x\nrender(1)  # coursekit is not named in code here", []),
    ("from ganlib import plots, train\n!pip list", []),
])
def test_plumbing_is_found_in_learner_code(code, found):
    assert plumbing(code) == found


def english_notebooks() -> list[Path]:
    return sorted((ROOT / NOTEBOOKS).glob("*.ipynb"))


@pytest.mark.parametrize("path", english_notebooks(), ids=lambda p: p.stem)
def test_learner_cells_contain_no_renderer_call(path):
    found = plumbing_cells(nbformat.read(path, as_version=4))
    assert not found, f"{path.name}: renderer calls in learners' cells {found}; declare them in cell metadata"


def test_every_rendered_notebook_declares_what_settings_yml_sets():
    settings = load_settings()
    assert set(renderable(ROOT, settings)) == set(settings), "settings.yml names a notebook that does not exist"
    for name in renderable(ROOT, settings):
        nb = nbformat.read(ROOT / NOTEBOOKS / f"{name}.ipynb", as_version=4)
        decl = read_declarations(nb, name)
        check_settings(decl, settings[name], name)
        assert decl.published(), f"{name} publishes nothing"
        entry = nb.metadata.get("coursekit", {}).get("render")
        assert entry and entry["mode"] in ("cpu", "full"), f"{name}.ipynb is not rendered: run `coursekit render --notebook {name}`"
        whole = manifest.read(ROOT / "docs")["notebooks"].get(name, {})
        assert {k: whole.get(k) for k in ("mode", "git_commit", "wall_time_s")} == \
            {k: entry[k] for k in ("mode", "git_commit", "wall_time_s")}, f"{name}: the manifest's render time is not the notebook's"
        published = {k.split("/", 1)[1] for k in manifest.read(ROOT / "docs")["artifacts"] if k.startswith(f"{name}/")}
        assert published == set(decl.published()), f"{name}: the published files are not what the notebook declares"


# -- manifest -----------------------------------------------------------------------------------

def test_the_manifest_keeps_other_notebooks_and_refuses_another_format(tmp_path):
    docs = tmp_path / "docs"
    manifest.replace_notebook(docs, "a", {"a/x.png": {"bytes": 1}}, {"a/run": {"steps": 2}})
    manifest.replace_notebook(docs, "b", {"b/y.png": {"bytes": 3}}, {})
    written = manifest.replace_notebook(docs, "a", {"a/z.png": {"bytes": 4}}, {})
    assert set(written["artifacts"]) == {"a/z.png", "b/y.png"} and written["runs"] == {}
    manifest.replace_notebook(docs, "b", {}, {}, {"wall_time_s": 5.0})
    written = manifest.replace_notebook(docs, "a", {}, {}, {"wall_time_s": 9.0})
    assert written["notebooks"] == {"a": {"wall_time_s": 9.0}, "b": {"wall_time_s": 5.0}}
    assert manifest.replace_notebook(docs, "demo", {}, {})["notebooks"] == written["notebooks"], "no record: kept"
    (docs / manifest.MANIFEST).write_text(json.dumps({"format": "other/2"}))
    with pytest.raises(manifest.ManifestError, match="format 'other/2' is not 'ganlib-render-manifest/1'"):
        manifest.read(docs)


# -- the command ----------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["render", "--notebook", "nope"], "no renderable notebook nope"),
    (["render", "--check", "--mode", "cpu"], "--check always runs in smoke mode"),
])
def test_render_command_errors_are_one_line(args, message, capsys):
    assert main([*args, "--root", str(ROOT)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("coursekit: error:") and message in err and err.count("\n") == 1


# -- rendering (starts a Jupyter kernel) ----------------------------------------------------------

@pytest.mark.slow  # a kernel and matplotlib: about 5 s
def test_render_publishes_the_declared_figure_and_records_the_run(tiny_repo, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the renderer's working folder goes
    report = render_notebook("tiny", "smoke", tiny_repo, settings=SETTINGS, log=lambda _m: None)
    generated = tiny_repo / "docs" / manifest.GENERATED
    assert sorted(p.name for p in (generated / "tiny").iterdir()) == ["curve.png", "values.txt"]
    stored = nbformat.read(tiny_repo / NOTEBOOKS / "tiny.ipynb", as_version=4)
    shown = [o for o in stored.cells[2].outputs if "image/png" in o.get("data", {})]
    assert base64.b64decode(shown[0].data["image/png"]) == (generated / "tiny" / "curve.png").read_bytes()
    assert (generated / "tiny" / "values.txt").read_text() == "[0, 1, 4]", "smoke mode's steps = 3 ran"
    assert [c.source for c in stored.cells] == [c.source for c in tiny_notebook().cells], "no hidden cell is stored"
    assert [c.execution_count for c in stored.cells if c.cell_type == "code"] == [1, 2, 3, 4]
    assert stored.cells[4].outputs[0]["execution_count"] == 4 and stored.cells[4].outputs[0].data["text/plain"] == "4"
    assert stored.metadata["coursekit"]["render"]["parameters"] == {"steps": 3, "seed": 1}
    data = manifest.read(tiny_repo / "docs")
    assert set(data["artifacts"]) == {"other/x.png", "tiny/curve.png", "tiny/values.txt"}, "stale entries go, others stay"
    assert set(data["runs"]) == {"other/r", "tiny/toy"}
    run = data["runs"]["tiny/toy"]
    assert run["metrics"] == {"last": 4, "mean": 5 / 3} and run["steps"] == 3 and run["seed"] == 1
    assert run["config"] == {"steps": 3, "seed": 1} and run["mode"] == "smoke" and run["git_commit"] == "unknown"
    assert run["wall_time_s"] > 0 and run["device"].startswith("CPU") and run["versions"]["matplotlib"]
    whole = data["notebooks"]["tiny"]
    assert whole["wall_time_s"] == stored.metadata["coursekit"]["render"]["wall_time_s"] >= run["wall_time_s"]
    assert whole["mode"] == "smoke" and whole["threads"] == 2 and whole["device"] == run["device"]
    assert len(whole["load_average"]) == 2 and all(load >= 0 for load in whole["load_average"])
    figure = data["artifacts"]["tiny/curve.png"]
    assert figure == report.artifacts["tiny/curve.png"] and figure["runs"] == ["toy"]
    assert figure["bytes"] == (generated / "tiny" / "curve.png").stat().st_size and figure["metrics"] == run["metrics"]
    assert not [p.name for p in generated.iterdir() if p.name.startswith(".")], "no staging folder is left behind"
    assert list(scratch.iterdir()) == [], "no working folder is left behind"


@pytest.mark.slow
def test_a_failing_record_changes_nothing_and_names_the_cell(tiny_repo):
    path = tiny_repo / NOTEBOOKS / "tiny.ipynb"
    nbformat.write(tiny_notebook(fail_in_record=True), path)
    generated = tiny_repo / "docs" / manifest.GENERATED
    before = path.read_bytes(), (generated / "manifest.json").read_bytes()
    with pytest.raises(RenderError, match=r"the record declared on cell 3 \(`import matplotlib.pyplot as plt`\) failed in smoke mode"):
        render_notebook("tiny", "smoke", tiny_repo, settings=SETTINGS, log=lambda _m: None)
    assert (path.read_bytes(), (generated / "manifest.json").read_bytes()) == before
    assert sorted(p.name for p in generated.iterdir()) == ["manifest.json", "tiny"]
    assert (generated / "tiny" / "stale.png").read_bytes() == b"old"


@pytest.mark.slow
def test_a_notebook_with_a_renderer_call_is_refused_before_it_runs(tiny_repo):
    nb = tiny_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("from ganlib import render\nrender.settings('tiny')"))
    nbformat.write(nb, tiny_repo / NOTEBOOKS / "tiny.ipynb")
    with pytest.raises(DeclarationError, match=r"cell 6 \(`from ganlib import render`\) imports ganlib.render"):
        check_notebook("tiny", tiny_repo, settings=SETTINGS, log=lambda _m: None)


@pytest.mark.slow  # each runs its notebook in smoke mode: first-look a few seconds, gan-keras about 30 s
@pytest.mark.parametrize("name", renderable(ROOT))
def test_check_runs_each_notebook_and_rewrites_nothing(name):
    notebook = ROOT / NOTEBOOKS / f"{name}.ipynb"
    generated = ROOT / "docs" / manifest.GENERATED
    before = notebook.read_bytes(), (generated / "manifest.json").read_bytes()
    report = check_notebook(name, ROOT, log=lambda _m: None)
    assert (notebook.read_bytes(), (generated / "manifest.json").read_bytes()) == before
    published = {k for k in manifest.read(ROOT / "docs")["artifacts"] if k.startswith(f"{name}/")}
    assert set(report.artifacts) == published, "the smoke run publishes the files the stored render has"
