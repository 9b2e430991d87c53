""".ci/publish-colab: the notebooks "Open in Colab" opens are committed on the branch `colab`, each
as the site publishes it (install cell naming the repository at the built commit, translations in
their own language with the English outputs), one commit per deploy on top of the last."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT
from coursekit.colab import install_code

REPO_URL = "https://github.com/someone/course"


def git(cwd, *args) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env).stdout.strip()


def notebook(markdown: str, code: str, outputs: list) -> dict:
    install = {"cell_type": "code", "metadata": {"coursekit": {"install": "gan-course"}}, "outputs": [],
               "execution_count": None, "source": install_code("gan-course", None)}
    return {"cells": [{"cell_type": "markdown", "metadata": {}, "source": markdown}, install,
                      {"cell_type": "code", "metadata": {}, "outputs": outputs, "execution_count": 2, "source": code}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def publish(checkout, output) -> str:
    env = dict(os.environ, PYTHON=sys.executable, PYTHONPATH=str(ROOT), GITHUB_OUTPUT=str(output))
    subprocess.run([str(ROOT / ".ci" / "publish-colab"), REPO_URL], cwd=checkout, env=env, check=True,
                   capture_output=True, text=True)
    return output.read_text().splitlines()[-1].removeprefix("ref=")


def test_publish_colab_commits_the_published_notebooks_on_the_colab_branch(tmp_path):
    origin, checkout = tmp_path / "origin.git", tmp_path / "checkout"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(tmp_path, "clone", "-q", str(origin), str(checkout))
    shown = [{"output_type": "stream", "name": "stdout", "text": "4\n"}]
    files = {"docs/notebooks/nb.ipynb": notebook("# A look", "x = 2  # two\nprint(x * x)", shown),
             "translations/de/notebooks/nb.ipynb": notebook("# Ein Blick", "x = 2  # zwei\nprint(x * x)", [])}
    for rel, nb in files.items():
        (checkout / rel).parent.mkdir(parents=True, exist_ok=True)
        (checkout / rel).write_text(json.dumps(nb))
    (checkout / "mkdocs.yml").write_text("site_name: t\n")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "course")
    first_commit = git(checkout, "rev-parse", "HEAD")

    first = publish(checkout, tmp_path / "out1")
    assert git(origin, "rev-parse", "colab") == first
    german = json.loads(git(origin, "show", f"{first}:translations/de/notebooks/nb.ipynb"))
    assert german["cells"][0]["source"] == "# Ein Blick", "the translation opens in its own language"
    assert german["cells"][2]["outputs"] == shown, "with the English outputs (its comment is translated)"
    install = "".join(german["cells"][1]["source"])
    assert f'"gan-course @ git+{REPO_URL}@{first_commit}"' in install, "installs this repository at the built commit"
    assert git(checkout, "status", "--porcelain") == "", "the checkout is left as it was"

    (checkout / "docs/notebooks/nb.ipynb").write_text(json.dumps(notebook("# A first look", "print(4)", shown)))
    git(checkout, "commit", "-q", "-am", "retitled")
    second = publish(checkout, tmp_path / "out2")
    assert git(origin, "rev-parse", f"{second}^") == first, "one commit per deploy, on top of the last"
    english = json.loads(git(origin, "show", f"{second}:docs/notebooks/nb.ipynb"))
    assert english["cells"][0]["source"] == "# A first look"
    assert git(checkout, "rev-parse", "HEAD") in "".join(english["cells"][1]["source"])
