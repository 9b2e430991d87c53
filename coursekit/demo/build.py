"""The in-browser demo's files in the built site: the Pyodide runtime and the ganlib.lite wheel.

Layout written into the site:
- `assets/pyodide/`: the core files Pyodide needs to boot, copied from node_modules (`npm ci`),
  so the page asks no other origin for anything;
- `assets/demo/<wheel>`: ganlib.lite as a `py3-none-any` wheel, loaded into Pyodide (the page
  names it: see `wheel_filename` and coursekit.demo.widget);
- `assets/demo/pyodide-snapshot.gz`: Pyodide's memory with Python initialised and ganlib.lite
  imported (see snapshot.mjs), from which the worker starts several times faster than from
  scratch. It is made with Node, once per wheel and Pyodide, and kept in node_modules/.cache/.

`pyodide build` would download a cross-build environment even for pure Python, so the wheel is
built with setuptools from a staging folder that holds only `ganlib/__init__.py` and
`ganlib/lite/`.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WHEEL_CACHE = ROOT / ".cache" / "coursekit" / "lite-wheel"
WHEELS_KEPT = 3
# What loadPyodide() fetches to start the interpreter; packages in pyodide-lock.json are not
# shipped by the npm package and the demo needs none of them.
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
WHEEL_NAME = "ganlib_lite"
SNAPSHOT_NAME = "pyodide-snapshot.gz"
SNAPSHOT_SCRIPT = Path(__file__).with_name("snapshot.mjs")
SNAPSHOTS_KEPT = 3  # in the cache


class DemoBuildError(RuntimeError):
    """The demo's files could not be made; the message says what to do."""


def _package_version() -> str:
    for line in (ROOT / "ganlib" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise DemoBuildError("ganlib/__init__.py has no __version__ line")


def wheel_filename() -> str:
    """The name `build_lite_wheel` gives the wheel (setuptools' normalised name and version)."""
    return f"{WHEEL_NAME}-{_package_version()}-py3-none-any.whl"


def _pyproject(version: str) -> str:
    return f"""[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "ganlib-lite"
version = "{version}"
description = "ganlib.lite: a GAN on 2D points in pure Python, for the in-browser demo"
requires-python = ">=3.11"
license = {{ text = "MIT" }}

[tool.setuptools]
packages = ["ganlib", "ganlib.lite"]
"""


def _lite_sources_key(version: str) -> str:
    """What the wheel is made of: the package metadata and every file of ganlib.lite."""
    digest = hashlib.sha256(_pyproject(version).encode())
    lite = ROOT / "ganlib" / "lite"
    sources = [ROOT / "ganlib" / "__init__.py",
               *sorted(p for p in lite.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")]
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def _keep_newest(entries, kept: int) -> None:
    """Delete all but the `kept` newest of a cache's entries (files or folders): a cache keyed by
    sources keeps a few recent keys, not one per edit."""
    made = sorted(entries, key=lambda path: path.stat().st_mtime, reverse=True)
    for old in made[kept:]:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def build_lite_wheel(out_dir: Path, cache_dir: Path = WHEEL_CACHE) -> Path:
    """`ganlib_lite-<version>-py3-none-any.whl` into `out_dir`; return its path.

    Every build of the site needs the wheel, and setuptools takes about half a second in a
    subprocess to make it: a wheel made from the same sources is taken from `cache_dir`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    version = _package_version()
    cached = Path(cache_dir) / _lite_sources_key(version) / wheel_filename()
    if not cached.is_file():
        _build_wheel_into(cached.parent, version)
        # A branch switch may bring older sources back.
        _keep_newest(Path(cache_dir).iterdir(), WHEELS_KEPT)
    wheel = out_dir / cached.name
    tmp_wheel = out_dir / (cached.name + ".tmp")
    shutil.copyfile(cached, tmp_wheel)
    os.replace(tmp_wheel, wheel)
    return wheel


def _build_wheel_into(out_dir: Path, version: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ganlib-lite-") as tmp:
        staging = Path(tmp) / "src"
        (staging / "ganlib").mkdir(parents=True)
        shutil.copy2(ROOT / "ganlib" / "__init__.py", staging / "ganlib" / "__init__.py")
        shutil.copytree(ROOT / "ganlib" / "lite", staging / "ganlib" / "lite",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (staging / "pyproject.toml").write_text(_pyproject(version), encoding="utf-8")
        dist = Path(tmp) / "dist"
        # setuptools' PEP 517 hook, run in the staging folder (it works in the current directory).
        # A fixed timestamp makes the wheel's bytes the same on every build.
        env = dict(os.environ, SOURCE_DATE_EPOCH="315532800")
        result = subprocess.run(
            [sys.executable, "-c", "import sys, setuptools.build_meta as b; print(b.build_wheel(sys.argv[1]))", str(dist)],
            cwd=staging, capture_output=True, text=True, env=env,
        )
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            raise DemoBuildError(f"building the ganlib.lite wheel failed: {tail[0]} (is setuptools installed? pip install -e '.[site]')")
        name = result.stdout.strip().splitlines()[-1]
        if name != wheel_filename():
            raise DemoBuildError(f"setuptools built {name!r}, expected {wheel_filename()!r} (a py3-none-any wheel)")
        wheel = out_dir / name
        tmp_wheel = out_dir / f"{name}.{os.getpid()}.tmp"  # two builds at once write apart
        shutil.copyfile(dist / name, tmp_wheel)
        os.replace(tmp_wheel, wheel)
    return wheel


def copy_pyodide_runtime(dest_dir: Path, node_modules: Path = ROOT / "node_modules") -> None:
    """Copy the files Pyodide boots from into `dest_dir` (unchanged ones are left alone)."""
    source = Path(node_modules) / "pyodide"
    missing = [name for name in PYODIDE_CORE if not (source / name).is_file()]
    if missing:
        raise DemoBuildError(f"{source} lacks {', '.join(missing)}: run `npm ci` in the repository root")
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_CORE:
        src, dest = source / name, dest_dir / name
        # mkdocs serve rebuilds into the same folder: skip the 14 MB copy when nothing changed.
        if dest.is_file() and dest.stat().st_size == src.stat().st_size and dest.stat().st_mtime >= src.stat().st_mtime:
            continue
        tmp = dest.with_name(name + ".tmp")
        shutil.copy2(src, tmp)
        os.replace(tmp, dest)


def _snapshot_key(wheel: Path, pyodide_dir: Path) -> str:
    """What a snapshot depends on: the script that makes it, the wheel and Pyodide's files."""
    digest = hashlib.sha256()
    for path in (SNAPSHOT_SCRIPT, wheel, *(pyodide_dir / name for name in PYODIDE_CORE)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def make_snapshot(wheel: Path, node_modules: Path = ROOT / "node_modules") -> Path:
    """The worker's start-up snapshot for `wheel` (see snapshot.mjs), from the cache in
    node_modules/.cache/coursekit/ or made with Node (a few seconds) and cached; returns its path."""
    node_modules = Path(node_modules)
    pyodide_dir = (node_modules / "pyodide").resolve()
    cache_dir = node_modules / ".cache" / "coursekit"
    cached = cache_dir / f"pyodide-snapshot-{_snapshot_key(wheel, pyodide_dir)}.gz"
    if cached.is_file():
        return cached
    node = shutil.which("node")
    if node is None:
        raise DemoBuildError("node not found: the demo's start-up snapshot is made with Node.js, the one `npm ci` uses")
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")  # two builds at once write apart
    result = subprocess.run([node, "--input-type=module", "-", str(pyodide_dir), str(Path(wheel).resolve()), str(tmp)],
                            input=SNAPSHOT_SCRIPT.read_text(encoding="utf-8"), capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        tmp.unlink(missing_ok=True)
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise DemoBuildError(f"making the Pyodide start-up snapshot with {node} failed: {tail[0]}")
    os.replace(tmp, cached)
    # Another checkout's wheel may come back.
    _keep_newest(cache_dir.glob("pyodide-snapshot-*.gz"), SNAPSHOTS_KEPT)
    return cached


def write_demo_assets(site_dir: Path, node_modules: Path = ROOT / "node_modules") -> Path:
    """Pyodide, the ganlib.lite wheel and the start-up snapshot into a built site; returns the wheel's path."""
    site_dir = Path(site_dir)
    copy_pyodide_runtime(site_dir / "assets" / "pyodide", node_modules)
    demo_dir = site_dir / "assets" / "demo"
    for old in demo_dir.glob(f"{WHEEL_NAME}-*.whl"):
        old.unlink()
    wheel = build_lite_wheel(demo_dir)
    snapshot = make_snapshot(wheel, node_modules)
    tmp = demo_dir / (SNAPSHOT_NAME + ".tmp")
    shutil.copyfile(snapshot, tmp)
    os.replace(tmp, demo_dir / SNAPSHOT_NAME)
    return wheel
