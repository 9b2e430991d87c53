"""Figures for the notebooks: loss curves, the collapse monitor's diversity ratio, sample grids
over training. Each function takes run directories (or their metrics) and returns a matplotlib
figure, so a notebook cell stays one line and the renderer can save the same figure.
"""
from __future__ import annotations

import math
from pathlib import Path

from ganlib.data import to_unit_range
from ganlib.images import grid_image
from ganlib.rundir import RunDir


def _pyplot():
    import matplotlib.pyplot as plt  # in a notebook, the inline backend shows each figure once

    return plt


def _series(run_dir: Path, kind: str, key: str) -> tuple[list[int], list[float]]:
    records = [r for r in RunDir(run_dir).read_metrics() if r["kind"] == kind and r.get(key) is not None]
    return [r["step"] for r in records], [r[key] for r in records]


def loss_curves(runs: dict[str, Path]):
    """One column per run: the two losses over the steps (top) and the discriminator's mean
    verdicts D(x) and D(G(z)) (bottom). Dashed lines mark where a discriminator that can only
    guess (D = 1/2 for every image) would put them: D's loss 2 ln 2, G's ln 2, both verdicts 1/2."""
    plt = _pyplot()
    fig, axes = plt.subplots(2, len(runs), figsize=(4.2 * len(runs), 5.6), squeeze=False, sharex="col", sharey="row")
    for column, (label, run_dir) in enumerate(runs.items()):
        losses, verdicts = axes[0][column], axes[1][column]
        for key, name, color, guess, guess_name in (("loss_d", "D loss", "tab:blue", 2 * math.log(2), "2 ln 2"),
                                                    ("loss_g", "G loss", "tab:orange", math.log(2), "ln 2")):
            losses.plot(*_series(run_dir, "train", key), label=name, color=color)
            losses.axhline(guess, color=color, linestyle="--", linewidth=1, label=guess_name)
        for key, name, color in (("d_real", "D(x), real images", "tab:green"),
                                 ("d_fake", "D(G(z)), generated images", "tab:red")):
            verdicts.plot(*_series(run_dir, "train", key), label=name, color=color)
        verdicts.axhline(0.5, color="grey", linestyle="--", linewidth=1, label="1/2: D can only guess")
        losses.set_title(label)
        verdicts.set_xlabel("step")
        verdicts.set_ylim(0, 1)
        for ax in (losses, verdicts):
            ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("loss")
    axes[1][0].set_ylabel("D's mean verdict")
    axes[0][0].legend(fontsize="small")
    axes[1][0].legend(fontsize="small")
    fig.tight_layout()
    return fig


def diversity_curves(runs: dict[str, Path], threshold: float):
    """The collapse monitor's diversity ratio over the steps, with the warning threshold."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for label, run_dir in runs.items():
        ax.plot(*_series(run_dir, "monitor", "diversity_ratio"), label=label, marker=".")
    ax.axhline(threshold, color="crimson", linestyle="--", label="warning threshold")
    ax.axhline(1.0, color="grey", linestyle=":", label="real data")
    ax.set_xlabel("step")
    ax.set_ylabel("sample / real diversity")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def grids_over_training(run_dir: Path, count: int = 5):
    """`count` of the run's fixed-noise sample grids, evenly spread from the first to the last."""
    from PIL import Image

    plt = _pyplot()
    frames = sorted((Path(run_dir) / "samples").glob("step_*.png"))
    if not frames:
        raise FileNotFoundError(f"{run_dir}/samples holds no step_*.png grids")
    count = min(count, len(frames))
    picked = [frames[round(i * (len(frames) - 1) / max(count - 1, 1))] for i in range(count)]
    fig, axes = plt.subplots(1, count, figsize=(2.4 * count, 2.7), squeeze=False)
    for ax, path in zip(axes[0], picked):
        ax.imshow(Image.open(path).convert("L"), cmap="gray", vmin=0, vmax=255, interpolation="nearest")
        ax.set_title(f"step {int(path.stem.split('_')[1])}")
        ax.axis("off")
    fig.tight_layout()
    return fig


def final_grids(runs: dict[str, Path]):
    """The last fixed-noise grid of each run, side by side (same noise, so directly comparable)."""
    from PIL import Image

    plt = _pyplot()
    fig, axes = plt.subplots(1, len(runs), figsize=(3.2 * len(runs), 3.5), squeeze=False)
    for ax, (label, run_dir) in zip(axes[0], runs.items()):
        ax.imshow(Image.open(Path(run_dir) / "samples" / "final.png").convert("L"), cmap="gray", vmin=0, vmax=255, interpolation="nearest")
        ax.set_title(label)
        ax.axis("off")
    fig.tight_layout()
    return fig


def by_seed(arms: dict[str, list[float]], label: str):
    """One value per seed for each arm of an experiment: a dot per seed, a bar at their mean."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(1.9 * len(arms) + 1.2, 3.2))
    for x, (arm, values) in enumerate(arms.items()):
        ax.scatter([x] * len(values), values, color="tab:blue", zorder=3, label="one seed" if x == 0 else None)
        mean = sum(values) / len(values)
        ax.hlines(mean, x - 0.25, x + 0.25, color="black", linewidth=2, label="mean" if x == 0 else None)
    ax.set_xticks(range(len(arms)), list(arms))
    ax.set_xlim(-0.6, len(arms) - 0.4)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(label)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def image_grid(images, nrow: int = 8, scale: int = 2):
    """uint8 (N, C, H, W) or float [-1, 1] images as one PIL grid, enlarged `scale` times."""
    from PIL import Image

    image = grid_image(to_unit_range(images), nrow)
    return image.resize((image.width * scale, image.height * scale), Image.NEAREST)


def image_row(pictures: dict, height: float = 3.0):
    """PIL images side by side, each titled with its key (content, style, result, ...)."""
    plt = _pyplot()
    widths = [p.width / p.height for p in pictures.values()]
    fig, axes = plt.subplots(1, len(pictures), figsize=(height * sum(widths) + 0.2 * len(pictures), height + 0.4),
                             squeeze=False, gridspec_kw={"width_ratios": widths})
    for ax, (title, picture) in zip(axes[0], pictures.items()):
        ax.imshow(picture)
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    return fig


def style_loss_curves(history: list[dict], config):
    """Each weighted loss term of a style transfer, and their sum, over the loss evaluations of
    every pyramid level in turn (dotted lines mark where a larger level starts)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    x = list(range(1, len(history) + 1))
    weights = {"content": config.content_weight, "style": config.style_weight, "tv": config.tv_weight}
    for term, weight in weights.items():
        if weight:
            ax.plot(x, [weight * row[term] for row in history], label=f"{term} × {weight:g}")
    ax.plot(x, [row["total"] for row in history], label="total", color="black", linewidth=1)
    for i in range(1, len(history)):
        if history[i]["level"] != history[i - 1]["level"]:
            ax.axvline(i + 0.5, color="grey", linestyle=":")
    ax.set_yscale("log")
    ax.set_xlabel("loss evaluation")
    ax.set_ylabel("weighted loss")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig
