"""A static picture of mode collapse from the demo's engine: `python -m coursekit.demo picture`.

Two rows of snapshots of the 2-D demo on the ring of eight Gaussians, trained from the same seed
at the same steps: the default settings (top), whose points spread over the modes, and the
mode-collapse preset (bottom), whose points pile onto one or two modes and wander between them.
Each panel shows the real points (grey), the generator's points (red) and the modes covered
("7/8"); the steps are written above the columns. The picture holds no words, so one file
serves every language; the page's caption says what the rows are.

The SVG goes to docs/assets/generated/demo/mode-collapse.svg (temp file, then rename), and its
record, in the shape the notebook renderer gives its outputs, to manifest.json (through
coursekit.render.manifest, as the renderer writes it) under "demo/mode-collapse.svg", with the
two runs under "demo/default" and "demo/collapse", so a page can quote
`{{ result demo/collapse modes_covered }}`.
"""
from __future__ import annotations

import datetime as dt
import platform
import subprocess
import sys
import time
from pathlib import Path

from coursekit.atomic import write_text_atomic
from coursekit.render import manifest
from ganlib.lite.presets import preset_config
from ganlib.lite.targets import VIEW, make_target
from ganlib.lite.train import record_run

ROOT = Path(__file__).resolve().parents[2]
DOCS = Path("docs")
GENERATED = DOCS / manifest.GENERATED
MANIFEST = DOCS / manifest.MANIFEST
KEY = "demo/mode-collapse.svg"
ROWS = ("default", "collapse")  # presets, top to bottom
STEPS = (250, 1000, 2000, 3000)
SEED = 0
PANEL, GAP, TOP, MARGIN = 170, 12, 26, 6  # pixels
REAL_POINTS = 256  # of the target drawn in each panel (the pool visits the modes in turn)


class PictureError(RuntimeError):
    pass


def _points_path(points, color: str, size: float) -> str:
    """Dots as one path of zero-length round-capped segments: small, and the same bytes every time."""
    scale = PANEL / (2 * VIEW)
    moves = "".join(f"M{(x + VIEW) * scale:.1f} {(VIEW - y) * scale:.1f}h0"
                    for x, y in points if -VIEW <= x <= VIEW and -VIEW <= y <= VIEW)
    return f'<path d="{moves}" stroke="{color}" stroke-width="{size}" stroke-linecap="round"/>'


def svg(real: list, rows: dict[str, list[dict]]) -> str:
    """The picture: one row per run (its frames from record_run), one column per recorded step."""
    columns = len(next(iter(rows.values())))
    width = 2 * MARGIN + columns * PANEL + (columns - 1) * GAP
    height = TOP + MARGIN + len(rows) * PANEL + (len(rows) - 1) * GAP
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
             f'<rect width="{width}" height="{height}" fill="#fff"/>']
    for c, frame in enumerate(next(iter(rows.values()))):
        x = MARGIN + c * (PANEL + GAP) + PANEL / 2
        parts.append(f'<text x="{x:.1f}" y="{TOP - 9}" text-anchor="middle" fill="#333">{frame["step"]}</text>')
    for r, frames in enumerate(rows.values()):
        for c, frame in enumerate(frames):
            x, y = MARGIN + c * (PANEL + GAP), TOP + r * (PANEL + GAP)
            clip = f"p{r}{c}"
            parts += [
                f'<g transform="translate({x} {y})">',
                f'<clipPath id="{clip}"><rect width="{PANEL}" height="{PANEL}"/></clipPath>',
                f'<g clip-path="url(#{clip})">',
                f'<rect width="{PANEL}" height="{PANEL}" fill="#fafafa" stroke="#bbb"/>',
                _points_path(real, "#9e9e9e", 2.2),
                _points_path(frame["points"], "#c2185b", 2.8),
                "</g>",
                f'<text x="6" y="16" fill="#333">{frame["modes_covered"]}/{frame["modes"]}</text>',
                "</g>",
            ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def git_commit(root: Path) -> str:
    """HEAD, with "-dirty" when the engine or this command differ from it; "unknown" outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "ganlib/lite", "coursekit/demo"],
                               cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


def _device() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"CPU: {cpu}; ganlib.lite on Python {platform.python_version()} (standard library, no torch)"


def make_picture(root: Path = ROOT, steps: tuple[int, ...] = STEPS, seed: int = SEED, log=print) -> dict:
    """Runs both presets, writes the SVG and updates the manifest; returns the picture's record."""
    manifest.read(root / DOCS)  # a manifest this code cannot update stops it before the long runs
    commit = git_commit(root)
    started = time.perf_counter()
    configs = {name: preset_config(name, seed=seed) for name in ROWS}
    rows, walls = {}, {}
    for name, config in configs.items():
        log(f"training the {name!r} preset to step {steps[-1]} ...")
        run_start = time.perf_counter()
        rows[name] = record_run(config, list(steps))
        walls[name] = round(time.perf_counter() - run_start, 2)
    real = [list(p) for p in make_target(configs[ROWS[0]].target, seed).points[:REAL_POINTS]]
    text = svg(real, rows)
    out = root / GENERATED / KEY
    write_text_atomic(out, text, overwrite=True)
    rendered = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    common = {"device": _device(), "torch": None, "mode": "cpu", "git_commit": commit, "rendered": rendered}
    metrics = {name: {"modes_covered": frames[-1]["modes_covered"], "modes": frames[-1]["modes"],
                      "high_quality": round(frames[-1]["high_quality"], 4), "js_bits": round(frames[-1]["js"], 4),
                      "modes_covered_at": {str(f["step"]): f["modes_covered"] for f in frames}}
               for name, frames in rows.items()}
    record = {
        "notebook": None,
        "made_by": "python -m coursekit.demo picture",
        "runs": list(ROWS),
        "config": {name: config.to_dict() for name, config in configs.items()},
        "seed": {name: seed for name in ROWS},
        "steps": {name: steps[-1] for name in ROWS},
        **{k: common[k] for k in ("device", "torch")},
        "wall_time_s": round(time.perf_counter() - started, 2),
        "metrics": metrics,
        **{k: common[k] for k in ("mode", "git_commit", "rendered")},
        "bytes": out.stat().st_size,
    }
    runs = {f"demo/{name}": {"wall_time_s": walls[name], "config": configs[name].to_dict(), "metrics": metrics[name],
                             "steps": steps[-1], "seed": seed, **common} for name in ROWS}
    manifest.replace_notebook(root / DOCS, "demo", {KEY: record}, runs)
    log(f"wrote {out.relative_to(root)} ({record['bytes']} bytes) and its record in {MANIFEST}")
    return record


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m coursekit.demo picture", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository to write into (default: this one)")
    args = parser.parse_args(argv)
    try:
        make_picture(args.root, log=lambda message: print(message, file=sys.stderr))
    except (PictureError, manifest.ManifestError, OSError) as exc:
        print(f"coursekit.demo picture: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
