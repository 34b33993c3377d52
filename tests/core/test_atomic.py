"""The one atomic-write helper (csu_wall/core/atomic.py): a failed write leaves the old file
and no temporary file; the new file gets the permissions asked for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from csu_wall.core.atomic import atomic_write, replacing


def test_a_writer_that_fails_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    atomic_write(path, b"old")
    with pytest.raises(RuntimeError), replacing(path) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("writer crashed")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f.json"]


def test_a_failed_rename_leaves_the_old_file(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.json"
    atomic_write(path, b"old")

    def crash(*_args: object) -> None:  # fault injection: the rename never happens
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f.json"]


def test_private_by_default_and_the_umask_when_asked(tmp_path: Path) -> None:
    private, plain = tmp_path / "private", tmp_path / "plain"
    old = os.umask(0o022)
    try:
        atomic_write(private, b"x")
        atomic_write(plain, b"x", mode=None)
    finally:
        os.umask(old)
    assert private.stat().st_mode & 0o777 == 0o600
    assert plain.stat().st_mode & 0o777 == 0o644


def test_a_writer_by_name_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "clip.h264"
    with replacing(path, mode=None) as tmp:
        assert tmp.parent == path.parent and tmp != path
        tmp.write_bytes(b"new")
    assert path.read_bytes() == b"new"
    assert os.listdir(path.parent) == ["clip.h264"]
