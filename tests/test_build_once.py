"""What the plugin derives from the repository is collected once per build and shared by the six
language passes; `mkdocs serve` collects again only when a watched file changed; each source
file is read once per build."""
from __future__ import annotations

import logging
import os
from pathlib import Path

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


def test_a_build_reads_each_source_file_once(built_site):
    """Quiz bank files, translations (front matter and text), English pages, notebooks, labels and
    glossaries: opened once each by the plugin in a whole six-language build (at commit 98a8830,
    157 times for each quiz file and 12 to 18 times for each translation); and git is asked once
    per earlier English text (60 times for 2 texts then). tests/count_reads.py counts them while
    it makes the session's site."""
    import json

    counts = json.loads((built_site.parent / "reads.json").read_text(encoding="utf-8"))
    opens = counts["opens"]
    assert any(path.startswith("quiz/") for path in opens) and sum(p.startswith("translations/") for p in opens) >= 60
    assert {path: n for path, n in opens.items() if n != 1} == {}
    assert {command: n for command, n in counts["git"].items() if n != 1} == {}
