"""Estimates before long runs: the arithmetic, the settings suggested, and that timing a run
changes nothing in it. No test here depends on how fast this machine is."""
import dataclasses

import torch

from ganlib import estimate
from ganlib.style import StyleConfig
from ganlib.style_watch import StyleWatch
from ganlib.train import TrainConfig, run_estimate_message, train


def test_durations_and_round_numbers_read_naturally():
    assert [estimate.duration(s) for s in (40, 420, 2820, 5400)] == ["about 40 s", "about 7 min", "about 47 min",
                                                                      "about 1.5 h"]
    assert [estimate.round_down(n) for n in (7, 87, 422, 1234, 25_999)] == [7, 87, 420, 1200, 25_000]


def test_a_long_training_run_gets_an_estimate_and_shorter_settings():
    # The learner's 64-pixel run: 10,000 steps at 3.5 steps/s on two cores.
    cfg = TrainConfig(data="folder:my-images", image_size=64, steps=10_000, out="runs/mine")
    message = run_estimate_message(cfg, step=2, total=9998 / 3.5, seconds_per_step=1 / 3.5, evals=0, seconds_per_eval=0)
    assert message.startswith("estimate: about 48 min on this machine (9998 steps at 3.5 steps/s)")
    assert "--image-size 32 (4x fewer pixels)" in message and "--steps 420 (about 2 min)" in message
    assert "ganlib train --resume runs/mine continues" in message
    # With cFID evaluations that take a good share of the time, --eval-every 0 is suggested too.
    message = run_estimate_message(dataclasses.replace(cfg, image_size=32), step=2, total=600, seconds_per_step=0.05,
                                   evals=20, seconds_per_eval=5.0)
    assert "20 cFID evaluations of 5.0 s each" in message and "--eval-every 0" in message
    assert "--image-size" not in message
    # A run of under two minutes starts without a word.
    assert run_estimate_message(cfg, step=2, total=100, seconds_per_step=0.01, evals=0, seconds_per_eval=0) is None


def test_a_long_style_run_gets_an_estimate_from_its_first_level():
    said = []
    watch = StyleWatch(torch.zeros(1, 3, 512, 384), StyleConfig(size=512, steps=300, pyramid=3), say=said.append)
    assert watch.sizes == [(128, 96), (256, 192), (512, 384)]
    watch._estimate(0.07, done=5)  # seconds per evaluation at 128x96
    # 300 evaluations at each level, each level 4x the pixels of the last: 0.07 * 300 * (1 + 4 + 16) s.
    assert said == [f"estimate: about 7 min on this machine (900 evaluations over 3 levels up to 384x512, 1.1 s each "
                    f"at full size). Shorter: --size 256 (4x fewer pixels), --steps 100, --coarse-steps 100; "
                    f"Ctrl-C stops it and keeps the latest picture"]
    said.clear()
    StyleWatch(torch.zeros(1, 3, 128, 128), StyleConfig(size=128, steps=50), say=said.append)._estimate(0.01, 5)
    assert said == []
    # A first level under 128 pixels is not timed: its evaluations are mostly fixed overhead.
    watch = StyleWatch(torch.zeros(1, 3, 256, 256), StyleConfig(size=256, steps=300, pyramid=3), say=said.append)
    assert watch.sizes[:2] == [(64, 64), (128, 128)] and watch.timed_level == 1
    watch._estimate(0.25, done=10)  # at 128 pixels: 290 more there and 300 at 256 pixels (4x the pixels)
    assert said[0].startswith("estimate: about 6 min on this machine (900 evaluations over 3 levels up to 256x256, "
                              "1.0 s each at full size)")


class FakeTime:
    """perf_counter for StepClock: each call to step(seconds) moves it on."""

    def __init__(self):
        self.now = 100.0

    def step(self, seconds):
        self.now += seconds

    def __call__(self):
        return self.now


def test_the_clock_leaves_out_its_warm_up_steps(monkeypatch):
    clock_time = FakeTime()
    monkeypatch.setattr(estimate.time, "perf_counter", clock_time)
    clock = estimate.StepClock(min_steps=4, min_seconds=1.0, warmup=3)
    told = []
    for seconds in [5.0, 3.0, 2.0] + [0.5] * 6:  # three slow warm-up steps, then steady ones
        clock_time.step(seconds)
        told.append(clock.tick())
    assert told[:6] == [None] * 6 and told[6] == 0.5 and told[7:] == [None, None]


def test_a_style_estimate_is_timed_after_the_warm_up_and_on_a_level_long_enough(monkeypatch):
    clock_time = FakeTime()
    monkeypatch.setattr(estimate.time, "perf_counter", clock_time)
    said = []
    # 512 px: levels of 128, 256 and 512 pixels; an evaluation costs 0.1 s at 128 after 5 slow ones.
    watch = StyleWatch(torch.zeros(1, 3, 512, 512), StyleConfig(size=512, steps=300, pyramid=3), say=said.append)
    x = torch.zeros(1, 3, 8, 8)
    for evaluation in range(1, 30):
        clock_time.step(1.0 if evaluation <= 5 else 0.1)
        watch(0, evaluation, x, None)
    # 0.1 s x (300 - 25 + 4 x 300 + 16 x 300) evaluations: about 10.5 min, not the 2x of timing the warm-up
    assert len(said) == 1 and said[0].startswith("estimate: about 10 min on this machine (900 evaluations"), said
    # A timed level too short to be timed (--coarse-steps 8) passes the clock on to the next level.
    said.clear()
    watch = StyleWatch(torch.zeros(1, 3, 512, 512), StyleConfig(size=512, steps=300, coarse_steps=8, pyramid=3),
                       say=said.append)
    for level, count in ((0, 8), (1, 8), (2, 20)):
        for evaluation in range(1, count + 1):
            clock_time.step(1.0 if evaluation <= 5 else 0.1 * 4 ** level)  # 4x the pixels a level
            watch(level, evaluation, x, None)
    assert len(said) == 1 and said[0].startswith("estimate: about 8 min on this machine (316 evaluations"), said


def test_timing_a_run_for_its_estimate_changes_nothing_in_it(tmp_path, monkeypatch, capsys):
    import ganlib.train as gtrain

    class SlowClock:  # as if each step took a second: the run "looks" long, whatever this machine does
        def tick(self):
            return 1.0

    common = dict(image_size=16, g_width=8, d_width=8, latent_dim=8, batch_size=16, steps=1000, fid_samples=50,
                  eval_every=0, monitor_every=0)
    stop_at_4 = lambda step: step == 4  # noqa: E731
    monkeypatch.setattr(gtrain, "StepClock", SlowClock)
    timed = train(TrainConfig(out=str(tmp_path / "timed"), quiet=False, **common), on_step=stop_at_4)
    out = capsys.readouterr().out
    assert "estimate: about 17 min on this machine (999 steps at 1.0 steps/s, 1 cFID evaluation of" in out
    plain = train(TrainConfig(out=str(tmp_path / "plain"), quiet=True, **common), on_step=stop_at_4)
    assert plain.final_scores == timed.final_scores  # the throwaway evaluation left no trace
    for a, b in zip(plain.generator.parameters(), timed.generator.parameters()):
        assert torch.equal(a, b)
