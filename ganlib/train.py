"""GAN training: one config dataclass, and a loop around the lesson's step (`ganlib.step.gan_step`).

A "step" is one generator update, preceded by `d_steps` discriminator updates. The loop uses the
tricks from the lesson as options: two learning rates (TTUR), several D steps per G step, skipping
D's update while its loss is already low, one-sided label smoothing, spectral norm on D and an
exponential moving average (EMA) of the generator's weights.

Around the step, the loop logs the mean losses every `log_every` steps, saves fixed-noise sample
grids, watches for mode collapse, scores cFID/cKID and writes checkpoints, all into one run folder
(`ganlib.rundir` describes it). A NaN or exploding loss stops the run, naming the last good
checkpoint.

Speed on CUDA: bf16 autocast, channels_last, fused Adam, optional torch.compile, data resident on
the GPU as uint8 and no host synchronisation except at log steps. On CPU the default is
deterministic, so a resumed run ends bit-identical to an uninterrupted one.

Several processes (`torchrun --nproc_per_node N -m ganlib train ...`) train with
DistributedDataParallel (`ganlib.distributed`): each rank draws its own slice of every global batch
and its own noise.
"""
from __future__ import annotations

import copy
import dataclasses
import math
import shlex
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from ganlib import checkpoint as ckpt
from ganlib import data as gdata
from ganlib import distributed, metrics
# TrainConfig lives in ganlib.config, which imports no torch (so `ganlib train --help` starts fast);
# ganlib.train.TrainConfig stays the name the notebooks and tests use.
from ganlib.config import RESUME_CHANGEABLE, ConfigError, TrainConfig, option_name
from ganlib.estimate import ANNOUNCE_AFTER, StepClock, duration, round_down
from ganlib.interrupts import StopRequest, signal_name
from ganlib.models import build_models
from ganlib.rundir import GRID_IMAGES, RunDir, RunLog, default_path
from ganlib.runinfo import fast_bf16
from ganlib.step import StepStats, gan_step


class TrainingDiverged(Exception):
    """Losses or weights became NaN/inf or exploded; the message names the last good checkpoint."""


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped the run after it wrote a checkpoint at the step it had reached;
    the message says where, and the command that continues it."""

    def __init__(self, step: int, run_dir: Path, checkpoint: Path | None, signum: int):
        self.step, self.run_dir, self.checkpoint, self.signum = step, run_dir, checkpoint, signum
        super().__init__(f"stopped by {signal_name(signum)} at step {step}; wrote {checkpoint}\n"
                         f"continue with: ganlib train --resume {shlex.quote(str(run_dir))}")


@dataclass
class TrainResult:
    run_dir: Path
    step: int
    generator: nn.Module
    discriminator: nn.Module
    generator_ema: nn.Module | None
    final_scores: dict = field(default_factory=dict)


def config_for_resume(run_dir: Path, overrides: dict) -> TrainConfig:
    """The config saved in run_dir with `overrides` applied; refuses changes that break exact
    resumption, and a run with no checkpoint or nothing left to do."""
    run = RunDir(run_dir)
    saved = run.read_config()
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    cfg = TrainConfig(**{k: v for k, v in saved.items() if k in known})
    changed = sorted(k for k, v in overrides.items() if k not in RESUME_CHANGEABLE and saved.get(k) != v)
    if changed:
        diffs = "; ".join(f"{option_name(k)} (the run has {saved.get(k)!r}, you asked {overrides[k]!r})" for k in changed)
        allowed = ", ".join(option_name(k) for k in sorted(RESUME_CHANGEABLE) if k != "out")
        raise ConfigError(f"--resume cannot change {diffs}; it can change only {allowed}. Start a new run instead")
    cfg = dataclasses.replace(cfg, **{k: v for k, v in overrides.items() if k in RESUME_CHANGEABLE}, out=str(run_dir))
    cfg.validate()
    _check_work_left(run, cfg.steps)
    return cfg


def _check_work_left(run: RunDir, steps: int) -> None:
    """A run to resume has a checkpoint and fewer steps in it than `steps`."""
    done = run.latest_step()
    if done is None:
        raise ConfigError(f"{run.path} has no checkpoint to resume from: the run stopped before it wrote its first "
                          f"one (they are written every --checkpoint-every steps and on Ctrl-C); start again with "
                          f"another --out, or delete that folder")
    if done >= steps:
        raise ConfigError(f"nothing to do: {run.path} is already at step {done} of --steps {steps}. --steps counts "
                          f"all steps, so to train on, give a larger total, e.g. "
                          f"`ganlib train --resume {shlex.quote(str(run.path))} --steps {2 * done}`")


def train(cfg: TrainConfig, *, resume: bool = False, on_step: Callable[[int], object] | None = None,
          images: torch.Tensor | None = None) -> TrainResult:
    """Train a GAN as `cfg` says; with resume=True continue the run in cfg.out from its newest checkpoint.

    `images` (uint8, N x C x H x W) replaces loading cfg.data (tests, notebooks, benchmarks).
    `on_step(step)` is called after each step's updates, before its logging and saving; returning
    True makes that step the last one (final checkpoint and samples are written as usual).
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
    rank, world, local_rank = distributed.setup(torch.device(cfg.device).type)
    is_main = rank == 0
    device = distributed.rank_device(torch.device(cfg.device), local_rank)
    _set_backend_switches(device, bool(cfg.deterministic))

    # One folder for all ranks; rank 0 writes grids and checkpoints on a background thread.
    run = RunDir(cfg.out or distributed.from_rank0(default_path(cfg.data, cfg.arch)), background=is_main)
    cfg = dataclasses.replace(cfg, out=str(run.path))
    if is_main and not resume:
        _refuse_earlier_run(run)
    log = RunLog(run.path, cfg.quiet, is_main)

    images = _training_images(cfg, images, log)
    if is_main:  # only now: data that fails to load leaves no folder behind
        run.samples.mkdir(parents=True, exist_ok=True)
    if not resume:
        log.info(f"run folder: {run.path} (Ctrl-C stops the run and saves a checkpoint)")
    use_cl = cfg.channels_last and cfg.arch == "dcgan"
    bank = gdata.ImageBank(images, cfg.batch_size, device, cfg.seed, rank, world, channels_last=use_cl)
    nets = _build_networks(cfg, device, use_cl)
    noise = torch.Generator(device=device).manual_seed(cfg.seed * 7919 + 1 + rank)
    model_config = dataclasses.asdict(cfg)
    start_step = _restore(run, nets, noise, model_config, rank, device, log) if resume else 0
    if is_main:
        run.write_config(model_config)
    G_sync, D_sync, D_frozen = _fast_modules(nets, cfg, device, world)
    amp = cfg.amp and fast_bf16(device)  # bf16 only where the hardware computes it natively
    watch = _Watcher(cfg, run, log, nets, images, device, amp, start_step) if is_main else None
    checkpoints = _Checkpoints(run, nets, noise, model_config, cfg.keep_checkpoints, device, is_main)
    window = _LogWindow(device, start_step, images_per_step=cfg.batch_size * cfg.d_steps * world)

    step, loop_start, out_of_time = start_step, time.perf_counter(), False
    stop = StopRequest().listen()
    try:
        for step in range(start_step + 1, cfg.steps + 1):
            out_of_time = bool(cfg.time_limit) and distributed.any_rank(
                time.perf_counter() - loop_start >= cfg.time_limit, device)  # all ranks stop at the same step
            final = step == cfg.steps or out_of_time
            # Checkpoint steps are log steps too: the divergence checks run before anything is saved.
            log_now = step % cfg.log_every == 0 or step % cfg.checkpoint_every == 0 or final
            # After Ctrl-C or SIGTERM this step is the last: logged and saved, then the run stops.
            stopping = not final and _stop_asked(stop, log_now, device)
            log_now = log_now or stopping

            # d_steps batches of real images per step (batch numbers run on from step to step) and as
            # many batches of noise from this rank's own stream.
            real = [bank.batch((step - 1) * cfg.d_steps + j) for j in range(cfg.d_steps)]
            z = [torch.randn(cfg.batch_size, cfg.latent_dim, device=device, generator=noise) for _ in range(cfg.d_steps)]
            stats = gan_step(nets.G, nets.D, nets.opt_g, nets.opt_d, real, z, label_smoothing=cfg.label_smoothing,
                             d_skip_below=cfg.d_skip_below, amp=amp, G_sync=G_sync, D_sync=D_sync, D_frozen=D_frozen)
            # .grad still holds the gradients of this step's last updates (None where D's was skipped).
            grad_norms = (_grad_norm(nets.D), _grad_norm(nets.G)) if log_now else (None, None)
            if nets.G_ema is not None:
                _ema_update(nets.G_ema, nets.G, cfg.ema_decay, step)
            window.add(stats)
            if on_step is not None and on_step(step):
                final = log_now = True

            if log_now:
                record = window.record(step, *grad_norms)
                _check_losses(record, cfg.diverge_loss, checkpoints)
                if watch:
                    watch.log_train(record)
            if watch:
                watch.after_step(step, final)
            if step % cfg.checkpoint_every == 0 or final or stopping:
                checkpoints.save(step)
            if watch:
                watch.bar.update(1)
            if final:
                break
            if stopping:
                interrupted = checkpoints.interrupted(step, stop)
                log.note(str(interrupted))
                raise interrupted
    except BaseException:
        run.close()  # the grids and checkpoints asked for are on disk before the error goes up
        raise
    finally:
        stop.close()
        if watch:
            watch.bar.close()

    final_scores = watch.finish(step) if watch and step > start_step else {}
    if out_of_time and step < cfg.steps:  # --time-limit ended the run early: say so, and how to go on
        log.info(f"stopped by --time-limit {cfg.time_limit:g} s at step {step} of {cfg.steps}; "
                 f"continue with: ganlib train --resume {shlex.quote(str(run.path))}")
    run.close()
    distributed.barrier()
    return TrainResult(run.path, step, nets.G, nets.D, nets.G_ema, final_scores)


# ---------------------------------------------------------------------------------------------
# Set-up
# ---------------------------------------------------------------------------------------------

def _set_backend_switches(device: torch.device, deterministic: bool) -> None:
    on_cuda = device.type == "cuda"
    torch.use_deterministic_algorithms(deterministic, warn_only=on_cuda)
    torch.backends.cudnn.benchmark = on_cuda and not deterministic
    if on_cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True


def _refuse_earlier_run(run: RunDir) -> None:
    """A new run never writes into an earlier one's folder."""
    if run.latest_checkpoint() is not None:
        raise ConfigError(f"{run.path} already holds a run; continue it with --resume {run.path} "
                          f"or choose another --out")
    if run.config_file.exists():
        # A run stopped before its first checkpoint (or one of --steps 0): nothing to resume, and
        # a new run would mix its metrics and sample grids with the old ones.
        raise ConfigError(f"{run.path} holds a run that wrote no checkpoint, so it cannot be resumed; "
                          f"delete that folder or choose another --out")


def _training_images(cfg: TrainConfig, images: torch.Tensor | None, log: RunLog) -> torch.Tensor:
    """The training set as uint8 (N, C, H, W) in the configured size and channels."""
    if images is None:
        images = gdata.load_images(cfg.data, cfg.image_size, cfg.channels, cfg.data_dir, log=log.info, warn=log.warn)
    return gdata.resize_uint8(gdata.convert_channels(images, cfg.channels), cfg.image_size)


@dataclass
class _Networks:
    """The two networks, their optimisers and the EMA copy of G: what a checkpoint holds."""
    G: nn.Module
    D: nn.Module
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    G_ema: nn.Module | None

    @property
    def G_for_samples(self) -> nn.Module:
        """The generator that samples are drawn from: the EMA copy where there is one."""
        return self.G_ema if self.G_ema is not None else self.G

    def state_dict(self) -> dict:
        return {"generator": self.G.state_dict(), "discriminator": self.D.state_dict(),
                "generator_ema": self.G_ema.state_dict() if self.G_ema is not None else None,
                "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        self.G.load_state_dict(state["generator"])
        self.D.load_state_dict(state["discriminator"])
        if self.G_ema is not None:
            self.G_ema.load_state_dict(state["generator_ema"] if state.get("generator_ema") else self.G.state_dict())
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])

    def all_finite(self) -> bool:
        return all(bool(torch.isfinite(p).all()) for net in (self.G, self.D) for p in net.parameters())


def _build_networks(cfg: TrainConfig, device: torch.device, channels_last: bool) -> _Networks:
    torch.manual_seed(cfg.seed)  # identical initial weights on every rank
    G, D = build_models(cfg.arch, latent_dim=cfg.latent_dim, image_size=cfg.image_size, channels=cfg.channels,
                        g_width=cfg.g_width, d_width=cfg.d_width, spectral_norm=cfg.spectral_norm,
                        minibatch_std=cfg.minibatch_std)
    G, D = G.to(device), D.to(device)
    if channels_last:
        G, D = G.to(memory_format=torch.channels_last), D.to(memory_format=torch.channels_last)
    G_ema = copy.deepcopy(G).eval().requires_grad_(False) if cfg.ema_decay > 0 else None
    return _Networks(G, D, _make_adam(G.parameters(), cfg.lr_g, cfg), _make_adam(D.parameters(), cfg.lr_d, cfg), G_ema)


def _make_adam(params, lr: float, cfg: TrainConfig) -> torch.optim.Adam:
    """Adam with the fused kernel where this PyTorch has one for the device, else the foreach one."""
    kwargs = dict(lr=lr, betas=(cfg.beta1, cfg.beta2))
    try:
        return torch.optim.Adam(params, fused=True, **kwargs)
    except (RuntimeError, ValueError):
        return torch.optim.Adam(params, foreach=True, **kwargs)


def _restore(run: RunDir, nets: _Networks, noise: torch.Generator, model_config: dict, rank: int,
             device: torch.device, log: RunLog) -> int:
    """Load the run's newest checkpoint into `nets` and the random streams; returns its step."""
    state = ckpt.load_checkpoint(run.path, map_location=device)
    ckpt.check_compatible(state, model_config)
    nets.load_state_dict(state)
    noise_states, world = state["noise_rng"], distributed.world_size()
    if len(noise_states) != world:
        log.warn(f"resuming with {world} process(es) where the run had {len(noise_states)}: "
                 f"noise streams restart, so the result is not bit-identical")
    else:
        noise.set_state(noise_states[rank].cpu())
    torch.set_rng_state(state["torch_rng"].cpu())
    step = int(state["step"])
    if rank == 0:
        run.truncate_metrics(step)
        log.info(f"resumed {run.path} at step {step} from {Path(state['path']).name}")
    return step


def _fast_modules(nets: _Networks, cfg: TrainConfig, device: torch.device,
                  world: int) -> tuple[nn.Module, nn.Module, nn.Module]:
    """(G_sync, D_sync, D_frozen) for gan_step: G and D wrapped in DDP under torchrun and compiled
    if asked. G's update needs no gradient for D's weights, so its D is never wrapped in DDP
    (that would all-reduce nothing)."""
    G_sync, D_sync = nets.G, nets.D
    if world > 1:
        G_sync, D_sync = distributed.wrap(nets.G, device), distributed.wrap(nets.D, device)
    if cfg.compile:
        G_sync, D_sync = torch.compile(G_sync), torch.compile(D_sync)
    if world == 1:
        return G_sync, D_sync, D_sync
    return G_sync, D_sync, torch.compile(nets.D) if cfg.compile else nets.D


def _evaluators(cfg: TrainConfig, images: torch.Tensor, device: torch.device):
    """(cFID/cKID scorer or None, collapse monitor or None). Both use the feature classifier of the
    dataset where one exists; the monitor falls back to pixels."""
    if not (cfg.fid_samples > 0 or cfg.monitor_every):
        return None, None
    dataset_key = cfg.data if not cfg.data.startswith("folder:") else None
    clf_path = metrics.classifier_path(dataset_key) if dataset_key else None
    try:
        classifier = metrics.load_classifier(clf_path, device) if clf_path else None
    except ValueError as exc:  # a damaged file in the cache, say
        raise ConfigError(f"{exc}; delete it or train it again with `ganlib train-classifier`") from None
    scorer, embed = None, metrics.pixel_features
    if classifier is not None:  # it converts colour to grey (or back) itself
        scorer = metrics.FeatureScorer(classifier, images) if cfg.fid_samples > 0 else None
        embed = lambda x: metrics.embed_images(classifier, x)  # noqa: E731
    collapse = metrics.CollapseMonitor(images, embed, cfg.collapse_threshold, seed=cfg.seed) if cfg.monitor_every else None
    return scorer, collapse


# ---------------------------------------------------------------------------------------------
# Around the step
# ---------------------------------------------------------------------------------------------

def _grad_norm(module: nn.Module) -> float | None:
    """The L2 norm of all of the module's gradients together; None when it has none."""
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    if not grads:
        return None
    return float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g.float()) for g in grads])))


def ema_weight(decay: float, step: int) -> float:
    """How much of the generator's new weights the EMA copy takes in at `step` (counting from 1).

    A plain EMA takes 1 - decay and starts from the untrained generator: with decay 0.999 that
    copy is still mostly the untrained generator after a few hundred steps, and every grid drawn
    from it is flat grey. Here the copy starts as the generator itself and the decay warms up as
    min(decay, (1 + step) / (10 + step)): the copy averages over roughly the last tenth of the
    steps so far until that reaches the asked-for horizon of about 1 / (1 - decay) steps."""
    return max(1.0 - decay, 9.0 / (10.0 + step))


@torch.no_grad()
def _ema_update(ema: nn.Module, model: nn.Module, decay: float, step: int) -> None:
    ema_params = list(ema.parameters())
    torch._foreach_lerp_(ema_params, [p.detach() for p in model.parameters()], ema_weight(decay, step))
    for b_ema, b in zip(ema.buffers(), model.buffers()):
        b_ema.copy_(b)


class _LogWindow:
    """Sums of the step statistics since the last log line. They stay on the device, so adding a
    step costs no host synchronisation; `record` reads them (one synchronisation per log line)."""

    def __init__(self, device: torch.device, step: int, images_per_step: int):
        self.sums = torch.zeros(5, device=device, dtype=torch.float64)  # loss_d, loss_g, D(x), D(G(z)), steps
        self.one = torch.ones((), device=device, dtype=torch.float64)
        self.images_per_step = images_per_step
        self._restart(step)

    def _restart(self, step: int) -> None:
        self.sums.zero_()
        self.skipped = 0
        self.start, self.start_step = time.perf_counter(), step

    def add(self, stats: StepStats) -> None:
        self.sums += torch.stack([stats.loss_d.double(), stats.loss_g.double(), stats.d_real.double(),
                                  stats.d_fake.double(), self.one])
        self.skipped += stats.d_skipped

    def record(self, step: int, grad_norm_d: float | None, grad_norm_g: float | None) -> dict:
        """The means since the last log line, over all ranks, as a "train" record; starts a new window."""
        loss_d, loss_g, d_real, d_fake, n = distributed.sum_over_ranks_(self.sums).tolist()
        elapsed = time.perf_counter() - self.start
        record = {"step": step, "kind": "train", "loss_d": loss_d / n, "loss_g": loss_g / n,
                  "d_real": d_real / n, "d_fake": d_fake / n, "grad_norm_d": grad_norm_d, "grad_norm_g": grad_norm_g,
                  "d_skipped": self.skipped,
                  "images_per_s": self.images_per_step * (step - self.start_step) / max(elapsed, 1e-9),
                  "time": round(time.time(), 3)}
        self._restart(step)
        return record


def _check_losses(record: dict, limit: float, checkpoints: _Checkpoints) -> None:
    """Stop the run when the mean losses are NaN/inf or above `limit`."""
    losses = f"loss_d={record['loss_d']:.4g}, loss_g={record['loss_g']:.4g}"
    if not all(math.isfinite(record[k]) for k in ("loss_d", "loss_g", "d_real", "d_fake")):
        raise checkpoints.diverged(record["step"], losses)
    if max(record["loss_d"], record["loss_g"]) > limit:
        raise checkpoints.diverged(record["step"], f"mean loss above {limit:g}: {losses}")


def _stop_asked(stop: StopRequest, log_now: bool, device: torch.device) -> bool:
    """Whether a signal asked the run to stop. Under torchrun every rank must stop at the same
    step, so the ranks agree on it at log steps, where they exchange numbers anyway."""
    if distributed.world_size() == 1:
        return stop.signum is not None
    return log_now and distributed.any_rank(stop.signum is not None, device)


class _Checkpoints:
    """Writes checkpoints (rank 0; every rank takes part in the checks) and remembers the last good
    one, which a divergence error names."""

    def __init__(self, run: RunDir, nets: _Networks, noise: torch.Generator, config: dict, keep: int,
                 device: torch.device, is_main: bool):
        self.run, self.nets, self.noise, self.config, self.keep = run, nets, noise, config, keep
        self.device, self.is_main = device, is_main
        self.last_good = run.latest_checkpoint() if is_main else None

    def save(self, step: int) -> None:
        # Never write a checkpoint holding NaN weights: the previous one must stay the last good one.
        if distributed.any_rank(not self.nets.all_finite(), self.device):
            raise self.diverged(step, "weights are no longer finite")
        distributed.check_ranks_agree(self.nets.G, self.nets.D)
        noise_states = distributed.gather(self.noise.get_state())  # each rank's own stream
        payload = {"config": self.config, **self.nets.state_dict(), "noise_rng": [s.cpu() for s in noise_states],
                   "torch_rng": torch.get_rng_state(), "world_size": len(noise_states),
                   "backend": distributed.backend()}
        if self.is_main:
            self.last_good = self.run.save_checkpoint(step, payload, self.keep)

    def interrupted(self, step: int, stop: StopRequest) -> TrainingInterrupted:
        """What to raise when a signal stopped the run after `step`, which was saved."""
        signum = stop.signum or signal.SIGTERM  # on a rank that heard of the stop only from another rank
        return TrainingInterrupted(step, self.run.path, self.last_good, signum)

    def diverged(self, step: int, why: str) -> TrainingDiverged:
        where = (f"last good checkpoint: {self.last_good}" if self.last_good else
                 f"no checkpoint was written before it, so start again with another --out (or delete {self.run.path})")
        return TrainingDiverged(f"training diverged at step {step} ({why}); {where}. "
                                f"Try lower learning rates (--lr-g/--lr-d) or --spectral-norm")


def run_estimate_message(cfg: TrainConfig, step: int, total: float, seconds_per_step: float, evals: int,
                         seconds_per_eval: float) -> str | None:
    """The estimate a run prints at its start when it looks longer than estimate.ANNOUNCE_AFTER,
    with the settings that would make it shorter; None for a shorter run."""
    if total < ANNOUNCE_AFTER:
        return None
    steps_left = cfg.steps - step
    spent = f"{steps_left} steps at {1 / seconds_per_step:.1f} steps/s"
    if evals and seconds_per_eval:
        spent += f", {evals} cFID evaluation{'s' if evals > 1 else ''} of {seconds_per_eval:.1f} s each"
    faster = []
    if cfg.image_size > 32:
        faster.append(f"--image-size 32 ({(cfg.image_size // 32) ** 2}x fewer pixels)")
    within = round_down(step + ANNOUNCE_AFTER / seconds_per_step)
    if within < cfg.steps:
        faster.append(f"--steps {within} (about 2 min)")
    if evals > 1 and seconds_per_eval * evals > 0.1 * total:
        faster.append("--eval-every 0 (cFID at the end only)")
    if not cfg.time_limit:
        faster.append("--time-limit SECONDS")
    limit = f" (--time-limit {cfg.time_limit:g} s)" if cfg.time_limit and total >= cfg.time_limit else ""
    return (f"estimate: {duration(total)}{limit} on this machine ({spent}). Shorter: {', '.join(faster)}; or train "
            f"in instalments: Ctrl-C saves a checkpoint, and ganlib train --resume {shlex.quote(cfg.out)} continues")


class _Watcher:
    """What rank 0 does besides training: the progress bar, the metrics file, fixed-noise sample
    grids, the collapse monitor and cFID/cKID.

    With an EMA copy of the generator, samples/step_<n>.png, final.png and cFID come from the
    copy, and samples/raw/ holds the same grids from the generator being trained."""

    def __init__(self, cfg: TrainConfig, run: RunDir, log: RunLog, nets: _Networks, images: torch.Tensor,
                 device: torch.device, amp: bool, start_step: int):
        from tqdm import tqdm

        self.cfg, self.run, self.log, self.nets, self.device = cfg, run, log, nets, device
        self.autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp)
        seeded = torch.Generator().manual_seed(cfg.seed + 12345)
        self.fixed_noise = torch.randn(256, cfg.latent_dim, generator=seeded).to(device)
        self.scorer, self.collapse = _evaluators(cfg, images, device)
        self.bar = tqdm(total=cfg.steps, initial=start_step, disable=cfg.quiet, dynamic_ncols=True, unit="step",
                        desc=f"{cfg.arch} {cfg.data}")
        self.status, self.collapse_flag = "", ""
        self.said_not_learned = False
        self.clock = StepClock() if not cfg.quiet else None  # for the estimate of a long run
        if nets.G_ema is not None:
            what = "sample grids, final.png and cFID" if self.scorer is not None else "sample grids and final.png"
            log.info(f"{what} come from the EMA copy of the generator (--ema-decay {cfg.ema_decay:g}); "
                     f"samples/raw/ holds the grids of the generator being trained")
        if start_step == 0:
            self._save_grids(0)  # what the untrained generator draws

    @torch.no_grad()
    def fixed_samples(self, net: nn.Module | None = None, count: int = GRID_IMAGES) -> torch.Tensor:
        """`net`'s images (default: the sampling generator) for the first `count` fixed noise
        vectors, drawn in eval mode. A grid shows 64, so only the collapse monitor draws all 256."""
        net = net or self.nets.G_for_samples
        was = net.training
        net.eval()
        with self.autocast:
            out = net(self.fixed_noise[:count]).float()
        net.train(was)
        return out

    def _save_grids(self, step: int | None) -> None:
        """The grid of the sampling generator at `step` (None: final), and the raw generator's too
        when the sampling one is the EMA copy."""
        self.run.save_samples(self.fixed_samples(), step)
        if self.nets.G_ema is not None:
            self.run.save_samples(self.fixed_samples(self.nets.G), step, raw=True)

    def log_train(self, record: dict) -> None:
        self.run.append_metrics(record)
        self.status = (f"D {record['loss_d']:.3f} G {record['loss_g']:.3f} D(x) {record['d_real']:.2f} "
                       f"D(G(z)) {record['d_fake']:.2f} {record['images_per_s']:.0f} img/s")
        self.bar.set_postfix_str(self.status + self.collapse_flag, refresh=False)

    def after_step(self, step: int, final: bool) -> None:
        cfg = self.cfg
        if step % cfg.sample_every == 0 or final:
            self._save_grids(step)
        if self.collapse is not None and step % cfg.monitor_every == 0:
            self._check_collapse(step)
        if self.scorer is not None and cfg.eval_every and step % cfg.eval_every == 0 and not final:
            scores = self._score(step)
            self.log.info(f"step {step}: cFID {scores['cfid']:.2f}, cKID {scores['ckid']:.4f} ({metrics.FID_DISCLAIMER})")
        seconds_per_step = self.clock.tick() if self.clock and not final else None
        if seconds_per_step is not None:
            self._estimate(step, seconds_per_step)

    def _estimate(self, step: int, seconds_per_step: float) -> None:
        """Before a run longer than about two minutes: how long, and which settings shorten it."""
        cfg = self.cfg
        steps_left = cfg.steps - step
        evals = 0
        if self.scorer is not None:
            # the final one, and one at each multiple of eval_every before the last step
            evals = 1 + ((cfg.steps - 1) // cfg.eval_every - step // cfg.eval_every if cfg.eval_every else 0)
        seconds_per_eval = self._time_one_evaluation() if evals and steps_left * seconds_per_step > 10 else 0.0
        total = steps_left * seconds_per_step + evals * seconds_per_eval
        if cfg.time_limit:
            total = min(total, cfg.time_limit)
        message = run_estimate_message(cfg, step, total, seconds_per_step, evals, seconds_per_eval)
        if message:
            self.log.info(message)

    def _time_one_evaluation(self) -> float:
        """Seconds for one cFID/cKID evaluation, timed on a throwaway one (seeded apart from the
        run's, and in eval mode, so the run's own results do not change)."""
        start = time.perf_counter()
        self.scorer.score(metrics.generate(self.nets.G_for_samples, self.cfg.fid_samples, self.cfg.latent_dim,
                                           self.device, self.cfg.seed))
        return time.perf_counter() - start

    def _check_collapse(self, step: int) -> None:
        # The raw generator, not the EMA copy: collapse happens in the one being trained.
        samples = self.fixed_samples(self.nets.G, len(self.fixed_noise))
        check = self.collapse.check(samples)
        past_warmup = step >= self.cfg.collapse_warmup
        collapsed = check.collapsed and past_warmup
        record = {"step": step, "kind": "monitor", **check.record(), "collapsed": collapsed}
        tell_not_learned = past_warmup and check.verdict == metrics.NOT_LEARNED and not self.said_not_learned
        if collapsed or tell_not_learned:
            record["grid"] = self._grid_of_raw(samples, step)  # a warning names a grid that exists
        self.run.append_metrics(record)
        self.collapse_flag = (" MODE COLLAPSE?" if collapsed else
                              " not learned yet" if check.verdict == metrics.NOT_LEARNED else "")
        self.bar.set_postfix_str(self.status + self.collapse_flag, refresh=False)  # now, not at the next log step
        if collapsed:
            self.log.warn(f"step {step}: possible mode collapse: the samples look like the data but like one another: their "
                          f"diversity is {check.ratio:.2f} of the real data's (threshold "
                          f"{self.cfg.collapse_threshold}); see {record['grid']}")
        elif tell_not_learned:
            self.said_not_learned = True
            self.log.info(f"step {step}: the samples are still far from the data ({check.why_not_learned()}): the "
                          f"generator has not learned yet, which is not mode collapse; see {record['grid']}")

    def _grid_of_raw(self, samples: torch.Tensor, step: int) -> str:
        """The run-relative path of the raw generator's grid at `step`, saved now if it is not there."""
        raw = self.nets.G_ema is not None
        path = self.run.sample_file(step, raw=raw)
        if not path.exists():
            self.run.save_samples(samples, step, raw=raw)
        return path.relative_to(self.run.path).as_posix()

    def _score(self, step: int) -> dict:
        cfg = self.cfg
        samples = metrics.generate(self.nets.G_for_samples, cfg.fid_samples, cfg.latent_dim, self.device, cfg.seed + step)
        scores = self.scorer.score(samples)
        self.run.append_metrics({"step": step, "kind": "eval", **scores, "real_samples": len(self.scorer.real_features),
                                 "generator": "ema" if self.nets.G_ema is not None else "raw"})
        return scores

    def finish(self, step: int) -> dict:
        """The final grid, the progress animation and the final scores (empty without a scorer)."""
        self._save_grids(None)
        self.run.save_progress_animation()
        scores = {}
        if self.scorer is not None:
            scores = self._score(step)
            of_ema = " of the EMA generator" if self.nets.G_ema is not None else ""
            self.log.info(f"final cFID {scores['cfid']:.2f}, cKID {scores['ckid']:.4f}{of_ema} ({scores['fid_samples']} "
                          f"generated vs {len(self.scorer.real_features)} real images; {metrics.FID_DISCLAIMER})")
        self.log.info(f"done: {self.run.path} (samples/final.png, samples/progress.gif, checkpoints/)")
        return scores
