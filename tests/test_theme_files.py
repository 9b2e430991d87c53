"""The theme's static files are found without walking its hidden folders (Material's 14,000
icons): the same files MkDocs would publish, the templates loading as before."""
from __future__ import annotations

import os

import jinja2
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from conftest import ROOT
from coursekit.theme_files import VisibleFilesLoader, list_visible_files_only


def test_the_theme_publishes_the_same_static_files_and_lists_no_hidden_folder():
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    config = load_config(str(ROOT / "mkdocs.yml"))
    standard = Files([])
    standard.add_files_from_theme(config.theme.get_env(), config)

    list_visible_files_only(config.theme)
    list_visible_files_only(config.theme)  # every language pass asks again: wrapped once
    env = config.theme.get_env()
    assert isinstance(env.loader, VisibleFilesLoader)
    ours = Files([])
    ours.add_files_from_theme(env, config)

    assert [(f.src_uri, f.abs_src_path) for f in ours] == [(f.src_uri, f.abs_src_path) for f in standard]
    assert len(standard) > 10 and any(f.src_uri.startswith("assets/javascripts/") for f in standard)
    everything = jinja2.FileSystemLoader(config.theme.dirs).list_templates()
    assert any(name.startswith(".icons/") for name in everything), "the theme this test is about has hidden icons"
    listed = env.list_templates()
    assert not any(part.startswith(".") for name in listed for part in name.split("/"))
    assert env.get_template("main.html") is not None
