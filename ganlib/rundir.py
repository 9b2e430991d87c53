"""The run folder: what one training run writes, and how it is read back.

    config.json       the resolved TrainConfig (written again when the run is resumed)
    metrics.jsonl     one JSON object per event: kind "train" (losses, D's outputs, gradient norms,
                      speed), "monitor" (the collapse check) or "eval" (cFID/cKID)
    train.log         the messages shown during training
    samples/          fixed-noise grids step_<n>.png, final.png and progress.gif; with an EMA copy
                      of the generator these come from the copy, and raw/ holds the grids of the
                      generator being trained
    checkpoints/      step_<n>.pt, the newest few (see ganlib.checkpoint)

Only rank 0 writes. Files are written whole through a temporary file, except metrics.jsonl and
train.log, which grow a line at a time; a resumed run first cuts metrics.jsonl back to its
checkpoint's step. A RunDir made with `background=True` writes sample grids and checkpoints on
one background thread, in order, so training goes on while PNGs are encoded and checkpoints are
serialised and flushed to disk; `wait()` returns once everything asked for is written.
"""
from __future__ import annotations

import json
import re
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import torch

from ganlib import checkpoint as ckpt
from ganlib.images import save_grid, save_progress_animation

GRID_IMAGES = 64  # images in a sample grid, 8 x 8


def default_path(data: str, arch: str) -> Path:
    """runs/<date>-<time>-<data>-<arch>, e.g. runs/20260105-142233-digits-dcgan."""
    name = data if not data.startswith("folder:") else "folder-" + Path(data[7:]).name
    label = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")
    return Path("runs") / f"{time.strftime('%Y%m%d-%H%M%S')}-{label}-{arch}"


class RunDir:
    """One run's folder (see the module docstring for what it holds)."""

    def __init__(self, path: str | Path, background: bool = False):
        self.path = Path(path)
        self.config_file = self.path / "config.json"
        self.metrics_file = self.path / "metrics.jsonl"
        self.samples = self.path / "samples"
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="ganlib-write") if background else None
        self._pending: list[Future] = []

    # -- background writes -----------------------------------------------------------------------
    def _write(self, write, *args) -> None:
        """Run write(*args) on the writer thread (at once without one). A failed earlier write
        (a full disk, say) is raised here, at the next write, or by wait()."""
        if self._writer is None:
            write(*args)
            return
        for done in [f for f in self._pending if f.done()]:
            self._pending.remove(done)
            done.result()
        self._pending.append(self._writer.submit(write, *args))

    def wait(self) -> None:
        """Block until every write asked for so far is on disk; raise the first that failed."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def close(self) -> None:
        """wait(), then stop the writer thread."""
        try:
            self.wait()
        finally:
            if self._writer is not None:
                self._writer.shutdown()
                self._writer = None

    # -- config ----------------------------------------------------------------------------------
    def write_config(self, config: dict) -> None:
        ckpt.atomic_write_text(self.config_file, json.dumps(config, indent=2) + "\n")

    def read_config(self) -> dict:
        return ckpt.read_json(self.config_file)

    # -- metrics ---------------------------------------------------------------------------------
    def append_metrics(self, record: dict) -> None:
        with open(self.metrics_file, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def truncate_metrics(self, last_step: int) -> None:
        """Drop records written after `last_step`, the checkpoint a run resumes from (those steps
        are done again)."""
        if not self.metrics_file.exists():
            return
        kept = []
        for line in self.metrics_file.read_text(encoding="utf-8").splitlines():
            try:
                if json.loads(line).get("step", 0) <= last_step:
                    kept.append(line)
            except json.JSONDecodeError:
                break  # a line cut short by a kill: everything after it is stale anyway
        ckpt.atomic_write_text(self.metrics_file, "".join(k + "\n" for k in kept))

    def read_metrics(self) -> list[dict]:
        """Every record, in the order written."""
        return [json.loads(line) for line in self.metrics_file.read_text(encoding="utf-8").splitlines()
                if line.strip()]

    # -- samples ---------------------------------------------------------------------------------
    def sample_file(self, step: int | None, raw: bool = False) -> Path:
        """samples/step_<step>.png, or samples/final.png for step None; under samples/raw/ for the
        raw generator's grids of a run that samples from an EMA copy."""
        folder = self.samples / "raw" if raw else self.samples
        return folder / ("final.png" if step is None else f"step_{step:07d}.png")

    def save_samples(self, images: torch.Tensor, step: int | None, raw: bool = False) -> None:
        """The first GRID_IMAGES of `images` (in [-1, 1]) as a grid, 8 per row."""
        self._write(save_grid, images[:GRID_IMAGES].detach().cpu(), self.sample_file(step, raw))

    def save_progress_animation(self) -> None:
        """samples/progress.gif from the grids written so far (it waits for those still being written)."""
        self.wait()
        self._write(save_progress_animation, self.samples, self.samples / "progress.gif")

    # -- checkpoints -----------------------------------------------------------------------------
    def latest_checkpoint(self) -> Path | None:
        return ckpt.latest_checkpoint(self.path)

    def latest_step(self) -> int | None:
        """The step of the newest checkpoint; None when there is none."""
        latest = self.latest_checkpoint()
        return None if latest is None else ckpt.checkpoint_step(latest)

    def save_checkpoint(self, step: int, payload: dict, keep: int) -> Path:
        """Write checkpoints/step_<step>.pt and return its path. In the background, the payload's
        tensors are copied first (to the CPU), since training goes on changing the weights in place."""
        if self._writer is not None:
            payload = _cpu_copy(payload)
        self._write(ckpt.save_checkpoint, self.path, step, payload, keep)
        return ckpt.checkpoint_path(self.path, step)


def _cpu_copy(value):
    """`value` with every tensor in it (in dicts, lists, tuples) copied to the CPU."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", copy=True)
    if isinstance(value, dict):
        return {k: _cpu_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cpu_copy(v) for v in value)
    return value


class RunLog:
    """Messages to the terminal (through tqdm, so that the progress bar stays intact) and to
    train.log. Only the main rank's log is enabled."""

    def __init__(self, run_dir: Path | None, quiet: bool, enabled: bool):
        self.path = run_dir / "train.log" if run_dir and enabled else None
        self.quiet, self.enabled = quiet, enabled
        self.pending: list[str] = []  # lines from before the run folder exists (data loading)

    def _write(self, text: str, stream) -> None:
        from tqdm import tqdm

        tqdm.write(text, file=stream)
        stream.flush()  # seen at once through a pipe (`ganlib train | tee`), not when a buffer fills
        self._append(text)

    def _append(self, text: str) -> None:
        if not self.path:
            return
        self.pending.append(text)
        if self.path.parent.is_dir():
            with open(self.path, "a", encoding="utf-8") as f:
                f.write("".join(line + "\n" for line in self.pending))
            self.pending.clear()

    def info(self, text: str) -> None:
        if self.enabled and not self.quiet:
            self._write(text, sys.stdout)
        elif self.enabled:
            self._append(text)

    def note(self, text: str) -> None:
        """To train.log only (for what the caller shows in its own way)."""
        if self.enabled:
            self._append(text)

    def warn(self, text: str) -> None:
        if self.enabled:
            self._write(f"warning: {text}", sys.stderr)
