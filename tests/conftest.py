"""Test configuration shared by the whole suite.

- Qt runs offscreen unless a test starts its own Xvfb.
- Each test must leave no thread running (STYLE habit 4): the ``no_leaked_threads`` fixture
  gives threads started during a test 3 s to finish, then fails the test naming them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CSU_WALL_DATA_DIR", "/nonexistent-use-tmp_path")  # tests pass their own

pytest_plugins = ["tests.rtsp.fixture", "tests.storage.pg", "tests._git_clean"]

# Threads that outlive tests by design (not ours).
_IGNORED_PREFIXES = ("pytest_timeout", "QDBusConnection", "asyncio_", "ThreadPoolExecutor-")


@pytest.fixture(autouse=True)
def no_leaked_threads(request: pytest.FixtureRequest) -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    if request.node.get_closest_marker("allow_thread_leak"):
        return
    deadline = time.monotonic() + 3.0
    leaked: list[threading.Thread] = []
    while time.monotonic() < deadline:
        leaked = [
            t for t in threading.enumerate()
            if t not in before and t.is_alive() and not t.name.startswith(_IGNORED_PREFIXES)
        ]
        if not leaked:
            return
        time.sleep(0.05)
    pytest.fail("threads left running after the test: " + ", ".join(t.name for t in leaked))


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A private data directory for the test (also exported as CSU_WALL_DATA_DIR)."""
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("CSU_WALL_DATA_DIR", str(d))
    return d
