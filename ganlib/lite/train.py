"""Train a GAN on a 2D target: the demo's engine, the same in CPython and in Pyodide.

One `step()` is what the lesson calls a training iteration, in its two phases:
- `d_update()`, `d_steps` times: D learns to tell a real batch from a generated one (each
  update skipped while D's loss is below `d_skip_below`);
- `g_update()`: G learns to fool D, on the generated batch of the last discriminator update.
The demo can also call the two phases one at a time, to show each on its own.

Two losses (`loss`):
- "log": binary cross-entropy on D's logit, and the non-saturating generator loss -log D(G(z));
- "lsq": least squares (LSGAN): D's raw output is pushed to 1 on real points and 0 on generated
  ones, and G pushes it to 1 on its own points; each squared error is halved.
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from math import fsum

from ganlib.lite.mlp import MLP, Adam
from ganlib.lite.portable_math import logistic, sigmoid
from ganlib.lite.rand import uniform_batch
from ganlib.lite.targets import VIEW, Coverage, make_target, validate_drawing

# Settings the reader may change while training runs; the others need a fresh trainer.
LIVE_SETTINGS = ("lr_g", "lr_d", "d_steps", "d_skip_below", "label_smoothing")
LOSSES = ("log", "lsq")
# D's and G's loss when D cannot tell real from generated (D(x) = 1/2 everywhere), per loss.
CHANCE_LOSSES = {"log": {"loss_d": 1.3862943611198906, "loss_g": 0.6931471805599453},
                 "lsq": {"loss_d": 0.25, "loss_g": 0.125}}


@dataclass
class LiteConfig:
    target: str = "ring"  # ring | grid | spiral | moons | drawn
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
    loss: str = "log"  # log | lsq (see the module's docstring)
    drawing: tuple[tuple[float, ...], ...] = ()  # target "drawn": strokes, each a flat x, y list

    def __post_init__(self):
        self.g_hidden = tuple(self.g_hidden)
        self.d_hidden = tuple(self.d_hidden)
        self.drawing = tuple(tuple(float(v) for v in stroke) for stroke in self.drawing)
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
            (self.loss in LOSSES, "loss", f"one of {', '.join(LOSSES)}"),
        ]
        for ok, name, rule in checks:
            if not ok:
                raise ValueError(f"{name} must be {rule}, got {getattr(self, name)!r}")
        if self.target == "drawn":
            validate_drawing(self.drawing)

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
        out["drawing"] = [list(stroke) for stroke in self.drawing]
        return out


@dataclass(frozen=True)
class StepStats:
    step: int
    loss_d: float  # D's loss before its update (see CHANCE_LOSSES for the level at which D guesses)
    loss_g: float  # G's loss: -log D(G(z)) for "log", (D(G(z)) - 1)^2 / 2 for "lsq"
    d_real: float  # mean D(x) on the real batch ("lsq": D's raw output)
    d_fake: float  # mean D(G(z)) on the fake batch
    d_skipped: int  # D updates skipped in this step because its loss was below d_skip_below
    modes_covered: int  # of the target's modes, by this step's generated batch (noisier than coverage())
    high_quality: float  # share of this step's generated batch close to the data


STATS_FIELDS = tuple(f.name for f in fields(StepStats))


@dataclass(frozen=True)
class DPhase:
    """What one discriminator update saw (its loss is measured before the update)."""
    loss_d: float
    d_real: float
    d_fake: float
    skipped: bool


@dataclass(frozen=True)
class GPhase:
    """What one generator update saw: G's loss (before the update) and the batch it learned from."""
    loss_g: float
    fake: list[list[float]]


def d_loss_and_grad(outputs: list[float], B: int, real_label: float, loss: str
                    ) -> tuple[float, list[list[float]], list[float]]:
    """D's loss on `outputs` (B real rows, then the fake rows), its gradient per output, and D's
    verdict on each point (see `verdict`), computed once for both."""
    real, fake = outputs[:B], outputs[B:]
    if loss == "log":  # BCE with logits: softplus(l) - y l; its gradient is sigmoid(l) - y
        terms = [logistic(v) for v in outputs]
        seen = [t[0] for t in terms]
        value = (fsum(t[1] - real_label * v for t, v in zip(terms, real)) / B
                 + fsum(t[1] for t in terms[B:]) / B)
        grad = [[(p - real_label) / B] for p in seen[:B]] + [[p / B] for p in seen[B:]]
    else:  # least squares: ((l - y)^2 on real + l^2 on fake) / 2
        seen = [min(1.0, max(0.0, v)) for v in outputs]
        value = fsum((v - real_label) * (v - real_label) for v in real) / (2 * B) + fsum(v * v for v in fake) / (2 * B)
        grad = [[(v - real_label) / B] for v in real] + [[v / B] for v in fake]
    return value, grad, seen


def g_point_loss(loss: str, scale: float):
    """G's loss a point at a time, as D's output l at each generated point comes
    (`MLP.point_input_grads`): `slope(l)`, the loss's derivative with respect to l divided by
    `scale`, which also records the loss at the point in the list returned with it."""
    losses = []
    record = losses.append
    if loss == "log":  # -log D(G(z)) = softplus(-l); d/dl = sigmoid(l) - 1
        def slope(v: float) -> float:
            p, _, softplus_neg = logistic(v)
            record(softplus_neg)
            return (p - 1.0) / scale
    else:  # (l - 1)^2 / 2; d/dl = l - 1
        def slope(v: float) -> float:
            record((v - 1.0) * (v - 1.0) / 2)
            return (v - 1.0) / scale
    return slope, losses


def verdict(output: float, loss: str) -> float:
    """D's output as "how real", in [0, 1]: the sigmoid of a logit, or the clipped LSGAN score."""
    return sigmoid(output) if loss == "log" else min(1.0, max(0.0, output))


class GanTrainer:
    def __init__(self, config: LiteConfig):
        self.config = config
        self.rng = random.Random(config.seed)
        self.target = make_target(config.target, config.seed, config.drawing)
        self.G = MLP([config.latent_dim, *config.g_hidden, 2], self.rng, config.leak)
        self.D = MLP([2, *config.d_hidden, 1], self.rng, config.leak)
        self.opt_g = Adam(self.G.parameters(), config.lr_g, config.beta1, config.beta2)
        self.opt_d = Adam(self.D.parameters(), config.lr_d, config.beta1, config.beta2)
        # Fixed noise for the points on screen: they move smoothly as G learns.
        self.eval_noise = uniform_batch(random.Random(config.seed + 1), config.eval_points, config.latent_dim)
        self.steps_done = 0
        self._fake = None  # (points, G's layer inputs) of the last D update, while G is unchanged

    def update(self, **changes) -> None:
        """Change settings in LIVE_SETTINGS without restarting training."""
        frozen = sorted(set(changes) - set(LIVE_SETTINGS))
        if frozen:
            raise ValueError(f"{', '.join(frozen)} can only change with a reset; live settings: {', '.join(LIVE_SETTINGS)}")
        merged = LiteConfig.from_dict({**self.config.to_dict(), **changes})  # validates
        self.config = merged
        self.opt_g.lr = merged.lr_g
        self.opt_d.lr = merged.lr_d

    def d_update(self) -> DPhase:
        """Phase 1: one discriminator update on a real batch and a freshly generated one."""
        cfg = self.config
        B = cfg.batch_size
        real_label = 1.0 - cfg.label_smoothing
        real = self.target.batch(self.rng, B)
        z = uniform_batch(self.rng, B, cfg.latent_dim)
        fake, g_inputs = self.G.forward(z)
        self._fake = (fake, g_inputs)
        outputs, d_inputs = self.D.forward(real + fake)
        outputs = [row[0] for row in outputs]
        loss_d, grad, seen = d_loss_and_grad(outputs, B, real_label, cfg.loss)
        phase = DPhase(loss_d, fsum(seen[:B]) / B, fsum(seen[B:]) / B, cfg.d_skip_below > 0 and loss_d < cfg.d_skip_below)
        if not phase.skipped:  # a skipped update lets G catch up while D is far ahead
            grads_d, _ = self.D.backward(d_inputs, grad)
            self.opt_d.step(grads_d)
        return phase

    def g_update(self) -> GPhase:
        """Phase 2: one generator update through the frozen D.

        It reuses the batch of the last D update when G has not changed since (as `step` does),
        else it generates a fresh one."""
        cfg = self.config
        if self._fake is None:
            self._fake = self.G.forward(uniform_batch(self.rng, cfg.batch_size, cfg.latent_dim))
        fake, g_inputs = self._fake
        self._fake = None
        B = len(fake)
        slope, losses = g_point_loss(cfg.loss, B)
        grad_fake = self.D.point_input_grads(fake, slope)
        grads_g, _ = self.G.backward(g_inputs, grad_fake)
        self.opt_g.step(grads_g)
        self.steps_done += 1
        return GPhase(fsum(losses) / B, fake)

    def step(self) -> StepStats:
        phases = [self.d_update() for _ in range(self.config.d_steps)]
        g = self.g_update()
        last = phases[-1]
        batch_coverage = self.target.coverage(g.fake)
        return StepStats(self.steps_done, last.loss_d, g.loss_g, last.d_real, last.d_fake,
                         sum(p.skipped for p in phases), batch_coverage.modes_covered, batch_coverage.high_quality)

    def run(self, steps: int) -> list[StepStats]:
        return [self.step() for _ in range(steps)]

    def generated(self) -> list[list[float]]:
        """G applied to the fixed display noise."""
        return self.G(self.eval_noise)

    def coverage(self, points: list[list[float]] | None = None) -> Coverage:
        return self.target.coverage(self.generated() if points is None else points)

    def decision_map(self, resolution: int = 32) -> list[float]:
        """D's verdict on a resolution x resolution grid of cell centres over the view, rows from y = -VIEW up."""
        cell = 2 * VIEW / resolution
        grid = [[-VIEW + (i + 0.5) * cell, -VIEW + (j + 0.5) * cell]
                for j in range(resolution) for i in range(resolution)]
        return [verdict(row[0], self.config.loss) for row in self.D(grid)]

    def generator_arrows(self, n: int, generated: list[list[float]] | None = None) -> list[float]:
        """Where D's verdict pushes the first `n` display points: flat [x, y, dx, dy, ...], with
        (dx, dy) = minus the gradient of G's loss with respect to the point (per point, not
        averaged over a batch). `generated`: what `generated()` returned, if at hand."""
        points = self.G(self.eval_noise[:n]) if generated is None else generated[:n]
        grads = self.D.point_input_grads(points, g_point_loss(self.config.loss, 1)[0])
        return [v for (x, y), (gx, gy) in zip(points, grads) for v in (x, y, -gx, -gy)]

    def manifold(self, n: int) -> list[float]:
        """G's image of an n x n grid over the first two latent dimensions ([-1, 1]^2, the others 0):
        flat x, y list, row by row (the second latent coordinate is the row)."""
        dim = self.config.latent_dim
        ticks = [-1.0 + 2.0 * k / (n - 1) for k in range(n)] if n > 1 else [0.0]
        rows = ticks if dim >= 2 else [0.0]
        grid = [([u, v] + [0.0] * (dim - 2))[:dim] for v in rows for u in ticks]
        return [c for p in self.G(grid) for c in p]


def record_run(config: LiteConfig, at_steps: list[int]) -> list[dict]:
    """Train from scratch and record G's display points at each of `at_steps` (ascending):
    per step {"step", "points", "modes_covered", "modes", "high_quality", "js"} (for pictures)."""
    if list(at_steps) != sorted(set(at_steps)) or min(at_steps, default=0) < 0:
        raise ValueError(f"at_steps must be ascending step counts >= 0, got {at_steps}")
    trainer = GanTrainer(config)
    frames = []
    for step in at_steps:
        trainer.run(step - trainer.steps_done)
        points = trainer.generated()
        coverage = trainer.coverage(points)
        frames.append({"step": step, "points": points, "modes_covered": coverage.modes_covered,
                       "modes": coverage.modes, "high_quality": coverage.high_quality,
                       "js": trainer.target.js_divergence(points)})
    return frames
