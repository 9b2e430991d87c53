"""ganlib.lite's hand-written backward passes against central finite differences."""
from __future__ import annotations

import math
import random

import pytest

import ganlib.lite.train as train_module
from ganlib.lite.mlp import MLP
from ganlib.lite.rand import uniform_batch
from ganlib.lite.train import GanTrainer, LiteConfig

EPS = 1e-6


def numeric_grads(rows: list[list[float]], loss) -> list[list[float]]:
    """d loss / d entry for every entry of `rows` (edited in place and restored)."""
    grads = []
    for row in rows:
        grad_row = []
        for i, value in enumerate(row):
            row[i] = value + EPS
            up = loss()
            row[i] = value - EPS
            down = loss()
            row[i] = value
            grad_row.append((up - down) / (2 * EPS))
        grads.append(grad_row)
    return grads


def assert_close(analytic, numeric, what: str, rel: float = 1e-5, abs_: float = 1e-7):
    assert len(analytic) == len(numeric), what
    for r, (row_a, row_n) in enumerate(zip(analytic, numeric)):
        assert len(row_a) == len(row_n), what
        for i, (a, n) in enumerate(zip(row_a, row_n)):
            assert a == pytest.approx(n, rel=rel, abs=abs_), f"{what}: row {r} entry {i}: analytic {a}, numeric {n}"


def test_mlp_backward_matches_finite_differences():
    rng = random.Random(7)
    net = MLP([3, 5, 4, 2], rng, leak=0.2)
    X = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(6)]
    # A loss that weighs every output differently: sum(out * R).
    R = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(6)]

    def loss() -> float:
        return math.fsum(o * r for out, rr in zip(net(X), R) for o, r in zip(out, rr))

    out, inputs = net.forward(X)
    grads, dX = net.backward(inputs, R, input_grad=True)
    assert_close(grads, numeric_grads(net.parameters(), loss), "parameter gradients")
    assert_close(dX, numeric_grads(X, loss), "input gradients")


@pytest.mark.parametrize("loss", ["log", "lsq"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_trainer_step_gradients_match_finite_differences(monkeypatch, label_smoothing, loss):
    """The gradients one training step hands to Adam are those of the two GAN losses, written
    here from their definitions: for "log", BCE for D (real target 1 - smoothing) and -log D(G(z))
    for G; for "lsq", halved squared errors of D's raw output against 1 - smoothing, 0 and 1."""
    B = 5
    trainer = GanTrainer(LiteConfig(batch_size=B, g_hidden=(4, 3), d_hidden=(5, 4), seed=3,
                                    label_smoothing=label_smoothing, loss=loss))
    real = trainer.target.batch(random.Random(1), B)
    z = uniform_batch(random.Random(2), B, 2)
    monkeypatch.setattr(trainer.target, "batch", lambda rng, n: [row[:] for row in real])
    monkeypatch.setattr(train_module, "uniform_batch", lambda rng, n, dim: [row[:] for row in z])
    handed = {}
    # Record the gradients instead of applying them, so both losses see the same parameters.
    monkeypatch.setattr(trainer.opt_d, "step", lambda grads: handed.setdefault("d", grads))
    monkeypatch.setattr(trainer.opt_g, "step", lambda grads: handed.setdefault("g", grads))
    trainer.step()

    def out(x):
        return trainer.D([x])[0][0]

    def D(x):
        return 1.0 / (1.0 + math.exp(-out(x)))

    y = 1.0 - label_smoothing

    def loss_d() -> float:
        fake = trainer.G(z)
        if loss == "lsq":
            return (math.fsum((out(x) - y) ** 2 for x in real) + math.fsum(out(x) ** 2 for x in fake)) / (2 * B)
        on_real = [-(y * math.log(D(x)) + (1 - y) * math.log(1 - D(x))) for x in real]
        on_fake = [-math.log(1 - D(x)) for x in fake]
        return (math.fsum(on_real) + math.fsum(on_fake)) / B

    def loss_g() -> float:
        if loss == "lsq":
            return math.fsum((out(x) - 1) ** 2 for x in trainer.G(z)) / (2 * B)
        return math.fsum(-math.log(D(x)) for x in trainer.G(z)) / B

    assert_close(handed["d"], numeric_grads(trainer.D.parameters(), loss_d), "discriminator")
    assert_close(handed["g"], numeric_grads(trainer.G.parameters(), loss_g), "generator")
