"""The translations workflow runs the checks CI promises, with the history they need."""
from __future__ import annotations

import yaml

from conftest import ROOT
from coursekit.cli import main
from i18n_site import make_site, translate

WORKFLOW = ROOT / ".github" / "workflows" / "translations.yml"


def test_workflow_runs_lint_and_status_on_translation_pull_requests():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert {"translations/**", "docs/**", "quiz/**"} <= set(triggers["pull_request"]["paths"])
    steps = workflow["jobs"]["translations"]["steps"]
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = [step.get("run", "") for step in steps]
    lint = next(step for step in steps if "coursekit i18n lint" in step.get("run", ""))
    assert "continue-on-error" not in lint  # lint errors fail the job
    assert any("coursekit i18n status" in run for run in runs)
    assert any("pip install" in run and "-e ." in run and "[" not in run for run in runs)  # pyyaml only


def test_github_format_annotates_lines(tmp_path, capsys):
    site = make_site(tmp_path)
    translate(site, "de", "index.md", "# Start\n\n<iframe src=x></iframe>\n")
    assert main(["i18n", "lint", "--root", str(site), "--format", "github"]) == 1
    out = capsys.readouterr().out.splitlines()
    message = "unsafe HTML: <iframe>: it is not allowed in translated text; remove the tag (only text and Markdown are allowed)"
    assert out == [f"translations/de/index.md:8: {message}", f"::error file=translations/de/index.md,line=8::{message}"]
