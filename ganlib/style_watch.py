"""What `ganlib style` does around the optimisation for a person waiting at a terminal: an
estimate before a long run (timed on its first evaluations), and the latest picture kept when
Ctrl-C stops it.
"""
from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from ganlib import images
from ganlib.estimate import ANNOUNCE_AFTER, StepClock, duration, round_down
from ganlib.style import StyleConfig, luminance, pyramid_sizes, rgb_to_ycbcr, ycbcr_to_rgb


def partial_path(output: Path) -> Path:
    """Where a stopped run leaves its latest picture: styled.png -> styled.partial.png."""
    return output.with_name(f"{output.stem}.partial{output.suffix}")


class StyleWatch:
    """`on_eval` for run_style_transfer: remembers the image being optimised, and once the first
    evaluations are timed, says how long the whole run will take if that is long."""

    def __init__(self, content: torch.Tensor, cfg: StyleConfig, say=print):
        self.content, self.cfg, self.say = content, cfg, say
        self.sizes = pyramid_sizes(content.shape[-2], content.shape[-1], cfg.pyramid)
        coarse = cfg.steps if cfg.coarse_steps is None else cfg.coarse_steps
        self.steps = [coarse] * (len(self.sizes) - 1) + [cfg.steps]
        # The level whose evaluations are timed: the first at least 128 pixels on its longer side.
        # On smaller images an evaluation costs mostly fixed overhead, and scaling its time by
        # the pixels of the full size would overestimate (measured: 2x from 64 pixels).
        # A level too short to be timed passes the clock on to the next one.
        self.timed_level = next((k for k, (h, w) in enumerate(self.sizes) if max(h, w) >= 128), len(self.sizes) - 1)
        self.clock, self.clock_level, self.estimated = None, None, False
        self.latest: tuple[int, int, torch.Tensor] | None = None  # (level, evaluation, image)

    def __call__(self, level: int, evaluation: int, x: torch.Tensor, _total) -> None:
        self.latest = (level, evaluation, x)  # the tensor itself: copied only if it is ever saved
        if self.estimated or level < self.timed_level:
            return
        if level != self.clock_level:
            # The first few evaluations of a level are slow (memory, oneDNN's kernel choice, the
            # first L-BFGS steps): measured 2-3x the later ones at 128 px. They are not timed.
            self.clock, self.clock_level = StepClock(min_steps=10, min_seconds=2.0, warmup=5), level
        seconds = self.clock.tick()
        if seconds is not None:
            self.estimated = True
            self._estimate(seconds, evaluation, level)

    def _estimate(self, seconds_per_eval: float, done: int, level: int | None = None) -> None:
        """The time left, from `seconds_per_eval` measured on `level` (the timed level unless
        said) after `done` of its evaluations: from there on an evaluation costs about as much per
        pixel at every level."""
        timed = self.timed_level if level is None else level
        pixels = self.sizes[timed][0] * self.sizes[timed][1]
        per_level = [seconds_per_eval * h * w / pixels for h, w in self.sizes]
        total = sum(t * n for t, n in zip(per_level[timed:], self.steps[timed:])) - done * seconds_per_eval
        if total < ANNOUNCE_AFTER:
            return
        cfg = self.cfg
        faster = []
        if cfg.size > 256:
            faster.append(f"--size {cfg.size // 2} (4x fewer pixels)")
        # Fewer evaluations where they cost the most: a third of them at full size, and on the
        # coarse levels, which only prepare the full-size one.
        if per_level[-1] * cfg.steps > ANNOUNCE_AFTER / 2:
            faster.append(f"--steps {round_down(max(10, cfg.steps / 3))}")
        if len(self.sizes) > 1 and sum(t * n for t, n in zip(per_level[:-1], self.steps[:-1])) > ANNOUNCE_AFTER / 4:
            faster.append(f"--coarse-steps {round_down(max(10, self.steps[0] / 3))}")
        h, w = self.sizes[-1]
        self.say(f"estimate: {duration(total)} on this machine ({sum(self.steps)} evaluations over "
                 f"{len(self.sizes)} level{'s' if len(self.sizes) > 1 else ''} up to {w}x{h}, "
                 f"{per_level[-1]:.1f} s each at full size). Shorter: {', '.join(faster) or 'a smaller --size'}; "
                 f"Ctrl-C stops it and keeps the latest picture")

    def picture(self) -> torch.Tensor | None:
        """The latest image as the run would finish it (colours put back under --preserve-colors)."""
        if self.latest is None:
            return None
        x = self.latest[2].detach().float().clamp(0, 1).cpu()
        if self.cfg.preserve_colors:  # x is the luminance only: add the content's chroma at this size
            content = F.interpolate(self.content, size=x.shape[-2:], mode="bilinear", align_corners=False,
                                    antialias=True)
            x = ycbcr_to_rgb(torch.cat([luminance(x), rgb_to_ycbcr(content)[:, 1:]], dim=1)).clamp(0, 1)
        return x

    def save_partial(self, output: Path) -> str:
        """Write the latest picture beside `output`; returns what happened, for the message."""
        picture = self.picture()
        if picture is None:
            return "no picture yet"
        level, evaluation, _ = self.latest
        path = partial_path(output)
        images.save_image(images.to_image(picture), path)
        return (f"wrote the latest picture ({picture.shape[-1]}x{picture.shape[-2]}, level {level + 1} of "
                f"{len(self.sizes)}, evaluation {evaluation} of {self.steps[level]}) to {path}")
