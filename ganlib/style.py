"""Neural style transfer (Gatys, Ecker and Bethge 2016): optimise an image's pixels against a fixed CNN.

The loss is the lesson's weighted sum of three terms, each measured relative to its target so
that the weights mean the same for any layer, network and image size:

* content: the squared difference between the output's and the content image's features at
  the content layers, divided by the squared size of the content image's features there;
* style: at each style layer, the squared difference between the output's and the style
  image's Gram matrices, normalised by the number of positions (the lesson's 1/(4 N^2 M^2)
  up to a constant) and divided by the squared size of the style image's Gram matrix; the
  layers are combined with weights that sum to one;
* total variation: the mean squared difference between neighbouring pixels, relative to the
  content image's own.

The content and style targets are computed once per image size. The pixels are optimised with
L-BFGS or Adam, coarse to fine over an image pyramid: each level starts from the previous
level's result (the change it made to the content image, enlarged and added to the sharper
content image), so much of the work happens on small images. On CUDA the network
runs in bfloat16 with channels_last tensors (the Gram matrices and losses stay in float32).
`preserve_colors` transfers the style to the luminance only and keeps the content's chroma.
"""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ganlib import images
from ganlib.features import FEATURES, FeatureNet, build_features
from ganlib.runinfo import fast_bf16

INITS = ("content", "noise", "style")
OPTIMIZERS = ("lbfgs", "adam")


class StyleConfigError(ValueError):
    """A setting that cannot work; the message is one line naming it."""


class StopOptimization(Exception):
    """Raised by an `on_eval` callback to end the optimisation early (the current image is kept)."""


@dataclass
class StyleConfig:
    size: int = 512  # longer side of the output, pixels
    steps: int = 300  # loss evaluations at the full size (each coarser level gets `coarse_steps`)
    coarse_steps: int | None = None  # evaluations at each coarser pyramid level; None: same as steps
    content_weight: float = 1.0
    style_weight: float = 10.0
    tv_weight: float = 0.0
    init: str = "content"  # where the first level starts: content, noise or style
    optimizer: str = "lbfgs"
    lr: float = 0.02  # Adam's step size, in pixel units (images are in [0, 1])
    # Pyramid levels, each twice the size of the last (fewer if the image is small). Two: an
    # evaluation's fixed cost makes small levels dear (at 64 px it costs half of one at 128), and
    # at 256 px two levels reached the tutorial's loss in about 0.8 of the time three needed
    # (`ganlib bench style --pyramid 2`, benchmarks page).
    pyramid: int = 2
    preserve_colors: bool = False
    features: str = "auto"  # auto, vgg19, vgg16, vgg16-hed or random (see ganlib.features)
    weights: str | None = None  # local VGG19/VGG16 state dict instead of torchvision's download
    content_layers: tuple[str, ...] | None = None  # None: the network's defaults
    style_layers: tuple[str, ...] | None = None
    style_layer_weights: tuple[float, ...] | None = None  # None: equal; normalised to sum to one
    style_scale: float = 1.0  # style image's longer side relative to the output's
    save_every: int = 0  # call on_frame every this many evaluations (0: never)
    seed: int = 0
    device: str = "auto"  # auto (CUDA when there is one), cpu, cuda, cuda:1, ...
    bf16: bool | None = None  # None: where bf16 is fast (CUDA, CPUs with AMX; ganlib.runinfo.fast_bf16)
    channels_last: bool | None = None  # None: on CUDA, and wherever bf16 is used

    def validate(self) -> None:
        """Raise StyleConfigError for the first impossible value, named as `ganlib style`'s option
        (the field with `_` for `-`; style_layers and style_layer_weights are Python-only)."""

        def bad(message):
            raise StyleConfigError(message)

        if self.size < 16:
            bad(f"--size must be at least 16 pixels, not {self.size}")
        if self.steps < 1:
            bad(f"--steps must be at least 1, not {self.steps}")
        if self.coarse_steps is not None and self.coarse_steps < 0:
            bad(f"--coarse-steps must be 0 or more, not {self.coarse_steps}")
        for name in ("content_weight", "style_weight", "tv_weight"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                bad(f"--{name.replace('_', '-')} must be a finite number >= 0, not {value}")
        if self.content_weight == self.style_weight == 0:
            bad("--content-weight and --style-weight are both 0: nothing to optimise")
        if self.init not in INITS:
            bad(f"--init must be one of {', '.join(INITS)}, not {self.init!r}")
        if self.optimizer not in OPTIMIZERS:
            bad(f"--optimizer must be one of {', '.join(OPTIMIZERS)}, not {self.optimizer!r}")
        if not self.lr > 0:
            bad(f"--lr must be > 0, not {self.lr}")
        if self.pyramid < 1:
            bad(f"--pyramid must be at least 1 level, not {self.pyramid}")
        if self.features not in FEATURES:
            bad(f"--features must be one of {', '.join(FEATURES)}, not {self.features!r}")
        if not self.style_scale > 0:
            bad(f"--style-scale must be > 0, not {self.style_scale}")
        if self.save_every < 0:
            bad(f"--save-every must be 0 or more, not {self.save_every}")
        if self.style_layer_weights is not None:
            layers = self.style_layers
            if layers is None or len(layers) != len(self.style_layer_weights):
                bad("style layer weights need style layers, one weight per layer")
            if any(not (math.isfinite(w) and w >= 0) for w in self.style_layer_weights) or sum(self.style_layer_weights) <= 0:
                bad(f"style layer weights must be >= 0 and not all 0, not {self.style_layer_weights}")


# ---------------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------------

class _Gram(torch.autograd.Function):
    """F^T F / N for features F laid out as (B, N positions, C channels) or (B, C, N), with a cheaper backward.

    Autograd's own backward of F^T F takes two matrix products and adds them (one per factor);
    as the Gram matrix is symmetric, one product with the symmetrised incoming gradient gives
    the same result. The float32 copy of F made for the forward product is kept for it.
    """

    @staticmethod
    def forward(ctx, features: torch.Tensor, positions_first: bool) -> torch.Tensor:
        b, c, h, w = features.shape
        if positions_first:  # channels_last: (B, H, W, C) in memory, so this is a view
            flat = features.permute(0, 2, 3, 1).reshape(b, h * w, c).float()
            gram = flat.transpose(1, 2) @ flat
        else:
            flat = features.reshape(b, c, h * w).float()
            gram = flat @ flat.transpose(1, 2)
        ctx.save_for_backward(flat)
        ctx.positions_first, ctx.shape, ctx.dtype = positions_first, features.shape, features.dtype
        return gram / (h * w)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (flat,) = ctx.saved_tensors
        b, c, h, w = ctx.shape
        sym = (grad + grad.transpose(1, 2)) / (h * w)
        if ctx.positions_first:
            grad_features = (flat @ sym).view(b, h, w, c).permute(0, 3, 1, 2)  # stays channels_last
        else:
            grad_features = (sym @ flat).view(b, c, h, w)
        return grad_features.to(ctx.dtype), None


def gram_matrix(features: torch.Tensor) -> torch.Tensor:
    """Channel co-occurrence (B, C, C) of features (B, C, H, W), averaged over the H*W positions, in float32."""
    # Channels_last features are read in place as (positions, channels): no copy into NCHW first.
    positions_first = features.shape[1] > 1 and not features.is_contiguous() and \
        features.is_contiguous(memory_format=torch.channels_last)
    return _Gram.apply(features, positions_first)


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """Mean squared difference between vertically and horizontally neighbouring pixels."""
    dy = x[:, :, 1:, :] - x[:, :, :-1, :]
    dx = x[:, :, :, 1:] - x[:, :, :, :-1]
    return dy.square().mean() + dx.square().mean()


# Weight of the penalty on pixels outside [0, 1] under L-BFGS; large next to the loss terms (about 0.1 to 3).
RANGE_WEIGHT = 100.0


def out_of_range(x: torch.Tensor) -> torch.Tensor:
    """Mean squared distance of the pixels from the interval [0, 1] (zero inside it)."""
    x = x.float()
    return (x - 1).clamp_min(0).square().mean() + (-x).clamp_min(0).square().mean()


def _float32_region(device: torch.device):
    """Turn autocast off, so Gram matrices and squared errors are computed in float32."""
    if device.type in ("cuda", "cpu"):
        return torch.autocast(device.type, enabled=False)
    return contextlib.nullcontext()


class StyleObjective:
    """The weighted sum of content, style and TV losses at one image size; targets computed once."""

    def __init__(self, net: FeatureNet, content: torch.Tensor, style: torch.Tensor, *,
                 content_weight: float, style_weight: float, tv_weight: float,
                 content_layers, style_layers, style_layer_weights=None, autocast_dtype=None):
        self.net = net
        self.content_layers, self.style_layers = tuple(content_layers), tuple(style_layers)
        net.check_layers(self.content_layers + self.style_layers)
        weights = style_layer_weights or [1.0] * len(self.style_layers)
        total = float(sum(weights))
        self.style_layer_weights = {n: w / total for n, w in zip(self.style_layers, weights)}
        self.weights = {"content": content_weight, "style": style_weight, "tv": tv_weight}
        self.device = content.device
        self.autocast_dtype = autocast_dtype
        # Autocast casts the weights anew at every evaluation (it keeps casts only of weights that
        # require gradients); a copy of the layers already in that dtype leaves it nothing to cast.
        self.low_precision_net = None
        if autocast_dtype is not None:
            self.low_precision_net = copy.deepcopy(net)
            self.low_precision_net.layers.to(autocast_dtype)
        # The content and TV terms are always measured, so records show them even at weight 0 (the
        # content layer lies on the way to the deepest style layer); the style layers only when weighted.
        self.wanted = set(self.content_layers) | set(self.style_layers if style_weight else ())
        with torch.no_grad():
            feats = self._features(content, self.content_layers)
            self.content_targets = {n: feats[n].float() for n in feats}
            self.content_scale = {n: t.square().mean().clamp_min(1e-12) for n, t in self.content_targets.items()}
            feats = self._features(style, self.style_layers) if style_weight else {}
            with _float32_region(self.device):
                self.style_targets = {n: gram_matrix(feats[n]) for n in feats}
            self.style_scale = {n: g.square().mean().clamp_min(1e-12) for n, g in self.style_targets.items()}
            self.tv_scale = total_variation(content.float()).clamp_min(1e-8)

    def _features(self, x: torch.Tensor, names) -> dict[str, torch.Tensor]:
        if self.autocast_dtype is not None:
            with torch.autocast(x.device.type, dtype=self.autocast_dtype):
                return self.low_precision_net(x, names)
        return self.net(x, names)

    def terms(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """The three unweighted loss terms for image x (1, 3, H, W) in [0, 1]."""
        zero = x.new_zeros((), dtype=torch.float32)
        feats = self._features(x, self.wanted) if self.wanted else {}
        with _float32_region(self.device):
            content = sum((F.mse_loss(feats[n].float(), t) / self.content_scale[n]
                           for n, t in self.content_targets.items()), zero) / max(1, len(self.content_targets))
            style = sum((self.style_layer_weights[n] * F.mse_loss(gram_matrix(feats[n]), g) / self.style_scale[n]
                         for n, g in self.style_targets.items()), zero)
            tv = total_variation(x.float()) / self.tv_scale
        return {"content": content, "style": style, "tv": tv}

    def total(self, terms: dict[str, torch.Tensor]) -> torch.Tensor:
        return sum(self.weights[k] * v for k, v in terms.items())

    def __call__(self, x: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        terms = self.terms(x)
        return self.total(terms), terms


# ---------------------------------------------------------------------------------------------
# Colour
# ---------------------------------------------------------------------------------------------

# ITU-R BT.601 full-range YCbCr (as JPEG uses), for images in [0, 1].
_RGB_TO_YCBCR = torch.tensor([[0.299, 0.587, 0.114],
                              [-0.168736, -0.331264, 0.5],
                              [0.5, -0.418688, -0.081312]])


def rgb_to_ycbcr(x: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) RGB in [0, 1] to Y in [0, 1] and Cb, Cr centred on 0."""
    return torch.einsum("ij,bjhw->bihw", _RGB_TO_YCBCR.to(x), x)


def ycbcr_to_rgb(x: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ij,bjhw->bihw", torch.linalg.inv(_RGB_TO_YCBCR).to(x), x)


def luminance(x: torch.Tensor) -> torch.Tensor:
    """(B, 1, H, W) luma Y of RGB images."""
    return rgb_to_ycbcr(x)[:, :1]


def match_luminance(style_y: torch.Tensor, content_y: torch.Tensor) -> torch.Tensor:
    """Shift and scale the style's luminance to the content's mean and spread (Gatys et al. 2016, colour paper)."""
    std = style_y.std().clamp_min(1e-6)
    return ((style_y - style_y.mean()) / std * content_y.std() + content_y.mean()).clamp(0, 1)


# ---------------------------------------------------------------------------------------------
# Optimisation
# ---------------------------------------------------------------------------------------------

@dataclass
class StyleResult:
    image: torch.Tensor  # (1, 3, H, W) in [0, 1], on the CPU
    history: list[dict]  # {"level", "eval", "content", "style", "tv", "total"} per evaluation
    levels: list[tuple[int, int]]  # (height, width) of each pyramid level
    seconds: float = 0.0
    features: str = ""  # the feature network that made it (vgg19, vgg16, vgg16-hed, random)

    def pil(self) -> Image.Image:
        return images.to_image(self.image)


def resolve_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise StyleConfigError(f"device {device} was asked for, but PyTorch sees no CUDA GPU")
    return dev


def pyramid_sizes(height: int, width: int, levels: int, min_side: int = 32) -> list[tuple[int, int]]:
    """Sizes from coarse to fine, each twice the last, ending at (height, width).

    Levels whose shorter side would fall under `min_side` are left out (a VGG19 layer five
    poolings deep needs about 32 pixels to see anything).
    """
    sizes = []
    for level in range(levels - 1, -1, -1):
        scale = 0.5 ** level
        h, w = max(1, round(height * scale)), max(1, round(width * scale))
        if min(h, w) >= min_side or level == 0:
            sizes.append((h, w))
    return sizes


def _scaled_size(size, scale: float, min_side: int) -> tuple[int, int]:
    """(h, w) times scale, enlarged if needed so that the shorter side is at least min_side."""
    h, w = size
    scale = max(scale, min_side / min(h, w))
    return max(1, round(h * scale)), max(1, round(w * scale))


def _resize(x: torch.Tensor, size: tuple[int, int], clamp: bool = True) -> torch.Tensor:
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    mode = "bicubic" if size[0] > x.shape[-2] else "bilinear"
    x = F.interpolate(x, size=size, mode=mode, align_corners=False, antialias=size[0] < x.shape[-2])
    return x.clamp(0, 1) if clamp else x



def _as_image(source, what: str) -> Image.Image:
    if isinstance(source, Image.Image):
        return images.to_rgb(source)
    if isinstance(source, np.ndarray):
        array = source
        if array.dtype != np.uint8:
            array = np.clip(array * (255.0 if array.max(initial=0) <= 1.0 else 1.0), 0, 255).round().astype(np.uint8)
        return images.to_rgb(Image.fromarray(array))
    if isinstance(source, (str, Path)):
        return images.load_image(source, what=what)
    raise TypeError(f"{what} must be a path, a PIL image or a numpy array, not {type(source).__name__}")


def prepare_images(content, style, cfg: StyleConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """Content scaled to the output size and style scaled to `style_scale` of it, as (1, 3, H, W) tensors."""
    content_img = images.resize_long_side(_as_image(content, "content"), cfg.size)
    style_img = images.resize_long_side(_as_image(style, "style"), max(16, round(cfg.size * cfg.style_scale)))
    return images.to_tensor(content_img), images.to_tensor(style_img)


def run_style_transfer(content: torch.Tensor, style: torch.Tensor, cfg: StyleConfig, net: FeatureNet, *,
                       progress: bool = False, on_frame: Callable | None = None,
                       on_eval: Callable | None = None) -> StyleResult:
    """Optimise an image for content and style tensors (1, 3, H, W) in [0, 1]; the core of `stylize`.

    on_frame(level, evaluation, image) is called every `cfg.save_every` evaluations with a CPU
    copy of the image; on_eval(level, evaluation, x, total) after every evaluation with the
    image being optimised (raise StopOptimization there to stop).
    """
    cfg.validate()
    device = resolve_device(cfg.device)
    on_cuda = device.type == "cuda"
    bf16 = fast_bf16(device) if cfg.bf16 is None else cfg.bf16
    # oneDNN's bf16 convolutions on AMX, like cuDNN's, run fastest on channels_last activations.
    channels_last = (on_cuda or bf16) if cfg.channels_last is None else cfg.channels_last
    memory_format = torch.channels_last if channels_last else torch.contiguous_format
    if on_cuda:
        torch.backends.cudnn.benchmark = True  # a handful of image sizes, each run hundreds of times
    net = net.to(device=device, memory_format=memory_format)
    content_layers = cfg.content_layers or net.content_layers
    style_layers = cfg.style_layers or net.style_layers
    start = time.perf_counter()

    content, style = content.to(device), style.to(device)
    if cfg.preserve_colors:
        # Gatys et al., "Preserving colour": transfer on luminance only, then put the content's chroma back.
        content_ycbcr = rgb_to_ycbcr(content)
        content_y = content_ycbcr[:, :1]
        style = match_luminance(luminance(style), content_y).expand(-1, 3, -1, -1)
        content = content_y.expand(-1, 3, -1, -1)

    sizes = pyramid_sizes(content.shape[-2], content.shape[-1], cfg.pyramid)
    gen = torch.Generator(device="cpu").manual_seed(cfg.seed)
    history: list[dict] = []
    bar = _progress_bar(progress, cfg, len(sizes))
    x = None
    try:
        for level, size in enumerate(sizes):
            scale = size[0] / content.shape[-2]
            content_l = _resize(content, size).contiguous(memory_format=memory_format)
            style_size = _scaled_size(style.shape[-2:], scale, min_side=min(32, *style.shape[-2:]))
            style_l = _resize(style, style_size).contiguous(memory_format=memory_format)
            objective = StyleObjective(
                net, content_l, style_l, content_weight=cfg.content_weight, style_weight=cfg.style_weight,
                tv_weight=cfg.tv_weight, content_layers=content_layers, style_layers=style_layers,
                style_layer_weights=cfg.style_layer_weights, autocast_dtype=torch.bfloat16 if bf16 else None)
            if x is None:
                x = _initial_image(cfg.init, content_l, style_l, gen)
            elif cfg.init == "content":
                # Enlarge only what the coarser levels changed and add it to this level's sharper content
                # image, so the fine detail of the content need not be rebuilt from a blurred copy.
                x = (content_l + _resize(x - previous_content, size, clamp=False)).clamp(0, 1)
            else:
                x = _resize(x, size)
            previous_content = content_l
            # The image itself stays NCHW: L-BFGS views its gradient as one flat vector, and with 3
            # channels the layout gains nothing; the network's channels_last weights set the layout
            # of every activation after the first convolution.
            x = x.to(device).contiguous()
            final = level == len(sizes) - 1
            steps = cfg.steps if final or cfg.coarse_steps is None else cfg.coarse_steps
            if steps:
                x = _optimize(x, objective, steps, level, cfg, history, bar, on_frame, on_eval)
    finally:
        if bar is not None:
            bar.close()

    x = x.detach().float().clamp(0, 1)
    if cfg.preserve_colors:
        ycbcr = torch.cat([luminance(x), content_ycbcr[:, 1:]], dim=1)
        x = ycbcr_to_rgb(ycbcr).clamp(0, 1)
    return StyleResult(image=x.contiguous().cpu(), history=history, levels=sizes, seconds=time.perf_counter() - start,
                       features=net.name)


def _initial_image(init: str, content: torch.Tensor, style: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    if init == "content":
        return content.clone()
    if init == "style":
        return _resize(style, tuple(content.shape[-2:])).clone()
    noise = torch.rand(content.shape, generator=gen)
    return noise.to(content.device)


def _optimize(x: torch.Tensor, objective: StyleObjective, steps: int, level: int, cfg: StyleConfig,
              history: list[dict], bar, on_frame, on_eval) -> torch.Tensor:
    x = x.detach().clone().requires_grad_(True)
    evals = 0
    # Reading the loss back costs a host sync; L-BFGS reads it every evaluation anyway, Adam need not.
    record_every = 1 if cfg.optimizer == "lbfgs" or x.device.type == "cpu" else 10

    def closure():
        nonlocal evals
        if cfg.optimizer == "lbfgs" and evals >= steps:
            # L-BFGS's line search may ask for one more evaluation than max_eval; answer without counting it.
            raise StopOptimization
        x.grad = None
        total, terms = objective(x)
        loss = total
        if cfg.optimizer == "lbfgs":
            loss = total + RANGE_WEIGHT * out_of_range(x)
        loss.backward()
        evals += 1
        if evals % record_every == 0 or evals == steps:
            row = {"level": level, "eval": evals, **{k: float(v.detach()) for k, v in terms.items()}, "total": float(total.detach())}
            history.append(row)
            if bar is not None:
                bar.set_postfix_str(f"level {level + 1} content {row['content']:.3g} style {row['style']:.3g} "
                                    f"tv {row['tv']:.3g} total {row['total']:.4g}", refresh=False)
        if bar is not None:
            bar.update(1)
        if on_frame is not None and cfg.save_every and evals % cfg.save_every == 0:
            on_frame(level, evals, x.detach().float().clamp(0, 1).cpu())
        if on_eval is not None:
            on_eval(level, evals, x, total)
        return total

    try:
        if cfg.optimizer == "lbfgs":
            # No clamping inside L-BFGS: changing x behind its back spoils its curvature estimates
            # (the tutorial recipe, which clamps, often blows up after a few dozen evaluations).
            # A smooth penalty keeps the pixels near [0, 1] instead; the image is clamped once the level is done.
            # The strong Wolfe line search: with fixed unit steps, L-BFGS sometimes overshoots
            # by orders of magnitude on the coarse levels (the loss spikes to 1e7 and back) and
            # wastes those evaluations; at the same evaluation budget it ends no worse.
            while evals < steps:
                before = evals
                opt = torch.optim.LBFGS([x], lr=1.0, max_iter=steps - evals, max_eval=steps - evals, history_size=50,
                                        tolerance_grad=0.0, tolerance_change=0.0, line_search_fn="strong_wolfe")
                opt.step(closure)
                if objective.autocast_dtype is None or evals == before:
                    break
                # L-BFGS stopped short of its budget: in bf16 the rounding of the features now hides
                # any further descent (the line search finds no step that lowers the loss). The rest
                # of the level runs in float32, which can still go lower.
                objective.autocast_dtype = None
        else:
            opt = torch.optim.Adam([x], lr=cfg.lr)
            for _ in range(steps):
                closure()
                opt.step()
                with torch.no_grad():
                    x.clamp_(0, 1)
    except StopOptimization:
        pass
    return x.detach().clamp(0, 1)


def _progress_bar(progress: bool, cfg: StyleConfig, levels: int):
    if not progress:
        return None
    from tqdm.auto import tqdm

    coarse = cfg.steps if cfg.coarse_steps is None else cfg.coarse_steps
    return tqdm(total=cfg.steps + coarse * (levels - 1), unit="eval", desc="style", dynamic_ncols=True)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------

def style_transfer(content, style, config: StyleConfig | None = None, *, net: FeatureNet | None = None,
                   progress: bool = False, on_frame: Callable | None = None, **overrides) -> StyleResult:
    """Paint `content` in the manner of `style` and return the image with its loss history.

    `content` and `style` may be paths, PIL images or numpy arrays (H, W, 3), uint8 or floats in
    [0, 1]. Settings come from `config` (a StyleConfig) with keyword `overrides` applied on top.
    `net` reuses an already built feature network (build_features). `on_frame(level, evaluation,
    image)` receives a CPU tensor every `save_every` evaluations.
    """
    cfg = dataclasses.replace(config or StyleConfig(), **overrides)
    cfg.validate()
    content_t, style_t = prepare_images(content, style, cfg)
    if net is None:
        net = build_features(cfg.features, cfg.weights, progress=progress)
    return run_style_transfer(content_t, style_t, cfg, net, progress=progress, on_frame=on_frame)


def stylize(content, style, config: StyleConfig | None = None, **kwargs) -> Image.Image:
    """`style_transfer` returning just the RGB PIL image, its longer side `config.size`.

    >>> out = stylize("photo.jpg", "painting.jpg", size=256, features="random")
    """
    return style_transfer(content, style, config, **kwargs).pil()
