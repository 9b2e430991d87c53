"""Starting a translation (`new`) and marking an updated one (`stamp`); the CLI's error lines."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
import yaml

from coursekit.cli import main
from coursekit.i18n import scaffold
from coursekit.translations.findings import UserError
from coursekit.translations.frontmatter import split_markdown
from coursekit.translations.git import file_blob_id
from coursekit.translations.status import FRESH, STALE, UNTRANSLATED
from i18n_site import LESSON, collect, commit, lint, make_site, read_translation_meta, repo, write


def new_translation(root, lang, source, **options):
    return scaffold.new_translation(repo(root), lang, source, **options)


def stamp_translation(root, lang, source, **options):
    stamped = scaffold.stamp_translation(repo(root), lang, source, **options)
    return stamped.path, stamped.changed

DAY = dt.date(2026, 12, 1)


@pytest.fixture
def site(tmp_path):
    return make_site(tmp_path)


def state(site, lang, source):
    return next(row for row in collect(site, [lang]) if row.source == source).state


def test_new_markdown_copies_english_with_front_matter(site):
    path = new_translation(site, "nl", "lessons/gan/index.md", today=DAY)
    assert path == site / "translations/nl/lessons/gan/index.md"
    meta = read_translation_meta(path, expected_source="lessons/gan/index.md")
    assert meta.source_blob == file_blob_id(site / "docs/lessons/gan/index.md") and meta.translated == DAY
    assert path.read_text(encoding="utf-8").endswith(LESSON)
    # Still the English text: not fresh, whatever its source_blob says, until it is translated.
    assert state(site, "nl", "lessons/gan/index.md") == UNTRANSLATED
    path.write_text(path.read_text(encoding="utf-8").replace("A generative adversarial network pairs",
                                                             "Een generatief adversarieel netwerk koppelt"), encoding="utf-8")
    assert state(site, "nl", "lessons/gan/index.md") == FRESH


def test_new_notebook_and_quiz(site):
    english = site / "docs/notebooks/first-look.ipynb"
    rendered = json.loads(english.read_text())
    rendered["cells"][1].update(outputs=[{"output_type": "stream", "name": "stdout", "text": ["42\n"]}], execution_count=7)
    english.write_text(json.dumps(rendered))
    notebook = new_translation(site, "de", "notebooks/first-look.ipynb", today=DAY)
    data = json.loads(notebook.read_text(encoding="utf-8"))
    assert data["metadata"]["translation"]["source"] == "notebooks/first-look.ipynb"
    assert [c["source"] for c in data["cells"]] == [c["source"] for c in rendered["cells"]]
    assert data["cells"][1]["outputs"] == [] and data["cells"][1]["execution_count"] is None, \
        "the site shows the English outputs, so a translation starts without them"
    quiz = new_translation(site, "de", "quiz/gan-pre.yml", today=DAY)
    assert read_translation_meta(quiz, expected_source="quiz/gan-pre.yml").source_blob == file_blob_id(site / "quiz/gan-pre.yml")
    # a quiz translation has text per id and no answer key, so the copy takes that shape
    text = split_markdown(quiz.read_text(encoding="utf-8"))[1]
    body = yaml.safe_load(text)
    assert body == {"title": "Before the lesson", "questions": {"q1": {
        "text": "A GAN has two networks.",
        "explanation": "It has a generator and a discriminator; see [the lesson](../lessons/gan/index.md)."}}}
    # Every text is a '>-' block, so a translation with ': ', quotes or apostrophes needs no escaping.
    assert "title: >-\n  Before the lesson\n" in text and "    text: >-\n      A GAN has two networks.\n" in text
    translated = text.replace("A GAN has two networks.", "Frage: Hat ein GAN zwei \"Netze\"? Ja, GAN's haben zwei.")
    quiz.write_text(quiz.read_text(encoding="utf-8").replace(text, translated), encoding="utf-8")
    assert lint(site) == []
    assert {row.source: row.state for row in collect(site, ["de"])}["quiz/gan-pre.yml"] == FRESH


def test_new_refuses_to_overwrite_and_unknown_pages(site):
    path = write(site, "translations/nl/index.md", "work in progress\n")
    with pytest.raises(UserError, match="already exists; pass --force"):
        new_translation(site, "nl", "index.md")
    assert path.read_text() == "work in progress\n"
    with pytest.raises(UserError, match="not a page this site translates"):
        new_translation(site, "nl", "assets/stylesheets/site.md")


def translate_body(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_stamp_after_updating_a_stale_translation(site):
    path = new_translation(site, "sv", "lessons/gan/index.md", today=dt.date(2026, 11, 1))
    translate_body(path, "translated: 2026-11-01", "translated: 2026-11-01  # first version")
    translate_body(path, "A generative adversarial network pairs", "Ett generativt motståndarnätverk parar")
    commit(site, "Swedish lesson")
    write(site, "docs/lessons/gan/index.md", LESSON + "\nMore.\n")
    commit(site, "English: more")
    assert state(site, "sv", "lessons/gan/index.md") == STALE
    translate_body(path, "parar", "parar ihop")  # the translator's update, not committed yet
    text = path.read_text(encoding="utf-8")
    assert stamp_translation(site, "sv", "lessons/gan/index.md", today=DAY) == (path, True)
    assert state(site, "sv", "lessons/gan/index.md") == FRESH
    stamped = path.read_text(encoding="utf-8")
    assert "translated: 2026-12-01  # first version" in stamped
    assert stamped.splitlines()[5:] == text.splitlines()[5:]  # the body is untouched
    assert stamp_translation(site, "sv", "lessons/gan/index.md", today=DAY) == (path, False)


def test_stamp_refuses_a_translation_not_touched_since_english_changed(site):
    path = new_translation(site, "sv", "lessons/gan/index.md", today=dt.date(2026, 11, 1))
    translate_body(path, "A generative adversarial network pairs", "Ett generativt motståndarnätverk parar")
    commit(site, "Swedish lesson")
    write(site, "docs/lessons/gan/index.md", LESSON + "\nMore.\n")
    commit(site, "English: more")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(UserError, match=r"^translations/sv/lessons/gan/index.md has not changed since the English text changed: "
                                        r"update it first with `coursekit i18n diff sv lessons/gan/index.md`"):
        stamp_translation(site, "sv", "lessons/gan/index.md", today=DAY)
    assert path.read_text(encoding="utf-8") == before and state(site, "sv", "lessons/gan/index.md") == STALE
    # An edit committed after the English change counts as the update.
    translate_body(path, "parar", "parar ihop")
    commit(site, "Swedish: updated")
    assert stamp_translation(site, "sv", "lessons/gan/index.md", today=DAY) == (path, True)


def test_stamp_refuses_when_english_came_back_and_changed_again_uncommitted(site):
    """The English text went back to the one translated (a change undone) and has now changed
    again, not committed: the translation was not updated for that change (walk-through 2.6)."""
    path = new_translation(site, "sv", "lessons/gan/index.md", today=dt.date(2026, 11, 1))
    translate_body(path, "A generative adversarial network pairs", "Ett generativt motståndarnätverk parar")
    commit(site, "Swedish lesson")
    write(site, "docs/lessons/gan/index.md", LESSON + "\nMore.\n")
    commit(site, "English: more")
    translate_body(path, "parar", "parar ihop")
    commit(site, "Swedish: touched after that change")
    write(site, "docs/lessons/gan/index.md", LESSON)
    commit(site, "English: the change undone")
    assert state(site, "sv", "lessons/gan/index.md") == FRESH
    write(site, "docs/lessons/gan/index.md", LESSON + "\nAnother sentence.\n")  # not committed
    with pytest.raises(UserError, match="has not changed since the English text changed"):
        stamp_translation(site, "sv", "lessons/gan/index.md", today=DAY)


def test_stamp_refuses_an_english_copy_and_force_overrides(site, capsys):
    new_translation(site, "nl", "index.md", today=dt.date(2026, 11, 1))
    commit(site, "Dutch scaffold")
    write(site, "docs/index.md", "# Home\n\nRead [the lesson](lessons/gan/index.md) first.\n")
    assert state(site, "nl", "index.md") == UNTRANSLATED
    with pytest.raises(UserError, match="is still the English text; translate it first"):
        stamp_translation(site, "nl", "index.md", today=DAY)
    # --force stamps anyway, and says that the English it now follows is not committed.
    assert main(["i18n", "stamp", "nl", "index.md", "--force", "--root", str(site)]) == 0
    assert "warning: docs/index.md has changes that are not committed" in capsys.readouterr().err


def test_stamp_notebook(site):
    path = new_translation(site, "sl", "notebooks/first-look.ipynb", today=dt.date(2026, 11, 1))
    translate_body(path, "A generator turns noise into images.", "Generator spremeni šum v slike.")
    write(site, "docs/notebooks/first-look.ipynb", (site / "docs/notebooks/first-look.ipynb").read_text().replace("noise", "random noise"))
    assert state(site, "sl", "notebooks/first-look.ipynb") == STALE
    stamp_translation(site, "sl", "notebooks/first-look.ipynb", today=DAY)
    assert state(site, "sl", "notebooks/first-look.ipynb") == FRESH


def test_cli_new_and_stamp(site, capsys, monkeypatch):
    monkeypatch.chdir(site / "docs")
    assert main(["i18n", "new", "da", "lessons/gan/index.md"]) == 0
    assert capsys.readouterr().out.strip() == ("wrote translations/da/lessons/gan/index.md: translate it in place "
                                               "(until you do, status calls it untranslated)")
    assert main(["i18n", "new", "da", "lessons/gan/index.md"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["i18n", "stamp", "da", "translations/da/lessons/gan/index.md"]) == 0
    assert "already follows" in capsys.readouterr().out


def test_usage_errors_are_one_line_with_status_2(tmp_path):
    from conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "coursekit.cli", "i18n", "status", "--bogus"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("coursekit: error: unrecognized arguments: --bogus")
    run = subprocess.run([sys.executable, "-m", "coursekit.cli", "i18n", "diff", "da"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 2 and run.stderr == "coursekit: error: i18n diff: the following arguments are required: page (see `coursekit i18n diff --help`)\n"
    run = subprocess.run([sys.executable, "-m", "coursekit.cli", "i18n", "status"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 2 and run.stderr.startswith("coursekit: error: no mkdocs.yml in ") and run.stderr.count("\n") == 1


def test_status_and_lint_need_neither_mkdocs_nor_torch(site):
    """CI installs pyyaml alone for these commands (quiz and diagram label checks included)."""
    for source in ("quiz/gan-pre.yml", "assets/diagrams/labels.yml", "glossary.yml", "notebooks/first-look.ipynb", "index.md"):
        new_translation(site, "da", source)
    code = (
        "import sys, builtins\n"
        "real = builtins.__import__\n"
        "def guard(name, *a, **k):\n"
        "    if name.split('.')[0] in ('mkdocs', 'torch', 'markdown', 'material', 'ftfy'):\n"
        "        raise ModuleNotFoundError('No module named ' + repr(name), name=name)  # as if not installed\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = guard\n"
        "from coursekit.cli import main\n"
        f"code = main(['i18n', 'status', '--root', {str(site)!r}]) + main(['i18n', 'lint', '--root', {str(site)!r}])\n"
        "assert main(['quiz', 'validate']) == 2  # says which package to install\n"
        "sys.exit(code)\n"
    )
    from conftest import ROOT

    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    assert "coursekit: error: `coursekit quiz` needs the Python package 'markdown': pip install -e '.[site]'" in run.stderr
