"""`ganlib bench style`: time for `ganlib style` to reach a fixed loss, against the common tutorial recipe.

The baseline follows the recipe most style-transfer tutorials use: the feature network copied
layer by layer into an `nn.Sequential` with transparent loss modules inserted after the chosen
layers (their ReLUs made non-in-place), truncated after the last of them; the image initialised
from the content image and optimised at full size in float32 by `torch.optim.LBFGS` with its
default settings, clamped into [0, 1] at the start of every evaluation. It uses the same layers,
layer weights and loss weights as ganlib, so both minimise the same function.

Both paths run in the same process, on the same images and feature network. After every
evaluation the loss of the current image, clamped into [0, 1], is measured at full size in
float32 by the same function, with the clock stopped. The baseline runs `baseline_steps`
evaluations; the lowest loss it reaches becomes the target (its loss wobbles and often blows up
once clamping fights L-BFGS, so its last loss would be an unfair target), and its time is the
time it first got there. ganlib's path is then timed until its loss first drops to the target;
its coarse pyramid levels count too, as they are part of how it gets there. With `repeats` > 1
further alternating rounds run both paths to that target and the best time of each is kept, so
a busy machine favours neither side.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ganlib import images
from ganlib.cliargs import UsageError, count, positive_int
from ganlib.runinfo import describe_device, fast_bf16, synchronize, versions
from ganlib.features import FEATURES, FeatureNet, build_features
from ganlib.style import StopOptimization, StyleConfig, StyleObjective, prepare_images, resolve_device, run_style_transfer


@dataclass
class StyleBenchConfig:
    content: str = "astronaut"  # a file, or the name of a scikit-image sample (astronaut, coffee, rocket, chelsea)
    style: str = "coffee"
    size: int = 512
    features: str = "auto"  # see ganlib.features; the network actually used is reported
    weights: str | None = None
    baseline_steps: int = 300  # the tutorial's default budget; its loss after these is the target
    max_steps_factor: float = 3.0  # ganlib gets at most this many times the baseline's evaluations
    pyramid: int = StyleConfig.pyramid  # ganlib's own default
    coarse_steps: int | None = 30  # ganlib's evaluations at each coarser level (None: as many as at full size)
    repeats: int = 1
    threads: int | None = None  # CPU threads for torch (None: torch's default)
    warmup: int = 3
    device: str = "auto"
    content_weight: float = StyleConfig.content_weight
    style_weight: float = StyleConfig.style_weight
    tv_weight: float = StyleConfig.tv_weight


def _sample_or_file(name: str):
    return images.sample_image(name) if name in images.SAMPLES else name


# ---------------------------------------------------------------------------------------------
# Baseline: the tutorial recipe
# ---------------------------------------------------------------------------------------------

class _ContentTerm(nn.Module):
    """Passes its input through and remembers the content loss of it."""

    def __init__(self, target: torch.Tensor):
        super().__init__()
        self.target = target.detach()
        self.scale = self.target.square().mean()
        self.loss = None

    def forward(self, x):
        self.loss = F.mse_loss(x, self.target) / self.scale
        return x


def _tutorial_gram(x: torch.Tensor) -> torch.Tensor:
    b, c, h, w = x.size()
    flat = x.view(b * c, h * w)
    return torch.mm(flat, flat.t()).div(h * w)


class _StyleTerm(nn.Module):
    """Passes its input through and remembers the (layer-weighted) style loss of it."""

    def __init__(self, target_features: torch.Tensor, weight: float):
        super().__init__()
        self.target = _tutorial_gram(target_features).detach()
        self.scale = self.target.square().mean()
        self.weight = weight
        self.loss = None

    def forward(self, x):
        self.loss = self.weight * F.mse_loss(_tutorial_gram(x), self.target) / self.scale
        return x


def build_baseline_model(net: FeatureNet, content: torch.Tensor, style: torch.Tensor, content_layers, style_layers,
                         style_layer_weights: dict[str, float]):
    """The feature network rebuilt as one nn.Sequential with loss modules after the chosen layers.

    (The tutorial takes each target from the model built so far; the feature network gives the
    same activations and also copes with a style image of another size.)
    """
    import copy

    model = nn.Sequential(copy.deepcopy(net.normalize))
    content_terms, style_terms = [], []
    for name, layer in net.layers.named_children():
        if isinstance(layer, nn.ReLU):
            layer = nn.ReLU(inplace=False)  # an in-place ReLU would overwrite what a loss module saw
        model.add_module(name, layer)
        if name in content_layers:
            term = _ContentTerm(net(content, [name])[name])
            model.add_module(f"content_loss_{name}", term)
            content_terms.append(term)
        if name in style_layers:
            term = _StyleTerm(net(style, [name])[name], style_layer_weights[name])
            model.add_module(f"style_loss_{name}", term)
            style_terms.append(term)
        if len(content_terms) + len(style_terms) == len(set(content_layers)) + len(set(style_layers)):
            break  # nothing after the last loss module is needed
    return model.eval().requires_grad_(False), content_terms, style_terms


def baseline_transfer(net: FeatureNet, content: torch.Tensor, style: torch.Tensor, cfg: StyleConfig, steps: int,
                      on_eval=None) -> torch.Tensor:
    """Style transfer as the tutorial does it: full size, float32, default L-BFGS, clamping every evaluation."""
    objective_layers = (cfg.content_layers or net.content_layers, cfg.style_layers or net.style_layers)
    weights = cfg.style_layer_weights or [1.0] * len(objective_layers[1])
    layer_weights = {n: w / sum(weights) for n, w in zip(objective_layers[1], weights)}
    model, content_terms, style_terms = build_baseline_model(net, content, style, *objective_layers, layer_weights)
    tv_scale = _tv(content).clamp_min(1e-8)
    x = content.clone().requires_grad_(True)
    optimizer = torch.optim.LBFGS([x])
    evals = [0]

    def closure():
        with torch.no_grad():
            x.clamp_(0, 1)
        optimizer.zero_grad()
        model(x)
        style_score = sum(t.loss for t in style_terms) * cfg.style_weight
        content_score = sum(t.loss for t in content_terms) / max(1, len(content_terms)) * cfg.content_weight
        loss = style_score + content_score
        if cfg.tv_weight:
            loss = loss + cfg.tv_weight * _tv(x) / tv_scale
        loss.backward()
        evals[0] += 1
        if on_eval is not None:
            on_eval(evals[0], x, loss)
        return loss

    try:
        while evals[0] < steps:
            optimizer.step(closure)
    except StopOptimization:
        pass
    with torch.no_grad():
        x.clamp_(0, 1)
    return x.detach()


def _tv(x):
    return (x[:, :, 1:, :] - x[:, :, :-1, :]).square().mean() + (x[:, :, :, 1:] - x[:, :, :, :-1]).square().mean()


# ---------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------

class _Stopwatch:
    """Elapsed time with the loss checks taken out; a check may end the run when the target is met."""

    def __init__(self, device: torch.device, objective: StyleObjective, target: float | None, limit: int | None):
        self.device, self.objective, self.target, self.limit = device, objective, target, limit
        self.checked_seconds = 0.0
        self.trace: list[tuple[float, float]] = []  # (seconds, loss)
        self.reached: float | None = None
        self.evals = 0

    def start(self):
        synchronize(self.device)
        self.t0 = time.perf_counter()

    def check(self, x: torch.Tensor) -> None:
        synchronize(self.device)
        paused = time.perf_counter()
        elapsed = paused - self.t0 - self.checked_seconds
        with torch.no_grad():
            loss = float(self.objective(x.detach().float().clamp(0, 1).contiguous())[0])
        self.trace.append((elapsed, loss))
        self.evals += 1
        self.checked_seconds += time.perf_counter() - paused
        if self.target is not None and loss <= self.target and self.reached is None:
            self.reached = elapsed
            raise StopOptimization
        if self.limit is not None and self.evals >= self.limit:
            raise StopOptimization


def run_benchmark(bc: StyleBenchConfig, log=print) -> dict:
    if bc.threads:
        torch.set_num_threads(bc.threads)
    device = resolve_device(bc.device)
    style_cfg = StyleConfig(size=bc.size, features=bc.features, weights=bc.weights, pyramid=bc.pyramid,
                            coarse_steps=bc.coarse_steps, content_weight=bc.content_weight,
                            style_weight=bc.style_weight, tv_weight=bc.tv_weight, device=str(device))
    style_cfg.validate()
    net = build_features(bc.features, bc.weights, log=log)
    content, style = prepare_images(_sample_or_file(bc.content), _sample_or_file(bc.style), style_cfg)
    content, style = content.to(device), style.to(device)
    net = net.to(device)
    content_layers, style_layers = net.content_layers, net.style_layers
    # The one yardstick for both: float32, full size, same layers and weights.
    reference = StyleObjective(net, content, style, content_weight=bc.content_weight, style_weight=bc.style_weight,
                               tv_weight=bc.tv_weight, content_layers=content_layers, style_layers=style_layers)
    result = {"config": dataclasses.asdict(bc), "device": describe_device(device), "versions": versions(),
              "features": net.name, "image": list(content.shape[-2:]), "baseline_seconds": [], "ganlib_seconds": []}
    log(f"ganlib bench style: {bc.content} in the style of {bc.style}, {content.shape[-1]}x{content.shape[-2]}, "
        f"{net.name} features, weights content {bc.content_weight:g} style {bc.style_weight:g} tv {bc.tv_weight:g}")
    log(f"device: {result['device']}; " + ", ".join(f"{k} {v}" for k, v in result["versions"].items()))

    _warm_up(net, content, style, style_cfg, bc.warmup)
    limit = max(1, round(bc.max_steps_factor * bc.baseline_steps))
    ours_cfg = dataclasses.replace(style_cfg, steps=limit)
    final_level = len(_levels(content, ours_cfg)) - 1
    target = None
    for round_ in range(bc.repeats):
        # The baseline first: in round 1 it runs its full budget, and its last loss becomes the target.
        base = _Stopwatch(device, reference, target, bc.baseline_steps if target is None else None)
        base.start()
        baseline_transfer(net, content, style, style_cfg, 10**9, on_eval=lambda n, x, loss: base.check(x))
        if target is None:
            # Clamping makes the baseline's loss wobble and often blow up after a few dozen evaluations,
            # so the target is the lowest loss it reaches within its budget, and its time the time it got there.
            target = min(loss for _, loss in base.trace)
            base.reached = next(t for t, loss in base.trace if loss <= target)
            result.update(target_loss=target, start_loss=base.trace[0][1], baseline_final_loss=base.trace[-1][1])
            log(f"target: the lowest loss the baseline reaches in {bc.baseline_steps} evaluations, {target:.5g} "
                f"(content image: {base.trace[0][1]:.5g}; baseline after all {bc.baseline_steps}: {base.trace[-1][1]:.5g})")
        ours = _Stopwatch(device, reference, target, None)

        def on_eval(level, n, x, total, ours=ours):
            if level == final_level:
                ours.check(x)

        ours.start()
        run_style_transfer(content, style, ours_cfg, net, on_eval=on_eval)
        if ours.reached is None:
            ours.reached = float("inf")
        result["baseline_seconds"].append(base.reached)
        result["ganlib_seconds"].append(ours.reached)
        result.setdefault("baseline_evals", sum(1 for t, _ in base.trace if t <= base.reached))
        result.setdefault("ganlib_final_level_evals", ours.evals)
        log(f"round {round_ + 1}: baseline {base.reached:.2f} s ({result['baseline_evals']} evaluations), "
            f"ganlib {ours.reached:.2f} s ({ours.evals} evaluations at full size after the coarse levels)")
    best_base, best_ours = min(result["baseline_seconds"]), min(result["ganlib_seconds"])
    result.update(baseline_best=best_base, ganlib_best=best_ours, speedup=best_base / best_ours)
    log(f"baseline (tutorial recipe: single scale, float32, default L-BFGS, clamp every evaluation): {best_base:.2f} s")
    log(f"ganlib ({_describe(style_cfg, device)}): {best_ours:.2f} s")
    if best_ours == float("inf"):
        log(f"ganlib did not reach the target within {limit} full-size evaluations")
    log(f"speed-up to the same loss: {best_base / best_ours:.2f}x")
    return result


def _levels(content, cfg):
    from ganlib.style import pyramid_sizes

    return pyramid_sizes(content.shape[-2], content.shape[-1], cfg.pyramid)


def _warm_up(net, content, style, cfg, steps):
    """A few untimed evaluations at every size, so one-time set-up costs (kernel choice) count for neither."""
    if steps <= 0:
        return
    baseline_transfer(net, content, style, cfg, steps)
    run_style_transfer(content, style, dataclasses.replace(cfg, steps=steps, coarse_steps=steps), net)


def _describe(cfg: StyleConfig, device: torch.device) -> str:
    parts = [f"{len(_levels(torch.empty(1, 3, cfg.size, cfg.size), cfg))}-level pyramid", "L-BFGS with a range penalty instead of clamping"]
    bf16 = fast_bf16(device) if cfg.bf16 is None else cfg.bf16
    if bf16:
        parts.append("bf16 autocast")
    if (device.type == "cuda" or bf16) if cfg.channels_last is None else cfg.channels_last:
        parts.append("channels_last")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------

def add_arguments(p: argparse.ArgumentParser) -> None:
    d = StyleBenchConfig()
    p.add_argument("--content", default=d.content, help=f"content image file or scikit-image sample (default {d.content})")
    p.add_argument("--style", default=d.style, help=f"style image file or scikit-image sample (default {d.style})")
    p.add_argument("--size", type=positive_int, default=d.size, help=f"longer side of the output (default {d.size})")
    p.add_argument("--features", choices=FEATURES, default=d.features,
                   help=f"feature network, as for `ganlib style` (default {d.features})")
    p.add_argument("--weights", metavar="FILE", help="local VGG19 or VGG16 state dict instead of torchvision's download")
    p.add_argument("--baseline-steps", type=positive_int, default=d.baseline_steps,
                   help=f"baseline evaluations that set the target loss (default {d.baseline_steps})")
    p.add_argument("--pyramid", type=positive_int, default=d.pyramid, help=f"ganlib's pyramid levels (default {d.pyramid})")
    p.add_argument("--coarse-steps", type=count, default=d.coarse_steps, help="ganlib's evaluations per coarse level")
    p.add_argument("--threads", type=positive_int, help="CPU threads for PyTorch (default: its own choice)")
    p.add_argument("--warmup", type=count, default=d.warmup, help=f"untimed evaluations per size first (default {d.warmup})")
    p.add_argument("--repeats", type=positive_int, default=d.repeats, help=f"alternating timed rounds, best kept (default {d.repeats})")
    p.add_argument("--device", default=d.device, help="auto, cpu or cuda (default auto)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")


def run_cli(args: argparse.Namespace) -> int:
    from ganlib.features import WeightsError
    from ganlib.style import StyleConfigError

    bc = StyleBenchConfig(content=args.content, style=args.style, size=args.size, features=args.features,
                          weights=args.weights, baseline_steps=args.baseline_steps, pyramid=args.pyramid,
                          coarse_steps=args.coarse_steps, repeats=args.repeats, device=args.device,
                          threads=args.threads, warmup=args.warmup)
    try:
        result = run_benchmark(bc, log=lambda m: print(m, flush=True))
    except (images.ImageError, WeightsError, StyleConfigError) as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        text = json.dumps(result, indent=2) + "\n"
        from ganlib.checkpoint import atomic_write_text

        atomic_write_text(Path(args.json), text)
    return 0
