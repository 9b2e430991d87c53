"""Figures for the notebooks: loss curves, the collapse monitor's diversity ratio, sample grids
over training. Each function takes run directories (or their metrics) and returns a matplotlib
figure, so a notebook cell stays one line and the renderer can save the same figure.
"""
from __future__ import annotations

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
    """Discriminator and generator loss over the steps, one panel per run."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(runs), figsize=(4.2 * len(runs), 3.2), squeeze=False, sharey=True)
    for ax, (label, run_dir) in zip(axes[0], runs.items()):
        for key, name in (("loss_d", "D loss"), ("loss_g", "G loss")):
            ax.plot(*_series(run_dir, "train", key), label=name)
        ax.set_title(label)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    axes[0][0].legend()
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
