"""The ganlib.lite wheel is built once per set of sources, then taken from the cache."""
from __future__ import annotations

import subprocess

import pytest

from coursekit.demo import build


def test_a_second_build_takes_the_wheel_from_the_cache_and_new_sources_build_again(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = build.build_lite_wheel(tmp_path / "a", cache_dir=cache)
    made = first.read_bytes()

    def no_setuptools(*args, **kwargs):
        raise AssertionError("the wheel was built again from unchanged sources")

    monkeypatch.setattr(subprocess, "run", no_setuptools)
    again = build.build_lite_wheel(tmp_path / "b", cache_dir=cache)
    assert again.name == first.name and again.read_bytes() == made
    assert not list((tmp_path / "b").glob("*.tmp"))

    # Other sources (here: another version in the metadata) miss the cache and build.
    monkeypatch.setattr(build, "_package_version", lambda: "9.9.9")
    with pytest.raises(AssertionError, match="built again"):
        build.build_lite_wheel(tmp_path / "c", cache_dir=cache)


def test_a_cache_keeps_its_newest_entries_files_and_folders_alike(tmp_path):
    import os

    for age, name in enumerate(["newest", "second.gz", "third", "fourth.gz"]):
        entry = tmp_path / name
        entry.mkdir() if "." not in name else entry.write_bytes(b"x")
        if entry.is_dir():
            (entry / "wheel.whl").write_bytes(b"x")
        os.utime(entry, (1000 - age, 1000 - age))
    build._keep_newest(tmp_path.iterdir(), 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newest", "second.gz"]
