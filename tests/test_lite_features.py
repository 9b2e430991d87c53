"""ganlib.lite beyond the basic trainer, in CPython: the two phases one at a time, the least-squares
loss, generator arrows, the manifold, the JS divergence, drawn targets, the loss demo's 1-D toy,
figures, the code runner of runnable blocks, and the page's description of the engine."""
from __future__ import annotations

import json
import math
from dataclasses import fields

import pytest

from ganlib.lite import cell, plot
from ganlib.lite.protocol import describe
from ganlib.lite.saturation import SaturationConfig, SaturationRun, progress, run as saturation_run
from ganlib.lite.session import SaturationSession
from ganlib.lite.targets import ARC, histogram, js_bits, make_target
from ganlib.lite.train import GanTrainer, LiteConfig, StepStats, g_point_loss


def small(**changes) -> LiteConfig:
    return LiteConfig(batch_size=16, g_hidden=(8,), d_hidden=(8,), eval_points=64, **changes)


# -- the two phases and the two losses --------------------------------------------------------
@pytest.mark.parametrize("loss", ["log", "lsq"])
def test_phases_one_at_a_time_make_the_same_steps(loss):
    whole, parts = GanTrainer(small(seed=3, loss=loss)), GanTrainer(small(seed=3, loss=loss))
    stats = whole.run(3)
    for _ in range(3):
        d = parts.d_update()
        g = parts.g_update()
    assert parts.G.parameters() == whole.G.parameters() and parts.D.parameters() == whole.D.parameters()
    assert (d.loss_d, g.loss_g, parts.steps_done) == (stats[-1].loss_d, stats[-1].loss_g, 3)


def test_a_generator_phase_alone_draws_a_fresh_batch_and_leaves_d_alone():
    trainer = GanTrainer(small(seed=1))
    d_before = [row[:] for row in trainer.D.parameters()]
    g_before = [row[:] for row in trainer.G.parameters()]
    trainer.g_update()
    trainer.g_update()
    assert trainer.D.parameters() == d_before and trainer.G.parameters() != g_before
    assert trainer.steps_done == 2


def test_least_squares_pushes_raw_outputs_towards_their_targets():
    trainer = GanTrainer(small(seed=2, loss="lsq"))
    first = trainer.d_update()
    assert 0.0 <= first.d_real <= 1.0 and 0.0 <= first.d_fake <= 1.0
    for _ in range(150):
        d = trainer.d_update()  # D alone: it learns to tell the (fixed) G's points from the data
    assert d.loss_d < first.loss_d and d.d_real > d.d_fake
    assert all(0.0 <= v <= 1.0 for v in trainer.decision_map(6))
    with pytest.raises(ValueError, match="^loss must be one of log, lsq, got 'hinge'"):
        small(loss="hinge")


@pytest.mark.parametrize("loss", ["log", "lsq"])
def test_arrows_point_down_the_generator_loss_at_each_point(loss):
    trainer = GanTrainer(small(seed=4, loss=loss))
    trainer.run(5)
    arrows = trainer.generator_arrows(6)
    assert len(arrows) == 24 and trainer.generator_arrows(6, trainer.generated()) == arrows  # the snapshot's way
    eps = 1e-6
    for k in range(6):
        x, y, dx, dy = arrows[4 * k:4 * k + 4]
        assert [x, y] == trainer.generated()[k]

        def loss_at(px, py):
            slope, losses = g_point_loss(loss, 1)
            slope(trainer.D([[px, py]])[0][0])
            return losses[0]

        gx = (loss_at(x + eps, y) - loss_at(x - eps, y)) / (2 * eps)
        gy = (loss_at(x, y + eps) - loss_at(x, y - eps)) / (2 * eps)
        assert dx == pytest.approx(-gx, rel=1e-5, abs=1e-8) and dy == pytest.approx(-gy, rel=1e-5, abs=1e-8)


def test_manifold_is_the_generator_on_a_latent_grid():
    trainer = GanTrainer(small(seed=5))
    flat = trainer.manifold(4)
    points = [flat[i:i + 2] for i in range(0, len(flat), 2)]
    assert len(points) == 16
    assert points[0] == trainer.G([[-1.0, -1.0]])[0]  # the first row is the bottom of the grid
    assert points[3] == trainer.G([[1.0, -1.0]])[0] and points[15] == trainer.G([[1.0, 1.0]])[0]
    assert points[5] == trainer.G([[-1.0 + 2.0 / 3, -1.0 + 2.0 / 3]])[0]
    one = GanTrainer(small(seed=5, latent_dim=1)).manifold(3)
    assert len(one) == 6  # with one latent dimension the grid is a line


# -- targets: JS divergence and drawings ------------------------------------------------------
def test_js_divergence_is_zero_for_the_same_points_and_one_for_disjoint_ones():
    ring = make_target("ring")
    assert js_bits(histogram(ring.points), histogram(ring.points)) == 0.0
    assert ring.js_divergence([[0.0, 0.0]] * 100) == pytest.approx(1.0, abs=1e-12)  # the centre is empty
    sample = ring.js_divergence([list(p) for p in ring.points[:512]])
    assert 0.0 < sample < 0.05  # 512 points of the data itself: a small sampling floor
    one_mode = [list(p) for p in ring.points if ring.mode_of(*p) == 0][:512]
    assert ring.js_divergence(one_mode) > 0.5  # mode collapse shows
    assert histogram([[float("nan"), 0.0], [9.0, 0.0]])[-1] == 1.0  # off the view: the last cell


def test_a_drawing_becomes_a_target_with_one_mode_per_piece():
    dot, line = [0.5, 1.5], [-1.5, -1.0, 1.5, -1.0]  # a dot, and a stroke 3 long
    target = make_target("drawn", 0, [dot, line])
    assert target.modes == 1 + math.ceil(3.0 / ARC)
    real = target.coverage([list(p) for p in target.points[:1024]])
    assert real.modes_covered == target.modes and real.high_quality > 0.97
    near_dot = [[0.5, 1.5]] * 20
    assert target.coverage(near_dot).modes_covered == 1
    trainer = GanTrainer(small(target="drawn", drawing=[dot, line]))
    assert trainer.target.modes == target.modes and trainer.run(2)


@pytest.mark.parametrize("drawing, message", [
    ([], "target 'drawn' needs a drawing"),
    ([[0.1, 0.2, 0.3]], "stroke 0 must be a flat list of x, y pairs, got 3 numbers"),
    ([[0.0, 0.0], [0.0, 2.5]], "stroke 1 leaves the view"),
    ([[0.0, 0.0] * 401], "drawing: 401 points, at most 400"),
])
def test_bad_drawings_are_clear_errors(drawing, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        small(target="drawn", drawing=drawing)


# -- the loss demo's 1-D toy -------------------------------------------------------------------
@pytest.fixture(scope="module")
def default_toy() -> dict:
    return saturation_run(SaturationConfig())  # what the loss demo page shows


def test_the_saturating_loss_stalls_where_the_non_saturating_one_learns(default_toy):
    result = default_toy
    assert len(result["phase1"]) == 201 and len(result["saturating"]) == len(result["non_saturating"]) == 301
    assert progress(result, "saturating") < 0.1 and progress(result, "non_saturating") > 0.9
    # Phase 1: as D grows sure that G's points are fake, the saturating gradient fades and the
    # other one does not.
    d_fake = [row[2] for row in result["phase1"]]
    assert d_fake[0] == 0.5 and d_fake[-1] < 0.01 and d_fake[-1] < d_fake[20]
    last = result["phase1"][-1]
    assert abs(last[5]) < 0.01 * abs(last[6])
    assert -0.01 < last[3] < 0  # log(1 - D(G(z))) near 0, where it is flat
    assert last[4] > 5  # -log D(G(z)) large: steep


def test_a_less_confident_discriminator_lets_the_saturating_loss_move(default_toy):
    slow = saturation_run(SaturationConfig(lr_d=0.03, head_start=0))
    assert progress(slow, "saturating") > 3 * progress(default_toy, "saturating")


def test_the_loss_demo_streams_its_rows_in_chunks():
    session = SaturationSession(json.dumps({"head_start": 5, "steps": 4, "batch_size": 8}))
    first = json.loads(session.advance(3))
    assert len(first["phase1"]) == 3 and first["saturating"] == [] and not first["done"]
    rest = json.loads(session.advance(100))
    assert len(rest["phase1"]) == 2 and len(rest["saturating"]) == len(rest["non_saturating"]) == 5
    assert rest["done"] and rest["saturating"][0] == rest["non_saturating"][0]  # the same start
    assert SaturationRun(SaturationConfig(head_start=0, steps=1)).advance(5)["phase1"] == []
    with pytest.raises(ValueError, match="^lr_g must be > 0"):
        SaturationConfig(lr_g=0)


# -- figures -----------------------------------------------------------------------------------
def test_figures_are_plain_data_with_gaps_for_non_finite_values(capsys):
    fig = plot.Figure("t", "x", "y", ylog=True)
    fig.line([1, 2, float("nan")], label="a").scatter([[0, 1], [2, 3]], label="b")
    data = json.loads(fig.to_json())
    assert data["series"][0] == {"kind": "line", "label": "a", "x": [0.0, 1.0, 2.0], "y": [1.0, 2.0, None]}
    assert data["series"][1]["x"] == [0.0, 2.0] and data["series"][1]["y"] == [1.0, 3.0] and data["ylog"]
    fig.show()
    assert capsys.readouterr().out == "[figure 't': 2 series, 5 points]\n"
    shown = []
    plot.set_display(shown.append)
    try:
        fig.show()
    finally:
        plot.set_display(None)
    assert shown == [fig.to_dict()]


def test_a_figure_may_fix_its_axes_colour_its_series_and_shade_a_grid(capsys):
    fig = plot.Figure("step", xlim=(-2, 2), ylim=[0, 1.5], equal=True)
    fig.scatter([[0, 1]], color="grey").line([0, 1, float("nan"), 2, 3], [0, 1, 0, 1, 1], color="#000")
    fig.shade([0, 1, 2], [10, 20], [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], label="D(x)")
    data = json.loads(fig.to_json())
    assert data["xlim"] == [-2.0, 2.0] and data["ylim"] == [0.0, 1.5]
    assert [s.get("color") for s in data["series"]] == ["grey", "#000", None]
    assert data["series"][1]["x"][2] is None  # the pen lifts between the two segments
    assert data["series"][2] == {"kind": "shade", "label": "D(x)", "x": [0.0, 1.0, 2.0], "y": [10.0, 20.0],
                                 "z": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}
    assert "xlim" not in plot.Figure().to_dict()  # unset: the page fits the axes to the data
    fig.show()  # no page: the summary counts the shaded grid's values too
    assert capsys.readouterr().out == "[figure 'step': 3 series, 12 points]\n"
    assert plot.Figure("t").shade([0, 1], [0], [[1, 2]]).to_dict()["series"][0]["z"] == [1.0, 2.0]


@pytest.mark.parametrize("call, message", [
    (lambda f: f.line([1, 2], [1]), "line\\(\\): 2 x values but 1 y values"),
    (lambda f: f.scatter([[1, 2, 3]]), "each point must be a pair"),
    (lambda f: f.line(["a"]), "y\\[0\\] is 'a', not a number"),
    (lambda f: f.line(range(plot.MAX_POINTS + 1)), "at most 20000 points"),
    (lambda f: f.shade([0, 1], [0, 1], [[1, 2], [3]]), "values must be 2 rows \\(one per y\\) of 2"),
    (lambda f: f.shade(range(200), range(101), [[0.5] * 200] * 101), "at most 20000 points"),
    (lambda f: plot.Figure(xlim=(1, 0)), "xlim must be \\(low, high\\) with low < high"),
])
def test_bad_figure_data_is_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call(plot.Figure())


# -- the code runner ---------------------------------------------------------------------------
def run_cell(source: str) -> tuple[bool, list[tuple[str, str]]]:
    events = []
    ok = cell.run(source, lambda kind, text: events.append((kind, text)))
    return ok, events


def test_a_cell_prints_and_plots_in_order():
    ok, events = run_cell("print('a')\nfrom ganlib.lite.plot import Figure\nFigure().line([1, 2]).show()\nprint('b')")
    assert ok and [kind for kind, _ in events] == ["stdout", "plot", "stdout"]
    assert events[0][1] == "a\n" and json.loads(events[1][1])["series"][0]["y"] == [1.0, 2.0]
    assert plot._display is None  # put back afterwards


def test_a_cell_error_shows_the_readers_frames_only():
    ok, events = run_cell("def f(x):\n    return 1 / x\n\nprint('before')\nf(0)")
    assert not ok and events[0] == ("stdout", "before\n")
    kind, text = events[-1]
    assert kind == "error" and text.startswith("Traceback (most recent call last):\n")
    assert 'File "<code>", line 5, in <module>' in text and "    return 1 / x" in text
    assert text.rstrip().endswith("ZeroDivisionError: division by zero") and "cell.py" not in text


def test_a_cell_reports_syntax_errors_and_input_and_accepts_a_clean_exit():
    ok, events = run_cell("x = (")
    assert not ok and events[-1][1].rstrip().endswith("SyntaxError: '(' was never closed")
    ok, events = run_cell("input()")
    assert not ok and events[-1][1].rstrip().endswith("EOFError: EOF when reading a line")
    assert run_cell("import sys\nsys.exit()") == (True, [])
    ok, events = run_cell("import sys\nsys.stderr.write('careful\\n')")
    assert ok and events == [("stderr", "careful\n")]


def test_each_run_starts_from_a_fresh_namespace():
    assert run_cell("x = 1")[0]
    ok, events = run_cell("print(x)")
    assert not ok and events[-1][1].rstrip().endswith("NameError: name 'x' is not defined")


def test_runs_of_one_scope_share_a_namespace_as_notebook_cells_do():
    emit = lambda kind, text: None
    assert cell.run("def f(x):\n    return 1 / x\nn = 1", emit, "<cell 1>", scope="test-page")
    events = []
    assert not cell.run("n += 1\nprint(n)\nf(0)", lambda *e: events.append(e), "<cell 2>", scope="test-page")
    assert events[0] == ("stdout", "2\n")
    # The traceback quotes each cell's own line, under that cell's name.
    assert 'File "<cell 2>", line 3' in events[-1][1] and 'File "<cell 1>", line 2, in f' in events[-1][1]
    assert "    return 1 / x" in events[-1][1]
    ok, events = run_cell("print(n)")  # no scope: still a fresh namespace
    assert not ok and events[-1][1].rstrip().endswith("NameError: name 'n' is not defined")
    assert not cell.run("print(n)", emit, scope="another-page")  # another scope, another namespace


# -- what the page is told -----------------------------------------------------------------------
def test_describe_gives_the_page_every_name_it_uses():
    info = json.loads(json.dumps(describe()))
    assert info["stats_fields"] == [f.name for f in fields(StepStats)]
    assert set(info["live_settings"]) <= set(LiteConfig().to_dict())
    assert info["targets"][-1] == "drawn" and "ring" in info["targets"]
    assert info["losses"] == ["log", "lsq"] and set(info["chance"]) == {"log", "lsq"}
    assert info["chance"]["log"]["loss_d"] == pytest.approx(2 * math.log(2))
    assert info["presets"]["collapse"]["lr_g"] > info["presets"]["collapse"]["lr_d"]
