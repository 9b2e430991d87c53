"""The ganlib.lite wheel: what it holds, that it needs nothing beyond the standard library, and
that the real Pyodide from node_modules (Python 3.14, WebAssembly) computes the same numbers as
CPython, bit for bit."""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from coursekit.demo.build import (PYODIDE_CORE, DemoBuildError, build_lite_wheel, copy_pyodide_runtime, make_snapshot,
                                  wheel_filename)
from ganlib.lite.session import reference_run

PYODIDE = ROOT / "node_modules" / "pyodide"
RUNNER = ROOT / "tests" / "js" / "lite_pyodide.mjs"
# A run that takes every branch: two D steps, skipped D updates, label smoothing, a curve target.
SETTINGS = {"target": "moons", "seed": 11, "batch_size": 24, "d_steps": 2, "d_skip_below": 1.2,
            "label_smoothing": 0.1, "eval_points": 128}
STEPS = 40


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_lite_wheel(tmp_path_factory.mktemp("wheel"))


def test_wheel_is_pure_python_and_holds_only_the_lite_engine(wheel):
    assert wheel.name == wheel_filename() and wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        modules = sorted(n for n in archive.namelist() if not n.startswith("ganlib_lite-"))
        tags = archive.read(next(n for n in archive.namelist() if n.endswith("/WHEEL"))).decode()
    assert "Root-Is-Purelib: true" in tags and "Tag: py3-none-any" in tags
    assert "ganlib/__init__.py" in modules and "ganlib/lite/train.py" in modules
    assert all(n == "ganlib/__init__.py" or n.startswith("ganlib/lite/") for n in modules), modules


def test_wheel_runs_on_the_standard_library_alone(wheel, tmp_path):
    """Unpacked and run with -I -S (no site-packages, so no numpy or torch to lean on)."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path)
    code = ("import sys, json; sys.path.insert(0, sys.argv[1]); from ganlib.lite.session import reference_run;"
            "print(json.dumps(reference_run({'batch_size': 8, 'eval_points': 16}, 3)))")
    result = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == reference_run({"batch_size": 8, "eval_points": 16}, 3)


def test_missing_pyodide_is_a_clear_error(tmp_path):
    with pytest.raises(DemoBuildError, match="run `npm ci`"):
        copy_pyodide_runtime(tmp_path / "out", node_modules=tmp_path)


@pytest.mark.slow
def test_the_snapshot_is_made_once_per_wheel_and_needs_node_only_then(wheel, tmp_path, monkeypatch):
    snapshot = make_snapshot(wheel)  # made with Node, or already cached by a site build
    assert snapshot.read_bytes()[:2] == b"\x1f\x8b" and snapshot.parent.name == "coursekit"
    monkeypatch.setattr(shutil, "which", lambda name: None)  # no Node from here on
    assert make_snapshot(wheel) == snapshot
    other = tmp_path / wheel.name
    other.write_bytes(wheel.read_bytes() + b"another wheel")
    with pytest.raises(DemoBuildError, match="node not found: the demo's start-up snapshot is made with Node.js"):
        make_snapshot(other)


@pytest.mark.slow
def test_pyodide_gives_the_same_numbers_as_cpython(wheel, tmp_path):
    node = shutil.which("node")
    if node is None or not (PYODIDE / "pyodide.mjs").is_file():
        pytest.fail("needs node and node_modules/pyodide: run `npm ci`")
    # Boot from the same files the site ships.
    runtime = tmp_path / "pyodide"
    copy_pyodide_runtime(runtime)
    assert sorted(p.name for p in runtime.iterdir()) == sorted(PYODIDE_CORE)
    result = subprocess.run(
        [node, str(RUNNER), str(runtime), str(wheel), json.dumps(SETTINGS), str(STEPS)],
        capture_output=True, text=True, timeout=120, env=dict(os.environ, NODE_NO_WARNINGS="1"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["python"].startswith("3.14"), out["python"]  # really a different interpreter
    browser, cpython = out["run"], reference_run(SETTINGS, STEPS)
    stats = browser["stats"]
    assert len(stats) == STEPS and all(math.isfinite(v) for row in stats for v in row)
    assert any(row[4] for row in stats) and not all(row[4] == 2 for row in stats)  # some D updates skipped
    for key in cpython:
        assert browser[key] == cpython[key], f"{key} differs between Pyodide and CPython"


# Everything else the pages run in Pyodide, as one script run in both interpreters. Tracebacks
# are compared by their frames and last line (3.11 and 3.14 mark the failing expression differently).
FEATURES_SCRIPT = r'''
import json
from ganlib.lite import cell
from ganlib.lite.protocol import describe
from ganlib.lite.saturation import SaturationConfig, run as saturation_run
from ganlib.lite.session import reference_run
from ganlib.lite.train import LiteConfig, record_run

def frames(text):
    lines = text.strip().splitlines()
    return [l for l in lines if l.startswith('  File')] + lines[-1:]

events = []
ok = cell.run("print(0.1 * 3)\n"
              "from ganlib.lite.plot import Figure\n"
              "Figure(ylog=True).line([1e-3, 0.5, 2.0]).scatter([[0.1, 0.2]]).show()\n"
              "def f(x):\n    return [1][x]\n"
              "f(3)", lambda kind, text: events.append([kind, frames(text) if kind == 'error' else text]))
result = {
    "lsq_drawn": reference_run({"target": "drawn", "drawing": [[0.5, 1.5], [-1.5, -1.0, 1.0, 0.2, 1.5, -1.0]],
                                "loss": "lsq", "seed": 3, "batch_size": 16, "eval_points": 64}, 25),
    "saturation": saturation_run(SaturationConfig(head_start=30, steps=40, batch_size=32)),
    "cell": [ok, events],
    "describe": describe(),
    "record": record_run(LiteConfig(batch_size=16, eval_points=32, lr_g=1e-2, lr_d=1e-3), [0, 3, 7]),
}
'''


@pytest.mark.slow
def test_pyodide_gives_the_same_numbers_for_the_pages_features(wheel, tmp_path):
    """Started from the snapshot the site ships, as the pages' worker starts (the test above starts afresh)."""
    node = shutil.which("node")
    if node is None or not (PYODIDE / "pyodide.mjs").is_file():
        pytest.fail("needs node and node_modules/pyodide: run `npm ci`")
    runtime = tmp_path / "pyodide"
    copy_pyodide_runtime(runtime)
    script = tmp_path / "features.py"
    script.write_text(FEATURES_SCRIPT, encoding="utf-8")
    result = subprocess.run([node, str(RUNNER), str(runtime), str(wheel), "--script", str(script)],
                            capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, NODE_NO_WARNINGS="1", PYODIDE_SNAPSHOT=str(make_snapshot(wheel))))
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["python"].startswith("3.14")
    # Python came up with ganlib.lite imported and the default networks' kernels compiled, and
    # nothing of the machine that made the snapshot in its environment (no "_": the script's path).
    assert {"ganlib.lite.session", "ganlib.lite.cell"} <= set(out["snapshot"]["modules"])
    assert out["snapshot"]["kernels"] >= 4 and "_" not in out["snapshot"]["environ"]
    namespace: dict = {}
    exec(FEATURES_SCRIPT, namespace)
    cpython = json.loads(json.dumps(namespace["result"]))
    browser = out["result"]
    ok, events = browser["cell"]
    assert not ok and [kind for kind, _ in events] == ["stdout", "plot", "error"]
    assert events[2][1][-1] == "IndexError: list index out of range"
    for key in cpython:
        assert browser[key] == cpython[key], f"{key} differs between Pyodide and CPython"
