"""The lesson's two-phase step lives in one place, `ganlib.step.gan_step`: `ganlib train` runs it
(tests/test_gan_train.py), the notebook's own `gan_step` computes the same weights
(tests/test_gan_pytorch_notebook.py), and `ganlib bench train` times it through ganlib's trainer."""
from __future__ import annotations

import pytest

import ganlib.train as gtrain
from ganlib import bench_train
from ganlib.bench_train import BenchConfig, run_benchmark


@pytest.mark.slow  # two tiny benchmark rounds: a few seconds
def test_bench_train_times_the_shared_step(monkeypatch):
    calls = []
    real_step = gtrain.gan_step

    def counting_step(*args, **options):
        calls.append(options)
        return real_step(*args, **options)

    monkeypatch.setattr(gtrain, "gan_step", counting_step)
    digits = bench_train.gdata.load_digits_uint8()[:32]  # a few are enough, and PNG-encoding all is slow
    monkeypatch.setattr(bench_train.gdata, "load_digits_uint8", lambda: digits)
    cfg = BenchConfig(image_size=16, batch_size=8, width=8, latent_dim=8, steps=2, warmup=1, repeats=2, workers=0)
    result = run_benchmark(cfg, log=lambda _line: None)
    assert len(calls) == cfg.repeats * (cfg.warmup + cfg.steps), "every optimized step is one call of gan_step"
    assert len(result["optimized_images_per_s"]) == cfg.repeats
