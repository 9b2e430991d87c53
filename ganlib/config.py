"""The settings of one training run (`TrainConfig`), with their checks.

This module imports no torch, so the CLI can build `ganlib train`'s options from these fields
(and print `--help`) before PyTorch is loaded. `ganlib.train` runs a TrainConfig.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

IMAGE_SIZES = (16, 28, 32, 64, 128)
ARCHITECTURES = ("dcgan", "dense")
DEFAULT_WIDTHS = {"dcgan": (32, 32), "dense": (256, 256)}


def native_channels(dataset: str) -> int:
    """Channels a source has before any conversion (folders: colour)."""
    return 1 if dataset in ("digits", "mnist", "fashion-mnist") else 3


@dataclass
class TrainConfig:
    # Data
    data: str = "digits"  # digits | mnist | fashion-mnist | cifar10 | folder:PATH
    data_dir: str | None = None  # download cache for torchvision sets (default ~/.cache/ganlib/datasets)
    image_size: int = 32  # 16, 28, 32, 64 or 128
    channels: int | None = None  # 1 grey, 3 colour; None keeps the dataset's own
    # Networks
    arch: str = "dcgan"  # dcgan | dense
    latent_dim: int = 64
    g_width: int | None = None  # base width; None picks the architecture's default
    d_width: int | None = None
    spectral_norm: bool = False  # spectral normalisation on every D layer (BatchNorm then dropped)
    minibatch_std: int = 0  # D also sees its features' spread over groups of this many images (0: off)
    # Optimisation
    steps: int = 1500  # generator updates
    time_limit: float = 0.0  # stop after this many seconds in the loop (0: no limit); the end is saved as usual
    batch_size: int = 64  # per process
    lr_g: float = 2e-4  # two time-scale update rule: G and D get their own rates
    lr_d: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    d_steps: int = 1  # discriminator updates per generator update
    d_skip_below: float = 0.0  # skip D's update while its loss is below this (0: never skip)
    label_smoothing: float = 0.0  # one-sided: real targets become 1 - this, fake targets stay 0
    ema_decay: float = 0.0  # EMA of G's weights for sampling (e.g. 0.999); 0 turns it off
    # Speed and reproducibility
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    amp: bool = True  # bf16 autocast where the device computes bf16 natively (CUDA; CPUs with AMX)
    channels_last: bool = True  # conv models only
    compile: bool = False  # torch.compile the networks (slow start, faster steps on GPUs)
    deterministic: bool | None = None  # None: on for CPU, off for CUDA
    seed: int = 0
    # Output
    out: str | None = None  # run directory; default runs/<time>-<data>-<arch>
    log_every: int = 25
    sample_every: int = 250
    checkpoint_every: int = 500
    keep_checkpoints: int = 3
    eval_every: int = 500  # cFID/cKID when a feature classifier exists for the data (0: final only)
    fid_samples: int = 1000
    monitor_every: int = 100  # mode-collapse check on the fixed-noise samples (0: off)
    collapse_threshold: float = 0.3  # warn when sample diversity < this fraction of the real data's
    collapse_warmup: int = 300  # no collapse warnings before this step (early samples are blobs)
    diverge_loss: float = 100.0  # a mean loss above this counts as divergence
    quiet: bool = False  # no progress bar or info messages; warnings and errors still print

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
        """Raise ConfigError naming the first field with an impossible value."""
        checks = [
            (self.arch in ARCHITECTURES, "arch", f"one of {', '.join(ARCHITECTURES)}"),
            (self.image_size in IMAGE_SIZES, "image_size", f"one of {', '.join(map(str, IMAGE_SIZES))}"),
            (self.channels in (None, 1, 3), "channels", "1 or 3"),
            (self.steps >= 0, "steps", ">= 0"),
            (self.batch_size >= 2, "batch_size", ">= 2 (BatchNorm needs two images)"),
            (self.d_steps >= 1, "d_steps", ">= 1"),
            (0 <= self.label_smoothing < 1, "label_smoothing", "in [0, 1)"),
            (0 <= self.ema_decay < 1, "ema_decay", "in [0, 1)"),
            (self.latent_dim >= 1, "latent_dim", ">= 1"),
            (self.minibatch_std == 0 or self.minibatch_std >= 2, "minibatch_std", "0 (off) or a group size >= 2"),
            (math.isfinite(self.lr_g) and self.lr_g > 0, "lr_g", "a finite number > 0"),
            (math.isfinite(self.lr_d) and self.lr_d > 0, "lr_d", "a finite number > 0"),
            (self.keep_checkpoints >= 1, "keep_checkpoints", ">= 1"),
            (min(self.log_every, self.sample_every, self.checkpoint_every) >= 1,
             "log_every/sample_every/checkpoint_every", ">= 1"),
            (self.d_skip_below >= 0, "d_skip_below", ">= 0"),
        ]
        for ok, name, want in checks:
            if not ok:
                raise ConfigError(f"{name} = {getattr(self, name, '?')!r} is invalid; it must be {want}")


# Fields a resumed run may change: they do not alter what is computed, only how long and what is written.
RESUME_CHANGEABLE = {"steps", "out", "log_every", "sample_every", "checkpoint_every", "keep_checkpoints",
                     "eval_every", "fid_samples", "monitor_every", "collapse_threshold", "collapse_warmup",
                     "quiet", "compile", "diverge_loss", "data_dir", "time_limit"}


class ConfigError(ValueError):
    """A configuration the user asked for cannot work; the message names the field and the fix."""
