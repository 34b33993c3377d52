"""A pytest plugin: the test run leaves the clone's tracked files as it found them (tests write
only into temporary folders). At the start of the session it notes ``git status`` of tracked
files and the content of those already modified; at the end, any difference fails the run,
naming the files.

On when ``CSU_WALL_CHECK_GIT_CLEAN=1`` (packaging/run-tests.sh sets it): a developer editing
files while a few tests run would otherwise see their own edits reported.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

_KEY = pytest.StashKey[dict[str, str]]()


def tracked_state(root: Path) -> dict[str, str]:
    """Tracked files that differ from HEAD (or the index), each with its content hash."""
    out = subprocess.run(["git", "status", "--porcelain=v1", "-z", "--untracked-files=no"],
                         cwd=root, capture_output=True, text=True, check=True).stdout
    state: dict[str, str] = {}
    for entry in filter(None, out.split("\0")):
        path = entry[3:]
        file = root / path
        digest = "deleted"
        if file.is_file():
            digest = subprocess.run(["git", "hash-object", "--", path], cwd=root,
                                    capture_output=True, text=True, check=True).stdout.strip()
        state[path] = f"{entry[:2]} {digest}"
    return state


def _root(config: pytest.Config) -> Path | None:
    done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=config.rootpath,
                          capture_output=True, text=True)
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("CSU_WALL_CHECK_GIT_CLEAN") != "1":
        return
    root = _root(session.config)
    if root is not None:
        session.config.stash[_KEY] = tracked_state(root)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_KEY, None)
    root = _root(session.config)
    if before is None or root is None:
        return
    after = tracked_state(root)
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = ("the test run changed tracked files of the clone (tests write only into "
                   "temporary folders): " + ", ".join(changed))
        if reporter is not None:
            reporter.write_line(message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
