"""`coursekit render`: execute the course notebooks and publish what the site shows from them.

    coursekit render [--notebook NAME ...] [--mode full|cpu|smoke]   rewrite notebooks and outputs
    coursekit render --check [--notebook NAME ...]                    smoke run; writes nothing
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from coursekit.render.declare import MODES, DeclarationError, load_settings
from coursekit.render.execute import RenderError
from coursekit.render.publish import check_notebook, git_commit, render_notebook, renderable


def add_parser(subparsers):
    render = subparsers.add_parser(
        "render", help="execute the notebooks and publish their outputs (maintainers)",
        description="Execute docs/notebooks/NAME.ipynb in place (outputs stored) and publish the images and "
                    "records its cells declare into docs/assets/generated/ and manifest.json. Run sizes come "
                    "from coursekit/render/settings.yml. --check runs in smoke mode on a copy and changes nothing.")
    render.add_argument("--notebook", metavar="NAME", action="append",
                        help="only this notebook (docs/notebooks/NAME.ipynb); repeatable; default: every one in settings.yml")
    render.add_argument("--mode", choices=MODES, default=None,
                        help="cpu (default: the sizes learners see, minutes on two cores), full (a CUDA GPU) "
                             "or smoke (seconds)")
    render.add_argument("--check", action="store_true", help="run in smoke mode on a temporary copy; write nothing")
    render.add_argument("--timeout", type=int, default=1800, help="seconds one cell may run (default 1800)")
    render.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1),
                        help="CPU threads for torch in the notebooks (default 2: the CPU sizes are meant for two cores)")
    render.add_argument("--root", type=Path, help="the repository root (default: the folder with mkdocs.yml at or above this one)")
    render.set_defaults(func=run)
    return render


def run(args) -> int:
    from coursekit.i18n.site import I18nError, find_root

    try:
        root = find_root(args.root)
        settings = load_settings()
    except (I18nError, DeclarationError) as exc:
        return _error(str(exc), 2)
    known = renderable(root, settings)
    names = args.notebook or known
    unknown = [n for n in names if n not in known]
    if unknown:
        return _error(f"no renderable notebook {', '.join(unknown)}; coursekit/render/settings.yml lists "
                      f"{', '.join(known) or 'none'}", 2)
    if args.check and args.mode not in (None, "smoke"):
        return _error("--check always runs in smoke mode; leave out --mode", 2)
    if args.threads < 1 or args.timeout < 1:
        return _error("--threads and --timeout must be at least 1", 2)
    commit = git_commit(root)  # before the first notebook is rewritten, which would make the tree look dirty
    try:
        for name in names:
            if args.check:
                check_notebook(name, root, timeout=args.timeout, threads=args.threads, settings=settings)
            else:
                render_notebook(name, args.mode or "cpu", root, commit=commit, timeout=args.timeout,
                                threads=args.threads, settings=settings)
    except (RenderError, DeclarationError) as exc:
        return _error(str(exc), 1)
    return 0


def _error(message: str, status: int) -> int:
    print(f"coursekit: error: {message}", file=sys.stderr)
    return status
