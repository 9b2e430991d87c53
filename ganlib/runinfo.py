"""Where a measurement or a render ran: the device in words, the library versions, and a
synchronisation point so that timings on CUDA include the queued work."""
from __future__ import annotations

import platform
from pathlib import Path

import torch


def describe_device(device: torch.device | str) -> str:
    """"NVIDIA H100 ... (CUDA 13.0)" or "CPU: AMD EPYC ..., 2 threads". A name that is not a
    usable CUDA device ("cpu", or "auto" on a machine without one) describes the CPU."""
    if str(device).startswith("cuda") and torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(torch.device(device))} (CUDA {torch.version.cuda})"
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"CPU: {model}, {torch.get_num_threads()} threads"


def versions() -> dict:
    import torchvision

    import ganlib

    return {"ganlib": ganlib.__version__, "python": platform.python_version(), "torch": torch.__version__,
            "torchvision": torchvision.__version__}


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
