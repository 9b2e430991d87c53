"""Generators and discriminators for the GAN lesson.

Two families, both for square images of size 16, 28, 32, 64 or 128, grey (1 channel) or colour (3):

* Dense GAN: the generator maps the latent vector through dense layers (BatchNorm + LeakyReLU) to
  the flattened image; the discriminator is a dense network on the flattened image.
* DCGAN (Radford et al., 2015): the generator projects the latent vector with a dense layer to a
  small feature map (4x4, or 7x7 for 28x28 images) and doubles it with transposed convolutions; the
  discriminator halves the image with strided convolutions down to the same small map.

Every discriminator returns one raw logit per image (no Sigmoid): the losses use
`binary_cross_entropy_with_logits`, which is numerically stable and allowed under autocast.
Generators end in Tanh, so images live in [-1, 1].

With `minibatch_std=G` a discriminator also sees, just before its final layer, how much its
features vary across groups of G images (`MinibatchStd`, Karras et al. 2018). A collapsed
generator's batch barely varies, real batches do, so D can tell them apart and G is pushed back
towards variety.
"""
from __future__ import annotations

import torch
from torch import nn

from ganlib.config import ARCHITECTURES, IMAGE_SIZES  # noqa: F401 (the choices, named where no torch is needed)


def base_size(image_size: int) -> int:
    """Side of the smallest feature map: 7 for 28x28 images (MNIST), 4 for the powers of two."""
    if image_size not in IMAGE_SIZES:
        raise ValueError(f"image size {image_size} is not supported; choose one of {IMAGE_SIZES}")
    return 7 if image_size == 28 else 4


def num_resolution_steps(image_size: int) -> int:
    """How many times the feature map doubles between base_size and image_size."""
    steps, side = 0, base_size(image_size)
    while side < image_size:
        side *= 2
        steps += 1
    return steps


def _stage_channels(width: int, steps: int, max_mult: int = 8) -> list[int]:
    """Channels at each resolution from the smallest map up: width * 2^k, halving as the map grows.

    The largest multiplier is capped so 128x128 models do not grow a 16*width layer.
    """
    return [width * min(2 ** (steps - 1 - i), max_mult) for i in range(steps)]


def dcgan_init(module: nn.Module) -> None:
    """DCGAN's initialisation: conv and dense weights from N(0, 0.02), BatchNorm scale from N(1, 0.02)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            # Under spectral norm `weight` is computed; initialise the stored original instead.
            parametrized = nn.utils.parametrize.is_parametrized(m, "weight")
            weight = m.parametrizations.weight.original if parametrized else m.weight
            nn.init.normal_(weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def _maybe_sn(layer: nn.Module, spectral: bool) -> nn.Module:
    return nn.utils.parametrizations.spectral_norm(layer) if spectral else layer


def minibatch_std(x: torch.Tensor, group_size: int = 4) -> torch.Tensor:
    """`x` (N, C, ...) with one more channel: each image's group's feature spread.

    The batch is split into groups of `group_size` images (image i joins group i mod N/G, so
    neighbours in the batch land in different groups). Within a group, every feature's standard
    deviation over the G images is taken and averaged over all features and positions: one number
    per group, appended to each of its images as a constant channel (or a constant feature for
    dense layers). When N is not a multiple of `group_size`, the largest group size that divides
    N is used.
    """
    n = x.shape[0]
    g = max(d for d in range(1, min(group_size, n) + 1) if n % d == 0)
    y = x.float().reshape(g, n // g, *x.shape[1:])  # (G, N/G, C, ...): group members along dim 0
    std = (y.var(0, unbiased=False) + 1e-8).sqrt()  # (N/G, C, ...): each feature's spread in its group
    spread = std.flatten(1).mean(1)  # (N/G,): one number per group
    column = spread.repeat(g).view(n, 1, *([1] * (x.dim() - 2))).expand(n, 1, *x.shape[2:])
    return torch.cat([x, column.to(x.dtype)], 1)


class MinibatchStd(nn.Module):
    """`minibatch_std` as a layer: adds one channel (or one feature) to its input."""

    def __init__(self, group_size: int = 4):
        super().__init__()
        self.group_size = group_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return minibatch_std(x, self.group_size)

    def extra_repr(self) -> str:
        return f"group_size={self.group_size}"


class DCGANGenerator(nn.Module):
    def __init__(self, latent_dim: int, image_size: int, channels: int, width: int = 64):
        super().__init__()
        side, steps = base_size(image_size), num_resolution_steps(image_size)
        stage = _stage_channels(width, steps)
        self.latent_dim = latent_dim
        # The dense projection is what the original's first 1x1 -> 4x4 transposed conv computes.
        self.project = nn.Sequential(
            nn.Linear(latent_dim, stage[0] * side * side, bias=False),
            nn.Unflatten(1, (stage[0], side, side)),
            nn.BatchNorm2d(stage[0]),
            nn.ReLU(inplace=True),
        )
        layers: list[nn.Module] = []
        for i in range(steps - 1):
            layers += [
                nn.ConvTranspose2d(stage[i], stage[i + 1], 4, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(stage[i + 1]),
                nn.ReLU(inplace=True),
            ]
        # The last doubling goes straight to image channels; no BatchNorm on the output (DCGAN).
        layers += [nn.ConvTranspose2d(stage[-1], channels, 4, stride=2, padding=1), nn.Tanh()]
        self.upsample = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.upsample(self.project(z))


class DCGANDiscriminator(nn.Module):
    def __init__(self, image_size: int, channels: int, width: int = 64, spectral_norm: bool = False,
                 minibatch_std: int = 0):
        super().__init__()
        side, steps = base_size(image_size), num_resolution_steps(image_size)
        stage = list(reversed(_stage_channels(width, steps)))  # narrow at full size, wide when small
        layers: list[nn.Module] = []
        in_ch = channels
        for i, out_ch in enumerate(stage):
            layers.append(_maybe_sn(nn.Conv2d(in_ch, out_ch, 4, stride=2, padding=1, bias=False), spectral_norm))
            # DCGAN: no BatchNorm on the first layer. Spectral norm already controls the scale, and
            # BatchNorm would couple the real and fake batches' statistics into its Lipschitz bound.
            if i > 0 and not spectral_norm:
                layers.append(nn.BatchNorm2d(out_ch))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            in_ch = out_ch
        if minibatch_std:  # on the smallest map, before the final dense layer (as in ProGAN)
            layers.append(MinibatchStd(minibatch_std))
            in_ch += 1
        self.features = nn.Sequential(*layers)
        self.classify = nn.Sequential(nn.Flatten(), _maybe_sn(nn.Linear(in_ch * side * side, 1), spectral_norm))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.features(x)).squeeze(1)


class DenseGenerator(nn.Module):
    def __init__(self, latent_dim: int, image_size: int, channels: int, width: int = 256):
        super().__init__()
        self.latent_dim = latent_dim
        self.shape = (channels, image_size, image_size)
        dims = [width, width * 2, width * 4]
        layers: list[nn.Module] = [nn.Linear(latent_dim, dims[0]), nn.LeakyReLU(0.2, inplace=True)]
        for a, b in zip(dims, dims[1:]):
            layers += [nn.Linear(a, b, bias=False), nn.BatchNorm1d(b), nn.LeakyReLU(0.2, inplace=True)]
        layers += [nn.Linear(dims[-1], channels * image_size * image_size), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(z.shape[0], *self.shape)


class DenseDiscriminator(nn.Module):
    def __init__(self, image_size: int, channels: int, width: int = 256, spectral_norm: bool = False,
                 minibatch_std: int = 0):
        super().__init__()
        dims = [channels * image_size * image_size, width * 4, width * 2]
        layers: list[nn.Module] = [nn.Flatten()]
        for a, b in zip(dims, dims[1:]):
            layers += [_maybe_sn(nn.Linear(a, b), spectral_norm), nn.LeakyReLU(0.2, inplace=True)]
        if minibatch_std:
            layers.append(MinibatchStd(minibatch_std))
        layers.append(_maybe_sn(nn.Linear(dims[-1] + bool(minibatch_std), 1), spectral_norm))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


def build_models(
    arch: str,
    *,
    latent_dim: int,
    image_size: int,
    channels: int,
    g_width: int,
    d_width: int,
    spectral_norm: bool = False,
    minibatch_std: int = 0,
) -> tuple[nn.Module, nn.Module]:
    """A (generator, discriminator) pair, initialised as DCGAN prescribes.

    minibatch_std: group size of the discriminator's minibatch-standard-deviation feature (0: none).
    """
    base_size(image_size)  # validates the size
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 (grey) or 3 (colour), not {channels}")
    if minibatch_std < 0 or minibatch_std == 1:
        raise ValueError(f"minibatch_std must be 0 (off) or a group size of at least 2, not {minibatch_std}")
    if arch == "dcgan":
        gen = DCGANGenerator(latent_dim, image_size, channels, g_width)
        disc = DCGANDiscriminator(image_size, channels, d_width, spectral_norm, minibatch_std)
    elif arch == "dense":
        gen = DenseGenerator(latent_dim, image_size, channels, g_width)
        disc = DenseDiscriminator(image_size, channels, d_width, spectral_norm, minibatch_std)
    else:
        raise ValueError(f"unknown architecture {arch!r}; choose one of {ARCHITECTURES}")
    dcgan_init(gen)
    dcgan_init(disc)
    return gen, disc
