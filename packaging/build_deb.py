"""Build the csu-wall .deb from a frozen (PyInstaller) folder with dpkg-deb.

    python packaging/build_deb.py --frozen dist/csu-wall --version 0.1.0 --out dist/

The frozen folder is repackaged as it is: a newer package version needs no new freeze.
Layout: /opt/csu-wall (the frozen folder, licences in /opt/csu-wall/licenses), the launcher
/usr/bin/csu-wall, a desktop entry and icon, /etc/csu-wall/site.toml (a conffile, kept across
upgrades) and a debconf question for the site file's location.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEB = HERE / "deb"
sys.path.insert(0, str(HERE))

from deb_depends import depends as compute_depends  # noqa: E402


def debian_version(version: str) -> str:
    """PEP 440 to Debian: pre-releases sort before the release (``0.2.0rc1`` → ``0.2.0~rc1``)."""
    return re.sub(r"(?<=\d)\.?(a|b|rc|dev)(\d*)", r"~\1\2", version)


def _arch() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()


def _install(src: Path, dest: Path, mode: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)


def stage(frozen: Path, root: Path, *, version: str, depends: list[str]) -> None:
    """Lay the package's tree out in ``root``."""
    if not (frozen / "csu-wall").is_file():
        raise SystemExit(f"{frozen}: no csu-wall executable (not a frozen one-folder build)")
    opt = root / "opt" / "csu-wall"
    opt.parent.mkdir(parents=True)
    # Hard links: the 500 MB folder is staged in a blink when on the same file system.
    linked = subprocess.run(["cp", "-al", str(frozen), str(opt)], capture_output=True,
                            check=False)
    if linked.returncode != 0:
        shutil.rmtree(opt, ignore_errors=True)
        shutil.copytree(frozen, opt, symlinks=True)
    _install(DEB / "launcher.sh", root / "usr/bin/csu-wall", 0o755)
    _install(DEB / "csu-wall.desktop", root / "usr/share/applications/csu-wall.desktop", 0o644)
    _install(DEB / "csu-wall.svg", root / "usr/share/icons/hicolor/scalable/apps/csu-wall.svg",
             0o644)
    _install(DEB / "site.toml", root / "etc/csu-wall/site.toml", 0o644)
    doc = root / "usr/share/doc/csu-wall"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "csu-wall — GPL-3.0-or-later (see /usr/share/common-licenses/GPL-3).\n"
        "It ships third-party components; their licence texts are in /opt/csu-wall/licenses.\n",
        encoding="utf-8")
    (doc / "licenses").symlink_to("/opt/csu-wall/licenses")
    control = root / "DEBIAN"
    control.mkdir()
    for name in ("postinst", "prerm", "postrm", "config"):
        _install(DEB / name, control / name, 0o755)
    for name in ("conffiles", "templates"):
        _install(DEB / name, control / name, 0o644)
    size_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()
                   and not p.is_symlink()) // 1024
    text = (DEB / "control.in").read_text(encoding="utf-8")
    for key, value in {"VERSION": debian_version(version), "ARCH": _arch(),
                       "INSTALLED_SIZE": str(size_kib), "DEPENDS": ", ".join(depends)}.items():
        text = text.replace(f"@{key}@", value)
    (control / "control").write_text(text, encoding="utf-8")


def build(frozen: Path, out_dir: Path, *, version: str, depends: list[str] | None = None,
          compression: str = "zstd", level: int = 3) -> Path:
    """Build and return the .deb path in ``out_dir``."""
    deps = depends if depends is not None else compute_depends(frozen)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"csu-wall_{debian_version(version)}_{_arch()}.deb"
    with tempfile.TemporaryDirectory(prefix="csu-wall-deb.", dir=out_dir) as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        stage(frozen.resolve(), root, version=version, depends=deps)
        subprocess.run(["timeout", "900", "dpkg-deb", "--root-owner-group",
                        f"-Z{compression}", f"-z{level}", "--build", str(root), str(target)],
                       check=True, stdout=subprocess.DEVNULL)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", type=Path, required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--depends", help="comma-separated; computed with ldd when absent")
    args = parser.parse_args(argv)
    deps = [d.strip() for d in args.depends.split(",")] if args.depends else None
    print(build(args.frozen, args.out, version=args.version, depends=deps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
