"""Shapes, output ranges and initialisation of the GAN networks."""
import pytest
import torch

from ganlib.models import IMAGE_SIZES, build_models, num_resolution_steps


@pytest.mark.parametrize("arch", ["dcgan", "dense"])
@pytest.mark.parametrize("size", IMAGE_SIZES)
@pytest.mark.parametrize("channels", [1, 3])
def test_generator_and_discriminator_shapes(arch, size, channels):
    torch.manual_seed(0)
    width = 8 if arch == "dcgan" else 16
    G, D = build_models(arch, latent_dim=10, image_size=size, channels=channels, g_width=width, d_width=width)
    z = torch.randn(3, 10)
    images = G(z)
    assert images.shape == (3, channels, size, size)
    assert images.min() >= -1 and images.max() <= 1  # Tanh output
    logits = D(images)
    assert logits.shape == (3,)
    # Logits, not probabilities: nothing squashes them into [0, 1].
    D2 = build_models(arch, latent_dim=10, image_size=size, channels=channels, g_width=width, d_width=width)[1]
    with torch.no_grad():
        for p in D2.parameters():
            p.mul_(50)
    assert D2(images).abs().max() > 1


@pytest.mark.parametrize("size", [28, 64])
def test_spectral_norm_discriminator_has_unit_spectral_norm(size):
    torch.manual_seed(0)
    _, D = build_models("dcgan", latent_dim=8, image_size=size, channels=1, g_width=8, d_width=8, spectral_norm=True)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in D.modules())
    x = torch.randn(4, 1, size, size)
    for _ in range(30):  # power iteration converges while D runs in training mode
        D(x)
    D.eval()
    for m in D.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            sigma = torch.linalg.matrix_norm(m.weight.detach().flatten(1), ord=2).item()
            assert sigma == pytest.approx(1.0, abs=0.05)


def test_dcgan_init_draws_weights_from_n_0_002():
    torch.manual_seed(0)
    G, D = build_models("dcgan", latent_dim=100, image_size=64, channels=3, g_width=64, d_width=64)
    weights = torch.cat([m.weight.detach().flatten() for m in G.modules() if isinstance(m, torch.nn.ConvTranspose2d)])
    assert weights.mean().abs() < 1e-3 and weights.std().item() == pytest.approx(0.02, rel=0.02)
    bn = torch.cat([m.weight.detach().flatten() for m in D.modules() if isinstance(m, torch.nn.BatchNorm2d)])
    assert bn.mean().item() == pytest.approx(1.0, abs=0.01)


def test_resolution_steps_and_bad_sizes():
    assert [num_resolution_steps(s) for s in (16, 28, 32, 64, 128)] == [2, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="image size 48"):
        build_models("dcgan", latent_dim=8, image_size=48, channels=1, g_width=8, d_width=8)
    with pytest.raises(ValueError, match="unknown architecture"):
        build_models("vit", latent_dim=8, image_size=32, channels=1, g_width=8, d_width=8)
