"""`ganlib bench process REFERENCE`: a short `ganlib train` run against the reference DCGAN
program, pytorch/examples `dcgan/main.py`, each timed as a whole process, start-up included.

`ganlib bench train` times steps after a warm-up; a learner's short run also pays for start-up:
imports, decoding the images, sample grids, checkpoints. This benchmark times everything, from
starting Python to its exit, the way a learner would with a stopwatch.

Both train the same DCGAN (nz 100, ngf = ndf = 64, 64x64 RGB, batch 128, Adam 2e-4, beta1 0.5) for
24 steps:

* reference: `python main.py --dataset fake --batchSize 128 --imageSize 64 --niter 3 --workers 2`:
  3 epochs of FakeData's 1,000 random images (8 batches each, the last one smaller), a sample grid
  per epoch and the two networks' weights saved after each epoch;
* ganlib: `ganlib train --data folder:DIR ... --steps 24 --sample-every 8 --checkpoint-every 8` on a
  folder of 1,000 random 64x64 PNGs, with sample grids, checkpoints (optimiser state included) and
  the progress GIF, as a learner's run writes them.

The reference program is not part of ganlib and is never downloaded by it: pass the path of a
pytorch/examples checkout (or of its `dcgan/main.py`). Runs alternate (reference, ganlib cold,
ganlib warm, ...) so a machine that gets busier slows all of them; the medians are compared.
"cold" gives ganlib an empty cache folder, so it decodes the PNGs; "warm" reuses the decoded
folder that an earlier run cached, as a learner's second run on the same folder does.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ganlib.cliargs import UsageError, positive_int

IMAGES = 1000  # FakeData's default size
STEPS = 24  # 3 epochs of ceil(1000 / 128) = 8 batches


def reference_script(path: Path) -> Path:
    """dcgan/main.py inside a pytorch/examples checkout (or the file itself)."""
    path = Path(path)
    script = path / "dcgan" / "main.py" if path.is_dir() else path
    if not script.is_file():
        raise UsageError(f"{path} holds no dcgan/main.py; pass a pytorch/examples checkout or its dcgan/main.py")
    return script


def write_random_pngs(folder: Path, count: int = IMAGES, size: int = 64, seed: int = 0) -> None:
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8)).save(folder / f"{i:04d}.png")


def commands(script: Path, folder: Path, out: Path, accel: bool) -> dict[str, list[str]]:
    reference = [sys.executable, str(script), "--dataset", "fake", "--batchSize", "128", "--imageSize", "64",
                 "--niter", "3", "--workers", "2", "--outf", str(out / "reference")]
    ganlib = [sys.executable, "-m", "ganlib", "train", "--data", f"folder:{folder}", "--image-size", "64",
              "--channels", "3", "--batch-size", "128", "--latent-dim", "100", "--g-width", "64", "--d-width", "64",
              "--steps", str(STEPS), "--monitor-every", "0", "--eval-every", "0", "--sample-every", "8",
              "--checkpoint-every", "8", "--quiet", "--device", "cuda" if accel else "cpu"]
    return {"reference": reference + (["--accel"] if accel else []), "ganlib": ganlib}


def timed_run(command: list[str], env: dict, log_file: Path) -> float:
    """Wall-clock seconds of one process; its output goes to log_file. A failure is an error."""
    with open(log_file, "w") as log:
        start = time.perf_counter()
        done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = log_file.read_text(errors="replace").strip().splitlines()[-3:]
        raise UsageError(f"{' '.join(command[:3])} ... exited with status {done.returncode}: {' | '.join(tail)}")
    return seconds


def run_benchmark(script: Path, runs: int, accel: bool, log=print, workdir: Path | None = None) -> dict:
    """Time `runs` alternating rounds; everything is written under `workdir` (default: a temporary
    folder, deleted afterwards)."""
    with tempfile.TemporaryDirectory(prefix="ganlib-bench-process-") as tmp:
        tmp = Path(workdir or tmp)
        folder = tmp / "png"
        write_random_pngs(folder, IMAGES)
        cmds = commands(script, folder, tmp, accel)
        # ganlib from the checkout this module belongs to, whatever the working directory.
        base_env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
        warm_cache = tmp / "warm-cache"
        warm_env = dict(base_env, GANLIB_CACHE=str(warm_cache))
        # Fill the warm cache (untimed): the first run on a folder decodes it.
        timed_run(cmds["ganlib"] + ["--out", str(tmp / "fill")], warm_env, tmp / "fill.log")
        times: dict[str, list[float]] = {"reference": [], "ganlib_cold": [], "ganlib_warm": []}
        for i in range(runs):
            times["reference"].append(timed_run(cmds["reference"], base_env, tmp / f"reference{i}.log"))
            cold_env = dict(base_env, GANLIB_CACHE=str(tmp / f"cold-cache{i}"))
            times["ganlib_cold"].append(timed_run(cmds["ganlib"] + ["--out", str(tmp / f"cold{i}")], cold_env,
                                                  tmp / f"cold{i}.log"))
            times["ganlib_warm"].append(timed_run(cmds["ganlib"] + ["--out", str(tmp / f"warm{i}")], warm_env,
                                                  tmp / f"warm{i}.log"))
            log(f"round {i + 1}: reference {times['reference'][-1]:.1f} s, ganlib {times['ganlib_cold'][-1]:.1f} s "
                f"(cold cache), {times['ganlib_warm'][-1]:.1f} s (warm cache)")
    medians = {k: statistics.median(v) for k, v in times.items()}
    result = {"runs": runs, "steps": STEPS, "images": IMAGES, "accel": accel, "seconds": times,
              "median_seconds": medians,
              "speedup_cold": medians["reference"] / medians["ganlib_cold"],
              "speedup_warm": medians["reference"] / medians["ganlib_warm"],
              "commands": {"reference": " ".join(cmds["reference"][1:]), "ganlib": " ".join(cmds["ganlib"][1:])}}
    log(f"median of {runs}: reference {medians['reference']:.1f} s; ganlib {medians['ganlib_cold']:.1f} s cold "
        f"({result['speedup_cold']:.2f}x), {medians['ganlib_warm']:.1f} s warm ({result['speedup_warm']:.2f}x)")
    return result


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("reference", metavar="REFERENCE", help="a pytorch/examples checkout, or its dcgan/main.py")
    p.add_argument("--runs", type=positive_int, default=3, help="timed runs of each (default 3; medians compared)")
    p.add_argument("--accel", action="store_true", help="train on the GPU (the reference's --accel, ganlib's --device cuda)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")


def run_cli(args: argparse.Namespace) -> int:
    script = reference_script(Path(args.reference))
    result = run_benchmark(script, args.runs, args.accel, log=lambda m: print(m, flush=True))
    result["reference_script"] = str(script)
    if args.json:
        from ganlib.checkpoint import atomic_write_text

        atomic_write_text(Path(args.json), json.dumps(result, indent=2) + "\n")
    return 0
