"""The test run leaves ``git status`` clean: the plugin (tests/_git_clean.py, on in
packaging/run-tests.sh) fails a session whose tests changed a tracked file, and lets one that
wrote only into its tmp_path pass. Checked on a scratch repository, in a child pytest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=repo, check=True, capture_output=True)


def _session(repo: Path, body: str) -> subprocess.CompletedProcess[str]:
    (repo / "test_x.py").write_text(body, encoding="utf-8")
    _git(repo, "add", "test_x.py")
    _git(repo, "commit", "-q", "-m", "test")
    env = {**os.environ, "CSU_WALL_CHECK_GIT_CLEAN": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run(
        ["timeout", "120", sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         "-p", "tests._git_clean", "test_x.py"],
        cwd=repo, env=env, capture_output=True, text=True)


def test_test_run_leaves_git_status_clean(tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "picture.png").write_bytes(b"tracked")
    (repo / "edited.txt").write_text("a developer's edit, before the run\n")
    _git(repo, "add", "picture.png", "edited.txt")
    _git(repo, "commit", "-q", "-m", "start")
    (repo / "edited.txt").write_text("a developer's edit, before the run (modified)\n")

    clean = _session(repo, "def test_tmp(tmp_path):\n"
                           "    (tmp_path / 'picture.png').write_bytes(b'x')\n")
    assert clean.returncode == 0, clean.stdout + clean.stderr

    dirty = _session(repo, "from pathlib import Path\n"
                           "def test_rewrites_a_tracked_file():\n"
                           "    Path('picture.png').write_bytes(b'rewritten')\n")
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert "changed tracked files" in dirty.stdout and "picture.png" in dirty.stdout
    assert "edited.txt" not in dirty.stdout  # changed before the run: not the tests' doing
