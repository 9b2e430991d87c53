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

With `--fid-seconds T` the recipes are also compared by quality per second: which generator is
better after T seconds of training, the reference recipe's (`--batch-size`, `--lr`) or ganlib's own
(every `TrainConfig` default: learning rates, batch size, EMA generator, ...), on the same networks?
Timing T seconds directly would let the machine's other work decide the answer: on a shared machine
the load can halve one side's steps and not the other's. So the comparison has two phases:

1. rates: each recipe trains for `--rate-seconds` after warm-up steps, and its steady speed in
   steps per second is measured (the reference recipe's includes its DataLoader restarting its
   workers at every epoch). Run this on an idle machine; `--rates-only --json FILE` keeps the rates,
   and `--rates FILE` gives them to a later run.
2. quality: each recipe trains from scratch for round(T x its rate) steps, which for a given seed
   does not depend on the load, and its generator (the EMA copy where the recipe keeps one) is
   scored by cFID (digit-classifier features; not comparable with Inception FID) from
   `--fid-samples` generated images, the same number and the same noise for every recipe. With
   `--seeds N` every recipe trains with N seeds, and the mean and spread are reported.

What this measures is therefore equal wall-clock time on this machine when idle, start-up left out
on both sides. `--recipe NAME:FIELD=VALUE,...` adds variants of ganlib's recipe (one lever at a
time, say `ema:ema_decay=0.999`), and `--only NAMES` trains only some of the recipes.
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
from ganlib.config import ConfigError
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
    rate_seconds: float = 15.0  # timed seconds per recipe when measuring steps/s
    rate_rounds: int = 1  # rounds of rate measurement, every recipe once per round; its best round counts
    seeds: int = 1  # seeds seed, seed + 1, ... of every recipe in the quality comparison
    recipes: dict = dataclasses.field(default_factory=dict)  # extra ganlib recipes: name -> TrainConfig overrides
    only: tuple = ()  # train only these recipes in the quality comparison (empty: all)
    rates_only: bool = False  # measure the recipes' steps/s, train none
    threads: int = 0  # CPU threads of the quality runs (0: PyTorch's default)
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
    """Train with the reference recipe for `steps` steps or `seconds` of wall-clock time, or until
    `on_step(step)` returns True."""
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
            stop = on_step is not None and on_step(step)
            if stop or (steps is not None and step >= steps) or (seconds is not None and time.perf_counter() - start >= seconds):
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


def run_benchmark(cfg: BenchConfig, log=print, rates: dict | None = None) -> dict:
    """The throughput rounds (none with repeats 0), then with fid_seconds the quality comparison,
    with `rates` (steps/s by recipe) where they were measured before."""
    device = resolve_device(cfg.device)
    channels = 1
    images = gdata.resize_uint8(gdata.load_digits_uint8(), cfg.image_size)
    total = cfg.warmup + cfg.steps
    result = {"config": dataclasses.asdict(cfg), "device": describe_device(device), "versions": versions(),
              "baseline_images_per_s": [], "optimized_images_per_s": []}
    rounds = f", {cfg.steps} timed steps after {cfg.warmup} warm-up, best of {cfg.repeats}" if cfg.repeats else ""
    log(f"ganlib bench train: DCGAN {cfg.image_size}x{cfg.image_size}x{channels}, batch {cfg.batch_size}, "
        f"width {cfg.width}{rounds}")
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
        if cfg.repeats:
            base, opt = max(result["baseline_images_per_s"]), max(result["optimized_images_per_s"])
            result.update(baseline_best=base, optimized_best=opt, speedup=opt / base)
            log(f"baseline  (fp32, NCHW, Sigmoid+BCELoss, DataLoader decoding PNGs, {cfg.workers} workers): "
                f"{base:.1f} images/s")
            log(f"optimized (ganlib.train: {_optimizations(device, cfg)}): {opt:.1f} images/s")
            log(f"speed-up: {opt / base:.2f}x")

        if cfg.fid_seconds > 0:
            result["equal_time"] = equal_time(cfg, images, files, channels, device, tmp, log, rates)
    return result


# ---------------------------------------------------------------------------------------------
# Quality per second: every recipe trained for the steps it does in `fid_seconds` on an idle machine
# ---------------------------------------------------------------------------------------------

REFERENCE, DEFAULT = "reference", "ganlib"
# What a --recipe may set: how the networks learn, not what they are.
RECIPE_FIELDS = ("batch_size", "lr_g", "lr_d", "beta1", "beta2", "d_steps", "d_skip_below", "label_smoothing",
                 "ema_decay", "spectral_norm", "minibatch_std")
# Settings that change a recipe's speed: rates measured with others do not apply.
RATE_SETTINGS = ("image_size", "batch_size", "width", "latent_dim", "lr", "workers", "compile")
# Recipe settings that change no step's work: a recipe that differs from a measured one only in
# these (its learning rates, say) trains at that recipe's rate.
RATE_NEUTRAL = ("lr_g", "lr_d", "beta1", "beta2")


def parse_recipe(text: str) -> tuple[str, dict]:
    """A --recipe, `NAME:FIELD=VALUE,...`, as (NAME, TrainConfig overrides)."""
    name, sep, body = text.partition(":")
    if not (name and sep and body):
        raise UsageError(f"--recipe {text!r}: write NAME:FIELD=VALUE,..., e.g. ema:ema_decay=0.999")
    if name in (REFERENCE, DEFAULT):
        raise UsageError(f"--recipe {text!r}: the name {name!r} is taken, choose another")
    defaults, overrides = TrainConfig(), {}
    for item in body.split(","):
        field, _, value = (part.strip() for part in item.partition("="))
        field = field.replace("-", "_")
        if field not in RECIPE_FIELDS:
            raise UsageError(f"--recipe {text!r}: {field!r} is not a recipe setting; use {', '.join(RECIPE_FIELDS)}")
        kind = type(getattr(defaults, field))
        try:
            overrides[field] = _parse_value(value, kind)
        except ValueError:
            raise UsageError(f"--recipe {text!r}: {field} takes {kind.__name__}, not {value!r}") from None
    try:
        dataclasses.replace(defaults, **overrides).validate()
    except ConfigError as exc:
        raise UsageError(f"--recipe {text!r}: {exc}") from None
    return name, overrides


def _parse_value(text: str, kind: type):
    if kind is bool:
        if text.lower() in ("true", "yes", "on", "1"):
            return True
        if text.lower() in ("false", "no", "off", "0"):
            return False
        raise ValueError(text)
    return kind(text)


def read_rates(path: Path, cfg: BenchConfig, log=lambda message: None) -> dict:
    """The steps/s a `--rates-only --json` run wrote to `path`, refused where its setting or its
    recipes differ from `cfg`'s (their rates would not apply). A recipe the file lacks takes the
    rate of a measured one it differs from only in RATE_NEUTRAL settings, and `log` says so."""
    try:
        saved = json.loads(path.read_text())
        measured, same_time = saved["config"], saved["equal_time"]
        rates, recipes = same_time["rates"], same_time["recipes"]
        measured_work = {name: _work(recipes[name]["overrides"]) for name in rates}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"--rates {path}: not the JSON of a `ganlib bench train --fid-seconds T --json` run "
                         f"({type(exc).__name__}: {exc})") from None
    for key in RATE_SETTINGS:
        if measured.get(key) != getattr(cfg, key):
            raise UsageError(f"--rates {path}: its rates were measured with --{key.replace('_', '-')} "
                             f"{measured.get(key)}, this run has {getattr(cfg, key)}")
    found = {}
    for name, overrides in _recipes(cfg).items():
        if name in rates and recipes[name]["overrides"] == overrides:
            found[name] = float(rates[name])
            continue
        work = _work(overrides)
        same_work = sorted((other for other, theirs in measured_work.items() if theirs is not None and theirs == work),
                           key=lambda other: other != name)  # its own measurement first
        if name in rates and not same_work:
            raise UsageError(f"--rates {path}: its recipe {name!r} was {recipes[name]['overrides']}, not {overrides}")
        if not same_work:
            borrow = "" if work in (None, overrides) else f" or for one that differs from it only in {', '.join(RATE_NEUTRAL)}"
            raise UsageError(f"--rates {path} has no rate for the recipe {name!r}{borrow}; measure it with --rates-only")
        found[name] = float(rates[same_work[0]])
        log(f"{name}: the rate of {same_work[0]} ({found[name]:.2f} steps/s), which does the same work per step")
    return found


def _work(overrides: dict | None) -> dict | None:
    """A recipe's settings that change a step's work (None: the reference program's recipe). A
    recipe that skips D's update while D's loss is low (d_skip_below) does work that follows its
    learning rates, so all of its settings count."""
    if overrides is None or overrides.get("d_skip_below"):
        return overrides
    return {k: v for k, v in overrides.items() if k not in RATE_NEUTRAL}


def _recipes(cfg: BenchConfig) -> dict:
    """Every recipe of the comparison: name -> TrainConfig overrides (None: the reference recipe)."""
    return {REFERENCE: None, DEFAULT: {}, **cfg.recipes}


def _recipe_config(cfg: BenchConfig, channels: int, device: torch.device, out: Path, overrides: dict, *,
                   steps: int, seed: int) -> TrainConfig:
    """ganlib's recipe (the TrainConfig defaults with `overrides`) on the benchmark's networks; the
    benchmark scores its generator itself, so the run evaluates and saves nothing on the way."""
    return TrainConfig(data="digits", image_size=cfg.image_size, channels=channels, arch="dcgan",
                       latent_dim=cfg.latent_dim, g_width=cfg.width, d_width=cfg.width, device=str(device),
                       compile=cfg.compile, deterministic=False, seed=seed, out=str(out), steps=steps,
                       log_every=10**9, sample_every=10**9, checkpoint_every=10**9, eval_every=0, fid_samples=0,
                       monitor_every=0, quiet=True, **overrides)


class _RateClock:
    """Steps per second of a recipe on this machine when idle: the best of all windows of `window`
    consecutive steps (one epoch of the reference recipe, so each window holds one restart of its
    DataLoader's workers) within `seconds` after the warm-up steps; then it stops the run. Another
    program's burst of work slows some windows and not the best one."""

    def __init__(self, device: torch.device, warmup: int, seconds: float, window: int):
        self.device, self.warmup, self.seconds, self.window = device, warmup, seconds, window
        self.times: list[float] = []

    def __call__(self, step: int) -> bool:
        if step < self.warmup:
            return False
        if step == self.warmup:  # a GPU's queue of work fills up again within a window
            synchronize(self.device)
        self.times.append(time.perf_counter())
        done = self.times[-1] - self.times[0] >= self.seconds and len(self.times) > self.window
        if done:
            synchronize(self.device)
            self.times[-1] = time.perf_counter()
        return done

    @property
    def rate(self) -> float:
        t, w = self.times, self.window
        return w / min(t[i + w] - t[i] for i in range(len(t) - w))


def _train_recipe(cfg: BenchConfig, overrides: dict | None, channels: int, device: torch.device, data, out: Path,
                  *, seed: int, steps: int | None = None, on_step=None) -> nn.Module:
    """Train one recipe (None: the reference) and return the generator it samples from."""
    files, images = data
    if overrides is None:
        G, _ = baseline_train(dataclasses.replace(cfg, seed=seed), files, channels, device, steps=steps,
                              on_step=on_step)
        return G
    run = train(_recipe_config(cfg, channels, device, out, overrides, steps=steps or 10**9, seed=seed),
                images=images, on_step=on_step)
    return run.generator_ema if run.generator_ema is not None else run.generator


def _measure_rates(cfg: BenchConfig, recipes: dict, described: dict, channels: int, device: torch.device,
                   data, tmp: Path, log) -> dict[str, list[float]]:
    """Each recipe's steady steps/s in each of `cfg.rate_rounds` rounds, by recipe.

    Rounds take turns over the recipes: a slow spell of the host (a neighbour's load on a shared
    VM lasts minutes) then costs each recipe one round, not one recipe all of its time."""
    window = len(data[0]) // cfg.batch_size
    rounds = f", best of {cfg.rate_rounds} rounds" if cfg.rate_rounds > 1 else ""
    log(f"steady speed of each recipe: the fastest {window} steps in a row (one epoch) "
        f"within {cfg.rate_seconds:g} s after {cfg.warmup} warm-up steps{rounds}:")
    measured = {name: [] for name in recipes}
    for round_ in range(cfg.rate_rounds):
        round_note = f" (round {round_ + 1})" if cfg.rate_rounds > 1 else ""
        for name, overrides in recipes.items():
            clock = _RateClock(device, cfg.warmup, cfg.rate_seconds, window=window)
            _train_recipe(cfg, overrides, channels, device, data, tmp / f"rate-{name}-{round_}", seed=cfg.seed,
                          on_step=clock)
            measured[name].append(clock.rate)
            log(f"  {name} ({described[name]}): {clock.rate:.2f} steps/s{round_note}")
    return measured


def equal_time(cfg: BenchConfig, images: torch.Tensor, files: list[Path], channels: int, device: torch.device,
               tmp: Path, log, rates: dict | None = None) -> dict:
    """Each recipe's steps/s (measured now unless `rates` are given), then with each seed every recipe
    trained for fid_seconds x its rate steps and scored by cFID; see the module's docstring."""
    recipes, data = _recipes(cfg), (files, images)
    described = {name: _reference_recipe(cfg) if o is None else _recipe(_recipe_config(cfg, channels, device, tmp, o,
                                                                                          steps=1, seed=0))
                 for name, o in recipes.items()}
    result = {"seconds": cfg.fid_seconds, "rates_measured": rates is None, "rate_seconds": cfg.rate_seconds,
              "recipes": {name: {"overrides": recipes[name], "description": described[name]} for name in recipes},
              "note": metrics.FID_DISCLAIMER}
    if rates is None:
        measured = _measure_rates(cfg, recipes, described, channels, device, data, tmp, log)
        rates = {name: max(values) for name, values in measured.items()}
        if cfg.rate_rounds > 1:
            result["rate_rounds"] = measured
            log("  best rounds: " + ", ".join(f"{name} {rate:.2f}" for name, rate in rates.items()))
    result["rates"] = rates
    result["steps"] = budget = {name: max(1, round(cfg.fid_seconds * rates[name])) for name in recipes}
    if cfg.rates_only:
        return result

    if cfg.threads:  # only the float summation order depends on it: the steps were fixed above
        torch.set_num_threads(cfg.threads)
    scorer = metrics.FeatureScorer(metrics.load_classifier(metrics.classifier_path("digits"), device), images)
    chosen = [name for name in recipes if not cfg.only or name in cfg.only]
    seeds = list(range(cfg.seed, cfg.seed + cfg.seeds))
    log(f"quality after {cfg.fid_seconds:g} s each: every recipe trains for {cfg.fid_seconds:g} s x its steps/s, "
        f"then cFID from {cfg.fid_samples} samples (seeds {', '.join(map(str, seeds))})")
    result.update(fid_samples=cfg.fid_samples, seeds=seeds, runs=[])
    for seed in seeds:
        for name in chosen:
            G = _train_recipe(cfg, recipes[name], channels, device, data, tmp / f"{name}-seed{seed}", seed=seed,
                              steps=budget[name])
            # The same noise for every recipe of a seed.
            scores = scorer.score(metrics.generate(G, cfg.fid_samples, cfg.latent_dim, device, seed))
            result["runs"].append({"recipe": name, "seed": seed, "steps": budget[name], "cfid": scores["cfid"],
                                   "ckid": scores["ckid"]})
            log(f"  seed {seed}, {name}: {budget[name]} steps, cFID {scores['cfid']:.3f}, cKID {scores['ckid']:.4f}")
    result["summary"] = summarize(result["runs"])
    for name, row in result["summary"].items():
        ratio = f", {row['cfid_ratio']:.2f}x the reference's" if "cfid_ratio" in row else ""
        spread = f" ± {row['cfid_sd']:.3f}" if row["cfid_sd"] is not None else ""
        log(f"{name} ({described[name]}; {budget[name]} steps): cFID {row['cfid_mean']:.3f}{spread} over "
            f"{row['n']} seed(s){ratio}")
    log(f"({metrics.FID_DISCLAIMER})")
    return result


def summarize(runs: list[dict]) -> dict:
    """Per recipe: the number of runs, the mean and sample standard deviation of cFID (None for one
    run), and, where the reference recipe ran with the same seeds, the ratio of the means."""
    import statistics

    by_recipe: dict[str, dict[int, float]] = {}
    for run in runs:
        by_recipe.setdefault(run["recipe"], {})[run["seed"]] = run["cfid"]
    summary = {}
    for name, by_seed in by_recipe.items():
        values = list(by_seed.values())
        summary[name] = {"n": len(values), "cfid_mean": statistics.fmean(values),
                         "cfid_sd": statistics.stdev(values) if len(values) > 1 else None}
    reference = by_recipe.get(REFERENCE)
    for name, row in summary.items():
        if reference is not None and set(by_recipe[name]) == set(reference):
            row["cfid_ratio"] = row["cfid_mean"] / summary[REFERENCE]["cfid_mean"]
    return summary


def _reference_recipe(cfg: BenchConfig) -> str:
    return f"batch {cfg.batch_size}, lr_g {cfg.lr:g}, lr_d {cfg.lr:g}, beta1 0.5, fp32"


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
    p.add_argument("--repeats", type=count, default=d.repeats,
                   help=f"alternating throughput rounds, best kept (default {d.repeats}; 0: none, say with --fid-seconds)")
    p.add_argument("--workers", type=count, default=d.workers, help=f"baseline DataLoader workers (default {d.workers})")
    p.add_argument("--device", default=d.device, help="auto, cpu or cuda (default auto)")
    p.add_argument("--compile", action="store_true", help="torch.compile in the optimized path")
    p.add_argument("--fid-seconds", type=weight, default=d.fid_seconds,
                   help="also compare the recipes' cFID after this many seconds of training each: every recipe "
                        "trains for this many seconds times its steps/s on this machine (default 0: skip)")
    p.add_argument("--fid-samples", type=positive_int, default=d.fid_samples,
                   help=f"generated images per cFID, the same for every recipe (default {d.fid_samples})")
    p.add_argument("--rate-seconds", type=weight, default=d.rate_seconds,
                   help=f"seconds each recipe trains to measure its steps/s (default {d.rate_seconds:g})")
    p.add_argument("--rate-rounds", type=positive_int, default=d.rate_rounds,
                   help="measure the steps/s in this many rounds, every recipe once per round, and keep each "
                        f"recipe's best (default {d.rate_rounds})")
    p.add_argument("--rates", metavar="JSON", type=Path,
                   help="take the recipes' steps/s from the --json of an earlier --rates-only run instead of measuring")
    p.add_argument("--rates-only", action="store_true", help="measure the recipes' steps/s and stop (with --json)")
    p.add_argument("--seeds", type=positive_int, default=d.seeds,
                   help="train every recipe with this many seeds, --seed upwards (default 1)")
    p.add_argument("--recipe", action="append", default=[], metavar="NAME:FIELD=VALUE,...",
                   help="one more ganlib recipe: the defaults with these train settings, e.g. ema:ema_decay=0.999 "
                        "(repeatable)")
    p.add_argument("--threads", type=count, default=d.threads,
                   help="CPU threads of the quality runs, after the rates are known; on a busy machine 1 avoids the "
                        "stalls of threads waiting for one another (default 0: PyTorch's own choice)")
    p.add_argument("--only", metavar="NAMES", help="train only these recipes (comma-separated: reference, ganlib, "
                                                   "or --recipe names)")
    p.add_argument("--seed", type=int, default=d.seed, help=f"seed of both paths (default {d.seed})")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")


def run_cli(args: argparse.Namespace) -> int:
    try:
        resolve_device(args.device)
    except DeviceError as exc:
        raise UsageError(str(exc)) from None
    recipes = dict(parse_recipe(text) for text in args.recipe)
    only = tuple(name.strip() for name in args.only.split(",")) if args.only else ()
    unknown = [name for name in only if name not in (REFERENCE, DEFAULT, *recipes)]
    if unknown:
        raise UsageError(f"--only {args.only}: no recipe named {', '.join(unknown)}; there are "
                         f"{', '.join((REFERENCE, DEFAULT, *recipes))}")
    cfg = BenchConfig(image_size=args.image_size, batch_size=args.batch_size, width=args.width, steps=args.steps,
                      warmup=args.warmup, repeats=args.repeats, workers=args.workers, device=args.device,
                      compile=args.compile, fid_seconds=args.fid_seconds, fid_samples=args.fid_samples,
                      rate_seconds=args.rate_seconds, rate_rounds=args.rate_rounds, seeds=args.seeds,
                      recipes=recipes, only=only,
                      rates_only=args.rates_only, threads=args.threads, seed=args.seed)
    if cfg.rate_seconds <= 0:
        raise UsageError(f"--rate-seconds must be more than 0, not {cfg.rate_seconds:g}")
    if cfg.batch_size > 1797:
        raise UsageError(f"--batch-size {cfg.batch_size} exceeds the 1797 digits images")
    if (args.rates or args.rates_only or recipes or only) and not cfg.fid_seconds:
        raise UsageError("--rates, --rates-only, --recipe and --only belong to the quality comparison: "
                         "give --fid-seconds too")
    if not cfg.repeats and not cfg.fid_seconds:
        raise UsageError("--repeats 0 without --fid-seconds leaves nothing to measure")
    rates = read_rates(args.rates, cfg, log=lambda m: print(m, flush=True)) if args.rates else None
    result = run_benchmark(cfg, log=lambda m: print(m, flush=True), rates=rates)
    if args.json:
        from ganlib.checkpoint import atomic_write_text

        atomic_write_text(Path(args.json), json.dumps(result, indent=2) + "\n")
    return 0
