"""Shapes, output ranges and initialisation of the GAN networks."""
import pytest
import torch

from ganlib.models import IMAGE_SIZES, MinibatchStd, build_models, minibatch_std, num_resolution_steps


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


def test_minibatch_std_appends_each_groups_mean_feature_spread():
    torch.manual_seed(0)
    x = torch.randn(4, 3, 2, 2)
    out = minibatch_std(x, group_size=2)
    assert out.shape == (4, 4, 2, 2) and torch.equal(out[:, :3], x)
    # Image i is in group i mod 2: {0, 2} and {1, 3}. By hand: each feature's standard deviation
    # over the group (divided by G, not G - 1), averaged over the 12 features.
    for members in ([0, 2], [1, 3]):
        spread = x[members].std(0, unbiased=False).mean()
        for i in members:
            assert torch.allclose(out[i, 3], spread.expand(2, 2), atol=1e-6)
    # Dense features get one more feature; a batch not divisible by the group size uses the
    # largest group that divides it (6 images, groups of 4 asked: groups of 3).
    flat = torch.randn(6, 10)
    out = minibatch_std(flat, group_size=4)
    assert out.shape == (6, 11)
    assert torch.allclose(out[0, 10], flat[[0, 2, 4]].std(0, unbiased=False).mean(), atol=1e-6)
    assert torch.allclose(out[1, 10], flat[[1, 3, 5]].std(0, unbiased=False).mean(), atol=1e-6)
    # channels_last input gives the same numbers.
    cl = minibatch_std(x.contiguous(memory_format=torch.channels_last), 2)
    assert torch.allclose(cl, minibatch_std(x, 2))


@pytest.mark.parametrize("arch", ["dcgan", "dense"])
def test_minibatch_std_lets_the_discriminator_see_a_batch_without_variety(arch):
    """With the layer, D's verdict on an image depends on the rest of its batch: the same image
    scores differently in a varied batch and in a batch of copies of itself. Without it (and with
    BatchNorm in eval mode) the verdict is the image's own."""
    torch.manual_seed(0)
    varied = torch.rand(8, 1, 32, 32) * 2 - 1
    copies = varied[:1].expand(8, -1, -1, -1)
    verdicts = {}
    for group in (0, 4):
        _, D = build_models(arch, latent_dim=8, image_size=32, channels=1, g_width=8, d_width=8, minibatch_std=group)
        D.eval()
        with torch.no_grad():
            for m in D.modules():  # weights that keep features near unit scale, as after some training
                if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):  # (N(0, 0.02) shrinks them to ~0)
                    torch.nn.init.kaiming_normal_(m.weight, a=0.2)
            verdicts[group] = (D(varied)[0].item(), D(copies)[0].item())
    assert verdicts[0][0] == pytest.approx(verdicts[0][1], abs=1e-5)
    assert abs(verdicts[4][0] - verdicts[4][1]) > 1e-3
    assert any(isinstance(m, MinibatchStd) for m in D.modules())


def test_minibatch_std_group_size_must_be_at_least_two():
    with pytest.raises(ValueError, match="minibatch_std must be 0"):
        build_models("dcgan", latent_dim=8, image_size=32, channels=1, g_width=8, d_width=8, minibatch_std=1)
