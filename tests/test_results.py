"""Numbers from the notebooks' render, quoted in pages through `{{ result RUN KEY }}`."""
from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from coursekit import results
from coursekit.strings import Strings
from coursekit.translations import placeholders
from coursekit.translations.layout import Layout
from coursekit.translations.repository import Repository

RUNS = {"gan-pytorch/dcgan": {"steps": 1200, "wall_time_s": 80.54, "metrics": {"cfid": 1.7604, "d_updates_skipped": 0}},
        "style-transfer/base": {"steps": 210, "wall_time_s": 24.1, "metrics": {"total": 123.456}}}


def test_placeholders_become_values_in_each_languages_notation():
    text = "cFID {{ result gan-pytorch/dcgan cfid }} after {{result gan-pytorch/dcgan steps}} steps, " \
           "{{ result style-transfer/base total }} total; `{{ result x/y z }}` is code."
    assert results.fill(text, RUNS) == "cFID 1.76 after 1200 steps, 123 total; `{{ result x/y z }}` is code."
    assert results.fill(text, RUNS, ",").startswith("cFID 1,76 after 1200 steps")
    assert placeholders.placeholders(text) == ["gan-pytorch/dcgan cfid", "gan-pytorch/dcgan steps", "style-transfer/base total"]


def test_each_language_file_gives_its_decimal_mark():
    """Locale facts are data: translations/<lang>/language.yml, not a list in the code."""
    strings = Strings(Repository(Layout.read(ROOT)))
    assert {lang: strings.decimal_mark(lang) for lang in ("en", "da", "sv", "nl", "de", "sl")} == {
        "en": ".", "da": ",", "sv": ",", "nl": ",", "de": ",", "sl": ","}  # Slovenian orthography (SP 2001): the comma


@pytest.mark.parametrize("value, shown", [(80.54, "80,54"), (0.5, "0,50"), (1200, "1200"), (123.456, "123"),
                                          (0.001, "0,001"), (0.00047, "0,00047"), (0.0123, "0,012"), (-0.05, "-0,05")])
def test_values_keep_their_significant_digits(value, shown):
    assert results.format_value(value, ",") == shown


def test_a_leftover_braces_text_stops_the_build_at_its_line():
    text = "Intro.\n\nThe cFID was {{ Ergebnis gan-pytorch/dcgan cfid }}.\n`{{ kept }}` in code.\n"
    with pytest.raises(results.ResultError, match=r"\{\{ Ergebnis gan-pytorch/dcgan cfid \}\} is not a placeholder") as caught:
        results.fill(text, RUNS)
    assert caught.value.line == 3


@pytest.mark.parametrize("text, message", [
    ("{{ result gan-pytorch/dense cfid }}", "no rendered run 'gan-pytorch/dense'"),
    ("{{ result gan-pytorch/dcgan fid }}", "run 'gan-pytorch/dcgan' has no value 'fid' (known: steps, wall_time_s, seed, cfid"),
])
def test_a_placeholder_without_a_value_is_an_error_naming_it(text, message):
    with pytest.raises(results.ResultError, match=re.escape(message)):
        results.fill(text, RUNS)


def test_every_placeholder_in_the_real_pages_has_a_rendered_value():
    runs = results.load_runs(ROOT / "docs")
    pages = [*ROOT.joinpath("docs").rglob("*.md"), *ROOT.joinpath("translations").rglob("*.md")]
    quoted = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for placeholder in placeholders.placeholders(text):
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
    mark = Strings(Repository(Layout.read(ROOT))).decimal_mark(lang)
    html = (built_site / lang_prefix(lang) / "lessons" / "gan" / "index.html").read_text(encoding="utf-8")
    assert "{{ result" not in html
    for run, key in (("gan-pytorch/dcgan", "cfid"), ("gan-pytorch/strong-d", "cfid_mean"), ("gan-pytorch/strong-d-skip", "cfid_mean")):
        shown = results.format_value(runs[run]["metrics"][key], mark)
        assert shown in html, f"{lang}: the lesson does not show {run}'s {key} as {shown}"
