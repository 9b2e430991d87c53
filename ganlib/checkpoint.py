"""Checkpoints: written atomically, the last K kept, loaded with `torch.load(weights_only=True)`.

A checkpoint is a plain dict of tensors, numbers, strings and the run's config (a dict), so the
safe `weights_only` loader reads it and no pickled code ever runs. Loading one into a different
model configuration is refused with a message naming the fields that differ.
"""
from __future__ import annotations

import io
import json
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import torch

FORMAT = "ganlib-gan-checkpoint"
VERSION = 1
# Fields that fix the networks' shapes: a checkpoint only fits a model built with the same values.
MODEL_FIELDS = ("arch", "image_size", "channels", "latent_dim", "g_width", "d_width", "spectral_norm", "minibatch_std")
# What a model field meant in checkpoints written before it existed.
FIELD_DEFAULTS = {"minibatch_std": 0}
_STEP_FILE = re.compile(r"step_(\d+)\.pt$")
_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read the process umask (only settable), so new files get ordinary permissions


class CheckpointError(Exception):
    """A checkpoint is missing, unreadable or belongs to another configuration."""


def load_tensors(path: Path, map_location="cpu") -> Any:
    """`torch.load(path, weights_only=True)`; anything unreadable raises ValueError("Type: first line").

    Truncated, foreign and unsafe pickles fail in many different ways; callers turn the reason into
    a one-line message naming the file. The protocol warning a foreign pickle causes is silenced:
    it would be a second line that says nothing useful.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:  # noqa: BLE001
        raise ValueError(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else 'no detail'}") from None


def atomic_write(path: Path, write: Callable[[io.BufferedWriter], Any]) -> None:
    """Write a file through a temporary file in the same folder, then rename it into place.

    A crash (even SIGKILL) leaves either the old file or the new one, never half of one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes files private (0600)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda f: f.write(text.encode("utf-8")))


def atomic_torch_save(obj: Any, path: Path) -> None:
    atomic_write(path, lambda f: torch.save(obj, f))


def checkpoint_dir(run_dir: Path) -> Path:
    return Path(run_dir) / "checkpoints"


def list_checkpoints(run_dir: Path) -> list[Path]:
    """The run's step checkpoints, oldest first."""
    folder = checkpoint_dir(run_dir)
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _STEP_FILE.search(p.name))]
    return [p for _, p in sorted(found)]


def checkpoint_step(path: Path) -> int:
    """The step in a checkpoint's file name: step_0000500.pt -> 500."""
    return int(_STEP_FILE.search(Path(path).name).group(1))


def latest_checkpoint(run_dir: Path) -> Path | None:
    found = list_checkpoints(run_dir)
    return found[-1] if found else None


def checkpoint_path(run_dir: Path, step: int) -> Path:
    return checkpoint_dir(run_dir) / f"step_{step:07d}.pt"


def save_checkpoint(run_dir: Path, step: int, payload: dict, keep: int) -> Path:
    """Write checkpoints/step_<step>.pt atomically and delete all but the newest `keep`."""
    path = checkpoint_path(run_dir, step)
    atomic_torch_save({"format": FORMAT, "version": VERSION, "step": step, **payload}, path)
    for old in list_checkpoints(run_dir)[:-max(1, keep)]:
        old.unlink(missing_ok=True)
    return path


def load_checkpoint(path: Path, map_location: str | torch.device = "cpu") -> dict:
    """Read a checkpoint with the safe loader; clear errors for missing or foreign files."""
    path = Path(path)
    if path.is_dir():  # a run directory: take its newest checkpoint
        found = latest_checkpoint(path)
        if found is None and not (path / "config.json").is_file():
            raise CheckpointError(f"{path} is not a run folder (it has no config.json and no checkpoints/); "
                                  f"pass a folder that `ganlib train` made, such as runs/<run>, or a .pt file")
        if found is None:
            raise CheckpointError(f"no checkpoint in {checkpoint_dir(path)}: the run stopped before it wrote one")
        path = found
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        data = load_tensors(path, map_location)
    except ValueError as exc:
        raise CheckpointError(f"cannot read checkpoint {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a ganlib GAN checkpoint")
    if data.get("version", 0) > VERSION:
        raise CheckpointError(f"{path} was written by a newer ganlib (format version {data['version']})")
    data["path"] = str(path)
    return data


def config_mismatch(saved: dict, wanted: dict, fields=MODEL_FIELDS) -> list[str]:
    """Descriptions of the fields whose values differ, e.g. "image_size: checkpoint 32, config 64"."""
    def value(config: dict, k: str):
        return config.get(k, FIELD_DEFAULTS.get(k))

    return [f"{k}: checkpoint {value(saved, k)!r}, config {value(wanted, k)!r}"
            for k in fields if value(saved, k) != value(wanted, k)]


def check_compatible(checkpoint: dict, wanted: dict, fields=MODEL_FIELDS) -> None:
    """Refuse a checkpoint whose model configuration differs from `wanted`."""
    diffs = config_mismatch(checkpoint.get("config", {}), wanted, fields)
    if diffs:
        raise CheckpointError(f"checkpoint {checkpoint.get('path', '')} does not match this configuration "
                              f"({'; '.join(diffs)})")


def read_json(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"{path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{path} line {exc.lineno}: not valid JSON ({exc.msg})") from None


@dataclass
class LoadedGenerator:
    generator: torch.nn.Module  # in eval mode, without gradients
    config: dict  # the run's config
    step: int  # the checkpoint's step
    ema: bool  # True when these are the weights of the EMA copy
    path: Path  # the checkpoint file


def load_generator(source: Path, device: str | torch.device = "cpu", use_ema: bool = True,
                   expect: dict | None = None) -> tuple[torch.nn.Module, dict]:
    """(generator in eval mode, its config) from a checkpoint file or a run directory.

    With `expect` (a config dict), a checkpoint whose model fields differ is refused.
    """
    loaded = load_generator_info(source, device, use_ema, expect)
    return loaded.generator, loaded.config


def load_generator_info(source: Path, device: str | torch.device = "cpu", use_ema: bool = True,
                        expect: dict | None = None) -> LoadedGenerator:
    """`load_generator` with the checkpoint's step and which weights were used (the EMA copy's
    where the run kept one and `use_ema`, else the generator's own)."""
    from ganlib.models import build_models

    state = load_checkpoint(source, map_location="cpu")
    config = state["config"]
    if expect is not None:
        check_compatible(state, expect)
    generator, _ = build_models(config["arch"], latent_dim=config["latent_dim"], image_size=config["image_size"],
                                channels=config["channels"], g_width=config["g_width"], d_width=config["d_width"],
                                spectral_norm=config["spectral_norm"])
    ema = bool(use_ema and state.get("generator_ema"))
    generator.load_state_dict(state["generator_ema"] if ema else state["generator"])
    return LoadedGenerator(generator.to(device).eval().requires_grad_(False), config, int(state["step"]), ema,
                           Path(state["path"]))
