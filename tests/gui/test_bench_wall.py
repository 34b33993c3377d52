"""The 8×8 drag benchmark command runs and reports the event-loop lag (a small grid here; the
figure for 8×8 comes from running the command itself, see the module docstring)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gui.conftest import REPO


@pytest.mark.slow
def test_bench_wall_command_reports_lag_while_dragging(clip_dir: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        ["timeout", "110", sys.executable, "-m", "csu_wall.benchmark.wall_drag", "--grid", "3×3",
         "--seconds", "2", "--warmup", "60", "--clips", str(clip_dir)],
        cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["tiles"] == 9 and report["swaps"] >= 5
    assert report["probes"] > 50
    assert 0 <= report["lag_p50_ms"] <= report["lag_p99_ms"] <= report["lag_max_ms"]
