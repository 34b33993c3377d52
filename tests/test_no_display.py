"""`csu-wall --demo` without a display exits 2 with a French sentence saying what to do
(``--screenshot`` with ``QT_QPA_PLATFORM=offscreen``, or Xvfb) instead of Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from csu_wall.app import _x_server_answers
from tests.xvfb import xvfb_display  # noqa: F401

CSU_WALL = [sys.executable, "-c", "import sys; from csu_wall.app import main; sys.exit(main())"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(HOME=str(tmp_path), LANG="fr_FR.UTF-8", **extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["timeout", "60", *CSU_WALL, *args], env=env, capture_output=True,
                          text=True, timeout=90)


def test_no_display_exit_is_2_with_a_french_message(tmp_path: Path) -> None:
    for env in (_env(tmp_path), _env(tmp_path, DISPLAY=":239")):  # none, or a dead one
        done = _run(["--data-dir", str(tmp_path / "data"), "--demo"], env)
        assert done.returncode == 2, done.stderr  # not -6 (SIGABRT)
        assert "ne peut pas s'afficher" in done.stderr
        assert "QT_QPA_PLATFORM=offscreen" in done.stderr and "--screenshot" in done.stderr
        assert "Xvfb" in done.stderr and "xcb" not in done.stderr
        assert "Traceback" not in done.stderr


def test_the_suggested_offscreen_screenshot_works(tmp_path: Path) -> None:
    shot = tmp_path / "mur.png"
    done = _run(["--data-dir", str(tmp_path / "data"), "--demo", "--screenshot", str(shot),
                 "--quit-after", "3"], _env(tmp_path, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_live_x_server_is_recognised(xvfb_display: str) -> None:  # noqa: F811
    assert _x_server_answers(xvfb_display)
    assert not _x_server_answers(":239") and not _x_server_answers("nonsense")
