"""Shared, expensive artefacts of the packaging tests, built once and cached.

``release`` runs ``packaging/build-release.sh`` (PyInstaller freeze, .deb, MSI from a fake
Windows folder) into ``/var/cache/csu-wall-tests/release-<hash>``, the hash covering the
sources, the packaging files and the installed distributions: a second run with nothing
changed reuses it (about 65 s to build on this 2-core machine, nothing when cached).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("CSU_WALL_TEST_CACHE", "/var/cache/csu-wall-tests"))
BUILD_TIMEOUT = 1700
HASHED = ("csu_wall", "resources", "ui", "packaging", "pyproject.toml", "LICENSE")


def project_version() -> str:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def make_fake_windows_folder(dest: Path) -> Path:
    """The layout of a Windows one-folder build (csu-wall.exe, _internal/, licenses/) with
    placeholder contents: this machine cannot build the Windows binary."""
    folder = dest / "csu-wall"
    files = {
        "csu-wall.exe": b"MZ placeholder: csu-wall.exe (windowed)",
        "csu-wall-admin.exe": b"MZ placeholder: csu-wall-admin.exe (console)",
        "_internal/python311.dll": b"MZ placeholder",
        "_internal/PySide6/plugins/platforms/qwindows.dll": b"MZ placeholder",
        "_internal/av.libs/avcodec-62.dll": b"MZ placeholder",
        "_internal/csu_wall/resources/demo/site.toml": b"# demo",
        "_internal/csu_wall/storage/migrations/versions/0001_initial.py": b"# migration",
        "licenses/THIRD-PARTY.txt": b"placeholder",
        "licenses/pyside6-essentials/LGPL-3.txt": b"placeholder",
    }
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def sources_hash() -> str:
    h = hashlib.sha256()
    for name in HASHED:
        base = ROOT / name
        paths = [base] if base.is_file() else sorted(base.rglob("*"))
        for p in paths:
            # .qm files are compiled from the hashed .ts by build-release.sh itself.
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".qm":
                h.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes())
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    h.update("\n".join(sorted(d.name for d in site.glob("*.dist-info"))).encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Release:
    folder: Path
    frozen: Path
    deb: Path
    msi: Path
    version: str
    output: str  # what build-release.sh printed
    build_seconds: float | None  # None when taken from the cache


def _skip_unless_tools() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.skip("PyInstaller is not installed (pip install pyinstaller)")
    for tool in ("dpkg-deb", "wixl", "msiinfo", "msibuild"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: dpkg, wixl, msitools)")


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Release]:
    _skip_unless_tools()
    import time

    key = sources_hash()
    folder = CACHE / f"release-{key}"
    done = folder / "build-release.out"
    seconds: float | None = None
    if not done.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob("release-*"):  # one cached release at a time (500 MB each)
            shutil.rmtree(old, ignore_errors=True)
        fake = make_fake_windows_folder(tmp_path_factory.mktemp("windows"))
        start = time.monotonic()
        proc = subprocess.run(
            ["timeout", "--kill-after=10", str(BUILD_TIMEOUT), "bash",
             str(ROOT / "packaging" / "build-release.sh"), "--out", str(folder),
             "--windows-frozen", str(fake)],
            capture_output=True, text=True, check=False,
        )
        seconds = time.monotonic() - start
        if proc.returncode != 0:
            pytest.fail(f"build-release.sh failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        shutil.rmtree(folder / "build", ignore_errors=True)  # PyInstaller's work files
        done.write_text(proc.stdout, encoding="utf-8")
    version = project_version()
    yield Release(
        folder=folder,
        frozen=folder / "linux" / "csu-wall",
        deb=next(folder.glob("csu-wall_*.deb")),
        msi=next(folder.glob("csu-wall-*-x64.msi")),
        version=version,
        output=done.read_text(encoding="utf-8"),
        build_seconds=seconds,
    )


def distinct_colours(png: Path) -> int:
    """How many distinct colours the picture has in its middle: a few for an empty window,
    thousands when video tiles are painting."""
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert not image.isNull(), f"{png} is not a readable PNG"
    colours = set()
    w, h = image.width(), image.height()
    for y in range(h // 4, 3 * h // 4, 4):
        for x in range(w // 4, 3 * w // 4, 4):
            colours.add(image.pixel(x, y))
    return len(colours)
