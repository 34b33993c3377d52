"""packaging/dev-setup.sh (what running needs) and the setup part of packaging/run-tests.sh
(what the tests need) are idempotent: run again, they only check — no apt-get, no pip, no
translation rebuild — and take a few seconds, not minutes."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECOND_RUN_S = 15.0  # measured at 1–2 s on the 2-core machine; apt or pip take far longer


def _shims(tmp_path: Path) -> Path:
    """apt-get, sudo, dpkg and pip stand-ins that record a call and fail: a run that only
    checks never reaches them (dpkg-query, the checking tool, stays the real one)."""
    shims = tmp_path / "shims"
    shims.mkdir()
    for name in ("apt-get", "apt", "sudo", "dpkg", "pip", "pip3"):
        tool = shims / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/calls"\nexit 1\n')
        tool.chmod(0o755)
    return shims


def _run(script: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    done = subprocess.run(["timeout", "1500", "bash", script], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    return done, time.monotonic() - start


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("script", ["packaging/dev-setup.sh", "packaging/run-tests.sh"])
def test_dev_setup_idempotent_second_run_only_checks(script: str, tmp_path: Path) -> None:
    env = {**os.environ, "CSU_WALL_SETUP_ONLY": "1"}
    first, _ = _run(script, env)  # may install what is missing (a fresh machine)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    qm = ROOT / "resources" / "translations" / "csu_wall_fr.qm"
    built = qm.stat().st_mtime_ns
    env["PATH"] = f"{_shims(tmp_path)}:{env['PATH']}"
    second, seconds = _run(script, env)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert not (tmp_path / "calls").exists(), (tmp_path / "calls").read_text()
    assert "installing" not in second.stdout, second.stdout
    assert "would be ignored" not in second.stdout + second.stderr
    assert "Debian packages present" in second.stdout and "up to date" in second.stdout
    assert qm.stat().st_mtime_ns == built  # not rebuilt
    assert seconds < SECOND_RUN_S, f"second run took {seconds:.1f} s"
    print(f"{script}: second run {seconds:.2f} s")
