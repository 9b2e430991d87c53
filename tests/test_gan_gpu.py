"""The CUDA path (bf16 autocast, channels_last, fused Adam, data on the GPU); skipped without CUDA."""
import pytest
import torch

from ganlib import checkpoint as ckpt
from ganlib.train import TrainConfig, train

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")]


@pytest.mark.parametrize("compile_", [False, True])
def test_cuda_training_runs_and_resumes(tmp_path, compile_):
    cfg = TrainConfig(image_size=32, batch_size=32, steps=20, checkpoint_every=10, log_every=5, device="cuda",
                      compile=compile_, fid_samples=200, eval_every=0, monitor_every=10, quiet=True,
                      out=str(tmp_path / "run"))
    run = train(cfg)
    assert run.step == 20 and run.final_scores["cfid"] > 0
    assert next(run.generator.parameters()).is_cuda
    state = ckpt.load_checkpoint(run.run_dir)
    assert all(torch.isfinite(t).all() for t in state["generator"].values())
    longer = train(TrainConfig(**{**cfg.__dict__, "steps": 30}), resume=True)
    assert longer.step == 30


def test_cuda_bench_reports_a_ratio():
    from ganlib.bench_train import BenchConfig, run_benchmark

    result = run_benchmark(BenchConfig(image_size=32, batch_size=64, width=32, steps=5, warmup=2, repeats=1),
                           log=lambda _m: None)
    assert result["speedup"] > 0 and "CUDA" in result["device"]
