"""The kernel side of `coursekit render`: imported only by the hidden cells the renderer adds to
the copy of a notebook it runs (see coursekit.render.execute). A learner running the notebook
never imports it.

A hidden cell hands its findings back as one display output of its own MIME type, which the
renderer reads from the executed notebook and then drops with the hidden cell.
"""
from __future__ import annotations

import math
import os
import platform
import sys
from pathlib import Path

MIME = "application/vnd.coursekit.record+json"
VERSIONS_OF = ("torch", "keras", "numpy", "matplotlib", "sklearn")


def plain(value):
    """`value` as JSON data: numpy and torch scalars become numbers, tuples lists, paths strings.
    A value that is none of these (an array, a model) is an error naming its type."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be recorded: JSON has no {value}")
        return value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    item = getattr(value, "item", None)  # numpy and torch scalars, 0-d arrays and tensors
    if callable(item) and getattr(value, "ndim", 0) == 0:
        return plain(item())
    raise TypeError(f"a {type(value).__name__} cannot be recorded; record numbers, strings, lists or dicts")


def environment() -> dict:
    """The device the notebook computed on and the versions of what it imported."""
    versions = {"python": platform.python_version()}
    for name in VERSIONS_OF:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__version__", None):
            versions[name] = str(module.__version__)
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        device = f"{torch.cuda.get_device_name()} (CUDA {torch.version.cuda})"
    else:
        count = torch.get_num_threads() if torch is not None else 1
        threads = f"{count} thread{'s' if count != 1 else ''}" + ("" if torch is not None else ", pure Python")
        device = f"CPU: {_cpu_model()}, {threads}"
    return {"device": device, "versions": versions}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def emit(kind: str, **fields) -> None:
    """Shows `fields` (made plain) as this cell's output for the renderer to read."""
    from IPython.display import display

    record = {"kind": kind, **{k: plain(v) for k, v in fields.items()}}
    if kind in ("record", "parameters"):
        record.update(environment())
    elif kind == "files":
        record["paths"] = {name: os.path.abspath(path) for name, path in record["paths"].items()}
    display({MIME: record}, raw=True)
