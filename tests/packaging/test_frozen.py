"""The PyInstaller one-folder build (packaging/csu-wall.spec) and build-release.sh."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT, Release, distinct_colours
from tests.xvfb import xvfb_display  # noqa: F401 (fixture)

# Covers the session build when it is not cached yet (about 65 s here; 3-5x margin).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def test_build_release_prints_the_three_artefacts_sizes(release: Release) -> None:
    lines = {line.split()[0]: line for line in release.output.splitlines() if line.strip()}
    assert f"csu-wall {release.version}" in release.output
    for name in ("frozen", ".deb", "MSI"):
        assert re.match(rf"{re.escape(name)}\s+\d+(\.\d+)?[KMG]\s", lines[name]), lines.get(name)
    assert release.deb.name == f"csu-wall_{release.version}_amd64.deb"
    assert release.msi.name == f"csu-wall-{release.version}-x64.msi"


def test_frozen_binary_prints_its_version(release: Release) -> None:
    out = subprocess.run(["timeout", "60", str(release.frozen / "csu-wall"), "--version"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"csu-wall {release.version}"


def test_frozen_binary_shows_the_demo_wall_with_video_offscreen(release: Release,
                                                               tmp_path: Path) -> None:
    # The screenshot is taken once every tile is live (the demo clips are encoded on first
    # use: slow on a loaded machine); --quit-after is only the limit.
    shot = tmp_path / "wall.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env.pop("DISPLAY", None)
    proc = subprocess.run(
        ["timeout", "--kill-after=5", "150", str(release.frozen / "csu-wall"), "--demo",
         "--data-dir", str(tmp_path / "data"), "--screenshot", str(shot), "--quit-after", "100"],
        capture_output=True, text=True, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # Live H.264 tiles give thousands of colours; an empty or black wall a handful.
    assert distinct_colours(shot) > 500


@pytest.mark.xvfb
def test_frozen_binary_opens_a_real_x11_window_under_xvfb(release: Release, tmp_path: Path,
                                                         xvfb_display: str) -> None:  # noqa: F811
    """The bundled xcb platform plugin loads and paints (what an X11 workstation uses)."""
    shot = tmp_path / "wall-x11.png"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=xvfb_display, HOME=str(tmp_path), QT_QPA_PLATFORM="xcb")
    proc = subprocess.run(
        ["timeout", "--kill-after=5", "150", str(release.frozen / "csu-wall"), "--demo",
         "--data-dir", str(tmp_path / "data"), "--screenshot", str(shot), "--quit-after", "100"],
        capture_output=True, text=True, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert distinct_colours(shot) > 500


@pytest.mark.skipif(not shutil.which("dbus-run-session")
                    or not shutil.which("gnome-keyring-daemon"),
                    reason="needs dbus and gnome-keyring (a real Secret Service)")
def test_frozen_binary_reaches_the_os_keyring(release: Release, tmp_path: Path) -> None:
    """keyring's backends are found through entry points: the bundle must carry them."""
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    script = ('printf csu-wall-tests | gnome-keyring-daemon --unlock --components=secrets '
              '>/dev/null && "$0" --data-dir "$1" workstation enroll --new-site')
    env = {**os.environ, "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(run),
           "XDG_DATA_HOME": str(tmp_path / "share")}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    proc = subprocess.run(
        ["timeout", "--kill-after=5", "90", "dbus-run-session", "--", "sh", "-c", script,
         str(release.frozen / "csu-wall"), str(tmp_path / "data")],
        capture_output=True, text=True, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-1000:] + proc.stderr[-2000:]
    assert "trousseau" in proc.stdout


def test_frozen_folder_carries_the_licences_of_what_it_ships(release: Release) -> None:
    lic = release.frozen / "licenses"
    for rel in ("csu-wall-LICENSE.txt", "THIRD-PARTY.txt", "pyside6-essentials/LGPL-3.txt",
                "shiboken6/LGPL-3.txt", "av/LICENSE.txt", "av/GPL-2.txt", "av/av.sbom.json",
                "opencv-python-headless/LICENSE.txt",
                "opencv-python-headless/LICENSE-3RD-PARTY.txt", "numpy/LICENSE.txt",
                "sqlalchemy", "alembic", "keyring", "cryptography", "argon2-cffi",
                "python/LICENSE.txt"):
        assert (lic / rel).exists(), rel
    summary = (lic / "THIRD-PARTY.txt").read_text(encoding="utf-8")
    assert "GPL-3.0-or-later" in summary and "x264" in summary and "LGPL-3.0" in summary
    assert "setuptools" not in summary  # a build tool, not shipped


def test_frozen_folder_has_data_alembic_reads_from_files(release: Release) -> None:
    internal = release.frozen / "_internal" / "csu_wall"
    assert (internal / "storage" / "migrations" / "env.py").is_file()
    assert list((internal / "storage" / "migrations" / "versions").glob("0001_*.py"))
    assert list((internal / "resources" / "translations").glob("*.qm"))
    assert (internal / "resources" / "demo" / "site.toml").is_file()
    assert (internal / "ui" / "style.qss").is_file()


def test_the_spec_is_written_for_windows_too() -> None:
    spec = (ROOT / "packaging" / "csu-wall.spec").read_text(encoding="utf-8")
    for needle in ('"av.libs"', "keyring.backends.Windows", "csu-wall-admin", "tzdata",
                   "console=not WINDOWS"):
        assert needle in spec, needle
