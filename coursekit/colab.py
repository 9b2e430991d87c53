"""The notebook copies learners open: an install cell that names the site's repository and commit,
and "Open in Colab" links that open exactly that copy in the reader's language.

A stored notebook names no repository: the repository is only known where the site is built
(`repo_url` in mkdocs.yml, set from REPO_URL by the Pages workflow). Its install cell, the code
cell whose metadata says `"coursekit": {"install": "gan-course[...]"}`, holds the generic code of
`install_code(requirement, None)`, which only says what to do when ganlib is missing. Two places
write the real one, from the same function:

- the site build (coursekit.plugin), in the notebook each page offers for download;
- `coursekit colab export`, which the Pages workflow runs (.ci/publish-colab) to commit every
  notebook, English and translated, with its install cell written, to the branch `colab`.
  Colab opens notebooks from GitHub, so the site's links point at that commit (COLAB_REF).

Both pin the commit the site was built from: `pip install "gan-course[...] @ git+REPO@COMMIT"`.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

NOTEBOOKS = "notebooks"  # under docs/ and translations/<lang>/
DEFAULT_REQUIREMENT = "gan-course[ml]"


def install_code(requirement: str, source: str | None) -> str:
    """The install cell's code: installs `requirement` from `source` ("git+REPO@COMMIT") when
    ganlib is missing; with no source (the stored notebook), says where to get it."""
    if source is None:
        return ("import importlib.util\n"
                "\n"
                "if importlib.util.find_spec(\"ganlib\") is None:\n"
                "    raise ModuleNotFoundError(\"ganlib is missing: open this notebook from the course site, \"\n"
                "                              \"whose copy installs it, or pip install the course package\")")
    return ("import importlib, importlib.util, subprocess, sys\n"
            "\n"
            "if importlib.util.find_spec(\"ganlib\") is None:\n"
            f"    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\", \"{requirement} @ {source}\"], check=True)\n"
            "    importlib.invalidate_caches()")


def package_source(repo_url: str | None, commit: str | None) -> str | None:
    """"git+https://github.com/OWNER/REPO@COMMIT" for pip, or None without a web repository."""
    if not repo_url or urlsplit(repo_url).scheme not in ("http", "https"):
        return None
    url = repo_url.rstrip("/")
    return f"git+{url}" + (f"@{commit}" if commit else "")


def head_commit(root: Path) -> str | None:
    """The checked-out commit's id, or None outside git."""
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None


def install_cell(notebook: dict) -> dict | None:
    """The notebook's install cell, or None."""
    return next((c for c in notebook.get("cells", []) if c.get("cell_type") == "code"
                 and isinstance(c.get("metadata", {}).get("coursekit"), dict)
                 and c["metadata"]["coursekit"].get("install")), None)


def requirement_of(notebook: dict) -> str:
    cell = install_cell(notebook)
    return cell["metadata"]["coursekit"]["install"] if cell else DEFAULT_REQUIREMENT


def with_install_source(notebook: dict, source: str | None) -> dict:
    """The notebook with its install cell written for `source` (changed in place and returned)."""
    cell = install_cell(notebook)
    if cell is not None and source is not None:
        cell["source"] = install_code(cell["metadata"]["coursekit"]["install"], source)
    return notebook


def colab_url(repo_url: str | None, repo_path: str, ref: str = "colab") -> str | None:
    """The "Open in Colab" address of the notebook at `repo_path` at `ref` of a GitHub repository, else None."""
    if not repo_url:
        return None
    parts = urlsplit(repo_url)
    owner_repo = [p for p in parts.path.split("/") if p][:2]
    if parts.netloc.lower() not in ("github.com", "www.github.com") or len(owner_repo) != 2:
        return None
    owner, repo = owner_repo[0], owner_repo[1].removesuffix(".git")
    return f"https://colab.research.google.com/github/{owner}/{repo}/blob/{quote(ref)}/{quote(repo_path)}"


def notebooks_as_published(root: Path, source: str | None) -> dict[str, dict]:
    """{path in the repository: notebook as learners get it}: every English notebook and every
    translated one (with the English outputs), each with its install cell written for `source`."""
    from coursekit.notebooks import with_english_outputs

    out = {}
    docs = root / "docs"
    for english in sorted((docs / NOTEBOOKS).glob("*.ipynb")):
        out[english.relative_to(root).as_posix()] = json.loads(english.read_text(encoding="utf-8"))
    for translated in sorted((root / "translations").glob(f"*/{NOTEBOOKS}/*.ipynb")):
        english = docs / NOTEBOOKS / translated.name
        if english.is_file():
            merged = with_english_outputs(json.loads(translated.read_text(encoding="utf-8")),
                                          out[english.relative_to(root).as_posix()])
            out[translated.relative_to(root).as_posix()] = merged
    return {path: with_install_source(nb, source) for path, nb in out.items()}


def export(root: Path, folder: Path, repo_url: str, commit: str | None) -> list[str]:
    """Writes notebooks_as_published() under `folder`, at their repository paths; returns them."""
    source = package_source(repo_url, commit)
    if source is None:
        raise ValueError(f"--repo-url {repo_url!r} is not an http(s) address of a git repository")
    written = []
    for rel, nb in notebooks_as_published(root, source).items():
        target = folder / PurePosixPath(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(rel)
    return written


def add_parser(subparsers):
    colab = subparsers.add_parser("colab", help="the notebooks \"Open in Colab\" opens (the Pages workflow)",
                                  description=__doc__.splitlines()[0])
    sub = colab.add_subparsers(dest="colab_command", required=True)
    export_cmd = sub.add_parser("export", help="write every notebook as the site publishes it, at its repository path")
    export_cmd.add_argument("folder", type=Path, help="where to write (docs/notebooks/..., translations/<lang>/notebooks/...)")
    export_cmd.add_argument("--repo-url", required=True, help="the repository the install cells install from")
    export_cmd.add_argument("--commit", help="the commit they pin (default: HEAD)")
    export_cmd.add_argument("--root", type=Path, default=Path("."), help="the repository root (default: the current folder)")
    export_cmd.set_defaults(func=_run_export)
    return colab


def _run_export(args) -> int:
    try:
        written = export(args.root, args.folder, args.repo_url, args.commit or head_commit(args.root))
    except ValueError as exc:
        print(f"coursekit: error: colab export: {exc}", file=sys.stderr)
        return 2
    print(f"{len(written)} notebooks written to {args.folder}")
    return 0

