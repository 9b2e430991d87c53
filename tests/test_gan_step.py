"""`ganlib.step.gan_step` on its own: plain modules and optimisers, tiny batches, numbers by hand."""
import math

import pytest
import torch
from torch import nn

from ganlib.step import gan_step

W_D, B_D = [0.5, -1.0, 2.0], 0.1  # D(x) = w.x + b: one logit per 3-pixel "image"
A_G = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2]]  # G(z) = A z + c: 2-d noise to 3 pixels
C_G = [0.05, -0.1, 0.0]
REAL = [[0.2, -0.4, 0.9], [-0.7, 0.1, 0.3]]
Z = [[1.0, -0.5], [0.3, 0.8]]


def tiny_gan():
    G, D = nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 1), nn.Flatten(0))
    with torch.no_grad():
        G.weight.copy_(torch.tensor(A_G))
        G.bias.copy_(torch.tensor(C_G))
        D[0].weight.copy_(torch.tensor([W_D]))
        D[0].bias.fill_(B_D)
    return G, D


def params(module):
    return [p.detach().clone() for p in module.parameters()]


def same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


def softplus(v):
    return math.log1p(math.exp(v))


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


def hand_gan(real_target):
    """Logits, losses and G's gradient for REAL and Z, in plain Python."""
    fakes = [[sum(a * z for a, z in zip(row, zi)) + c for row, c in zip(A_G, C_G)] for zi in Z]
    logit = lambda x: sum(w * v for w, v in zip(W_D, x)) + B_D  # noqa: E731
    l_real, l_fake = [logit(x) for x in REAL], [logit(f) for f in fakes]
    # BCE with logits: softplus(l) - y l.
    loss_d = (sum(softplus(l) - real_target * l for l in l_real) / 2 + sum(softplus(l) for l in l_fake) / 2)
    loss_g = sum(softplus(-l) for l in l_fake) / 2  # target 1 on the fakes: non-saturating
    # d loss_g / d fake_i = -(1 - sigmoid(l_i)) w / 2, and fake_i = A z_i + c.
    dfake = [[-(1 - sigmoid(l)) * w / 2 for w in W_D] for l in l_fake]
    grad_a = [[sum(dfake[i][r] * Z[i][k] for i in range(2)) for k in range(2)] for r in range(3)]
    return {"loss_d": loss_d, "loss_g": loss_g, "d_real": sum(map(sigmoid, l_real)) / 2,
            "d_fake": sum(map(sigmoid, l_fake)) / 2, "grad_a": grad_a}


@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_losses_outputs_and_g_update_match_a_hand_computation(smoothing):
    G, D = tiny_gan()
    opt_g = torch.optim.SGD(G.parameters(), lr=0.1)
    opt_d = torch.optim.SGD(D.parameters(), lr=0.0)  # D keeps its weights, so G's phase sees the same D
    stats = gan_step(G, D, opt_g, opt_d, torch.tensor(REAL), torch.tensor(Z), label_smoothing=smoothing)
    want = hand_gan(real_target=1.0 - smoothing)
    for key in ("loss_d", "loss_g", "d_real", "d_fake"):
        assert float(getattr(stats, key)) == pytest.approx(want[key], abs=1e-6), key
    assert stats.d_skipped == 0 and not stats.loss_d.requires_grad
    new_a = torch.tensor(A_G) - 0.1 * torch.tensor(want["grad_a"])
    assert torch.allclose(G.weight.detach(), new_a, atol=1e-6)


def test_label_smoothing_lowers_only_the_real_target():
    G, D = tiny_gan()
    plain, smooth = hand_gan(1.0), hand_gan(0.7)
    stats = gan_step(G, D, torch.optim.SGD(G.parameters(), lr=0.0), torch.optim.SGD(D.parameters(), lr=0.0),
                     torch.tensor(REAL), torch.tensor(Z), label_smoothing=0.3)
    assert float(stats.loss_d) == pytest.approx(smooth["loss_d"], abs=1e-6)
    assert abs(smooth["loss_d"] - plain["loss_d"]) > 0.1  # the smoothed target really is different
    assert float(stats.loss_g) == pytest.approx(plain["loss_g"], abs=1e-6)  # G's target stays 1


class Spy:
    """Wraps an optimiser's step() to run `check` just before and just after it."""

    def __init__(self, opt, before=None, after=None):
        self.opt, self.before, self.after, self.calls = opt, before, after, 0
        real_step = opt.step

        def step(*args, **kwargs):
            self.calls += 1
            self.before and self.before()
            out = real_step(*args, **kwargs)
            self.after and self.after()
            return out

        opt.step = step


def test_each_phase_moves_only_its_own_network():
    torch.manual_seed(0)
    G, D = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 6)), nn.Sequential(nn.Linear(6, 1), nn.Flatten(0))
    opt_g, opt_d = torch.optim.Adam(G.parameters(), lr=0.01), torch.optim.Adam(D.parameters(), lr=0.01)
    g_before, d_before, seen = params(G), params(D), {}

    def d_update_done():
        assert same(params(G), g_before)  # D's phase leaves G alone ...
        assert all(p.grad is None for p in G.parameters())  # ... and its loss sent no gradient into G
        seen["d"], seen["d_grad"] = params(D), [p.grad.clone() for p in D.parameters()]

    def before_g_update():
        assert same(params(D), seen["d"])  # G's phase leaves D alone ...
        assert all(torch.equal(p.grad, g) for p, g in zip(D.parameters(), seen["d_grad"]))  # ... not even its grads

    Spy(opt_d, after=d_update_done)
    Spy(opt_g, before=before_g_update)
    gan_step(G, D, opt_g, opt_d, torch.randn(5, 6), torch.randn(5, 4))
    assert not same(params(G), g_before) and not same(params(D), d_before)  # both phases did update
    assert all(p.requires_grad for p in D.parameters())  # D is trainable again afterwards


def test_skip_below_threshold_leaves_d_untouched_and_still_trains_g():
    G, D = tiny_gan()
    g_before, d_before = params(G), params(D)
    opt_g, opt_d = torch.optim.Adam(G.parameters(), lr=0.01), torch.optim.Adam(D.parameters(), lr=0.01)
    stats = gan_step(G, D, opt_g, opt_d, [torch.tensor(REAL)] * 2, [torch.tensor(Z)] * 2, d_skip_below=100.0)
    assert stats.d_skipped == 2 and same(params(D), d_before)
    assert not same(params(G), g_before)
    # Below the loss, D is updated as usual.
    stats = gan_step(G, D, opt_g, opt_d, torch.tensor(REAL), torch.tensor(Z), d_skip_below=1e-6)
    assert stats.d_skipped == 0 and not same(params(D), d_before)


def test_several_d_updates_per_g_update_and_the_last_fakes_train_g():
    real2, z2 = torch.tensor(REAL).flip(0), torch.tensor(Z) * -1.5
    G, D = tiny_gan()
    opt_g, opt_d = torch.optim.SGD(G.parameters(), lr=0.1), torch.optim.SGD(D.parameters(), lr=0.0)
    d_spy, g_spy = Spy(opt_d), Spy(opt_g)
    gan_step(G, D, opt_g, opt_d, [torch.tensor(REAL), real2], [torch.tensor(Z), z2])
    assert (d_spy.calls, g_spy.calls) == (2, 1)
    # With D fixed (lr 0), G's update is the one that the last noise batch alone gives.
    G1, D1 = tiny_gan()
    gan_step(G1, D1, torch.optim.SGD(G1.parameters(), lr=0.1), torch.optim.SGD(D1.parameters(), lr=0.0), real2, z2)
    assert same(params(G), params(G1))
