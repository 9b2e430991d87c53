"""docs/assets/generated/manifest.json: what made every published file and every rendered run.

The one description of the format, read by the site build (`{{ result RUN KEY }}` in pages, see
coursekit.results) and written by `coursekit render`:

    {"format": "ganlib-render-manifest/1",
     "artifacts": {"NOTEBOOK/FILE": {notebook, runs, config, seed, steps, device, torch, versions,
                                     wall_time_s, metrics, mode, git_commit, rendered, bytes}},
     "runs":      {"NOTEBOOK/RUN":  {config, seed, steps, device, torch, versions,
                                     wall_time_s, metrics, mode, git_commit, rendered}},
     "notebooks": {"NOTEBOOK":     {mode, git_commit, rendered, wall_time_s, threads, device,
                                     load_average}}}

A notebook's entry is its whole render: `wall_time_s` from its first cell to its last, on
`threads` CPU threads, with the machine's 1-minute load average when it started and ended (a
render on a machine other jobs share takes longer; the load says how much was going on).

An artifact made from one run carries that run's config, seed, steps and metrics; one made from
several carries a dict of each, keyed by run. Keys are sorted, so a re-render shows as a small diff.
The format name is the one the project's first renderer (`ganlib render`, since removed) wrote;
it stays, so manifests written before keep being read.

This module imports nothing heavy: the site build reads the manifest without Jupyter or torch.
"""
from __future__ import annotations

import json
from pathlib import Path

from coursekit.atomic import write_text_atomic

GENERATED = Path("assets/generated")  # under docs/
MANIFEST = GENERATED / "manifest.json"
FORMAT = "ganlib-render-manifest/1"
SECTIONS = ("artifacts", "runs", "notebooks")


class ManifestError(ValueError):
    """The manifest cannot be read as this format; the message names the file."""


def read(docs_dir: Path) -> dict:
    """The manifest under `docs_dir`, or an empty one before anything was rendered."""
    path = Path(docs_dir) / MANIFEST
    if not path.is_file():
        return {"format": FORMAT, **{section: {} for section in SECTIONS}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); restore it from git") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ManifestError(f"{path}: format {found!r} is not {FORMAT!r}")
    for section in SECTIONS:
        data.setdefault(section, {})
    return data


def replace_notebook(docs_dir: Path, notebook: str, artifacts: dict, runs: dict, render: dict | None = None) -> dict:
    """Replaces every entry of `notebook` by the new ones (keys "NOTEBOOK/..."), and its render
    record by `render` when given; keeps all others, and writes the manifest atomically. Returns
    the new manifest."""
    manifest = read(docs_dir)
    if render is not None:
        manifest["notebooks"] = dict(sorted({**manifest["notebooks"], notebook: render}.items()))
    for section, new in (("artifacts", artifacts), ("runs", runs)):
        if any(not key.startswith(f"{notebook}/") for key in new):
            raise ValueError(f"{section} of {notebook} must be keyed '{notebook}/...'")
        kept = {k: v for k, v in manifest[section].items() if not k.startswith(f"{notebook}/")}
        manifest[section] = dict(sorted({**kept, **new}.items()))
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    write_text_atomic(Path(docs_dir) / MANIFEST, text, overwrite=True)
    return manifest
