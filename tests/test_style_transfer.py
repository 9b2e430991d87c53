"""Style transfer on tiny images with random features: the losses fall, the style is taken up,
the output has the promised size, range and mode, and colour preservation keeps the chroma."""
import numpy as np
import pytest
import torch
from skimage import data

from ganlib.features import RandomFeatures
from ganlib.style import (StyleConfig, StyleObjective, gram_matrix, prepare_images, pyramid_sizes, rgb_to_ycbcr,
                          run_style_transfer, style_transfer, stylize, total_variation, ycbcr_to_rgb)
from ganlib import images


@pytest.fixture(scope="module")
def net():
    return RandomFeatures()


@pytest.fixture(scope="module")
def photos():
    # A photograph and a very different texture, both bundled with scikit-image.
    return data.astronaut(), data.coffee()


def tiny(**overrides) -> StyleConfig:
    settings = dict(size=48, steps=25, pyramid=1, features="random", device="cpu")
    settings.update(overrides)
    return StyleConfig(**settings)


def objective_at(net, content, style, cfg):
    return StyleObjective(net, content, style, content_weight=cfg.content_weight, style_weight=cfg.style_weight,
                          tv_weight=1.0, content_layers=net.content_layers, style_layers=net.style_layers)


def test_gram_matrix_is_channel_cooccurrence_per_position():
    x = torch.randn(2, 3, 4, 5)
    g = gram_matrix(x)
    assert g.shape == (2, 3, 3)
    # entry (i, j) is the mean over positions of channel i times channel j
    assert torch.allclose(g[1, 0, 2], (x[1, 0] * x[1, 2]).mean(), atol=1e-6)
    assert torch.allclose(g, g.transpose(1, 2))


@pytest.mark.parametrize("layout", ["nchw", "channels_last"])
def test_gram_matrix_gradient_matches_the_plain_formula(layout):
    # gram_matrix has its own backward (one product instead of two); it must give autograd's gradient
    # of F F^T / N, also for a loss whose gradient is not symmetric, and keep the features' layout.
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, 6, 5, 7, generator=gen)
    if layout == "channels_last":
        x = x.contiguous(memory_format=torch.channels_last)
    weights = torch.randn(2, 6, 6, generator=gen)
    ours = x.clone().requires_grad_(True)
    (gram_matrix(ours) * weights).sum().backward()
    plain = x.clone().requires_grad_(True)
    flat = plain.reshape(2, 6, 35)
    ((flat @ flat.transpose(1, 2) / 35) * weights).sum().backward()
    assert torch.allclose(ours.grad, plain.grad, atol=1e-5)
    assert ours.grad.is_contiguous(memory_format=torch.channels_last) == (layout == "channels_last")
    assert torch.allclose(gram_matrix(x), gram_matrix(x.contiguous()), atol=1e-6)


def test_gram_matrix_of_bfloat16_features_is_float32_with_a_bfloat16_gradient():
    x = torch.randn(1, 4, 6, 6).to(torch.bfloat16).contiguous(memory_format=torch.channels_last).requires_grad_(True)
    g = gram_matrix(x)
    assert g.dtype == torch.float32
    g.sum().backward()
    assert x.grad.dtype == torch.bfloat16 and x.grad.shape == x.shape


def test_total_variation_is_zero_on_flat_images_and_grows_with_noise():
    flat = torch.full((1, 3, 16, 16), 0.3)
    assert total_variation(flat) == 0
    gen = torch.Generator().manual_seed(0)
    assert total_variation(torch.rand(1, 3, 16, 16, generator=gen)) > total_variation(flat + 0.01)


def test_every_loss_term_decreases_from_noise(net, photos):
    cfg = tiny(init="noise", tv_weight=1.0, steps=30)
    content, style = prepare_images(*photos, cfg)
    result = run_style_transfer(content, style, cfg, net)
    first, last = result.history[0], result.history[-1]
    for term in ("content", "style", "tv", "total"):
        assert last[term] < first[term], (term, first[term], last[term])


def test_output_takes_up_the_style(net, photos):
    """The output's Gram matrices end closer to the style image's than the content image's are."""
    cfg = tiny()
    content, style = prepare_images(*photos, cfg)
    result = run_style_transfer(content, style, cfg, net)
    objective = objective_at(net, content, style, cfg)
    with torch.no_grad():
        style_distance_output = float(objective.terms(result.image)["style"])
        style_distance_content = float(objective.terms(content)["style"])
    assert style_distance_output < 0.5 * style_distance_content


def test_adam_and_style_init_also_lower_the_loss(net, photos):
    cfg = tiny(optimizer="adam", init="style", steps=20, lr=0.03)
    content, style = prepare_images(*photos, cfg)
    result = run_style_transfer(content, style, cfg, net)
    assert result.history[-1]["total"] < result.history[0]["total"]


def test_output_size_range_and_mode(net, photos):
    astronaut, coffee = photos
    wide = astronaut[:300]  # 300 x 512: landscape
    image = stylize(wide, coffee, tiny(size=40, steps=3), net=net)
    assert image.mode == "RGB"
    assert image.size == (40, round(300 * 40 / 512))
    result = style_transfer(wide, coffee, tiny(size=40, steps=3, init="noise"), net=net)
    assert result.image.shape == (1, 3, 23, 40)
    assert result.image.min() >= 0 and result.image.max() <= 1


@pytest.mark.parametrize("bf16, channels_last", [(True, True), (False, True), (True, False)])
def test_the_fast_paths_take_lbfgs_through_a_pyramid_too(photos, bf16, channels_last):
    """bf16 autocast and channels_last (the CUDA and AMX paths) optimise like float32 NCHW: L-BFGS
    needs the image's gradient as one flat vector, which a channels_last image would not give."""
    net = RandomFeatures()  # its own copy: the run converts the network's layout
    cfg = tiny(size=64, pyramid=2, steps=15, coarse_steps=5, bf16=bf16, channels_last=channels_last)
    content, style = prepare_images(*photos, cfg)
    result = run_style_transfer(content, style, cfg, net)
    assert result.image.is_contiguous() and result.image.dtype == torch.float32
    assert result.history[-1]["style"] < 0.5 * result.history[0]["style"]


def test_a_bf16_objective_sees_what_autocast_of_the_float32_network_sees_and_leaves_it_in_float32(net, photos):
    # The objective runs a bf16 copy of the layers (so autocast need not cast the weights at every
    # evaluation): features and gradients must be those of autocasting the caller's network.
    content, style = prepare_images(*photos, tiny(size=32))
    names = net.style_layers
    ours = StyleObjective(net, content, style, content_weight=1, style_weight=10, tv_weight=0,
                          content_layers=net.content_layers, style_layers=names, autocast_dtype=torch.bfloat16)
    assert all(p.dtype == torch.float32 for p in net.parameters())
    assert all(p.dtype == torch.bfloat16 for p in ours.low_precision_net.layers.parameters())
    grads = []
    for features in (ours._features, lambda image, names: _autocast_features(net, image, names)):
        x = content.clone().requires_grad_(True)
        feats = features(x, names)
        sum(f.float().square().mean() for f in feats.values()).backward()
        grads.append((feats, x.grad))
    (ours_feats, ours_grad), (expected_feats, expected_grad) = grads
    for name in names:
        assert ours_feats[name].dtype == torch.bfloat16
        assert torch.equal(ours_feats[name], expected_feats[name]), name
    assert torch.allclose(ours_grad, expected_grad, rtol=1e-3, atol=1e-3 * float(expected_grad.abs().max()))


def _autocast_features(net, image, names):
    with torch.autocast("cpu", dtype=torch.bfloat16):
        return net(image, names)


def test_a_bf16_run_that_stalls_spends_the_rest_of_its_budget_in_float32(photos):
    """On this small problem bf16's rounding stops L-BFGS after about 80 of 200 evaluations; the
    remaining ones run in float32 and lower the loss further."""
    cfg = tiny(steps=200, bf16=True)
    content, style = prepare_images(*photos, cfg)
    result = run_style_transfer(content, style, cfg, RandomFeatures())
    assert len(result.history) == 200
    assert result.history[-1]["total"] < result.history[100]["total"]


def test_pyramid_goes_coarse_to_fine_and_ends_at_full_size(net, photos):
    assert pyramid_sizes(128, 96, 3) == [(64, 48), (128, 96)]  # 32 x 24 is under the 32-pixel minimum
    assert pyramid_sizes(256, 256, 3) == [(64, 64), (128, 128), (256, 256)]
    cfg = tiny(size=64, pyramid=3, steps=5, coarse_steps=4)
    result = style_transfer(*photos, cfg, net=net)
    assert result.levels == [(32, 32), (64, 64)]  # a 16-pixel level would be too small to see anything
    assert [row["level"] for row in result.history] == [0] * 4 + [1] * 5
    assert result.image.shape[-2:] == (64, 64)


def test_colour_preservation_keeps_the_content_chroma(net, photos):
    cfg = tiny(size=40, steps=20, preserve_colors=True, style_weight=100.0)
    content, style = prepare_images(*photos, cfg)
    kept = run_style_transfer(content, style, cfg, net).image
    free = run_style_transfer(content, style, tiny(size=40, steps=20, style_weight=100.0), net).image

    def chroma_error(x):
        return (rgb_to_ycbcr(x)[:, 1:] - rgb_to_ycbcr(content)[:, 1:]).abs().mean().item()

    def luma_change(x):
        return (rgb_to_ycbcr(x)[:, :1] - rgb_to_ycbcr(content)[:, :1]).abs().mean().item()

    assert chroma_error(kept) < 0.01  # only clipping at the edges of the RGB cube changes it
    assert chroma_error(free) > 3 * chroma_error(kept)  # without it, the coffee's colours come through
    assert luma_change(kept) > 0.02  # and the style did change the picture


def test_ycbcr_round_trip():
    x = torch.rand(1, 3, 5, 7, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(ycbcr_to_rgb(rgb_to_ycbcr(x)), x, atol=1e-5)


def test_frames_are_reported_every_k_evaluations(net, photos):
    frames = []
    result = style_transfer(*photos, tiny(size=32, steps=6, save_every=2), net=net,
                            on_frame=lambda level, n, image: frames.append((level, n, tuple(image.shape))))
    assert frames == [(0, 2, (1, 3, 32, 32)), (0, 4, (1, 3, 32, 32)), (0, 6, (1, 3, 32, 32))]
    assert np.asarray(images.to_image(result.image)).dtype == np.uint8


@pytest.mark.parametrize("field, value, message", [
    ("size", 8, "--size must be at least 16"),
    ("init", "zeros", "--init must be one of content, noise, style"),
    ("style_weight", -1.0, "--style-weight must be a finite number >= 0"),
    ("features", "resnet", "--features must be one of auto, vgg19, vgg16, vgg16-hed, random"),
])
def test_bad_settings_are_named(field, value, message):
    with pytest.raises(ValueError, match=message):
        StyleConfig(**{field: value}).validate()


def test_terms_with_weight_zero_are_still_measured(net, photos):
    """A record of `content_weight 0` or `tv_weight 0` shows how far the image is from the photo or how
    rough it is, not a zero that was never computed."""
    cfg = tiny(steps=5, content_weight=0.0, tv_weight=0.0)
    result = style_transfer(*photos, cfg, net=net)
    last = result.history[-1]
    assert last["content"] > 0 and last["tv"] > 0
    assert last["total"] == pytest.approx(cfg.style_weight * last["style"])
