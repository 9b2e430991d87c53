"""`coursekit render` for one notebook: run it, then publish what it declared, all at once or not
at all.

render_notebook() executes docs/notebooks/NAME.ipynb in a temporary working folder, writes the
images and files its cells declare into a staging folder beside docs/assets/generated/NAME/,
and only when everything is there: stores the executed notebook, swaps the staging folder in
and updates manifest.json. check_notebook() runs the same in smoke mode and writes nothing in
the repository. Neither leaves a temporary folder behind.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from coursekit.atomic import write_text_atomic
from coursekit.render import manifest
from coursekit.render.declare import (KEY, DeclarationError, Declarations, cell_label, check_settings, load_settings,
                                      plumbing_cells, read_declarations)
from coursekit.render.execute import Execution, RenderError, run_notebook

NOTEBOOKS = Path("docs/notebooks")
DOCS = Path("docs")
# The code whose change makes a stored render out of date ("-dirty" when it differs from HEAD).
CODE = ("ganlib", "coursekit/render", str(NOTEBOOKS))
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclasses.dataclass
class RenderReport:
    notebook: str
    mode: str
    wall_time_s: float
    artifacts: dict  # "NOTEBOOK/FILE" -> manifest entry
    runs: dict  # "NOTEBOOK/RUN" -> manifest entry


def renderable(root: Path, settings: dict | None = None) -> list[str]:
    """Notebooks under docs/notebooks/ that settings.yml gives run sizes."""
    settings = load_settings() if settings is None else settings
    return [name for name in settings if (root / NOTEBOOKS / f"{name}.ipynb").is_file()]


def git_commit(root: Path) -> str:
    """HEAD's commit id, "-dirty" when the notebooks or the code they run differ from it;
    "unknown" outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", *CODE],
                               cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


def prepare(root: Path, name: str, mode: str, settings: dict | None = None) -> tuple[dict, Declarations, dict]:
    """(notebook, its declarations, the mode's values), checked before anything runs."""
    settings = load_settings() if settings is None else settings
    path = root / NOTEBOOKS / f"{name}.ipynb"
    where = str(path.relative_to(root))
    if name not in settings:
        raise DeclarationError(f"{where}: no run sizes in coursekit/render/settings.yml; add {name}: with full, cpu and smoke")
    import nbformat

    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)  # sources as one string each
    found = plumbing_cells(nb)
    if found:
        cells = "; ".join(f"{cell_label(nb, i)} {', '.join(what)}" for i, what in found)
        raise DeclarationError(f"{where}: learners' cells must not call the renderer: {cells}. "
                               f"Declare figures, records and sizes in cell metadata instead (README: regenerating outputs)")
    decl = read_declarations(nb, where)
    check_settings(decl, settings[name], where)
    return nb, decl, settings[name][mode]


def render_notebook(name: str, mode: str, root: Path, *, commit: str | None = None, timeout: int = 1800,
                    threads: int = 2, settings: dict | None = None, log=print) -> RenderReport:
    """Executes docs/notebooks/NAME.ipynb in place and publishes its declared outputs with the
    manifest. `commit` is the code's commit, taken before a batch's first notebook was rewritten."""
    import nbformat

    nb, decl, values = prepare(root, name, mode, settings)
    path = root / NOTEBOOKS / f"{name}.ipynb"
    docs = root / DOCS
    generated = docs / manifest.GENERATED
    generated.mkdir(parents=True, exist_ok=True)
    commit = commit or git_commit(root)
    log(f"rendering {path.relative_to(root)} in {mode} mode ...")
    staged = Path(tempfile.mkdtemp(prefix=f".{name}.staging-", dir=generated))
    try:
        staged.chmod(0o755)  # mkdtemp makes it private; the published folder must be readable
        load_before = _load_average()
        with tempfile.TemporaryDirectory(prefix=f"coursekit-render-{name}-") as work:
            execution = run_notebook(nb, decl, values, mode, Path(work), root=root, timeout=timeout,
                                     threads=threads, where=str(path.relative_to(root)))
            files = stage_outputs(execution, decl, staged, str(path.relative_to(root)))
        stamp = {"mode": mode, "git_commit": commit,
                 "rendered": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        runs = run_entries(execution, decl)
        artifacts = {f"{name}/{file}": {"notebook": name, **artifact_entry(runs, file_runs), **stamp,
                                        "bytes": (staged / file).stat().st_size}
                     for file, file_runs in sorted(files.items())}
        runs = {f"{name}/{run}": {**entry, **stamp} for run, entry in runs.items()}
        # The device as the last run saw it: at the parameters cell, torch may not be imported yet.
        devices = [entry["device"] for entry in runs.values() if entry.get("device")]
        render = {**stamp, "wall_time_s": execution.wall_time_s, "threads": threads,
                  "device": devices[-1] if devices else execution.environment.get("device"),
                  "load_average": [load_before, _load_average()]}
        stored = execution.notebook
        stored.setdefault("metadata", {})[KEY] = {"render": {"mode": mode, "git_commit": commit,
                                                             "wall_time_s": execution.wall_time_s,
                                                             "parameters": execution.parameters}}
        write_text_atomic(path, nbformat.writes(nbformat.from_dict(stored)) + "\n", overwrite=True)
        _swap_in(staged, generated / name)
        manifest.replace_notebook(docs, name, artifacts, runs, render)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    log(f"{name}: {len(artifacts)} files in docs/{manifest.GENERATED}/{name}, {execution.wall_time_s:.0f} s; "
        f"slowest cells: {_slowest(execution, nb)}")
    return RenderReport(name, mode, execution.wall_time_s, artifacts, runs)


def _load_average() -> float | None:
    """The machine's 1-minute load average, where the system tells it."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _slowest(execution: Execution, nb: dict, count: int = 3) -> str:
    """"cell 48 (`strong = ...`) 190 s, ..." for the render's log: where the time went."""
    slowest = sorted(execution.cell_seconds.items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{cell_label(nb, index)} {seconds:.0f} s" for index, seconds in slowest)


def check_notebook(name: str, root: Path, *, timeout: int = 600, threads: int = 2, settings: dict | None = None,
                   log=print) -> RenderReport:
    """Runs the notebook in smoke mode from a temporary copy; the repository is left untouched."""
    nb, decl, values = prepare(root, name, "smoke", settings)
    where = str((root / NOTEBOOKS / f"{name}.ipynb").relative_to(root))
    with tempfile.TemporaryDirectory(prefix=f"coursekit-check-{name}-") as work:
        staged = Path(work) / "published"
        staged.mkdir()
        (Path(work) / "run").mkdir()
        execution = run_notebook(nb, decl, values, "smoke", Path(work) / "run", root=root, timeout=timeout,
                                 threads=threads, where=where)
        files = stage_outputs(execution, decl, staged, where)
        runs = run_entries(execution, decl)
        artifacts = {f"{name}/{file}": {"notebook": name, **artifact_entry(runs, file_runs)}
                     for file, file_runs in files.items()}
    log(f"{name}: ran in smoke mode in {execution.wall_time_s:.0f} s, {len(artifacts)} files declared")
    return RenderReport(name, "smoke", execution.wall_time_s, artifacts, {f"{name}/{r}": e for r, e in runs.items()})


def stage_outputs(execution: Execution, decl: Declarations, folder: Path, where: str) -> dict[str, list[str]]:
    """Writes every declared file into `folder`; returns {file: the runs it comes from}."""
    nb = execution.notebook
    files: dict[str, list[str]] = {}
    for cell in decl.cells:
        images = [out for out in nb["cells"][cell.index].get("outputs", [])
                  if set(out.get("data", {})) & set(IMAGE_TYPES.values())]
        if len(images) != len(cell.publish):
            raise RenderError(f"{where}: {cell_label(nb, cell.index)} shows {len(images)} image(s) "
                              f"but publishes {len(cell.publish)} ({', '.join(cell.publish) or 'none'})")
        for name, out in zip(cell.publish, images):
            mime = IMAGE_TYPES[Path(name).suffix.lower()]
            if mime not in out["data"]:
                shown = ", ".join(sorted(set(out["data"]) & set(IMAGE_TYPES.values())))
                raise RenderError(f"{where}: {cell_label(nb, cell.index)} shows {shown}, not {mime}: name the file "
                                  f"for what it shows, or set %config InlineBackend.figure_formats in the notebook")
            data = out["data"][mime]
            (folder / name).write_bytes(base64.b64decode("".join(data) if isinstance(data, list) else data))
            files[name] = cell.runs
        for name in cell.publish_files:
            source = execution.files.get(name)
            if source is None or not Path(source).is_file():
                raise RenderError(f"{where}: {cell_label(nb, cell.index)} publishes {name} from {source}, "
                                  f"which the notebook did not write")
            shutil.copyfile(source, folder / name)
            files[name] = cell.runs
    return files


def run_entries(execution: Execution, decl: Declarations) -> dict[str, dict]:
    """Each declared run as the manifest keeps it; the notebook's parameters are its config unless
    its record says otherwise, and its time is the sum of its cells' execution times."""
    runs = {}
    for run in decl.run_names:
        record = execution.records.get(run, {})
        seconds = sum(execution.cell_seconds.get(c.index, 0.0) for c in decl.cells if c.run == run)
        versions = record.get("versions", execution.environment.get("versions", {}))
        runs[run] = {
            "config": record.get("config", execution.parameters),
            "seed": record.get("seed", execution.parameters.get("seed")),
            "steps": record.get("steps"),
            "device": record.get("device", execution.environment.get("device")),
            "torch": versions.get("torch"),
            "versions": versions,
            "wall_time_s": round(seconds, 3),
            "metrics": record.get("metrics", {}),
        }
    return runs


def artifact_entry(runs: dict[str, dict], names: list[str]) -> dict:
    """What made a file: one run's fields, or for several runs a dict of each keyed by run."""
    picked = {r: runs[r] for r in names}
    first = picked[names[0]]
    one = len(names) == 1
    def each(key):
        return first[key] if one else {r: p[key] for r, p in picked.items()}
    return {"runs": list(names), "config": each("config"), "seed": each("seed"), "steps": each("steps"),
            "device": first["device"], "torch": first["torch"], "versions": first["versions"],
            "wall_time_s": round(sum(p["wall_time_s"] for p in picked.values()), 3), "metrics": each("metrics")}


def _swap_in(staged: Path, target: Path) -> None:
    """Replaces the folder `target` by `staged` (same file system) with two renames."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)
