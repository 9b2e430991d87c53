"""`mkdocs serve` rebuilds when a translation changes (the folder lies outside docs/)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import copy_project

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    return None


def test_serve_rebuilds_when_a_translation_changes(tmp_path):
    # Watching translations/ is one mechanism for every language: English and Swedish show it.
    project = copy_project(tmp_path / "project", build_only=("en", "sv"))
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=f"http://127.0.0.1:{port}/")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/sv/"
        # The first build converts every notebook in two languages: half a minute on a busy 2-core machine.
        assert wait_for(lambda: fetch(url), timeout=180), "mkdocs serve did not come up"
        page = project / "translations" / "sv" / "index.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nEn helt ny mening om generatorer.\n", encoding="utf-8")
        assert wait_for(lambda: "En helt ny mening om generatorer." in (fetch(url) or "")), "no rebuild after editing translations/"
    finally:
        server.terminate()
        server.wait(timeout=20)
