"""The training loop: the lesson's options do what they say, outputs, divergence handling."""
import json
import os
import signal

import pytest
import torch
from PIL import Image

from ganlib import checkpoint as ckpt
from ganlib.models import build_models
from conftest import run_ganlib
from ganlib.train import ConfigError, TrainConfig, TrainingDiverged, ema_weight, train


def tiny(tmp_path, **overrides) -> TrainConfig:
    """A 16x16 DCGAN small enough for a few steps per test on a CPU."""
    base = dict(image_size=16, g_width=8, d_width=8, latent_dim=8, batch_size=16, steps=6, quiet=True,
                eval_every=0, fid_samples=0, monitor_every=0, log_every=1, out=str(tmp_path / "run"))
    base.update(overrides)
    return TrainConfig(**base)


def records(run_dir, kind="train"):
    lines = (run_dir / "metrics.jsonl").read_text().splitlines()
    return [r for r in map(json.loads, lines) if r.get("kind") == kind]


def white_images(n=64, size=16):
    return torch.full((n, 1, size, size), 255, dtype=torch.uint8)


@pytest.mark.parametrize("arch", ["dcgan", "dense"])
def test_discriminator_learns_a_trivially_separable_case(tmp_path, arch):
    # Real images are all white; a (nearly) frozen generator produces grey noise around 0.
    widths = {} if arch == "dcgan" else {"g_width": 16, "d_width": 16}
    run = train(tiny(tmp_path, arch=arch, steps=15, lr_g=1e-12, lr_d=2e-3, **widths), images=white_images())
    losses = [r["loss_d"] for r in records(run.run_dir)]
    assert losses[-1] < 0.5 * losses[0]
    last = records(run.run_dir)[-1]
    assert last["d_real"] - last["d_fake"] > 0.4  # it tells them apart


def test_skip_threshold_leaves_discriminator_untouched(tmp_path):
    run = train(tiny(tmp_path, d_skip_below=100.0), images=white_images())
    torch.manual_seed(0)
    _, D0 = build_models("dcgan", latent_dim=8, image_size=16, channels=1, g_width=8, d_width=8)
    # Weights stay at their initial values (BatchNorm's running statistics still follow the batches).
    for (name, p), p0 in zip(run.discriminator.named_parameters(), D0.parameters()):
        assert torch.equal(p, p0), name
    assert sum(r["d_skipped"] for r in records(run.run_dir)) == 6
    # Without the threshold the discriminator does change.
    run2 = train(tiny(tmp_path, out=str(tmp_path / "run2")), images=white_images())
    assert not all(torch.equal(a, b) for a, b in zip(run2.discriminator.parameters(), D0.parameters()))


def test_ttur_and_discriminator_steps_reach_the_optimisers(tmp_path):
    run = train(tiny(tmp_path, lr_g=1e-4, lr_d=4e-4, d_steps=3, steps=4), images=white_images())
    state = ckpt.load_checkpoint(run.run_dir)
    assert state["opt_g"]["param_groups"][0]["lr"] == 1e-4
    assert state["opt_d"]["param_groups"][0]["lr"] == 4e-4
    assert int(state["opt_g"]["state"][0]["step"]) == 4
    assert int(state["opt_d"]["state"][0]["step"]) == 12  # three D updates per G update


def test_one_sided_label_smoothing_caps_d_of_x(tmp_path):
    common = dict(steps=40, lr_g=1e-12, lr_d=5e-3, log_every=40)
    plain = train(tiny(tmp_path, **common), images=white_images())
    smooth = train(tiny(tmp_path, label_smoothing=0.3, out=str(tmp_path / "smooth"), **common), images=white_images())
    d_plain, d_smooth = records(plain.run_dir)[-1], records(smooth.run_dir)[-1]
    assert d_plain["d_real"] > 0.9
    assert 0.6 < d_smooth["d_real"] < 0.8  # the target for real images is 0.7
    assert d_smooth["d_fake"] < 0.1  # fakes keep target 0: smoothing is one-sided


def test_ema_is_the_moving_average_of_generator_weights(tmp_path):
    run = train(tiny(tmp_path, steps=1, ema_decay=0.9), images=white_images())
    torch.manual_seed(0)
    G0, _ = build_models("dcgan", latent_dim=8, image_size=16, channels=1, g_width=8, d_width=8)
    initial = dict(G0.named_parameters())
    weight = ema_weight(0.9, 1)  # the warm-up takes in 9/11 of the new weights at step 1
    assert weight == pytest.approx(9 / 11)
    for name, p in run.generator_ema.named_parameters():
        expected = (1 - weight) * initial[name] + weight * dict(run.generator.named_parameters())[name]
        assert torch.allclose(p, expected, atol=1e-7), name


def test_ema_warm_up_reaches_the_asked_decay():
    assert ema_weight(0.999, 10) == pytest.approx(9 / 20)
    assert ema_weight(0.999, 10**5) == pytest.approx(0.001)  # the full horizon of 1000 steps, once reached
    assert all(ema_weight(0.99, t) >= ema_weight(0.99, t + 1) for t in range(1, 2000))


def test_early_ema_copy_follows_the_generator_not_its_untrained_start(tmp_path):
    # With a plain EMA of decay 0.999, 30 steps in the copy is still 97 % the untrained generator,
    # and every grid drawn from it is flat grey. The warmed-up copy tracks the recent generator.
    run = train(tiny(tmp_path, steps=30, ema_decay=0.999, lr_g=2e-3), images=white_images())
    torch.manual_seed(0)
    G0, _ = build_models("dcgan", latent_dim=8, image_size=16, channels=1, g_width=8, d_width=8)

    def distance(a, b):
        return sum(float((p - q).detach().pow(2).sum()) for p, q in zip(a.parameters(), b.parameters())) ** 0.5

    assert distance(run.generator_ema, run.generator) < 0.5 * distance(run.generator_ema, G0)


def test_run_directory_outputs_and_checkpoint_retention(tmp_path):
    run = train(tiny(tmp_path, steps=20, checkpoint_every=5, keep_checkpoints=2, sample_every=5, log_every=5),
                images=white_images())
    d = run.run_dir
    assert json.loads((d / "config.json").read_text())["image_size"] == 16
    assert [p.name for p in ckpt.list_checkpoints(d)] == ["step_0000015.pt", "step_0000020.pt"]
    assert not list((d / "checkpoints").glob("*.tmp"))
    rec = records(d)[-1]
    for key in ("loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g", "images_per_s"):
        assert isinstance(rec[key], float), key
    grids = sorted(p.name for p in (d / "samples").glob("step_*.png"))
    assert grids == [f"step_{s:07d}.png" for s in (0, 5, 10, 15, 20)]
    assert Image.open(d / "samples" / "final.png").size == (8 * 18 + 2, 8 * 18 + 2)
    gif = Image.open(d / "samples" / "progress.gif")
    assert gif.is_animated and gif.n_frames == 5
    # Checkpoints hold only safe types: the weights-only loader reads them.
    data = torch.load(ckpt.latest_checkpoint(d), weights_only=True)
    assert data["step"] == 20 and data["config"]["arch"] == "dcgan"
    with pytest.raises(ConfigError, match="already holds a run"):
        train(tiny(tmp_path, steps=20), images=white_images())


def test_nan_stops_the_run_and_keeps_the_last_good_checkpoint(tmp_path):
    def poison(step):
        if step == 12:  # as if an update had blown up
            with torch.no_grad():
                next(run_generator[0].parameters()).fill_(float("nan"))

    run_generator = []
    import ganlib.train as gtrain

    real_build = gtrain.build_models

    def capture(*args, **kwargs):
        G, D = real_build(*args, **kwargs)
        run_generator.append(G)
        return G, D

    gtrain.build_models = capture
    try:
        with pytest.raises(TrainingDiverged, match=r"step 15 .*last good checkpoint: .*step_0000010\.pt"):
            train(tiny(tmp_path, steps=30, checkpoint_every=10, log_every=5), images=white_images(), on_step=poison)
    finally:
        gtrain.build_models = real_build
    run_dir = tmp_path / "run"
    assert [p.name for p in ckpt.list_checkpoints(run_dir)] == ["step_0000010.pt"]
    good = ckpt.load_checkpoint(run_dir)
    assert all(torch.isfinite(t).all() for t in good["generator"].values())


def test_exploding_loss_stops_the_run_before_a_checkpoint_is_saved(tmp_path):
    # Any real loss is above 1e-6; the checkpoint step (3) is not a multiple of log_every (5).
    with pytest.raises(TrainingDiverged, match=r"step 3 .*mean loss above 1e-06.*no checkpoint was written"):
        train(tiny(tmp_path, steps=10, log_every=5, checkpoint_every=3, diverge_loss=1e-6), images=white_images())
    assert ckpt.list_checkpoints(tmp_path / "run") == []


def test_quiet_prints_nothing_but_still_logs_to_the_file(tmp_path, capsys):
    run = train(tiny(tmp_path, steps=2))
    assert capsys.readouterr() == ("", "")
    assert "done: " in (run.run_dir / "train.log").read_text()


def test_training_on_the_cpu_uses_fused_adam(tmp_path):
    run = train(tiny(tmp_path, steps=2))
    state = ckpt.load_checkpoint(run.run_dir)
    assert state["opt_g"]["param_groups"][0]["fused"] is True
    assert state["opt_d"]["param_groups"][0]["fused"] is True


def test_distributed_backend_follows_the_device(monkeypatch):
    from ganlib.distributed import dist_backend

    monkeypatch.delenv("GANLIB_DIST_BACKEND", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # a GPU machine training on its CPU
    assert (dist_backend("cpu"), dist_backend("cuda")) == ("gloo", "nccl")
    monkeypatch.setenv("GANLIB_DIST_BACKEND", "gloo")
    assert dist_backend("cuda") == "gloo"


@pytest.fixture
def everything_looks_learned(monkeypatch):
    """Samples count as data-like however they look, so a threshold above any possible diversity
    ratio makes every check a collapse: the plumbing is what these tests test."""
    from ganlib.metrics import CollapseMonitor

    monkeypatch.setattr(CollapseMonitor, "FAR", float("inf"))
    monkeypatch.setattr(CollapseMonitor, "FLAT", 0.0)


def test_collapse_warning_reaches_log_and_metrics(tmp_path, capsys, everything_looks_learned):
    run = train(tiny(tmp_path, steps=4, monitor_every=2, collapse_threshold=10.0, collapse_warmup=0))
    monitors = records(run.run_dir, "monitor")
    assert [m["step"] for m in monitors] == [2, 4] and all(m["collapsed"] for m in monitors)
    assert "possible mode collapse" in (run.run_dir / "train.log").read_text()
    assert "possible mode collapse" in capsys.readouterr().err


@pytest.mark.parametrize("ema_decay, folder", [(0.0, "samples"), (0.99, "samples/raw")])
def test_a_collapse_warning_names_a_grid_that_exists(tmp_path, capsys, everything_looks_learned, ema_decay, folder):
    # Grids every 5 steps, checks every 3: the grid of step 3 exists only because of the warning.
    # With an EMA copy it is the raw generator's, the one the monitor checked.
    run = train(tiny(tmp_path, steps=6, sample_every=5, monitor_every=3, collapse_threshold=10.0, collapse_warmup=0,
                     ema_decay=ema_decay))
    warnings = [line for line in capsys.readouterr().err.splitlines() if "mode collapse" in line]
    assert len(warnings) == 2 and warnings[0].endswith(f"see {folder}/step_0000003.png")
    for m in records(run.run_dir, "monitor"):
        assert (run.run_dir / m["grid"]).is_file()


def test_a_slow_start_is_not_called_collapse(tmp_path, capsys):
    # The untrained generator's flat grey samples are all alike, but unlike the data: "not learned
    # yet", said once, with no collapse warning.
    run = train(tiny(tmp_path, steps=4, monitor_every=1, collapse_warmup=0, quiet=False, lr_g=1e-12))
    out, err = capsys.readouterr()
    assert "mode collapse" not in err
    assert out.count("has not learned yet, which is not mode collapse") == 1
    monitors = records(run.run_dir, "monitor")
    assert all(m["verdict"] == "not learned yet" and not m["collapsed"] for m in monitors)
    assert monitors[0]["diversity_ratio"] < 0.3  # the old monitor warned here
    assert (run.run_dir / monitors[0]["grid"]).is_file()


def test_collapse_shows_in_the_progress_bar_at_the_step_it_is_found(tmp_path, capsys, everything_looks_learned):
    # The check at step 4 comes after that step's log line; the bar must not wait for the next one.
    train(tiny(tmp_path, steps=4, log_every=4, monitor_every=4, collapse_threshold=10.0, collapse_warmup=0,
               quiet=False))
    bar_lines = [line for line in capsys.readouterr().err.split("\r") if "img/s" in line]
    assert bar_lines and "MODE COLLAPSE?" in bar_lines[-1]


def test_a_run_stopped_before_its_first_checkpoint_is_not_appended_to(tmp_path):
    def stop(step):
        if step == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(tiny(tmp_path, steps=20, checkpoint_every=10), images=white_images(), on_step=stop)
    metrics_before = (tmp_path / "run" / "metrics.jsonl").read_text()
    with pytest.raises(ConfigError, match="wrote no checkpoint, so it cannot be resumed"):
        train(tiny(tmp_path, steps=20), images=white_images())
    assert (tmp_path / "run" / "metrics.jsonl").read_text() == metrics_before


def test_time_limit_and_callback_end_the_run_early(tmp_path):
    run = train(tiny(tmp_path, steps=1000), images=white_images(), on_step=lambda s: s == 3)
    assert run.step == 3 and ckpt.load_checkpoint(run.run_dir)["step"] == 3
    assert "--time-limit" not in (run.run_dir / "train.log").read_text()
    run = train(tiny(tmp_path, steps=10**6, time_limit=0.5, out=str(tmp_path / "t")), images=white_images())
    assert 0 < run.step < 10**6 and (run.run_dir / "samples" / "final.png").exists()
    # the log says why the run ended early, and how to go on
    assert f"stopped by --time-limit 0.5 s at step {run.step} of 1000000; continue with: ganlib train --resume " \
           in (run.run_dir / "train.log").read_text()


def test_invalid_config_names_the_option(tmp_path):
    with pytest.raises(ConfigError, match=r"^--label-smoothing must be in \[0, 1\), not 1.5$"):
        train(tiny(tmp_path, label_smoothing=1.5))
    with pytest.raises(ConfigError, match="^--image-size must be one of 16, 28, 32, 64, 128, not 20$"):
        train(tiny(tmp_path, image_size=20))
    with pytest.raises(ConfigError, match="^--steps must be at least 1, not 0$"):
        train(tiny(tmp_path, steps=0))
    with pytest.raises(ConfigError, match=r"^--time-limit must be 0 \(no limit\) or a number of seconds > 0, not -3.0$"):
        train(tiny(tmp_path, time_limit=-3.0))
    assert not (tmp_path / "run").exists()


def test_the_loop_runs_the_shared_gan_step(tmp_path, monkeypatch):
    import ganlib.train as gtrain

    batches_per_call = []
    real_step = gtrain.gan_step

    def counting_step(G, D, opt_g, opt_d, real, z, **options):
        batches_per_call.append(len(real))
        return real_step(G, D, opt_g, opt_d, real, z, **options)

    monkeypatch.setattr(gtrain, "gan_step", counting_step)
    train(tiny(tmp_path, steps=3, d_steps=2), images=white_images())
    assert batches_per_call == [2, 2, 2]  # one call per step, with d_steps real batches


def test_checkpoints_are_written_in_the_background_from_a_copy_of_the_weights(tmp_path, monkeypatch):
    """The loop goes on while a checkpoint is written, and the file holds the weights of its own
    step, not those of the steps trained meanwhile."""
    import threading

    release, written, steps_while_writing = threading.Event(), threading.Event(), []
    real_save = ckpt.save_checkpoint

    def slow_save(run_dir, step, payload, keep):
        release.wait(timeout=10)  # step 3's file is held until the loop has trained on past step 3
        path = real_save(run_dir, step, payload, keep)
        written.set()
        return path

    def on_step(step):
        if 3 < step <= 5 and not written.is_set():
            steps_while_writing.append(step)
        if step == 5:
            release.set()

    monkeypatch.setattr(ckpt, "save_checkpoint", slow_save)
    run = train(tiny(tmp_path, steps=6, checkpoint_every=3, keep_checkpoints=5), images=white_images(),
                on_step=on_step)
    assert steps_while_writing == [4, 5]  # training did not wait for step 3's file
    at_3 = torch.load(run.run_dir / "checkpoints" / "step_0000003.pt", weights_only=True)
    at_6 = torch.load(run.run_dir / "checkpoints" / "step_0000006.pt", weights_only=True)
    assert at_3["step"] == 3 and at_6["step"] == 6
    assert not all(torch.equal(at_3["generator"][k], at_6["generator"][k]) for k in at_3["generator"])
    assert all(torch.equal(v, run.generator.state_dict()[k]) for k, v in at_6["generator"].items())


def test_a_failed_background_write_stops_the_run_with_its_error(tmp_path, monkeypatch):
    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ckpt, "save_checkpoint", full_disk)
    with pytest.raises(OSError, match="No space left"):
        train(tiny(tmp_path, steps=6, checkpoint_every=2), images=white_images())


def test_sample_grids_draw_only_the_images_they_show(tmp_path, monkeypatch):
    """A grid shows 64 images, so the generator is run on 64 noise vectors for it; only the
    collapse monitor, which measures spread, draws all 256."""
    from ganlib import models

    batches = []
    forward = models.DCGANGenerator.forward

    def counting(self, z):
        if not self.training:
            batches.append(len(z))
        return forward(self, z)

    monkeypatch.setattr(models.DCGANGenerator, "forward", counting)
    train(tiny(tmp_path, steps=4, sample_every=2), images=white_images())
    assert batches == [64, 64, 64, 64]  # steps 0, 2, 4 and final.png
    batches.clear()
    train(tiny(tmp_path, steps=4, sample_every=4, monitor_every=2, out=str(tmp_path / "monitored")),
          images=white_images())
    assert sorted(batches) == [64, 64, 64, 256, 256]


@pytest.mark.parametrize("amx, amp, expected", [(True, True, True), (False, True, False), (True, False, False)])
def test_cpu_steps_use_bf16_only_where_the_cpu_computes_it(tmp_path, monkeypatch, amx, amp, expected):
    """bf16 autocast on a CPU only with AMX (elsewhere it is emulated, slower than fp32), and never
    with --no-amp."""
    import ganlib.train as gtrain

    seen = []
    real_step = gtrain.gan_step

    def recording_step(G, D, opt_g, opt_d, real, z, **options):
        seen.append(options["amp"])
        return real_step(G, D, opt_g, opt_d, real, z, **options)

    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: amx, raising=False)
    monkeypatch.setattr(gtrain, "gan_step", recording_step)
    train(tiny(tmp_path, steps=2, amp=amp, device="cpu"), images=white_images())
    assert seen == [expected, expected]


def test_a_first_signal_is_recorded_and_a_second_acts_at_once(request):
    from ganlib.interrupts import StopRequest, signal_name

    # A learner's Python raises KeyboardInterrupt on Ctrl-C; a pytest-xdist worker ignores SIGINT
    # (Ctrl-C goes to the controller), so the test gives itself Python's usual handler.
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    request.addfinalizer(lambda: signal.signal(signal.SIGINT, saved))
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with StopRequest() as stop:
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.signum == signal.SIGINT and signal_name(stop.signum) == "Ctrl-C"
        with pytest.raises(KeyboardInterrupt):  # a loop that hangs can still be stopped
            os.kill(os.getpid(), signal.SIGINT)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_sigterm_stops_after_the_step_with_a_checkpoint_and_status_143(tmp_path, capsys, monkeypatch):
    import ganlib.train as gtrain

    real_train = gtrain.train
    monkeypatch.setattr(gtrain, "train", lambda cfg, **kw: real_train(
        cfg, on_step=lambda step: step == 6 and os.kill(os.getpid(), signal.SIGTERM), **kw))
    run = tmp_path / "run"
    status, _, err = run_ganlib(["train", "--image-size", "16", "--g-width", "8", "--d-width", "8", "--latent-dim", "8",
                                 "--batch-size", "16", "--fid-samples", "0", "--monitor-every", "0", "--quiet",
                                 "--steps", "50", "--checkpoint-every", "5", "--out", run], capsys)
    assert status == 128 + signal.SIGTERM
    assert [p.name for p in ckpt.list_checkpoints(run)] == ["step_0000005.pt", "step_0000007.pt"]
    assert err == (f"ganlib train: stopped by SIGTERM at step 7; wrote {run}/checkpoints/step_0000007.pt\n"
                   f"continue with: ganlib train --resume {run}\n")
    assert "stopped by SIGTERM at step 7" in (run / "train.log").read_text()
    assert records(run)[-1]["step"] == 7  # the last step is logged too


def test_with_an_ema_copy_the_run_says_so_and_keeps_the_raw_grids_too(tmp_path, capsys):
    run = train(tiny(tmp_path, steps=10, sample_every=5, ema_decay=0.99, quiet=False), images=white_images())
    assert "sample grids and final.png come from the EMA copy of the generator (--ema-decay 0.99)" in capsys.readouterr().out
    names = ["step_0000000.png", "step_0000005.png", "step_0000010.png", "final.png"]
    assert sorted(p.name for p in (run.run_dir / "samples" / "raw").iterdir()) == sorted(names)
    ema_grid, raw_grid = (Image.open(run.run_dir / "samples" / sub / "step_0000010.png") for sub in ("", "raw"))
    assert ema_grid.tobytes() != raw_grid.tobytes()
