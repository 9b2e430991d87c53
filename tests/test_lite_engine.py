"""ganlib.lite in CPython: portable maths, kernels, targets and their scoring, the trainer's
controls, presets and the JSON session the browser worker talks to."""
from __future__ import annotations

import json
import math
import random
import struct

import pytest

from ganlib.lite import portable_math as pm
from ganlib.lite.kernels import dots_kernel, forward_kernel, input_grad_kernel
from ganlib.lite.mlp import MLP
from ganlib.lite.presets import PRESETS, preset_config
from ganlib.lite.rand import gaussian_pairs
from ganlib.lite.session import Session, reference_run
from ganlib.lite.targets import TARGETS, make_target
from ganlib.lite.train import LIVE_SETTINGS, STATS_FIELDS, GanTrainer, LiteConfig


def ulps(a: float, b: float) -> int:
    """Distance in units in the last place between two finite floats of the same sign."""
    ia, ib = (struct.unpack("<q", struct.pack("<d", v))[0] for v in (a, b))
    return abs(ia - ib)


# -- portable maths -------------------------------------------------------------------------
@pytest.mark.parametrize("name, low, high", [
    ("exp", -700.0, 700.0), ("exp", -3.0, 3.0), ("log", 1e-300, 1e300), ("log", 0.1, 10.0),
    ("sin", -20.0, 20.0), ("cos", -20.0, 20.0),
])
def test_portable_functions_agree_with_math_to_a_few_ulps(name, low, high):
    rng = random.Random(name + str(low))
    ours, reference = getattr(pm, name), getattr(math, name)
    for _ in range(2000):
        x = math.exp(rng.uniform(math.log(low), math.log(high))) if name == "log" and high / low > 1e3 \
            else rng.uniform(low, high)
        want = reference(x)
        if abs(want) < 1e-3 and name in ("sin", "cos"):
            assert ours(x) == pytest.approx(want, abs=1e-15), x
        else:
            assert ulps(ours(x), want) <= 4, (name, x, ours(x), want)


def test_portable_edge_cases():
    assert pm.exp(1000.0) == math.inf and pm.exp(-1000.0) == 0.0 and pm.exp(0.0) == 1.0
    assert pm.log(1.0) == 0.0
    with pytest.raises(ValueError, match="non-positive"):
        pm.log(0.0)
    assert pm.softplus(800.0) == 800.0 and pm.softplus(-800.0) == 0.0
    assert pm.sigmoid(-800.0) == 0.0 and pm.sigmoid(800.0) == 1.0
    assert pm.softplus(0.5) == pytest.approx(math.log1p(math.exp(0.5)), rel=1e-15)


def test_gaussian_pairs_are_standard_normal():
    values = [v for pair in gaussian_pairs(random.Random(0), 20_000) for v in pair]
    mean = math.fsum(values) / len(values)
    var = math.fsum((v - mean) ** 2 for v in values) / len(values)
    assert abs(mean) < 0.02 and abs(var - 1.0) < 0.03
    assert 0.31 < sum(1 for v in values if abs(v) > 1) / len(values) < 0.33  # P(|N| > 1) = 0.317


# -- kernels ---------------------------------------------------------------------------------
def test_kernels_equal_plain_loops_summing_left_to_right():
    rng = random.Random(1)
    n_in, n_out, batch = 3, 4, 5
    W = [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)]
    b = [rng.uniform(-1, 1) for _ in range(n_out)]
    X = [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(batch)]

    def dot(u, v):
        total = 0.0
        for p, q in zip(u, v):
            total = total + p * q
        return total

    pre = [[dot(W[j], x) + b[j] for j in range(n_out)] for x in X]
    assert forward_kernel(n_in, n_out, False)(X, W, b, 0.2) == pre
    assert forward_kernel(n_in, n_out, True)(X, W, b, 0.2) == [[z if z > 0 else 0.2 * z for z in row] for row in pre]

    dZ = [[rng.uniform(-1, 1) for _ in range(n_out)] for _ in range(batch)]
    columns = [[W[j][i] for j in range(n_out)] for i in range(n_in)]
    back = [[dot(columns[i], d) for i in range(n_in)] for d in dZ]
    assert input_grad_kernel(n_in, n_out, False)(dZ, W, X, 0.2) == back
    slope = [[g if a > 0 else 0.2 * g for g, a in zip(row, x)] for row, x in zip(back, X)]
    assert input_grad_kernel(n_in, n_out, True)(dZ, W, X, 0.2) == slope

    R, C = list(zip(*dZ)), list(zip(*X))
    assert dots_kernel(batch, n_in)(R, C) == [[dot(r, c) for c in C] for r in R]


@pytest.mark.parametrize("sizes", [[3, 5, 4, 1], [2, 16, 16, 1], [2, 1]])
def test_whole_network_kernels_give_the_bits_of_the_layer_kernels(sizes):
    """`net(X)` and `point_input_grads` run every layer in one pass over the rows; they must
    give exactly what `forward` and `backward`, layer by layer, give (the demo's reproducibility)."""
    rng = random.Random(3)
    net = MLP(sizes, rng, leak=0.2)
    X = [[rng.uniform(-2, 2) for _ in range(sizes[0])] for _ in range(9)]
    out, inputs = net.forward(X)
    assert net(X) == out
    seen = []

    def slope(v):  # any function of the output will do; it may note what it sees
        seen.append(v)
        return 3.0 * v * v - 1.0

    dX = net.point_input_grads(X, slope)
    assert seen == [row[0] for row in out]
    assert dX == net.backward(inputs, [[slope(row[0])] for row in out], param_grads=False, input_grad=True)[1]


def test_point_input_grads_needs_one_output():
    with pytest.raises(ValueError, match="needs one output unit, got sizes"):
        MLP([2, 3, 2], random.Random(0)).point_input_grads([[0.0, 0.0]], lambda v: v)


# -- targets ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_real_data_covers_every_mode_with_high_quality(name):
    target = make_target(name)
    coverage = target.coverage([list(p) for p in target.points[:1024]])
    assert coverage.modes_covered == coverage.modes
    assert coverage.high_quality > 0.97


def test_coverage_counts_collapse_and_misses():
    ring = make_target("ring")
    one_mode = [list(p) for p in ring.points[:2048] if ring.mode_of(*p) == 0]
    assert ring.coverage(one_mode).modes_covered == 1
    assert ring.coverage([[0.0, 0.0]] * 50).high_quality == 0.0  # the ring's centre is empty
    assert ring.coverage([[9.0, 9.0]]).modes_covered == 0  # outside the view


def test_unknown_target_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown target 'donut': choose one of ring, grid, spiral, moons, drawn"):
        make_target("donut")


# -- configuration and controls --------------------------------------------------------------
@pytest.mark.parametrize("field, value", [
    ("batch_size", 0), ("lr_g", 0.0), ("lr_d", -1.0), ("d_steps", 0), ("d_skip_below", -0.1),
    ("label_smoothing", 1.0), ("g_hidden", (4, 0)),
])
def test_config_rejects_bad_values_naming_the_setting(field, value):
    with pytest.raises(ValueError, match=f"^{field} must be"):
        LiteConfig(**{field: value})


def test_config_from_dict_names_unknown_settings():
    with pytest.raises(ValueError, match="unknown setting.*lr_gen"):
        LiteConfig.from_dict({"lr_gen": 0.1})
    assert LiteConfig.from_dict(LiteConfig(seed=4).to_dict()) == LiteConfig(seed=4)


def small(**changes) -> LiteConfig:
    return LiteConfig(batch_size=16, g_hidden=(8,), d_hidden=(8,), eval_points=64, **changes)


def test_same_seed_same_numbers_other_seed_other_numbers():
    a, b = reference_run(small(seed=1).to_dict(), 15), reference_run(small(seed=1).to_dict(), 15)
    assert a == b
    assert reference_run(small(seed=2).to_dict(), 15)["stats"] != a["stats"]


def test_live_settings_change_a_running_trainer():
    trainer = GanTrainer(small())
    trainer.run(3)
    trainer.update(lr_g=1e-4, lr_d=2e-2, d_steps=2)
    assert (trainer.opt_g.lr, trainer.opt_d.lr, trainer.config.d_steps) == (1e-4, 2e-2, 2)
    with pytest.raises(ValueError, match="batch_size can only change with a reset"):
        trainer.update(batch_size=8)
    with pytest.raises(ValueError, match="lr_d must be > 0"):
        trainer.update(lr_d=0)
    assert set(LIVE_SETTINGS) == {"lr_g", "lr_d", "d_steps", "d_skip_below", "label_smoothing"}


def test_skip_threshold_freezes_the_discriminator():
    trainer = GanTrainer(small(d_skip_below=100.0, d_steps=2))  # D's loss is always below 100
    before = [row[:] for row in trainer.D.parameters()]
    stats = trainer.run(3)
    assert [s.d_skipped for s in stats] == [2, 2, 2]
    assert trainer.D.parameters() == before
    assert GanTrainer(small()).run(1)[0].d_skipped == 0


def test_label_smoothing_raises_the_loss_on_real_points():
    # With target 1 - s for real points, D's loss gains s * mean(logit) on the same batch.
    plain = GanTrainer(small(seed=5)).step()
    smoothed = GanTrainer(small(seed=5, label_smoothing=0.2)).step()
    assert (plain.d_real, plain.d_fake) == (smoothed.d_real, smoothed.d_fake)
    assert smoothed.loss_d != plain.loss_d


def test_step_metrics_score_the_generated_batch():
    trainer = GanTrainer(small())
    # A generator that puts every point on the ring's first centre, (1.2, 0).
    trainer.G.weights[-1][:] = [[0.0] * len(row) for row in trainer.G.weights[-1]]
    trainer.G.biases[-1][:] = [1.2, 0.0]
    stats = trainer.step()
    assert (stats.modes_covered, stats.high_quality) == (1, 1.0)
    trainer.G.biases[-1][:] = [0.0, 0.0]  # the empty centre of the ring
    trainer.G.weights[-1][:] = [[0.0] * len(row) for row in trainer.G.weights[-1]]
    stats = trainer.step()
    assert (stats.modes_covered, stats.high_quality) == (0, 0.0)


def test_more_d_steps_draw_more_batches():
    one = GanTrainer(small(seed=2))
    three = GanTrainer(small(seed=2, d_steps=3))
    one.step(), three.step()
    assert one.rng.getstate() != three.rng.getstate()
    assert one.D.parameters() != three.D.parameters()


# -- presets and the session -----------------------------------------------------------------
def test_presets_are_valid_and_change_only_what_they_name():
    assert "default" in PRESETS and "collapse" in PRESETS
    default = LiteConfig().to_dict()
    for name, changes in PRESETS.items():
        config = preset_config(name).to_dict()
        assert {k for k in config if config[k] != default[k]} == {k for k in changes if changes[k] != default[k]}
    with pytest.raises(ValueError, match="unknown preset 'nope'"):
        preset_config("nope")


def test_session_speaks_json():
    session = Session(json.dumps(small(target="grid").to_dict()))
    rows = json.loads(session.train(4))
    assert [row[0] for row in rows] == [1, 2, 3, 4] and all(math.isfinite(v) for row in rows for v in row)
    modes, quality = STATS_FIELDS.index("modes_covered"), STATS_FIELDS.index("high_quality")
    assert all(len(row) == len(STATS_FIELDS) and 0 <= row[modes] <= 25 and 0.0 <= row[quality] <= 1.0 for row in rows)
    snap = json.loads(session.snapshot(json.dumps({"heatmap": 6, "arrows": 5, "manifold": 3})))
    assert snap["step"] == 4 and snap["modes"] == 25 and len(snap["fake"]) == 2 * 64
    assert len(snap["heatmap"]) == 36 and all(0.0 <= p <= 1.0 for p in snap["heatmap"])
    assert len(snap["arrows"]) == 4 * 5 and len(snap["manifold"]) == 2 * 9 and 0.0 <= snap["js"] <= 1.0
    assert set(json.loads(session.snapshot())) == {"step", "fake", "modes_covered", "modes", "high_quality", "js"}
    target = json.loads(session.target(100))
    assert len(target["real"]) == 200 and target["modes"] == 25 and 0.0 < target["js_floor"] < 0.5
    points = [target["real"][i:i + 2] for i in range(0, 200, 2)]
    assert session.trainer.target.coverage(points).modes_covered == 25  # every mode is drawn
    session.update(json.dumps({"lr_g": 0.01}))
    assert session.trainer.opt_g.lr == 0.01
    d = json.loads(session.phase("d"))
    assert d["phase"] == "d" and d["step"] == 4 and math.isfinite(d["loss_d"])
    g = json.loads(session.phase("g"))
    assert g["phase"] == "g" and g["step"] == 5
    with pytest.raises(ValueError, match="unknown phase 'x'"):
        session.phase("x")


# -- learning (slow: hundreds of steps) ------------------------------------------------------
@pytest.mark.slow
def test_default_covers_the_ring_and_collapse_does_not():
    def best_coverage(config: LiteConfig, steps: int) -> int:
        trainer = GanTrainer(config)
        best = 0
        for _ in range(steps // 100):
            trainer.run(100)
            best = max(best, trainer.coverage().modes_covered)
        return best

    assert best_coverage(preset_config("default"), 1500) >= 7


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_collapse_preset_collapses_within_500_steps_whatever_the_seed(seed):
    """500 steps take under 17 s at the slowest speed measured in a browser (30 steps/s): the demo's
    preset shows collapse within 30 s."""
    trainer = GanTrainer(preset_config("collapse", seed=seed))
    trainer.run(500)
    assert trainer.coverage().modes_covered <= 2


def test_logistic_gives_sigmoid_and_both_softplus_bit_for_bit():
    rng = random.Random(9)
    xs = [0.0, -0.0, 1e-300, -1e-300, 30.0, -30.0, 800.0, -800.0] + [rng.uniform(-40, 40) for _ in range(3000)]
    for x in xs:
        assert pm.logistic(x) == (pm.sigmoid(x), pm.softplus(x), pm.softplus(-x)), x
