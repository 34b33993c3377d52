"""The run_gui tests (tests/gui/test_runner.py) in a process of their own: run_gui runs the
application's event loop on the QApplication, and its end must not touch the Qt timers of the
tests that share this process. They pass here or this test fails with their output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(400)

ROOT = Path(__file__).resolve().parents[2]


def test_run_gui_tests_pass_in_their_own_process() -> None:
    env = dict(os.environ, CSU_WALL_RUNNER_OWN_PROCESS="1", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        ["timeout", "360", sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         "--timeout=120", str(ROOT / "tests" / "gui" / "test_runner.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    tail = (done.stdout + done.stderr)[-3000:]
    assert done.returncode == 0, tail
    assert " passed" in done.stdout and "skipped" not in done.stdout.splitlines()[-1], tail
