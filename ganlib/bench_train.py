"""`ganlib bench train`: training speed of ganlib's loop against the common reference recipe.

Both paths train the same DCGAN (same widths, batch, latent size, Adam settings) on the same images
(scikit-learn's digits, upscaled) in the same process, one after the other, so the ratio compares
like with like on whatever machine runs it.

* baseline, the recipe most DCGAN tutorials follow: fp32, NCHW tensors, a Sigmoid at the end of
  D with `BCELoss`, and a `DataLoader` whose workers open and decode a PNG per image for every
  batch (Resize, CenterCrop, ToTensor, Normalize), D's real and fake losses back-propagated
  separately, and the losses read back to the host every step.
* optimized, `ganlib.train.train` itself, whose loop runs `ganlib.step.gan_step`: uint8 images
  resident on the device, channels_last, bf16 autocast (CUDA, CPUs with AMX), fused Adam, BCE on logits, D
  frozen during G's update, the host synchronised only at log steps, and optionally torch.compile.
  The baseline stays an independent, plain implementation: it is what ganlib is measured against.

Throughput is images per second through the discriminator's real branch, taken after warm-up steps
(compilation and cuDNN autotuning excluded), best of `--repeats` alternating rounds so a busy
machine penalises neither side more. Both sides then train the same recipe (batch size, learning
rate, no EMA), so the ratio is speed alone.

With `--fid-seconds T` each side also trains from scratch for T seconds of wall-clock time with its
own recipe, and the generators are compared by cFID (digit-classifier features; not comparable with
Inception FID), from the same number of samples on both sides: the baseline the reference recipe
(`--batch-size`, `--lr`), ganlib its defaults (`TrainConfig`: learning rates, batch size, EMA
generator, ...) on the same networks. That compares what a learner gets per second from each.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from ganlib import data as gdata
from ganlib import metrics
from ganlib.cliargs import UsageError, count, positive_int, weight
from ganlib.models import IMAGE_SIZES, build_models
from ganlib.runinfo import DeviceError, describe_device, fast_bf16, resolve_device, synchronize, versions
from ganlib.train import TrainConfig, train


@dataclass
class BenchConfig:
    image_size: int = 64
    batch_size: int = 128
    width: int = 64  # g_width = d_width
    latent_dim: int = 100
    steps: int = 10  # timed steps per round
    warmup: int = 3
    repeats: int = 2
    workers: int = 2  # baseline DataLoader workers, as in the reference recipe
    device: str = "auto"
    compile: bool = False
    fid_seconds: float = 0.0  # 0: no equal-time quality comparison
    fid_samples: int = 1000
    lr: float = 2e-4
    seed: int = 0


# ---------------------------------------------------------------------------------------------
# Baseline: the reference recipe
# ---------------------------------------------------------------------------------------------

class PngImages(torch.utils.data.Dataset):
    """Image files decoded with PIL and transformed per item, like torchvision's ImageFolder."""

    def __init__(self, files: list[Path], size: int, channels: int):
        from torchvision import transforms

        self.files, self.mode = files, "L" if channels == 1 else "RGB"
        self.transform = transforms.Compose([
            transforms.Resize(size), transforms.CenterCrop(size), transforms.ToTensor(),
            transforms.Normalize([0.5] * channels, [0.5] * channels),
        ])

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int) -> torch.Tensor:
        from PIL import Image

        with Image.open(self.files[i]) as img:
            return self.transform(img.convert(self.mode))


def write_png_folder(images: torch.Tensor, folder: Path) -> list[Path]:
    from PIL import Image

    files = []
    for i, img in enumerate(images):
        path = folder / f"{i:05d}.png"
        array = img.permute(1, 2, 0).numpy()
        Image.fromarray(array[:, :, 0] if array.shape[2] == 1 else array).save(path)
        files.append(path)
    return files


def baseline_train(cfg: BenchConfig, files: list[Path], channels: int, device: torch.device, *,
                   steps: int | None = None, seconds: float | None = None, on_step=None) -> tuple[nn.Module, int]:
    """Train with the reference recipe for `steps` steps or `seconds` of wall-clock time."""
    torch.manual_seed(cfg.seed)
    torch.backends.cudnn.benchmark = True  # the reference recipe turns cuDNN autotuning on
    G, D = build_models("dcgan", latent_dim=cfg.latent_dim, image_size=cfg.image_size, channels=channels,
                        g_width=cfg.width, d_width=cfg.width)
    G, D = G.to(device), nn.Sequential(D, nn.Sigmoid()).to(device)
    criterion = nn.BCELoss()
    opt_d = torch.optim.Adam(D.parameters(), lr=cfg.lr, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(G.parameters(), lr=cfg.lr, betas=(0.5, 0.999))
    loader = torch.utils.data.DataLoader(PngImages(files, cfg.image_size, channels), batch_size=cfg.batch_size,
                                         shuffle=True, num_workers=cfg.workers, drop_last=True)
    step, start = 0, time.perf_counter()
    while True:
        for real in loader:
            real = real.to(device)
            b = real.shape[0]
            ones, zeros = torch.ones(b, device=device), torch.zeros(b, device=device)
            D.zero_grad()
            out = D(real).view(-1)
            loss_real = criterion(out, ones)
            loss_real.backward()
            d_x = out.mean().item()
            noise = torch.randn(b, cfg.latent_dim, device=device)
            fake = G(noise)
            out = D(fake.detach()).view(-1)
            loss_fake = criterion(out, zeros)
            loss_fake.backward()
            d_g_z1 = out.mean().item()
            opt_d.step()
            G.zero_grad()
            out = D(fake).view(-1)
            loss_g = criterion(out, ones)
            loss_g.backward()
            d_g_z2 = out.mean().item()
            opt_g.step()
            del d_x, d_g_z1, d_g_z2, loss_real, loss_fake, loss_g  # read every step, as the recipe logs them
            step += 1
            if on_step is not None:
                on_step(step)
            if (steps is not None and step >= steps) or (seconds is not None and time.perf_counter() - start >= seconds):
                return G, step


# ---------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------

class _StepClock:
    """Wall time between the end of step `first` and the end of step `last`."""

    def __init__(self, device: torch.device, first: int, last: int):
        self.device, self.first, self.last = device, first, last
        self.start = self.end = None

    def __call__(self, step: int) -> bool:
        if step == self.first or step == self.last:
            synchronize(self.device)
            now = time.perf_counter()
            if step == self.first:
                self.start = now
            else:
                self.end = now
        return False

    @property
    def seconds(self) -> float:
        return self.end - self.start


def _optimized_config(cfg: BenchConfig, channels: int, device: torch.device, out: Path, **extra) -> TrainConfig:
    return TrainConfig(data="digits", image_size=cfg.image_size, channels=channels, arch="dcgan",
                       latent_dim=cfg.latent_dim, g_width=cfg.width, d_width=cfg.width, batch_size=cfg.batch_size,
                       lr_g=cfg.lr, lr_d=cfg.lr, device=str(device), compile=cfg.compile, deterministic=False,
                       seed=cfg.seed, out=str(out), log_every=10**9, sample_every=10**9, checkpoint_every=10**9,
                       eval_every=0, monitor_every=0, quiet=True, **extra)


def default_recipe_config(cfg: BenchConfig, channels: int, device: torch.device, out: Path,
                          seconds: float) -> TrainConfig:
    """ganlib's own recipe (every TrainConfig default: learning rates, batch size, EMA, ...) on the
    benchmark's networks, trained for `seconds`."""
    return TrainConfig(data="digits", image_size=cfg.image_size, channels=channels, arch="dcgan",
                       latent_dim=cfg.latent_dim, g_width=cfg.width, d_width=cfg.width, device=str(device),
                       compile=cfg.compile, deterministic=False, seed=cfg.seed, out=str(out), steps=10**9,
                       time_limit=seconds, log_every=10**9, sample_every=10**9, checkpoint_every=10**9,
                       eval_every=0, monitor_every=0, quiet=True)


def run_benchmark(cfg: BenchConfig, log=print) -> dict:
    device = resolve_device(cfg.device)
    channels = 1
    images = gdata.resize_uint8(gdata.load_digits_uint8(), cfg.image_size)
    total = cfg.warmup + cfg.steps
    result = {"config": dataclasses.asdict(cfg), "device": describe_device(device), "versions": versions(),
              "baseline_images_per_s": [], "optimized_images_per_s": []}
    log(f"ganlib bench train: DCGAN {cfg.image_size}x{cfg.image_size}x{channels}, batch {cfg.batch_size}, "
        f"width {cfg.width}, {cfg.steps} timed steps after {cfg.warmup} warm-up, best of {cfg.repeats}")
    log(f"device: {result['device']}; " + ", ".join(f"{k} {v}" for k, v in result["versions"].items()))
    with tempfile.TemporaryDirectory(prefix="ganlib-bench-") as tmp:
        tmp = Path(tmp)
        (tmp / "png").mkdir()
        files = write_png_folder(images, tmp / "png")
        for round_ in range(cfg.repeats):
            clock = _StepClock(device, cfg.warmup, total)
            baseline_train(cfg, files, channels, device, steps=total, on_step=clock)
            result["baseline_images_per_s"].append(cfg.batch_size * cfg.steps / clock.seconds)
            clock = _StepClock(device, cfg.warmup, total)
            train(_optimized_config(cfg, channels, device, tmp / f"opt{round_}", steps=total), images=images,
                  on_step=clock)
            result["optimized_images_per_s"].append(cfg.batch_size * cfg.steps / clock.seconds)
            log(f"round {round_ + 1}: baseline {result['baseline_images_per_s'][-1]:.1f} images/s, "
                f"optimized {result['optimized_images_per_s'][-1]:.1f} images/s")
        base, opt = max(result["baseline_images_per_s"]), max(result["optimized_images_per_s"])
        result.update(baseline_best=base, optimized_best=opt, speedup=opt / base)
        log(f"baseline  (fp32, NCHW, Sigmoid+BCELoss, DataLoader decoding PNGs, {cfg.workers} workers): "
            f"{base:.1f} images/s")
        log(f"optimized (ganlib.train: {_optimizations(device, cfg)}): {opt:.1f} images/s")
        log(f"speed-up: {opt / base:.2f}x")

        if cfg.fid_seconds > 0:
            clf_path = metrics.classifier_path("digits")
            scorer = metrics.FeatureScorer(metrics.load_classifier(clf_path, device), images)
            g_base, steps_base = baseline_train(cfg, files, channels, device, seconds=cfg.fid_seconds)
            fid_base = scorer.score(metrics.generate(g_base, cfg.fid_samples, cfg.latent_dim, device, cfg.seed))
            recipe = default_recipe_config(cfg, channels, device, tmp / "opt-fid", cfg.fid_seconds)
            run = train(recipe, images=images)
            sampler = run.generator_ema if run.generator_ema is not None else run.generator
            fid_opt = scorer.score(metrics.generate(sampler, cfg.fid_samples, cfg.latent_dim, device, cfg.seed))
            result["equal_time"] = {"seconds": cfg.fid_seconds, "seed": cfg.seed, "fid_samples": cfg.fid_samples,
                                    "baseline": {"steps": steps_base, "cfid": fid_base["cfid"], "ckid": fid_base["ckid"]},
                                    "optimized": {"steps": run.step, "cfid": fid_opt["cfid"], "ckid": fid_opt["ckid"],
                                                  "recipe": _recipe(recipe)},
                                    "cfid_ratio": fid_opt["cfid"] / fid_base["cfid"],
                                    "note": metrics.FID_DISCLAIMER}
            log(f"after {cfg.fid_seconds:g} s of training each (seed {cfg.seed}, {cfg.fid_samples} samples each): "
                f"baseline {steps_base} steps, cFID {fid_base['cfid']:.2f}; optimized {run.step} steps "
                f"({_recipe(recipe)}), cFID {fid_opt['cfid']:.2f}: {fid_opt['cfid'] / fid_base['cfid']:.2f} of the "
                f"baseline's ({metrics.FID_DISCLAIMER})")
    return result


def _recipe(cfg: TrainConfig) -> str:
    """The recipe fields of a config, as `batch 64, lr_g 0.0002, ...`."""
    parts = [f"batch {cfg.batch_size}", f"lr_g {cfg.lr_g:g}", f"lr_d {cfg.lr_d:g}", f"beta1 {cfg.beta1:g}"]
    parts += [f"{name} {getattr(cfg, name):g}" for name in ("ema_decay", "minibatch_std", "label_smoothing",
                                                             "d_skip_below") if getattr(cfg, name)]
    parts += [name for name in ("spectral_norm",) if getattr(cfg, name)]
    return ", ".join(parts)


def _optimizations(device: torch.device, cfg: BenchConfig) -> str:
    parts = ["uint8 data in memory", "channels_last", "fused Adam", "BCE on logits", "D frozen in G step"]
    if fast_bf16(device):
        parts.insert(2, "bf16 autocast")
    if cfg.compile:
        parts.append("torch.compile")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------

def add_arguments(p: argparse.ArgumentParser) -> None:
    d = BenchConfig()
    p.add_argument("--image-size", type=int, default=d.image_size, choices=IMAGE_SIZES,
                   help=f"image side (default {d.image_size})")
    p.add_argument("--batch-size", type=positive_int, default=d.batch_size, help=f"batch size (default {d.batch_size})")
    p.add_argument("--width", type=positive_int, default=d.width, help=f"G and D base width (default {d.width})")
    p.add_argument("--steps", type=positive_int, default=d.steps, help=f"timed steps per round (default {d.steps})")
    p.add_argument("--warmup", type=positive_int, default=d.warmup, help=f"untimed steps first (default {d.warmup})")
    p.add_argument("--repeats", type=positive_int, default=d.repeats,
                   help=f"alternating rounds, best kept (default {d.repeats})")
    p.add_argument("--workers", type=count, default=d.workers, help=f"baseline DataLoader workers (default {d.workers})")
    p.add_argument("--device", default=d.device, help="auto, cpu or cuda (default auto)")
    p.add_argument("--compile", action="store_true", help="torch.compile in the optimized path")
    p.add_argument("--fid-seconds", type=weight, default=d.fid_seconds,
                   help="also train each path this many seconds, each with its own recipe, and compare cFID "
                        "(default 0: skip)")
    p.add_argument("--fid-samples", type=positive_int, default=d.fid_samples,
                   help=f"generated images per cFID, the same for both paths (default {d.fid_samples})")
    p.add_argument("--seed", type=int, default=d.seed, help=f"seed of both paths (default {d.seed})")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")


def run_cli(args: argparse.Namespace) -> int:
    try:
        resolve_device(args.device)
    except DeviceError as exc:
        raise UsageError(str(exc)) from None
    cfg = BenchConfig(image_size=args.image_size, batch_size=args.batch_size, width=args.width, steps=args.steps,
                      warmup=args.warmup, repeats=args.repeats, workers=args.workers, device=args.device,
                      compile=args.compile, fid_seconds=args.fid_seconds, fid_samples=args.fid_samples,
                      seed=args.seed)
    if cfg.batch_size > 1797:
        raise UsageError(f"--batch-size {cfg.batch_size} exceeds the 1797 digits images")
    result = run_benchmark(cfg, log=lambda m: print(m, flush=True))
    if args.json:
        from ganlib.checkpoint import atomic_write_text

        atomic_write_text(Path(args.json), json.dumps(result, indent=2) + "\n")
    return 0
