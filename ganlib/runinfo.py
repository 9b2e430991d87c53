"""Where training, a measurement or a render runs: the device chosen from its name, the device in
words, the library versions, and a synchronisation point so that timings on CUDA include the
queued work."""
from __future__ import annotations

import platform
from pathlib import Path

import torch


class DeviceError(ValueError):
    """A device name that cannot be used here; the message says what to use instead."""


def resolve_device(name: str) -> torch.device:
    """The device called `name`: "auto" is the GPU when PyTorch sees one, else the CPU.

    A CUDA device on a machine without one, or a name PyTorch does not know, is a DeviceError.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise DeviceError(f"unknown device {name!r}; use auto, cpu, cuda or cuda:N") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise DeviceError(f"device {name} was asked for, but PyTorch sees no CUDA GPU; use --device cpu")
    return device


def fast_bf16(device: torch.device) -> bool:
    """Whether bf16 autocast speeds up convolutions on `device`: on CUDA GPUs, and on CPUs with AMX
    matrix units (Intel Xeon since Sapphire Rapids), whose bf16 convolutions ran a DCGAN step
    1.4 to 3 times faster than fp32 here. Elsewhere bf16 is emulated and slower than fp32."""
    if device.type == "cuda":
        return True
    amx = getattr(torch.cpu, "_is_amx_tile_supported", None)  # private, but the only test PyTorch offers
    return device.type == "cpu" and amx is not None and bool(amx())


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
