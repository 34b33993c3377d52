"""A clean Debian 12 (minbase) root for installing the .deb, cached between runs.

The first run bootstraps Debian 12 with debootstrap and keeps it as a tarball under
``/var/cache/csu-wall-tests``; later runs unpack it in seconds. Downloaded .debs are kept in a
shared archive folder so the packages the .deb depends on are fetched once. Every command runs
under ``timeout`` inside a private mount namespace (``unshare -m``), so /proc and /dev mounts
vanish with the command even when it is killed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CACHE = Path(os.environ.get("CSU_WALL_TEST_CACHE", "/var/cache/csu-wall-tests"))
SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
TARBALL = CACHE / f"debian-{SUITE}-minbase.tar"
ARCHIVES = CACHE / "apt-archives"
BOOTSTRAP_TIMEOUT = 1200


def available() -> str | None:
    """None when a chroot can be made here, else why not."""
    if os.geteuid() != 0:
        return "needs root (debootstrap, chroot)"
    for tool in ("debootstrap", "unshare", "chroot"):
        if shutil.which(tool) is None:
            return f"{tool} not installed"
    return None


def ensure_tarball() -> Path:
    """The cached minbase tarball, made on the first call (several minutes)."""
    if TARBALL.is_file():
        return TARBALL
    CACHE.mkdir(parents=True, exist_ok=True)
    work = CACHE / "bootstrap.tmp"
    if work.exists():
        shutil.rmtree(work)
    subprocess.run(
        ["timeout", str(BOOTSTRAP_TIMEOUT), "debootstrap", "--variant=minbase", SUITE,
         str(work), MIRROR],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    # apt's package lists ship with the tarball: a run only downloads what it installs.
    _prepare_resolv(work)
    run_in(work, ["apt-get", "update", "-q"], timeout=600)
    tmp = TARBALL.with_suffix(".tmp")
    subprocess.run(["timeout", "600", "tar", "-C", str(work), "-cf", str(tmp), "."], check=True)
    tmp.rename(TARBALL)
    shutil.rmtree(work)
    return TARBALL


def unpack(dest: Path) -> Path:
    """A fresh root in ``dest`` from the cached tarball."""
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["timeout", "600", "tar", "-C", str(dest), "-xf", str(ensure_tarball())],
                   check=True)
    _prepare_resolv(dest)
    return dest


def _prepare_resolv(root: Path) -> None:
    shutil.copyfile("/etc/resolv.conf", root / "etc" / "resolv.conf")


def run_in(root: Path, argv: list[str], *, timeout: int = 300,
           env: dict[str, str] | None = None, check: bool = True,
           ) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` chrooted in ``root`` with /proc, /dev and the shared apt archive mounted
    in a private mount namespace."""
    ARCHIVES.mkdir(parents=True, exist_ok=True)
    (ARCHIVES / "partial").mkdir(exist_ok=True)
    script = (
        'set -e; R="$1"; A="$2"; shift 2; '
        'mount -t proc proc "$R/proc"; mount --rbind /dev "$R/dev"; '
        'mount --bind "$A" "$R/var/cache/apt/archives"; '
        'exec chroot "$R" "$@"'
    )
    full_env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "DEBIAN_FRONTEND": "noninteractive",
        "LANG": "C.UTF-8",
        "HOME": "/root",
    }
    full_env.update(env or {})
    return subprocess.run(
        ["timeout", "--kill-after=10", str(timeout), "unshare", "--mount", "--propagation",
         "private", "sh", "-c", script, "sh", str(root), str(ARCHIVES), "env", "-i",
         *[f"{k}={v}" for k, v in full_env.items()], *argv],
        check=check, text=True, capture_output=True,
    )


def remove_root(root: Path) -> None:
    """Delete an unpacked root (its mounts died with their namespaces)."""
    if root.exists():
        shutil.rmtree(root, ignore_errors=True)


__all__ = ["available", "ensure_tarball", "remove_root", "run_in", "unpack"]
