"""Train a GAN on a 2D target: the demo's engine, the same in CPython and in Pyodide.

One `step()` is what the lesson calls a training iteration: `d_steps` discriminator updates
(each skipped while D's loss is below `d_skip_below`), then one generator update with the
non-saturating loss, on the fake batch of the last discriminator update.
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from math import fsum

from ganlib.lite.mlp import MLP, Adam
from ganlib.lite.portable_math import sigmoid, softplus
from ganlib.lite.rand import uniform_batch
from ganlib.lite.targets import VIEW, Coverage, make_target

# Settings the reader may change while training runs; the others need a fresh trainer.
LIVE_SETTINGS = ("lr_g", "lr_d", "d_steps", "d_skip_below", "label_smoothing")


@dataclass
class LiteConfig:
    target: str = "ring"  # ring | grid | spiral | moons
    seed: int = 0
    batch_size: int = 64
    latent_dim: int = 2
    g_hidden: tuple[int, ...] = (16, 16)
    d_hidden: tuple[int, ...] = (16, 16)
    lr_g: float = 5e-3  # two time-scale update rule: each network has its own rate,
    lr_d: float = 1e-2  # and a discriminator that learns faster keeps up with G
    beta1: float = 0.5
    beta2: float = 0.999
    d_steps: int = 1  # discriminator updates per generator update
    d_skip_below: float = 0.0  # skip D's update while its loss is below this (0: never skip)
    label_smoothing: float = 0.0  # one-sided: D's target for real points is 1 - this
    leak: float = 0.2  # slope of the leaky ReLU for negative inputs
    eval_points: int = 512  # generated points drawn, and scored for coverage, from fixed noise

    def __post_init__(self):
        self.g_hidden = tuple(self.g_hidden)
        self.d_hidden = tuple(self.d_hidden)
        checks = [
            (self.batch_size >= 1, "batch_size", ">= 1"),
            (self.latent_dim >= 1, "latent_dim", ">= 1"),
            (all(h >= 1 for h in self.g_hidden), "g_hidden", "a list of sizes >= 1"),
            (all(h >= 1 for h in self.d_hidden), "d_hidden", "a list of sizes >= 1"),
            (self.lr_g > 0, "lr_g", "> 0"),
            (self.lr_d > 0, "lr_d", "> 0"),
            (0 <= self.beta1 < 1, "beta1", "in [0, 1)"),
            (0 <= self.beta2 < 1, "beta2", "in [0, 1)"),
            (self.d_steps >= 1, "d_steps", ">= 1"),
            (self.d_skip_below >= 0, "d_skip_below", ">= 0"),
            (0 <= self.label_smoothing < 1, "label_smoothing", "in [0, 1)"),
            (0 <= self.leak < 1, "leak", "in [0, 1)"),
            (self.eval_points >= 1, "eval_points", ">= 1"),
        ]
        for ok, name, rule in checks:
            if not ok:
                raise ValueError(f"{name} must be {rule}, got {getattr(self, name)!r}")

    @classmethod
    def from_dict(cls, values: dict) -> "LiteConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}: known are {', '.join(sorted(known))}")
        return cls(**values)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["g_hidden"] = list(self.g_hidden)
        out["d_hidden"] = list(self.d_hidden)
        return out


@dataclass(frozen=True)
class StepStats:
    step: int
    loss_d: float  # BCE on real plus BCE on fake, before D's update (2 ln 2 = 1.386 at D's chance level)
    loss_g: float  # non-saturating loss -log D(G(z)) (ln 2 = 0.693 at chance)
    d_real: float  # mean D(x) on the real batch
    d_fake: float  # mean D(G(z)) on the fake batch
    d_skipped: int  # D updates skipped in this step because its loss was below d_skip_below
    modes_covered: int  # of the target's modes, by this step's generated batch (noisier than coverage())
    high_quality: float  # share of this step's generated batch close to the data


class GanTrainer:
    def __init__(self, config: LiteConfig):
        self.config = config
        self.rng = random.Random(config.seed)
        self.target = make_target(config.target, config.seed)
        self.G = MLP([config.latent_dim, *config.g_hidden, 2], self.rng, config.leak)
        self.D = MLP([2, *config.d_hidden, 1], self.rng, config.leak)
        self.opt_g = Adam(self.G.parameters(), config.lr_g, config.beta1, config.beta2)
        self.opt_d = Adam(self.D.parameters(), config.lr_d, config.beta1, config.beta2)
        # Fixed noise for the points on screen: they move smoothly as G learns.
        self.eval_noise = uniform_batch(random.Random(config.seed + 1), config.eval_points, config.latent_dim)
        self.steps_done = 0

    def update(self, **changes) -> None:
        """Change settings in LIVE_SETTINGS without restarting training."""
        frozen = sorted(set(changes) - set(LIVE_SETTINGS))
        if frozen:
            raise ValueError(f"{', '.join(frozen)} can only change with a reset; live settings: {', '.join(LIVE_SETTINGS)}")
        merged = LiteConfig.from_dict({**self.config.to_dict(), **changes})  # validates
        self.config = merged
        self.opt_g.lr = merged.lr_g
        self.opt_d.lr = merged.lr_d

    def step(self) -> StepStats:
        cfg = self.config
        B = cfg.batch_size
        real_label = 1.0 - cfg.label_smoothing
        skipped = 0
        for _ in range(cfg.d_steps):
            real = self.target.batch(self.rng, B)
            z = uniform_batch(self.rng, B, cfg.latent_dim)
            fake, g_inputs = self.G.forward(z)
            logits, d_inputs = self.D.forward(real + fake)
            logits = [row[0] for row in logits]
            p = [sigmoid(v) for v in logits]
            # BCE with logits: softplus(l) - y l; its gradient is sigmoid(l) - y.
            loss_real = fsum(softplus(v) - real_label * v for v in logits[:B]) / B
            loss_fake = fsum(softplus(v) for v in logits[B:]) / B
            loss_d = loss_real + loss_fake
            d_real = fsum(p[:B]) / B
            d_fake = fsum(p[B:]) / B
            if cfg.d_skip_below > 0 and loss_d < cfg.d_skip_below:
                skipped += 1  # D is winning: let G catch up
                continue
            grad = [[(q - real_label) / B] for q in p[:B]] + [[q / B] for q in p[B:]]
            grads_d, _ = self.D.backward(d_inputs, grad)
            self.opt_d.step(grads_d)

        # Generator: minimise -log D(G(z)); d/dl softplus(-l) = sigmoid(l) - 1.
        logits, d_inputs = self.D.forward(fake)
        logits = [row[0] for row in logits]
        loss_g = fsum(softplus(-v) for v in logits) / B
        grad = [[(sigmoid(v) - 1.0) / B] for v in logits]
        _, grad_fake = self.D.backward(d_inputs, grad, param_grads=False, input_grad=True)
        grads_g, _ = self.G.backward(g_inputs, grad_fake)
        self.opt_g.step(grads_g)
        self.steps_done += 1
        batch_coverage = self.target.coverage(fake)
        return StepStats(self.steps_done, loss_d, loss_g, d_real, d_fake, skipped,
                         batch_coverage.modes_covered, batch_coverage.high_quality)

    def run(self, steps: int) -> list[StepStats]:
        return [self.step() for _ in range(steps)]

    def generated(self) -> list[list[float]]:
        """G applied to the fixed display noise."""
        return self.G(self.eval_noise)

    def coverage(self, points: list[list[float]] | None = None) -> Coverage:
        return self.target.coverage(self.generated() if points is None else points)

    def decision_map(self, resolution: int = 32) -> list[float]:
        """D(x) on a resolution x resolution grid of cell centres over the view, rows from y = -VIEW up."""
        cell = 2 * VIEW / resolution
        grid = [[-VIEW + (i + 0.5) * cell, -VIEW + (j + 0.5) * cell]
                for j in range(resolution) for i in range(resolution)]
        return [sigmoid(row[0]) for row in self.D(grid)]
