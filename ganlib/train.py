"""GAN training: one config dataclass, one loop, one run directory.

A run directory holds
    config.json       the resolved TrainConfig
    metrics.jsonl     one JSON object per log/eval/monitor event
    train.log         the messages shown during training
    samples/          fixed-noise grids every `sample_every` steps, final.png, progress.gif
    checkpoints/      step_<n>.pt, written atomically, the newest `keep_checkpoints` kept

A "step" is one generator update, preceded by `d_steps` discriminator updates. The loop uses the
tricks from the lesson as options: two learning rates (TTUR), several D steps per G step, skipping
D's update while its loss is already low, one-sided label smoothing, spectral norm on D and an
exponential moving average (EMA) of the generator's weights.

Speed on CUDA: bf16 autocast, channels_last, fused Adam, optional torch.compile, data resident on
the GPU as uint8 and no host synchronisation except at log steps. On CPU the default is
deterministic, so a resumed run ends bit-identical to an uninterrupted one.

Several processes (`torchrun --nproc_per_node N -m ganlib train ...`) train with
DistributedDataParallel: each rank draws its own slice of every global batch and its own noise.
"""
from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from ganlib import checkpoint as ckpt
from ganlib import data as gdata
from ganlib import metrics
from ganlib.models import build_models

DEFAULT_WIDTHS = {"dcgan": (32, 32), "dense": (256, 256)}


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
    amp: bool = True  # bf16 autocast on CUDA (ignored on CPU)
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
        g_default, d_default = DEFAULT_WIDTHS.get(self.arch, (None, None))
        data_name = self.data
        channels = self.channels or gdata.native_channels(data_name.split(":")[0] if data_name.startswith("folder:") else data_name)
        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        det = self.deterministic if self.deterministic is not None else device == "cpu"
        return dataclasses.replace(self, channels=channels, g_width=self.g_width or g_default,
                                   d_width=self.d_width or d_default, device=device, deterministic=det)

    def validate(self) -> None:
        """Raise ValueError naming the first field with an impossible value."""
        from ganlib.models import ARCHITECTURES, IMAGE_SIZES

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


class TrainingDiverged(Exception):
    """Losses or weights became NaN/inf or exploded; the message names the last good checkpoint."""


@dataclass
class TrainResult:
    run_dir: Path
    step: int
    generator: nn.Module
    discriminator: nn.Module
    generator_ema: nn.Module | None
    final_scores: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Set-up helpers
# ---------------------------------------------------------------------------------------------

def dist_backend(device_type: str) -> str:
    """NCCL for CUDA tensors, gloo for CPU ones (also where a GPU exists but training runs on the
    CPU); GANLIB_DIST_BACKEND overrides."""
    return os.environ.get("GANLIB_DIST_BACKEND") or ("nccl" if device_type == "cuda" else "gloo")


def _distributed(device_type: str) -> tuple[int, int, int]:
    """(rank, world_size, local_rank), starting the process group when launched by torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1, 0
    if not dist.is_initialized():
        dist.init_process_group(dist_backend(device_type))
    return dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", "0"))


def _device(cfg: TrainConfig, local_rank: int, world: int) -> torch.device:
    device = torch.device(cfg.device)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError("device cuda was asked for, but PyTorch sees no CUDA GPU; use --device cpu")
        if world > 1 and device.index is None:
            device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    return device


def default_run_dir(cfg: TrainConfig) -> Path:
    label = re.sub(r"[^A-Za-z0-9]+", "-", cfg.data if not cfg.data.startswith("folder:")
                   else "folder-" + Path(cfg.data[7:]).name).strip("-")
    return Path("runs") / f"{time.strftime('%Y%m%d-%H%M%S')}-{label}-{cfg.arch}"


def config_for_resume(run_dir: Path, overrides: dict) -> TrainConfig:
    """The config saved in run_dir with `overrides` applied; refuses changes that break exact resumption."""
    saved = ckpt.read_json(Path(run_dir) / "config.json")
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    cfg = TrainConfig(**{k: v for k, v in saved.items() if k in known})
    changed = sorted(k for k, v in overrides.items() if k not in RESUME_CHANGEABLE and saved.get(k) != v)
    if changed:
        diffs = "; ".join(f"{k}: run {saved.get(k)!r}, asked {overrides[k]!r}" for k in changed)
        raise ConfigError(f"--resume cannot change {diffs} (only {', '.join(sorted(RESUME_CHANGEABLE))}); "
                         f"start a new run instead")
    return dataclasses.replace(cfg, **{k: v for k, v in overrides.items() if k in RESUME_CHANGEABLE}, out=str(run_dir))


def _make_adam(params, lr: float, cfg: TrainConfig, device: torch.device) -> torch.optim.Adam:
    """Adam with the fused kernel where this PyTorch has one for the device, else the foreach one."""
    kwargs = dict(lr=lr, betas=(cfg.beta1, cfg.beta2))
    try:
        return torch.optim.Adam(params, fused=True, **kwargs)
    except (RuntimeError, ValueError):
        return torch.optim.Adam(params, foreach=True, **kwargs)


def _grad_norm(module: nn.Module) -> float:
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    if not grads:
        return 0.0
    return float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g.float()) for g in grads])))


def _mean_over_ranks(value: torch.Tensor, world: int) -> float:
    value = value.detach().float().clone()
    if world > 1:
        dist.all_reduce(value)
    return value.item() / world


def _check_ranks_agree(*modules: nn.Module) -> None:
    """DDP keeps every rank's weights identical; a cheap checksum comparison catches it if not."""
    sums = torch.stack([p.detach().double().sum() for m in modules for p in m.parameters()])
    low, high = sums.clone(), sums.clone()
    dist.all_reduce(low, op=dist.ReduceOp.MIN)
    dist.all_reduce(high, op=dist.ReduceOp.MAX)
    if not torch.equal(low, high):
        raise RuntimeError("distributed ranks hold different weights; gradient synchronisation failed")


def _all_finite(module: nn.Module) -> bool:
    return all(bool(torch.isfinite(p).all()) for p in module.parameters())


@torch.no_grad()
def _ema_update(ema: nn.Module, model: nn.Module, decay: float) -> None:
    ema_params = list(ema.parameters())
    torch._foreach_lerp_(ema_params, [p.detach() for p in model.parameters()], 1.0 - decay)
    for b_ema, b in zip(ema.buffers(), model.buffers()):
        b_ema.copy_(b)


def save_grid(images: torch.Tensor, path: Path, nrow: int = 8) -> None:
    """A grid of images in [-1, 1] as a PNG, written atomically."""
    import io

    from PIL import Image
    from torchvision.utils import make_grid

    grid = make_grid(images.float().clamp(-1, 1), nrow=nrow, padding=2, normalize=True, value_range=(-1, 1))
    array = grid.mul(255).round().to(torch.uint8).permute(1, 2, 0).cpu().numpy()
    image = Image.fromarray(array[:, :, 0] if images.shape[1] == 1 else array)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    ckpt.atomic_write(path, lambda f: f.write(buf.getvalue()))


def save_progress_animation(sample_dir: Path, out: Path, frame_ms: int = 250) -> bool:
    """An animated GIF of the step_*.png grids in order (the last frame held longer)."""
    import io

    from PIL import Image

    frames = sorted(sample_dir.glob("step_*.png"))
    if not frames:
        return False
    images = [Image.open(p).convert("RGB").quantize(colors=256) for p in frames]
    durations = [frame_ms] * (len(images) - 1) + [frame_ms * 6]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0)
    ckpt.atomic_write(out, lambda f: f.write(buf.getvalue()))
    return True


class _RunLog:
    """Messages to the terminal (through tqdm so the bar stays intact) and to train.log."""

    def __init__(self, run_dir: Path | None, quiet: bool, enabled: bool):
        self.path = run_dir / "train.log" if run_dir and enabled else None
        self.quiet, self.enabled = quiet, enabled

    def _write(self, text: str, stream) -> None:
        from tqdm import tqdm

        tqdm.write(text, file=stream)
        if self.path:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(text + "\n")

    def info(self, text: str) -> None:
        if self.enabled and not self.quiet:
            self._write(text, sys.stdout)
        elif self.enabled and self.path:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(text + "\n")

    def warn(self, text: str) -> None:
        if self.enabled:
            self._write(f"warning: {text}", sys.stderr)


def _truncate_metrics(path: Path, last_step: int) -> None:
    """Drop records written after the checkpoint we resume from (those steps are redone)."""
    if not path.exists():
        return
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            if json.loads(line).get("step", 0) <= last_step:
                kept.append(line)
        except json.JSONDecodeError:
            break  # a line cut short by a kill: everything after it is stale anyway
    ckpt.atomic_write_text(path, "".join(k + "\n" for k in kept))


# ---------------------------------------------------------------------------------------------
# The loop
# ---------------------------------------------------------------------------------------------

def train(cfg: TrainConfig, *, resume: bool = False, on_step: Callable[[int], object] | None = None,
          images: torch.Tensor | None = None) -> TrainResult:
    """Train a GAN as `cfg` says; with resume=True continue the run in cfg.out from its newest checkpoint.

    `images` (uint8, N x C x H x W) replaces loading cfg.data (tests, notebooks, benchmarks).
    `on_step(step)` is called after each step's updates, before its logging and saving; returning
    True makes that step the last one (final checkpoint and samples are written as usual)."
    """
    # Deterministic mode and cuDNN autotuning are process-wide switches: put them back afterwards.
    saved_switches = (torch.are_deterministic_algorithms_enabled(), torch.backends.cudnn.benchmark)
    try:
        return _train(cfg, resume, on_step, images)
    finally:
        torch.use_deterministic_algorithms(saved_switches[0])
        torch.backends.cudnn.benchmark = saved_switches[1]


def _train(cfg: TrainConfig, resume: bool, on_step, images: torch.Tensor | None) -> TrainResult:
    cfg.validate()
    cfg = cfg.resolved()
    rank, world, local_rank = _distributed(torch.device(cfg.device).type)
    is_main = rank == 0
    device = _device(cfg, local_rank, world)
    on_cuda = device.type == "cuda"

    torch.use_deterministic_algorithms(bool(cfg.deterministic), warn_only=on_cuda)
    torch.backends.cudnn.benchmark = on_cuda and not cfg.deterministic
    if on_cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True

    run_dir = Path(cfg.out) if cfg.out else default_run_dir(cfg)
    if world > 1 and not cfg.out:  # every rank must agree on the folder
        holder = [str(run_dir)]
        dist.broadcast_object_list(holder, src=0)
        run_dir = Path(holder[0])
    cfg = dataclasses.replace(cfg, out=str(run_dir))
    if is_main and not resume:  # a new run never writes into an earlier one's folder
        if ckpt.latest_checkpoint(run_dir) is not None:
            raise ConfigError(f"{run_dir} already holds a run; continue it with --resume {run_dir} "
                              f"or choose another --out")
        if (run_dir / "config.json").exists():
            # A run stopped before its first checkpoint (or one of --steps 0): nothing to resume, and
            # a new run would mix its metrics and sample grids with the old ones.
            raise ConfigError(f"{run_dir} holds a run that wrote no checkpoint, so it cannot be resumed; "
                              f"delete that folder or choose another --out")
    if is_main:
        (run_dir / "samples").mkdir(parents=True, exist_ok=True)
    log = _RunLog(run_dir, cfg.quiet, is_main)

    # -- data ----------------------------------------------------------------------------------
    if images is None:
        silent = lambda _m: None  # noqa: E731 - only rank 0 talks
        images = gdata.load_images(cfg.data, cfg.image_size, cfg.channels, cfg.data_dir,
                                   log=log.info if is_main else silent, warn=log.warn if is_main else silent)
    images = gdata.resize_uint8(gdata.convert_channels(images, cfg.channels), cfg.image_size)
    conv = cfg.arch == "dcgan"
    use_cl = cfg.channels_last and conv
    bank = gdata.ImageBank(images, cfg.batch_size, device, cfg.seed, rank, world, channels_last=use_cl)

    # -- networks and optimisers -----------------------------------------------------------------
    torch.manual_seed(cfg.seed)  # identical initial weights on every rank
    G, D = build_models(cfg.arch, latent_dim=cfg.latent_dim, image_size=cfg.image_size, channels=cfg.channels,
                        g_width=cfg.g_width, d_width=cfg.d_width, spectral_norm=cfg.spectral_norm)
    G, D = G.to(device), D.to(device)
    if use_cl:
        G, D = G.to(memory_format=torch.channels_last), D.to(memory_format=torch.channels_last)
    G_ema = copy.deepcopy(G).eval().requires_grad_(False) if cfg.ema_decay > 0 else None
    opt_g = _make_adam(G.parameters(), cfg.lr_g, cfg, device)
    opt_d = _make_adam(D.parameters(), cfg.lr_d, cfg, device)
    noise = torch.Generator(device=device).manual_seed(cfg.seed * 7919 + 1 + rank)
    fixed_noise = torch.randn(256, cfg.latent_dim, generator=torch.Generator().manual_seed(cfg.seed + 12345)).to(device)

    start_step = 0
    model_config = dataclasses.asdict(cfg)
    if resume:
        state = ckpt.load_checkpoint(run_dir, map_location=device)
        ckpt.check_compatible(state, model_config)
        G.load_state_dict(state["generator"])
        D.load_state_dict(state["discriminator"])
        if G_ema is not None:
            G_ema.load_state_dict(state["generator_ema"] if state.get("generator_ema") else G.state_dict())
        opt_g.load_state_dict(state["opt_g"])
        opt_d.load_state_dict(state["opt_d"])
        noise_states = state["noise_rng"]
        if len(noise_states) != world:
            log.warn(f"resuming with {world} process(es) where the run had {len(noise_states)}: "
                     f"noise streams restart, so the result is not bit-identical")
        else:
            noise.set_state(noise_states[rank].cpu())
        torch.set_rng_state(state["torch_rng"].cpu())
        start_step = int(state["step"])
        if is_main:
            _truncate_metrics(run_dir / "metrics.jsonl", start_step)
            log.info(f"resumed {run_dir} at step {start_step} from {Path(state['path']).name}")
        del state
    if is_main:
        ckpt.atomic_write_text(run_dir / "config.json", json.dumps(model_config, indent=2) + "\n")

    # Wrappers used for the forward passes that must synchronise gradients across ranks.
    G_run, D_run = G, D
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel as DDP

        ids = [device.index] if on_cuda else None
        # BatchNorm statistics stay per rank (broadcasting them on each of D's two forwards would
        # overwrite buffers autograd still needs); rank 0's are the ones saved. Newer PyTorch
        # spells the switch forward_sync_buffers, older broadcast_buffers.
        no_buffer_sync = ({"forward_sync_buffers": False}
                          if "forward_sync_buffers" in inspect.signature(DDP.__init__).parameters
                          else {"broadcast_buffers": False})
        G_run = DDP(G, device_ids=ids, **no_buffer_sync)
        D_run = DDP(D, device_ids=ids, **no_buffer_sync)
    if cfg.compile:
        G_run, D_run = torch.compile(G_run), torch.compile(D_run)
    D_plain = torch.compile(D) if cfg.compile and world > 1 else (D_run if world == 1 else D)
    autocast = torch.autocast("cuda", dtype=torch.bfloat16, enabled=on_cuda and cfg.amp)

    # -- evaluation helpers (rank 0) --------------------------------------------------------------
    dataset_key = cfg.data if not cfg.data.startswith("folder:") else None
    scorer, collapse = None, None
    if is_main and (cfg.fid_samples > 0 or cfg.monitor_every):
        clf_path = metrics.classifier_path(dataset_key) if dataset_key else None
        try:
            classifier = metrics.load_classifier(clf_path, device) if clf_path else None
        except ValueError as exc:  # a damaged file in the cache, say
            raise ConfigError(f"{exc}; delete it or train it again with `ganlib train-classifier`") from None
        if classifier is not None:  # it converts colour to grey (or back) itself
            scorer = metrics.FeatureScorer(classifier, images) if cfg.fid_samples > 0 else None
            embed = lambda x: metrics.embed_images(classifier, x)  # noqa: E731
        else:
            embed = metrics.pixel_features
        if cfg.monitor_every:
            collapse = metrics.CollapseMonitor(images, embed, cfg.collapse_threshold, seed=cfg.seed)

    def sampler() -> nn.Module:
        return G_ema if G_ema is not None else G

    @torch.no_grad()
    def fixed_samples(net: nn.Module | None = None) -> torch.Tensor:
        net = net or sampler()
        was = net.training
        net.eval()
        with autocast:
            out = net(fixed_noise).float()
        net.train(was)
        return out

    def write_record(record: dict) -> None:
        with open(run_dir / "metrics.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def checkpoint_payload() -> dict:
        states = [noise.get_state()]
        if world > 1:
            states = [None] * world
            dist.all_gather_object(states, noise.get_state())
        return {"config": model_config, "generator": G.state_dict(), "discriminator": D.state_dict(),
                "generator_ema": G_ema.state_dict() if G_ema is not None else None,
                "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(),
                "noise_rng": [s.cpu() for s in states], "torch_rng": torch.get_rng_state(), "world_size": world,
                "backend": dist.get_backend() if world > 1 else None}

    last_good = ckpt.latest_checkpoint(run_dir) if is_main else None

    def diverged(step: int, why: str) -> TrainingDiverged:
        where = (f"last good checkpoint: {last_good}" if last_good else
                 f"no checkpoint was written before it, so start again with another --out (or delete {run_dir})")
        return TrainingDiverged(f"training diverged at step {step} ({why}); {where}. "
                                f"Try lower learning rates (--lr-g/--lr-d) or --spectral-norm")

    # -- loop ------------------------------------------------------------------------------------
    from tqdm import tqdm

    bar = tqdm(total=cfg.steps, initial=start_step, disable=cfg.quiet or not is_main, dynamic_ncols=True,
               unit="step", desc=f"{cfg.arch} {cfg.data}")
    B = cfg.batch_size
    real_target = torch.full((B,), 1.0 - cfg.label_smoothing, device=device)
    fake_target = torch.zeros(B, device=device)
    g_target = torch.ones(B, device=device)
    window = torch.zeros(5, device=device, dtype=torch.float64)  # sums: loss_d, loss_g, D(x), D(G(z)), count
    skipped_in_window = 0
    window_start, window_start_step = time.perf_counter(), start_step
    collapse_flag, bar_status = "", ""
    images_per_step = B * cfg.d_steps * world

    if is_main and start_step == 0 and cfg.steps > 0:
        save_grid(fixed_samples()[:64], run_dir / "samples" / "step_0000000.png")

    step = start_step
    loop_start = time.perf_counter()
    for step in range(start_step + 1, cfg.steps + 1):
        out_of_time = bool(cfg.time_limit) and time.perf_counter() - loop_start >= cfg.time_limit
        if world > 1 and cfg.time_limit:  # every rank must stop at the same step
            flag = torch.tensor(float(out_of_time), device=device)
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
            out_of_time = bool(flag.item())
        final = step == cfg.steps or out_of_time
        # Checkpoint steps are log steps too: the divergence checks run before anything is saved.
        log_now = step % cfg.log_every == 0 or step % cfg.checkpoint_every == 0 or final
        grad_norm_d = None
        # Discriminator: maximise log D(x) + log(1 - D(G(z))).
        for j in range(cfg.d_steps):
            real = bank.batch((step - 1) * cfg.d_steps + j)
            z = torch.randn(B, cfg.latent_dim, device=device, generator=noise)
            last = j == cfg.d_steps - 1
            if last:
                # This batch of fakes also feeds the generator step, as in the reference recipe.
                with autocast:
                    fake = G_run(z)
                fake_in = fake.detach()
            else:
                with torch.no_grad(), autocast:
                    fake_in = G(z)
            with autocast:
                logits_real = D_run(real)
                logits_fake = D_run(fake_in)
                loss_d = (F.binary_cross_entropy_with_logits(logits_real.float(), real_target)
                          + F.binary_cross_entropy_with_logits(logits_fake.float(), fake_target))
            if cfg.d_skip_below > 0 and _mean_over_ranks(loss_d, world) < cfg.d_skip_below:
                skipped_in_window += 1  # D is winning: let G catch up (all ranks decide alike)
            else:
                opt_d.zero_grad(set_to_none=True)
                loss_d.backward()
                grad_norm_d = _grad_norm(D) if log_now and last else None
                opt_d.step()

        # Generator: maximise log D(G(z)) (the non-saturating loss). D is frozen so its weight
        # gradients are not computed at all; the plain module avoids a pointless DDP all-reduce.
        D.requires_grad_(False)
        with autocast:
            loss_g = F.binary_cross_entropy_with_logits(D_plain(fake).float(), g_target)
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        D.requires_grad_(True)
        grad_norm_g = _grad_norm(G) if log_now else None
        opt_g.step()
        if G_ema is not None:
            _ema_update(G_ema, G, cfg.ema_decay)

        with torch.no_grad():
            window += torch.stack([loss_d.detach().double(), loss_g.detach().double(),
                                   torch.sigmoid(logits_real.detach().float()).mean().double(),
                                   torch.sigmoid(logits_fake.detach().float()).mean().double(),
                                   torch.ones((), device=device, dtype=torch.float64)])

        if on_step is not None and on_step(step):
            final = log_now = True

        if log_now:
            if world > 1:
                dist.all_reduce(window)
            sums = window.tolist()
            n = sums[4]
            elapsed = time.perf_counter() - window_start
            record = {"step": step, "kind": "train", "loss_d": sums[0] / n, "loss_g": sums[1] / n,
                      "d_real": sums[2] / n, "d_fake": sums[3] / n,
                      "grad_norm_d": grad_norm_d,
                      "grad_norm_g": grad_norm_g,
                      "d_skipped": skipped_in_window,
                      "images_per_s": images_per_step * (step - window_start_step) / max(elapsed, 1e-9),
                      "time": round(time.time(), 3)}
            if not all(math.isfinite(v) for v in sums[:4]):
                bar.close()
                raise diverged(step, f"loss_d={record['loss_d']:.4g}, loss_g={record['loss_g']:.4g}")
            if max(record["loss_d"], record["loss_g"]) > cfg.diverge_loss:
                bar.close()
                raise diverged(step, f"mean loss above {cfg.diverge_loss:g}: loss_d={record['loss_d']:.4g}, "
                                     f"loss_g={record['loss_g']:.4g}")
            if is_main:
                write_record(record)
                bar_status = (f"D {record['loss_d']:.3f} G {record['loss_g']:.3f} D(x) {record['d_real']:.2f} "
                              f"D(G(z)) {record['d_fake']:.2f} {record['images_per_s']:.0f} img/s")
                bar.set_postfix_str(bar_status + collapse_flag, refresh=False)
            window.zero_()
            skipped_in_window = 0
            window_start, window_start_step = time.perf_counter(), step

        if is_main:
            if step % cfg.sample_every == 0 or final:
                save_grid(fixed_samples()[:64], run_dir / "samples" / f"step_{step:07d}.png")
            if collapse is not None and step % cfg.monitor_every == 0:
                # The raw generator, not the EMA copy: collapse happens in the one being trained,
                # and an EMA of a young generator looks uniform without having collapsed.
                ratio, collapsed = collapse.check(fixed_samples(G))
                collapsed = collapsed and step >= cfg.collapse_warmup
                write_record({"step": step, "kind": "monitor", "diversity_ratio": round(ratio, 4),
                              "collapsed": collapsed})
                collapse_flag = " MODE COLLAPSE?" if collapsed else ""
                bar.set_postfix_str(bar_status + collapse_flag, refresh=False)  # now, not at the next log step
                if collapsed:
                    log.warn(f"step {step}: possible mode collapse: sample diversity is {ratio:.2f} of the real "
                             f"data's (threshold {cfg.collapse_threshold}); see samples/step_{step:07d}.png")
            if scorer is not None and cfg.eval_every and step % cfg.eval_every == 0 and not final:
                scores = scorer.score(metrics.generate(sampler(), cfg.fid_samples, cfg.latent_dim, device, cfg.seed + step))
                write_record({"step": step, "kind": "eval", **scores})
                log.info(f"step {step}: cFID {scores['cfid']:.2f}, cKID {scores['ckid']:.4f} ({metrics.FID_DISCLAIMER})")

        if step % cfg.checkpoint_every == 0 or final:
            # Never write a checkpoint holding NaN weights: the previous one must stay the last good one.
            bad = torch.tensor(0.0 if (_all_finite(G) and _all_finite(D)) else 1.0, device=device)  # NCCL: on the GPU
            if world > 1:
                dist.all_reduce(bad)
            if bad.item():
                bar.close()
                raise diverged(step, "weights are no longer finite")
            if world > 1:
                _check_ranks_agree(G, D)
            payload = checkpoint_payload()
            if is_main:
                last_good = ckpt.save_checkpoint(run_dir, step, payload, cfg.keep_checkpoints)
        bar.update(1)
        if final:
            break
    bar.close()

    final_scores: dict = {}
    if is_main and step > start_step:
        save_grid(fixed_samples()[:64], run_dir / "samples" / "final.png")
        save_progress_animation(run_dir / "samples", run_dir / "samples" / "progress.gif")
        if scorer is not None:
            final_scores = scorer.score(metrics.generate(sampler(), cfg.fid_samples, cfg.latent_dim, device, cfg.seed + step))
            write_record({"step": step, "kind": "eval", **final_scores})
            log.info(f"final cFID {final_scores['cfid']:.2f}, cKID {final_scores['ckid']:.4f} "
                     f"({metrics.FID_DISCLAIMER})")
        log.info(f"done: {run_dir} (samples/final.png, samples/progress.gif, checkpoints/)")
    if world > 1:
        dist.barrier()
    return TrainResult(run_dir, step, G, D, G_ema, final_scores)
