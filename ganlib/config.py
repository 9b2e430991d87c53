"""The settings of one training run (`TrainConfig`), with their checks.

This module imports no torch, so the CLI can build `ganlib train`'s options from these fields
(and print `--help`) before PyTorch is loaded. `ganlib.train` runs a TrainConfig.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

IMAGE_SIZES = (16, 28, 32, 64, 128)
ARCHITECTURES = ("dcgan", "dense")
DEFAULT_WIDTHS = {"dcgan": (32, 32), "dense": (256, 256)}


def _option(default, help: str):
    """A TrainConfig field; `help` is the help text of its `ganlib train` option."""
    return field(default=default, metadata={"help": help})


def option_name(field_name: str) -> str:
    """The `ganlib train` option of a TrainConfig field: lr_g -> --lr-g."""
    return "--" + field_name.replace("_", "-")


def native_channels(dataset: str) -> int:
    """Channels a source has before any conversion (folders: colour)."""
    return 1 if dataset in ("digits", "mnist", "fashion-mnist") else 3


@dataclass
class TrainConfig:
    """Everything a run depends on. Each field is also an option of `ganlib train` (lr_g is --lr-g),
    and its help text below is that option's help."""
    # Data
    data: str = _option("digits", "digits (bundled, offline), mnist, fashion-mnist, cifar10 (downloaded) or folder:PATH")
    data_dir: str | None = _option(None, "download cache for mnist, fashion-mnist and cifar10 "
                                         "(default: $GANLIB_DATA or ~/.cache/ganlib/datasets)")
    image_size: int = _option(32, "image side in pixels")
    channels: int | None = _option(None, "1 grey, 3 colour (default: the dataset's own)")
    # Networks
    arch: str = _option("dcgan", "dcgan (transposed/strided convolutions) or dense (fully connected)")
    latent_dim: int = _option(64, "length of the noise vector z")
    g_width: int | None = _option(None, "generator base width (default: 32 for dcgan, 256 for dense)")
    d_width: int | None = _option(None, "discriminator base width (default: 32 for dcgan, 256 for dense)")
    spectral_norm: bool = _option(False, "spectral normalisation on every discriminator layer (BatchNorm is then left out)")
    minibatch_std: int = _option(0, "group size G of minibatch standard deviation: the discriminator also sees how much its "
                                    "features vary over groups of G images, which a collapsed generator cannot fake "
                                    "(default: 0, off; 4 is usual)")
    # Optimisation
    steps: int = _option(1500, "generator updates in total; a resumed run continues up to this many")
    time_limit: float = _option(0.0, "stop after this many seconds of training, saving the end as usual (default: 0, no limit)")
    batch_size: int = _option(64, "images per batch (per process under torchrun)")
    # Twice D's rate: at equal training time on digits at 32 px (ganlib bench train --fid-seconds 120,
    # three seeds) it scored cFID 1.28 against 1.58 with both at DCGAN's 2e-4 (benchmarks page).
    lr_g: float = _option(4e-4, "generator learning rate (twice --lr-d: faster to good digits than DCGAN's 0.0002 for both)")
    lr_d: float = _option(2e-4, "discriminator learning rate (two time-scale update rule: set it apart from --lr-g)")
    beta1: float = _option(0.5, "Adam's beta1 for both networks")
    beta2: float = _option(0.999, "Adam's beta2 for both networks")
    d_steps: int = _option(1, "discriminator updates per generator update")
    d_skip_below: float = _option(0.0, "skip the discriminator's update while its loss is below this (default: 0, never)")
    label_smoothing: float = _option(0.0, "one-sided label smoothing: real targets become 1 minus this, fake targets stay 0")
    ema_decay: float = _option(0.0, "draw samples from an exponential moving average of the generator's weights with "
                                    "this decay, e.g. 0.999 (default: 0, off); sample grids and cFID then come from the average")
    # Speed and reproducibility
    device: str = _option("auto", "auto (CUDA when PyTorch sees a GPU), cpu, cuda or cuda:N")
    amp: bool = _option(True, "bf16 autocast on CUDA GPUs and on CPUs with AMX (elsewhere fp32 regardless)")
    channels_last: bool = _option(True, "channels_last memory format (dcgan only)")
    compile: bool = _option(False, "torch.compile the networks (slow start, faster steps on GPUs)")
    deterministic: bool | None = _option(None, "deterministic algorithms (default: on for the CPU, off for CUDA)")
    seed: int = _option(0, "random seed")
    # Output
    out: str | None = _option(None, "run folder (default: runs/<date>-<time>-<data>-<arch>)")
    log_every: int = _option(25, "write a line to metrics.jsonl every N steps")
    sample_every: int = _option(250, "save a sample grid of fixed noise vectors every N steps")
    checkpoint_every: int = _option(500, "write a checkpoint every N steps (Ctrl-C writes one as well)")
    keep_checkpoints: int = _option(3, "keep the newest N checkpoints")
    eval_every: int = _option(500, "cFID/cKID every N steps when a feature classifier exists for the data "
                                   "(0: at the end only)")
    fid_samples: int = _option(1000, "generated images per cFID/cKID evaluation (0: no evaluation)")
    monitor_every: int = _option(100, "mode-collapse check every N steps (0: off)")
    collapse_threshold: float = _option(0.3, "warn when the samples' diversity falls below this fraction of the "
                                             "real data's while they look like the data")
    collapse_warmup: int = _option(300, "no collapse warnings before this step (early samples are blobs)")
    diverge_loss: float = _option(100.0, "stop the run when a mean loss exceeds this")
    quiet: bool = _option(False, "no progress bar or info messages (warnings and errors still print)")

    def resolved(self) -> "TrainConfig":
        """A copy with every 'pick for me' value (None, 'auto') made concrete."""
        from ganlib.runinfo import resolve_device

        g_default, d_default = DEFAULT_WIDTHS.get(self.arch, (None, None))
        data_name = self.data
        channels = self.channels or native_channels(data_name.split(":")[0] if data_name.startswith("folder:") else data_name)
        device = str(resolve_device(self.device))  # a CUDA device without a GPU is a DeviceError
        det = self.deterministic if self.deterministic is not None else device == "cpu"
        return dataclasses.replace(self, channels=channels, g_width=self.g_width or g_default,
                                   d_width=self.d_width or d_default, device=device, deterministic=det)

    def validate(self) -> None:
        """Raise ConfigError naming the option of the first field with an impossible value."""
        checks = [
            (self.arch in ARCHITECTURES, "arch", f"one of {', '.join(ARCHITECTURES)}"),
            (self.image_size in IMAGE_SIZES, "image_size", f"one of {', '.join(map(str, IMAGE_SIZES))}"),
            (self.channels in (None, 1, 3), "channels", "1 or 3"),
            (self.steps >= 1, "steps", "at least 1"),
            (math.isfinite(self.time_limit) and self.time_limit >= 0, "time_limit", "0 (no limit) or a number of seconds > 0"),
            (self.batch_size >= 2, "batch_size", "at least 2 (BatchNorm needs two images)"),
            (self.d_steps >= 1, "d_steps", "at least 1"),
            (0 <= self.label_smoothing < 1, "label_smoothing", "in [0, 1)"),
            (0 <= self.ema_decay < 1, "ema_decay", "in [0, 1)"),
            (self.latent_dim >= 1, "latent_dim", "at least 1"),
            (self.minibatch_std == 0 or self.minibatch_std >= 2, "minibatch_std", "0 (off) or a group size of at least 2"),
            (math.isfinite(self.lr_g) and self.lr_g > 0, "lr_g", "a finite number > 0"),
            (math.isfinite(self.lr_d) and self.lr_d > 0, "lr_d", "a finite number > 0"),
            (self.keep_checkpoints >= 1, "keep_checkpoints", "at least 1"),
            (self.log_every >= 1, "log_every", "at least 1"),
            (self.sample_every >= 1, "sample_every", "at least 1"),
            (self.checkpoint_every >= 1, "checkpoint_every", "at least 1"),
            (self.d_skip_below >= 0, "d_skip_below", ">= 0"),
        ]
        for ok, name, want in checks:
            if not ok:
                raise ConfigError(f"{option_name(name)} must be {want}, not {getattr(self, name)!r}")


# Fields a resumed run may change: they do not alter what is computed, only how long and what is written.
RESUME_CHANGEABLE = {"steps", "out", "log_every", "sample_every", "checkpoint_every", "keep_checkpoints",
                     "eval_every", "fid_samples", "monitor_every", "collapse_threshold", "collapse_warmup",
                     "quiet", "compile", "diverge_loss", "data_dir", "time_limit"}


class ConfigError(ValueError):
    """A configuration the user asked for cannot work; the message names the field and the fix."""
