"""Why the generator loss log(1 - D(G(z))) stalls and -log D(G(z)) does not, on a 1-D toy.

Real data are N(real_mean, real_std); the generator is G(z) = shift + scale * z with z ~ N(0, 1);
the discriminator is one logistic unit, D(x) = sigmoid(w x + c). Both learn by plain gradient
descent: Adam would rescale the vanishing gradient and hide the effect this toy shows.

- Phase 1 (`head_start` steps): D learns to tell the real data from G's, and G stays put. Each
  step records how sure D is that G's points are fake, the two generator losses, and how hard
  each would pull G's shift.
- Phase 2 (`steps`): from the end of phase 1, two copies train on, D and G in turn, alike in
  everything but the generator's loss: "saturating", log(1 - D(G(z))), which G minimises as in
  the original minimax game, and "non_saturating", -log D(G(z)). Both draw the same batches.

With the logit l = w x + c, the two losses per point are -softplus(l) and softplus(-l); their
slopes along l are -sigmoid(l) (which vanishes as D(G(z)) = sigmoid(l) goes to 0) and
sigmoid(l) - 1 (which tends to -1).
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from math import fsum

from ganlib.lite.portable_math import sigmoid, softplus
from ganlib.lite.rand import gaussian_pairs

LOSSES = ("saturating", "non_saturating")


@dataclass
class SaturationConfig:
    seed: int = 0
    batch_size: int = 128
    real_mean: float = 2.0
    real_std: float = 0.5
    shift: float = -2.0  # G starts with the real data's spread, far to the left of it
    scale: float = 0.5
    lr_d: float = 1.0
    lr_g: float = 0.02
    head_start: int = 200  # phase 1: D's updates before G starts to learn
    steps: int = 300  # phase 2: training steps (one D and one G update each) per loss

    def __post_init__(self):
        checks = [
            (self.batch_size >= 1, "batch_size", ">= 1"),
            (self.real_std > 0, "real_std", "> 0"),
            (self.lr_d > 0, "lr_d", "> 0"),
            (self.lr_g > 0, "lr_g", "> 0"),
            (self.head_start >= 0, "head_start", ">= 0"),
            (self.steps >= 1, "steps", ">= 1"),
        ]
        for ok, name, rule in checks:
            if not ok:
                raise ValueError(f"{name} must be {rule}, got {getattr(self, name)!r}")

    @classmethod
    def from_dict(cls, values: dict) -> "SaturationConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}: known are {', '.join(sorted(known))}")
        return cls(**values)


def normals(rng: random.Random, n: int) -> list[float]:
    return [v for pair in gaussian_pairs(rng, (n + 1) // 2) for v in pair][:n]


class Toy:
    """The state of one run: D's (w, c) and G's (shift, scale), with its own random numbers."""

    def __init__(self, config: SaturationConfig, rng: random.Random):
        self.config, self.rng = config, rng
        self.w = self.c = 0.0
        self.shift, self.scale = config.shift, config.scale

    def copy(self, rng: random.Random) -> "Toy":
        twin = Toy(self.config, rng)
        twin.w, twin.c, twin.shift, twin.scale = self.w, self.c, self.shift, self.scale
        return twin

    def d_update(self) -> None:
        """One step down the gradient of D's binary cross-entropy on a real and a generated batch."""
        cfg = self.config
        B = cfg.batch_size
        real = [cfg.real_mean + cfg.real_std * n for n in normals(self.rng, B)]
        fake = [self.shift + self.scale * n for n in normals(self.rng, B)]
        # d BCE / d l is sigmoid(l) - 1 on real points and sigmoid(l) on generated ones.
        slopes = [sigmoid(self.w * x + self.c) - 1.0 for x in real] + [sigmoid(self.w * x + self.c) for x in fake]
        points = real + fake
        self.w -= cfg.lr_d * fsum(s * x for s, x in zip(slopes, points)) / B
        self.c -= cfg.lr_d * fsum(slopes) / B

    def g_measure(self, z: list[float]) -> dict:
        """D's mean verdict on G(z), both generator losses, and their gradients along G's shift and scale."""
        logits = [self.w * (self.shift + self.scale * n) + self.c for n in z]
        sure = [sigmoid(v) for v in logits]
        B = len(z)
        out = {"d_fake": fsum(sure) / B,
               "saturating": -fsum(softplus(v) for v in logits) / B,  # log(1 - D(G(z)))
               "non_saturating": fsum(softplus(-v) for v in logits) / B}  # -log D(G(z))
        for loss, slopes in (("saturating", [-s for s in sure]), ("non_saturating", [s - 1.0 for s in sure])):
            # dl/dshift = w and dl/dscale = w z, for l = w (shift + scale z) + c.
            out[f"{loss}_shift"] = self.w * fsum(slopes) / B
            out[f"{loss}_scale"] = self.w * fsum(s * n for s, n in zip(slopes, z)) / B
        return out

    def g_update(self, loss: str) -> dict:
        m = self.g_measure(normals(self.rng, self.config.batch_size))
        self.shift -= self.config.lr_g * m[f"{loss}_shift"]
        self.scale -= self.config.lr_g * m[f"{loss}_scale"]
        return m


class SaturationRun:
    """Both phases, a few steps at a time (`advance`), so that a page can draw them as they come.

    Rows:
    - phase 1, per step (row 0: before D's first update): [w, c, D(G(z)), log(1 - D(G(z))),
      -log D(G(z)), d/dshift of the saturating loss, d/dshift of the non-saturating loss], all
      measured on the same z;
    - phase 2, per loss and step (row 0: the start): [shift, scale, w, c, D(G(z))].
    """

    def __init__(self, config: SaturationConfig):
        self.config = config
        self.toy = Toy(config, random.Random(config.seed))
        self.z = normals(random.Random(config.seed + 1), config.batch_size)
        self.phase1: list[list[float]] = [self._measure()]
        self.phase2: dict[str, list[list[float]]] = {}
        self.runs: dict[str, Toy] = {}

    def _measure(self) -> list[float]:
        m = self.toy.g_measure(self.z)
        return [self.toy.w, self.toy.c, m["d_fake"], m["saturating"], m["non_saturating"],
                m["saturating_shift"], m["non_saturating_shift"]]

    @property
    def done(self) -> bool:
        return bool(self.phase2) and len(self.phase2[LOSSES[0]]) > self.config.steps

    def advance(self, n: int) -> dict:
        """Up to n more steps; returns the new rows {"phase1": [...], "saturating": [...], ...}."""
        new = {"phase1": [], **{loss: [] for loss in LOSSES}}
        for _ in range(n):
            if len(self.phase1) <= self.config.head_start:
                self.toy.d_update()
                self.phase1.append(self._measure())
                new["phase1"].append(self.phase1[-1])
                continue
            if self.done:
                break
            if not self.runs:  # phase 2 begins: two copies drawing the same batches
                for loss in LOSSES:
                    self.runs[loss] = run_ = self.toy.copy(random.Random(self.config.seed + 2))
                    self.phase2[loss] = [[run_.shift, run_.scale, run_.w, run_.c, self.phase1[-1][2]]]
                    new[loss].append(self.phase2[loss][-1])
            for loss, run_ in self.runs.items():
                run_.d_update()
                m = run_.g_update(loss)
                self.phase2[loss].append([run_.shift, run_.scale, run_.w, run_.c, m["d_fake"]])
                new[loss].append(self.phase2[loss][-1])
        return new


def run(config: SaturationConfig) -> dict:
    """Both phases to the end: {"config", "phase1", "saturating", "non_saturating"}."""
    demo = SaturationRun(config)
    while not demo.done:
        demo.advance(100)
    return {"config": asdict(config), "phase1": demo.phase1, **demo.phase2}


def progress(result: dict, loss: str) -> float:
    """How far G's shift moved towards the real mean in phase 2: 0 = not at all, 1 = all the way."""
    start, end = result[loss][0][0], result[loss][-1][0]
    goal = result["config"]["real_mean"]
    return (end - start) / (goal - start)
