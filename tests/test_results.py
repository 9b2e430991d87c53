"""Numbers from the notebooks' render, quoted in pages through `{{ result RUN KEY }}`."""
from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from coursekit import results

RUNS = {"gan-pytorch/dcgan": {"steps": 1200, "wall_time_s": 80.54, "metrics": {"cfid": 1.7604, "d_updates_skipped": 0}},
        "style-transfer/base": {"steps": 210, "wall_time_s": 24.1, "metrics": {"total": 123.456}}}


def test_placeholders_become_values_in_each_languages_notation():
    text = "cFID {{ result gan-pytorch/dcgan cfid }} after {{result gan-pytorch/dcgan steps}} steps, " \
           "{{ result style-transfer/base total }} total; `{{ result x/y z }}` is code."
    assert results.fill(text, RUNS, "en") == "cFID 1.76 after 1200 steps, 123 total; `{{ result x/y z }}` is code."
    assert results.fill(text, RUNS, "de").startswith("cFID 1,76 after 1200 steps")
    assert results.fill(text, RUNS, "sl").startswith("cFID 1.76 after")
    assert results.placeholders(text) == ["gan-pytorch/dcgan cfid", "gan-pytorch/dcgan steps", "style-transfer/base total"]


@pytest.mark.parametrize("text, message", [
    ("{{ result gan-pytorch/dense cfid }}", "no rendered run 'gan-pytorch/dense'"),
    ("{{ result gan-pytorch/dcgan fid }}", "run 'gan-pytorch/dcgan' has no value 'fid' (known: steps, wall_time_s, seed, cfid"),
])
def test_a_placeholder_without_a_value_is_an_error_naming_it(text, message):
    with pytest.raises(results.ResultError, match=re.escape(message)):
        results.fill(text, RUNS, "en")


def test_every_placeholder_in_the_real_pages_has_a_rendered_value():
    runs = results.load_runs(ROOT / "docs")
    pages = [*ROOT.joinpath("docs").rglob("*.md"), *ROOT.joinpath("translations").rglob("*.md")]
    quoted = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for placeholder in results.placeholders(text):
            run, key = placeholder.split()
            results.lookup(runs, run, key)  # raises, naming it, when the manifest lacks it
            quoted += 1
    assert quoted, "the lesson quotes rendered numbers"
    manifest = json.loads((ROOT / "docs" / results.MANIFEST).read_text(encoding="utf-8"))
    assert set(runs) == set(manifest["runs"])


@pytest.mark.parametrize("lang", ["en", "da", "sv", "nl", "de", "sl"])
def test_the_built_lesson_shows_the_rendered_numbers_in_its_language(built_site, lang):
    from conftest import lang_prefix

    runs = results.load_runs(ROOT / "docs")
    html = (built_site / lang_prefix(lang) / "lessons" / "gan" / "index.html").read_text(encoding="utf-8")
    assert "{{ result" not in html
    for run, key in (("gan-pytorch/dcgan", "cfid"), ("gan-pytorch/strong-d", "cfid_mean"), ("gan-pytorch/strong-d-skip", "cfid_mean")):
        shown = results.format_value(runs[run]["metrics"][key], lang)
        assert shown in html, f"{lang}: the lesson does not show {run}'s {key} as {shown}"
