"""Exact resumption: a run killed with SIGKILL and resumed ends bit-identical to an uninterrupted one."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from conftest import signal_when_ready
from ganlib import checkpoint as ckpt

REPO = Path(__file__).resolve().parents[1]
ARGS = ["--image-size", "16", "--g-width", "8", "--d-width", "8", "--latent-dim", "8", "--batch-size", "16",
        "--steps", "24", "--checkpoint-every", "5", "--log-every", "2", "--d-steps", "2", "--ema-decay", "0.9",
        "--label-smoothing", "0.1", "--fid-samples", "0", "--monitor-every", "0", "--quiet", "--device", "cpu"]

# Runs `ganlib train` in-process and SIGKILLs itself right after step KILL_AT's updates.
KILLER = """
import os, signal, sys
import ganlib.train as t
real_train = t.train
def train_then_die(cfg, **kw):
    kill_at = int(os.environ["KILL_AT"])
    kw["on_step"] = lambda step: step == kill_at and os.kill(os.getpid(), signal.SIGKILL)
    return real_train(cfg, **kw)
t.train = train_then_die
from ganlib.cli import main
sys.exit(main(sys.argv[1:]))
"""


def ganlib(args, cwd, extra_env=None, code=None):
    env = {**os.environ, "PYTHONPATH": str(REPO), **(extra_env or {})}
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "ganlib", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def assert_same_tensors(a, b, where=""):
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            assert_same_tensors(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same_tensors(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def train_records(run):
    out = []
    for line in (run / "metrics.jsonl").read_text().splitlines():
        rec = json.loads(line)
        if rec["kind"] == "train":
            out.append({k: v for k, v in rec.items() if k not in ("time", "images_per_s")})
    return out


@pytest.mark.slow
def test_sigkill_then_resume_is_bit_identical(tmp_path):
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    done = ganlib(["train", *ARGS, "--out", str(whole)], tmp_path)
    assert done.returncode == 0, done.stderr

    killed = ganlib(["train", *ARGS, "--out", str(broken)], tmp_path, {"KILL_AT": "13"}, code=KILLER)
    assert killed.returncode == -signal.SIGKILL
    assert ckpt.load_checkpoint(broken)["step"] == 10  # steps 11-13 were lost with the process

    resumed = ganlib(["train", "--resume", str(broken)], tmp_path)
    assert resumed.returncode == 0, resumed.stderr

    a, b = ckpt.load_checkpoint(whole), ckpt.load_checkpoint(broken)
    assert a["step"] == b["step"] == 24
    for key in ("generator", "discriminator", "generator_ema", "opt_g", "opt_d", "noise_rng", "torch_rng"):
        assert_same_tensors(a[key], b[key], key)
    # The redone steps replaced the lost ones in metrics.jsonl rather than being appended twice.
    assert train_records(whole) == train_records(broken)


def test_checkpoint_from_another_config_is_refused(tmp_path):
    from ganlib.train import TrainConfig, train

    cfg = TrainConfig(image_size=16, g_width=8, d_width=8, latent_dim=8, batch_size=16, steps=2, quiet=True,
                      fid_samples=0, monitor_every=0, out=str(tmp_path / "run"))
    run = train(cfg)
    expect = {**json.loads((run.run_dir / "config.json").read_text()), "image_size": 32, "g_width": 16}
    with pytest.raises(ckpt.CheckpointError, match=r"image_size: checkpoint 16, config 32; g_width: checkpoint 8"):
        ckpt.load_generator(run.run_dir, expect=expect)
    generator, config = ckpt.load_generator(run.run_dir)
    assert config["image_size"] == 16 and not generator.training


TINY = ["--image-size", "16", "--g-width", "8", "--d-width", "8", "--latent-dim", "8", "--batch-size", "16",
        "--fid-samples", "0", "--monitor-every", "0", "--device", "cpu", "--log-every", "1"]


def test_ctrl_c_writes_a_checkpoint_and_says_how_to_resume(tmp_path):
    # A learner's run: default run folder, Ctrl-C (SIGINT) some steps in, then the printed command.
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "ganlib", "train", *TINY, "--steps", "100000"], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_line = proc.stdout.readline()  # the run names its folder before it trains
        assert first_line.startswith("run folder: runs/"), first_line
        run = tmp_path / first_line.split()[2]
        metrics = run / "metrics.jsonl"
        out, err = signal_when_ready(proc, lambda: metrics.exists() and metrics.read_text().count("\n") >= 3,
                                     signal.SIGINT)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    state = ckpt.load_checkpoint(run)
    step = state["step"]
    assert step >= 3 and step % 500  # written at the step reached, not a scheduled checkpoint
    assert f"ganlib train: stopped by Ctrl-C at step {step}; wrote {run.relative_to(tmp_path)}/checkpoints/" in err
    resume_command = err.strip().splitlines()[-1]
    assert resume_command == f"continue with: ganlib train --resume {run.relative_to(tmp_path)}"

    # The printed command continues from that checkpoint (here up to three more steps) ...
    resumed = ganlib([*resume_command.split()[3:], "--steps", str(step + 3)], tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"at step {step} from step_{step:07d}.pt" in resumed.stdout
    # ... and ends exactly where an uninterrupted run of as many steps ends.
    whole = ganlib(["train", *TINY, "--steps", str(step + 3), "--out", "whole", "--quiet"], tmp_path)
    assert whole.returncode == 0, whole.stderr
    a, b = ckpt.load_checkpoint(tmp_path / "whole"), ckpt.load_checkpoint(run)
    assert a["step"] == b["step"] == step + 3
    for key in ("generator", "discriminator", "opt_g", "opt_d", "noise_rng", "torch_rng"):
        assert_same_tensors(a[key], b[key], key)
