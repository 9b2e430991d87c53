"""ganlib.plots draws what the lesson explains: the losses against the lines where a guessing
discriminator would put them, D(x) and D(G(z)), and an experiment's value per seed."""
from __future__ import annotations

import math

import matplotlib
import pytest

from ganlib import plots
from ganlib.rundir import RunDir

matplotlib.use("Agg")


@pytest.fixture
def run(tmp_path):
    run = RunDir(tmp_path / "run")
    run.path.mkdir()
    for step, (loss_d, loss_g, d_real, d_fake) in enumerate([(1.2, 0.9, 0.6, 0.45), (0.8, 1.6, 0.75, 0.3)], 1):
        run.append_metrics({"step": step * 50, "kind": "train", "loss_d": loss_d, "loss_g": loss_g,
                            "d_real": d_real, "d_fake": d_fake})
    run.append_metrics({"step": 100, "kind": "monitor", "diversity_ratio": 0.8})
    return run.path


def lines(ax):
    """{label: (xs, ys)} of the lines drawn on `ax`."""
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in ax.get_lines()}


def test_loss_curves_show_the_losses_and_the_verdicts_against_a_guessing_discriminator(run):
    fig = plots.loss_curves({"first": run, "second": run})
    axes = fig.axes
    assert len(axes) == 4, "one column per run: losses above, D's verdicts below"
    losses, verdicts = lines(axes[0]), lines(axes[2])
    assert losses["D loss"] == ([50, 100], [1.2, 0.8]) and losses["G loss"] == ([50, 100], [0.9, 1.6])
    assert losses["2 ln 2"][1] == [2 * math.log(2)] * 2 and losses["ln 2"][1] == [math.log(2)] * 2
    assert verdicts["D(x), real images"][1] == [0.6, 0.75] and verdicts["D(G(z)), generated images"][1] == [0.45, 0.3]
    assert verdicts["1/2: D can only guess"][1] == [0.5, 0.5] and axes[2].get_ylim() == (0, 1)
    assert axes[0].get_title() == "first" and axes[1].get_title() == "second"


def test_by_seed_shows_every_seed_and_each_arms_mean():
    from matplotlib.collections import LineCollection, PathCollection

    fig = plots.by_seed({"off": [3.0, 5.0], "on": [1.0, 2.0, 6.0]}, "cFID")
    ax = fig.axes[0]
    dots = [tuple(p) for c in ax.collections if isinstance(c, PathCollection) for p in c.get_offsets()]
    assert sorted(dots) == [(0, 3.0), (0, 5.0), (1, 1.0), (1, 2.0), (1, 6.0)], "one dot per seed"
    bars = [seg for c in ax.collections if isinstance(c, LineCollection) for seg in c.get_segments()]
    assert sorted((round(float(b[0][0])), float(b[0][1])) for b in bars) == [(0, 4.0), (1, 3.0)], "a bar at each mean"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["off", "on"] and ax.get_ylabel() == "cFID"
