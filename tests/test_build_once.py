"""What the plugin derives from the repository is collected once per build and shared by the six
language passes; `mkdocs serve` collects again only when a watched file changed; each source
file is read once per build."""
from __future__ import annotations

import collections
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
from coursekit import plugin as plugin_module


def load(project: Path):
    from mkdocs.config import load_config

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    return load_config(str(project / "mkdocs.yml"), strict=True, site_dir=str(project / "site"))


def test_serve_collects_again_only_when_a_watched_file_changed(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    calls = []
    real = plugin_module.collect
    monkeypatch.setattr(plugin_module, "collect", lambda *a, **k: calls.append(1) or real(*a, **k))
    config = load(project)
    config.plugins.on_startup(command="serve", dirty=False)
    i18n, ours = config.plugins["i18n"], config.plugins["coursekit"]

    def build_start(language_pass: bool):
        i18n.building = language_pass
        config.plugins.on_config(config)
        ours.on_pre_build(config)

    build_start(False)
    for _ in range(5):  # static-i18n's passes for the other languages: on_config and on_pre_build again
        build_start(True)
    assert len(calls) == 1
    build_start(False)  # a rebuild with nothing changed (MkDocs keeps a plugin with on_startup)
    assert len(calls) == 1 and ours.site is not None
    page = project / "translations" / "sv" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEn ny mening.\n", encoding="utf-8")
    build_start(False)
    assert len(calls) == 2


def test_mkdocs_messages_name_the_real_file(tmp_path):
    """MkDocs' own warnings name a translated page by its virtual name (index.de.md); the plugin
    puts the repository file in its place."""
    from types import SimpleNamespace

    site = SimpleNamespace(edit_paths={"lessons/gan/index.de.md": ROOT / "translations/de/lessons/gan/index.md"},
                           real_file=lambda uri: "translations/de/lessons/gan/index.md")
    plugin_module._REAL_FILE_NAMES.plugin = SimpleNamespace(site=site)
    try:
        record = logging.LogRecord("mkdocs.structure.pages", logging.WARNING, __file__, 1,
                                   "Doc file '%s' contains a link '%s', but the target is not found.",
                                   ("lessons/gan/index.de.md", "../x.md"), None)
        plugin_module._REAL_FILE_NAMES.filter(record)
        assert record.getMessage() == ("Doc file 'translations/de/lessons/gan/index.md' contains a link '../x.md', "
                                       "but the target is not found.")
    finally:
        plugin_module._REAL_FILE_NAMES.plugin = None


COUNTER = r'''
import collections, io, json, os, subprocess, sys
from pathlib import Path
root = Path(sys.argv[1]).resolve()
opens, gits = collections.Counter(), collections.Counter()

def from_coursekit():
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("coursekit"):
            return True
        frame = frame.f_back
    return False

real_open = io.open
def counting_open(file, mode="r", *args, **kwargs):
    if "r" in mode and isinstance(file, (str, os.PathLike)):
        path = Path(file).resolve()
        if path.is_relative_to(root) and path.relative_to(root).parts[0] in ("docs", "translations", "quiz") and from_coursekit():
            opens[path.relative_to(root).as_posix()] += 1
    return real_open(file, mode, *args, **kwargs)
io.open = counting_open

real_run = subprocess.run
def counting_run(args, *rest, **kwargs):
    if args and args[0] == "git":
        gits[" ".join(a for a in args[3:] if not a.startswith("-"))] += 1
    return real_run(args, *rest, **kwargs)
subprocess.run = counting_run

os.environ["NO_MKDOCS_2_WARNING"] = "1"
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(str(root / "mkdocs.yml"), strict=True, site_dir=sys.argv[2])
config.plugins.on_startup(command="build", dirty=False)
build(config)
print(json.dumps({"opens": opens, "git": gits}))
'''


@pytest.mark.slow
def test_a_build_reads_each_source_file_once(tmp_path):
    """Quiz bank files, translations (front matter and text), English pages, notebooks, labels and
    glossaries: opened once each by the plugin in a whole six-language build (at commit 98a8830,
    157 times for each quiz file and 12 to 18 times for each translation); and git is asked once
    per earlier English text."""
    import json

    project = tmp_path / "project"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "checkout", "-q", subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()], check=True)
    for name in ("mkdocs.yml", "docs", "translations", "quiz", "overrides"):  # the working tree, as it is now
        subprocess.run(["rm", "-rf", str(project / name)], check=True)
        subprocess.run(["cp", "-r", str(ROOT / name), str(project / name)], check=True)
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    run = subprocess.run([sys.executable, "-c", COUNTER, str(project), str(tmp_path / "site")], capture_output=True, text=True,
                         cwd=project, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr[-3000:]
    counts = json.loads(run.stdout.strip().splitlines()[-1])
    opens = counts["opens"]
    assert any(path.startswith("quiz/") for path in opens) and sum(p.startswith("translations/") for p in opens) >= 60
    assert {path: n for path, n in opens.items() if n != 1} == {}
    assert {command: n for command, n in counts["git"].items() if n != 1} == {}
