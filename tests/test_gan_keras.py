"""The Keras notebook's DCGAN is ganlib's DCGAN: with ganlib's weights copied in, its generator and
discriminator compute the same outputs (Keras 3 on the PyTorch backend)."""
from __future__ import annotations

import os

import nbformat
import pytest
import torch

from conftest import ROOT

NOTEBOOK = ROOT / "docs" / "notebooks" / "gan-keras.ipynb"


def notebook_models(latent_dim: int):
    """The notebook's build_generator and build_discriminator, defined by running their cells."""
    os.environ["KERAS_BACKEND"] = "torch"  # before keras is first imported, as the notebook does
    import keras
    from keras import layers

    assert keras.config.backend() == "torch"
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    namespace = {"keras": keras, "layers": layers, "latent_dim": latent_dim}
    for name in ("def build_generator", "def build_discriminator"):
        cell = next(source for source in cells if name in source)
        exec(cell.split("\n\n\ngenerator =")[0], namespace)  # the definitions, not the cell's last lines
    return namespace["build_generator"](latent_dim), namespace["build_discriminator"]()


def channels_last_dense(weight: torch.Tensor, channels: int, side: int, into_map: bool) -> torch.Tensor:
    """A dense layer's PyTorch weight as a Keras kernel, with the feature map's (C, H, W) order of
    PyTorch's Unflatten/Flatten turned into Keras's (H, W, C)."""
    if into_map:  # (C*H*W, in) -> kernel (in, H*W*C)
        return weight.view(channels, side, side, -1).permute(1, 2, 0, 3).reshape(-1, weight.shape[1]).T
    return weight.view(-1, channels, side, side).permute(2, 3, 1, 0).reshape(-1, weight.shape[0])  # kernel (H*W*C, out)


def copy_weights(torch_model: torch.nn.Module, keras_model, dense_map: tuple[int, int], into_map: bool) -> None:
    """Each weighted PyTorch layer's parameters into the Keras layer at the same position."""
    ours = [m for m in torch_model.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d, torch.nn.ConvTranspose2d,
                                                               torch.nn.BatchNorm2d))]
    theirs = [layer for layer in keras_model.layers if layer.weights]
    assert [type(m).__name__ for m in ours] == [{"Dense": "Linear", "Conv2D": "Conv2d", "Conv2DTranspose": "ConvTranspose2d",
                                                 "BatchNormalization": "BatchNorm2d"}[type(k).__name__] for k in theirs]
    for module, layer in zip(ours, theirs):
        if isinstance(module, torch.nn.BatchNorm2d):
            values = [module.weight, module.bias, module.running_mean, module.running_var]
        elif isinstance(module, torch.nn.Linear):
            values = [channels_last_dense(module.weight.detach(), *dense_map, into_map)]
        else:  # convolutions: (out, in, kH, kW) or, transposed, (in, out, kH, kW) -> Keras's (kH, kW, ..., ...)
            values = [module.weight.detach().permute(2, 3, 1, 0)]
        if not isinstance(module, torch.nn.BatchNorm2d) and module.bias is not None:
            values.append(module.bias)
        layer.set_weights([v.detach().cpu().numpy() for v in values])


@pytest.mark.slow  # imports Keras: about 10 s
def test_the_keras_dcgan_computes_what_ganlibs_computes():
    from ganlib.models import build_models

    torch.manual_seed(0)
    G, D = build_models("dcgan", latent_dim=64, image_size=32, channels=1, g_width=32, d_width=32)
    for module in (*G.modules(), *D.modules()):  # statistics unlike the initial ones, so a mix-up shows
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)
    G.eval(), D.eval()
    generator, discriminator = notebook_models(64)
    from keras import ops
    assert generator.count_params() == sum(p.numel() for p in G.parameters()) + sum(
        b.numel() for n, b in G.named_buffers() if "running" in n)
    copy_weights(G, generator, (128, 4), into_map=True)
    copy_weights(D, discriminator, (128, 4), into_map=False)

    z = torch.randn(8, 64)
    with torch.no_grad():
        images = G(z)
        keras_images = ops.convert_to_numpy(generator(z.numpy(), training=False))
        assert torch.allclose(torch.from_numpy(keras_images).permute(0, 3, 1, 2), images, atol=1e-5)
        logits = D(images)
        keras_logits = ops.convert_to_numpy(discriminator(images.permute(0, 2, 3, 1).numpy(), training=False))
        assert torch.allclose(torch.from_numpy(keras_logits)[:, 0], logits, atol=1e-4)
