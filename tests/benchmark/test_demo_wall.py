"""Smoke test of the demo-wall figures command (no speed threshold: figures are reported)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_demo_wall_figures_report_all_tiles_live(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        ["timeout", "150", sys.executable, "-m", "csu_wall.benchmark.demo_wall",
         "--seconds", "2", "--data-dir", str(tmp_path / "d")],
        capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["tiles"] == figures["tiles_live"] == 16
    assert figures["launch_to_all_tiles_live_s"] > 0
    assert figures["cpu_percent_of_one_core"] > 0
    assert figures["peak_rss_mib"] > 0
