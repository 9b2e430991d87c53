"""`torchrun --nproc_per_node 2 -m ganlib train` on the CPU: DistributedDataParallel over gloo."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from ganlib import checkpoint as ckpt

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_process_ddp_training(tmp_path):
    run = tmp_path / "ddp"
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_addr", "127.0.0.1",
           "--master_port", str(free_port()), "-m", "ganlib", "train", "--device", "cpu", "--image-size", "16",
           "--g-width", "8", "--d-width", "8", "--latent-dim", "8", "--batch-size", "8", "--steps", "6",
           "--checkpoint-every", "3", "--log-every", "3", "--d-skip-below", "0.01", "--ema-decay", "0.9",
           "--fid-samples", "0", "--monitor-every", "0", "--quiet", "--out", str(run)]
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    state = ckpt.load_checkpoint(run)
    # Each checkpoint compared both ranks' weights (the run stops if they differ); here we check the
    # run really had two ranks with their own noise streams.
    assert state["step"] == 6 and state["world_size"] == 2 and state["backend"] == "gloo"
    assert len(state["noise_rng"]) == 2 and not torch.equal(*state["noise_rng"])
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records if r["kind"] == "train"] == [3, 6]
    assert not (run / "samples" / "final.png").stat().st_size == 0


def test_close_ends_the_process_group_and_is_a_no_op_without_one():
    import torch.distributed as dist

    from ganlib import distributed

    distributed.close()  # no group: nothing to do
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{free_port()}", rank=0, world_size=1)
    try:
        assert distributed.world_size() == 1 and dist.is_initialized()
        distributed.close()
        assert not dist.is_initialized()
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
