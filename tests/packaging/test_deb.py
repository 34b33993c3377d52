"""The .deb: its fields and contents, then a full life cycle in a clean Debian 12 chroot.

The chroot (debootstrap --variant=minbase, cached as a tarball under
/var/cache/csu-wall-tests) proves that the declared Depends are complete: apt resolves them
from the Debian mirror, then the packaged csu-wall runs --version and the demo wall offscreen.
Measured here: about 40 s to bootstrap the first time; the life cycle about 60-90 s warm.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.packaging import debian_chroot
from tests.packaging.conftest import ROOT, Release, distinct_colours

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

sys.path.insert(0, str(ROOT / "packaging"))
import build_deb  # noqa: E402

X11_NEEDS = ("libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libgl1", "libfontconfig1",
             "libdbus-1-3", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-shape0",
             "libxcb-randr0", "libxcb-render-util0", "libxcb-image0")


def _field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_deb_declares_what_qt_needs_on_x_and_its_conffile(release: Release) -> None:
    assert _field(release.deb, "Package") == "csu-wall"
    assert _field(release.deb, "Version") == build_deb.debian_version(release.version)
    depends = {d.strip() for d in _field(release.deb, "Depends").split(",")}
    missing = [p for p in X11_NEEDS if p not in depends]
    assert not missing, f"Depends lacks {missing}"
    control = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(release.deb)],
                             capture_output=True, check=True).stdout
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(control)) as tar:
        names = {m.name.lstrip("./") for m in tar.getmembers()}
        conffiles = tar.extractfile("./conffiles").read().decode()  # type: ignore[union-attr]
    assert {"postinst", "prerm", "postrm", "config", "templates", "conffiles"} <= names
    assert conffiles.split() == ["/etc/csu-wall/site.toml"]


def test_deb_contents_and_licences(release: Release) -> None:
    listing = subprocess.run(["dpkg-deb", "-c", str(release.deb)], capture_output=True,
                             text=True, check=True).stdout
    paths = {line.split()[5].lstrip(".") for line in listing.splitlines()}
    for p in ("/opt/csu-wall/csu-wall", "/usr/bin/csu-wall", "/etc/csu-wall/site.toml",
              "/usr/share/applications/csu-wall.desktop",
              "/usr/share/icons/hicolor/scalable/apps/csu-wall.svg",
              "/usr/share/doc/csu-wall/copyright",
              "/opt/csu-wall/licenses/THIRD-PARTY.txt",
              "/opt/csu-wall/licenses/pyside6-essentials/LGPL-3.txt",
              "/opt/csu-wall/licenses/av/GPL-2.txt",
              "/opt/csu-wall/licenses/opencv-python-headless/LICENSE.txt"):
        assert p in paths, p
    assert "root/root" in listing.splitlines()[0]


def test_debian_versions_sort_like_python_versions() -> None:
    assert build_deb.debian_version("0.2.0rc1") == "0.2.0~rc1"
    assert build_deb.debian_version("1.0.0.dev3") == "1.0.0~dev3"
    assert build_deb.debian_version("0.1.0") == "0.1.0"


@pytest.fixture()
def chroot(tmp_path: Path) -> Iterator[Path]:
    why = debian_chroot.available()
    if why:
        pytest.skip(f"no Debian chroot here: {why}")
    root = debian_chroot.unpack(tmp_path / "root")
    yield root
    for mount in ("proc", "dev", "var/cache/apt/archives"):
        # The mounts lived in the commands' private namespaces; never delete through one.
        assert not os.path.ismount(root / mount), f"{root / mount} still mounted"
    debian_chroot.remove_root(root)


def _run(root: Path, *argv: str, timeout: int = 300,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = debian_chroot.run_in(root, list(argv), timeout=timeout, env=env, check=False)
    assert proc.returncode == 0, f"{argv}: {proc.returncode}\n{proc.stdout[-2000:]}\n" \
                                 f"{proc.stderr[-2000:]}"
    return proc


def test_deb_life_cycle_in_a_clean_debian_chroot(release: Release, chroot: Path,
                                                tmp_path: Path) -> None:
    start = time.monotonic()
    root = chroot
    # The upgrade: the same frozen folder repackaged with a newer version, no new freeze.
    newer_version = f"{release.version}.post1"
    newer = build_deb.build(release.frozen, tmp_path / "newer", version=newer_version,
                            depends=[d.strip() for d in
                                     _field(release.deb, "Depends").split(",")])
    shutil.copy(release.deb, root / "tmp" / "old.deb")
    shutil.copy(newer, root / "tmp" / "new.deb")
    apt = ("apt-get", "install", "-y", "-q", "--no-install-recommends")

    # Silent install with the site file's location preseeded through debconf.
    _run(root, "sh", "-c", "echo 'csu-wall csu-wall/site_file string /srv/csu/site.toml'"
                           " | debconf-set-selections")
    _run(root, *apt, "/tmp/old.deb", timeout=900)
    assert (root / "etc/csu-wall/site-location").read_text().strip() == "/srv/csu/site.toml"
    assert _run(root, "csu-wall", "--version").stdout.strip() == f"csu-wall {release.version}"
    _run(root, "csu-wall", "--demo", "--screenshot", "/tmp/wall.png", "--quit-after", "6",
         env={"QT_QPA_PLATFORM": "offscreen"}, timeout=180)
    assert distinct_colours(root / "tmp/wall.png") > 500
    # The launcher passes the machine's database URL (/etc/csu-wall/database-url).
    (root / "etc/csu-wall/database-url").write_text("# shared database\n"
                                                    "sqlite:////var/tmp/shared.sqlite3\n")
    upgraded = _run(root, "csu-wall", "db", "upgrade").stdout
    assert "/var/tmp/shared.sqlite3" in upgraded and (root / "var/tmp/shared.sqlite3").is_file()
    (root / "etc/csu-wall/database-url").unlink()

    # IT staff edit the machine's site file; an operator has settings of her own.
    site = root / "etc/csu-wall/site.toml"
    site.write_text(site.read_text(encoding="utf-8") + "# edited by IT\n", encoding="utf-8")
    user_data = root / "root/.local/share/csu-wall"
    settings = user_data / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"version": 1, "default_grid": 3}), encoding="utf-8")

    _run(root, *apt, "/tmp/new.deb", timeout=900)
    status = _run(root, "dpkg-query", "-W", "-f", "${Version}", "csu-wall").stdout
    assert status == build_deb.debian_version(newer_version)
    assert site.read_text(encoding="utf-8").endswith("# edited by IT\n")
    assert json.loads(settings.read_text(encoding="utf-8"))["default_grid"] == 3
    assert (user_data / "demo").is_dir()  # the demo run's data
    _run(root, "csu-wall", "--version")

    _run(root, "apt-get", "remove", "-y", "-q", "csu-wall")
    assert not (root / "opt/csu-wall").exists() and not (root / "usr/bin/csu-wall").exists()
    assert site.is_file(), "remove keeps the conffile"
    _run(root, "apt-get", "purge", "-y", "-q", "csu-wall")
    assert not (root / "etc/csu-wall").exists()
    assert settings.is_file(), "users' data is never removed"
    shown = _run(root, "sh", "-c", "debconf-show csu-wall 2>/dev/null || true").stdout
    assert "site_file" not in shown
    print(f"deb life cycle in chroot: {time.monotonic() - start:.0f} s")
