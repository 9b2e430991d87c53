"""Image files: single images for style transfer (whatever PIL opens, as 8-bit RGB), and the
sample grids and progress animation of GAN training.

Loading applies the EXIF orientation, turns grey, palette, CMYK (through its ICC profile when it
has one), 16-bit and 32-bit images into RGB, lays transparency over white, and scales the
image so that its longer side has a given length. Saving picks the format from the file
extension and writes a temporary file next to the target first, so a crash never leaves half
an image behind. Every failure is an `ImageError` with a one-line message naming the file.
"""
from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError


class ImageError(ValueError):
    """An image that cannot be read or written; the message is one line naming the file."""


# Colour pictures that ship with scikit-image, so examples and benchmarks need no download.
SAMPLES = ("astronaut", "chelsea", "coffee", "rocket", "immunohistochemistry", "hubble_deep_field")


def sample_image(name: str) -> Image.Image:
    """scikit-image's bundled sample picture `name` (one of SAMPLES) as an RGB image."""
    if name not in SAMPLES:
        raise ImageError(f"no sample image {name!r}; choose one of {', '.join(SAMPLES)}")
    from skimage import data

    return Image.fromarray(getattr(data, name)()).convert("RGB")


def load_image(path: str | os.PathLike, size: int | None = None, what: str = "image") -> Image.Image:
    """Read `path` as an 8-bit RGB image, upright, with its longer side scaled to `size` if given."""
    path = Path(path)
    if not path.exists():
        raise ImageError(f"{what} file {path} not found")
    if path.is_dir():
        raise ImageError(f"{what} {path} is a folder, not an image file")
    try:
        with warnings.catch_warnings():
            # The user chose this file; a large picture is not an attack. PIL still refuses
            # images over twice its limit (about 179 megapixels) with DecompressionBombError.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                if size is not None and img.format == "JPEG":
                    # Let the JPEG decoder skip detail we would throw away (a big speed-up on huge photos).
                    img.draft("RGB", (size, size))
                img.load()
                img = to_rgb(img)
    except UnidentifiedImageError:
        raise ImageError(f"{what} {path} is not an image that PIL can read") from None
    except Image.DecompressionBombError as exc:
        raise ImageError(f"{what} {path} is too large to open safely ({exc}); scale it down first") from None
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt data
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImageError(f"{what} {path} is damaged or truncated ({detail})") from None
    return resize_long_side(img, size) if size is not None else img


def to_rgb(img: Image.Image) -> Image.Image:
    """An upright 8-bit RGB copy of `img`, whatever its mode."""
    img = ImageOps.exif_transpose(img)
    if img.mode == "CMYK" and img.info.get("icc_profile"):
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(img.info["icc_profile"]))
            return ImageCms.profileToProfile(img, profile, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: fall back to PIL's plain conversion
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        return Image.fromarray(_wide_to_uint8(img)).convert("RGB")
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img.convert("RGB")


def _wide_to_uint8(img: Image.Image) -> np.ndarray:
    """16-bit, 32-bit integer and float grey images to 8 bits by their value range, not by clipping.

    PIL's own conversion clips such values at 255, which turns most 16-bit images white.
    """
    array = np.asarray(img)
    if img.mode.startswith("I;16"):
        full = 65535.0
    elif img.mode == "F":
        full = 1.0 if float(np.nanmax(array, initial=0.0)) <= 1.0 else 255.0
    else:  # "I": 32-bit integers, which some formats use for 16-bit data too; guess the range from the data
        peak = int(array.max(initial=0))
        full = 255.0 if peak <= 255 else 65535.0 if peak <= 65535 else float(peak)
    scaled = np.nan_to_num(array.astype(np.float64) / full, nan=0.0)
    return np.clip(np.round(scaled * 255.0), 0, 255).astype(np.uint8)


def resize_long_side(img: Image.Image, size: int) -> Image.Image:
    """Scale `img` (up or down) so that its longer side is `size` pixels, keeping its aspect ratio."""
    width, height = img.size
    scale = size / max(width, height)
    new = (max(1, round(width * scale)), max(1, round(height * scale)))
    if new == img.size:
        return img
    # reducing_gap: shrink huge images by fast integer steps first, then resample the rest properly.
    return img.resize(new, Image.Resampling.LANCZOS, reducing_gap=3.0)


def to_tensor(img: Image.Image) -> torch.Tensor:
    """An RGB image as a float tensor (1, 3, H, W) in [0, 1]."""
    array = np.asarray(img.convert("RGB"), dtype=np.float32) / 255.0
    return torch.from_numpy(array).permute(2, 0, 1).unsqueeze(0).contiguous()


def to_image(tensor: torch.Tensor) -> Image.Image:
    """A (1, 3, H, W) or (3, H, W) tensor in [0, 1] as an 8-bit RGB image (values outside are clipped)."""
    if tensor.dim() == 4:
        tensor = tensor[0]
    array = tensor.detach().float().clamp(0, 1).mul(255).round().byte().permute(1, 2, 0).cpu().numpy()
    return Image.fromarray(array, "RGB")


def output_format(path: str | os.PathLike) -> str:
    """The PIL format name that `path`'s extension stands for, or an ImageError."""
    suffix = Path(path).suffix.lower()
    formats = Image.registered_extensions()
    if not suffix:
        raise ImageError(f"output {path} has no extension; end it with .png or .jpg to choose the format")
    if suffix not in formats or formats[suffix] not in Image.SAVE:
        raise ImageError(f"output {path}: PIL cannot write {suffix} files; use .png, .jpg, .webp or .tif")
    return formats[suffix]


def save_image(img: Image.Image, path: str | os.PathLike, **options) -> Path:
    """Write `img` to `path` in the format its extension names, atomically (temp file + rename).

    Missing parent folders are made.
    """
    from ganlib.checkpoint import atomic_write

    path = Path(path)
    fmt = output_format(path)
    if fmt == "JPEG":
        options.setdefault("quality", 95)
    if fmt in ("JPEG", "BMP", "PPM") and img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    try:
        atomic_write(path, lambda f: img.save(f, format=fmt, **options))
    except (OSError, ValueError, KeyError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImageError(f"cannot write {path} ({detail})") from None
    return path


def grid_image(images: torch.Tensor, nrow: int = 8, gap: int = 2) -> Image.Image:
    """A batch (N, C, H, W) of grey or colour images in [-1, 1] as one picture, `nrow` per row,
    with `gap` black pixels around each (the layout of torchvision's make_grid, without importing
    torchvision into a training run)."""
    x = images.detach().float().cpu().clamp(-1, 1).add(1).div(2)
    n, c, h, w = x.shape
    cols = min(nrow, n)
    rows = -(-n // cols)
    cells = torch.zeros(rows * cols, c, h + gap, w + gap)  # each image with its gap above and to the left
    cells[:n, :, gap:, gap:] = x
    grid = cells.view(rows, cols, c, h + gap, w + gap).permute(2, 0, 3, 1, 4).reshape(c, rows * (h + gap), cols * (w + gap))
    grid = torch.nn.functional.pad(grid, (0, gap, 0, gap))  # and the gap after the last row and column
    array = grid.mul(255).round().to(torch.uint8).permute(1, 2, 0).numpy()
    return Image.fromarray(array[:, :, 0] if c == 1 else array)


def save_grid(images: torch.Tensor, path: str | os.PathLike, nrow: int = 8) -> None:
    """`grid_image(images, nrow)` written to `path` (atomically; the extension picks the format)."""
    save_image(grid_image(images, nrow), path)


def save_progress_animation(sample_dir: Path, out: Path, frame_ms: int = 250) -> bool:
    """An animated GIF of the step_*.png grids in `sample_dir` in order (the last frame held longer);
    False when there is no grid."""
    frames = sorted(Path(sample_dir).glob("step_*.png"))
    if not frames:
        return False
    images = [Image.open(p).convert("RGB").quantize(colors=256) for p in frames]
    durations = [frame_ms] * (len(images) - 1) + [frame_ms * 6]
    save_image(images[0], out, save_all=True, append_images=images[1:], duration=durations, loop=0)
    return True
