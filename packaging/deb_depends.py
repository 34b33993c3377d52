"""The ``Depends:`` of the .deb, from what the frozen folder's ELF files link (ldd).

Two sources, both resolved to Debian packages with ``dpkg -S`` on the build machine:

* every shared library an ELF file of the bundle needs that PyInstaller did not bundle (libGL,
  libEGL, libc, … — PyInstaller leaves the graphics driver stack to the system);
* every library Qt's X11 platform plugin (``libqxcb.so``) links, even when bundled: the xcb
  stack must exist on the host for Qt to open a window on X (``libxcb-cursor0`` is the one
  usually missing), and declaring it keeps the package right if a build stops bundling them.

Plus what ldd cannot see: a font (Qt draws no text without one).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

EXTRA = ("fonts-dejavu-core",)
_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(\S+)\s+\(0x")
_ELF_MAGIC = b"\x7fELF"


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == _ELF_MAGIC:
                    found.append(path)
    return found


def _ldd(path: Path, library_path: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    if library_path:
        env["LD_LIBRARY_PATH"] = library_path
    out = subprocess.run(["timeout", "30", "ldd", str(path)], capture_output=True, text=True,
                         env=env, check=False).stdout
    libs = {}
    for line in out.splitlines():
        m = _LDD_LINE.match(line)
        if m:
            libs[m.group(1)] = m.group(2)
    return libs


def unbundled_libraries(folder: Path) -> set[str]:
    """System libraries (resolved paths) the bundle's ELF files need and do not carry."""
    internal = folder / "_internal"
    qt_lib = internal / "PySide6" / "Qt" / "lib"
    library_path = f"{internal}:{qt_lib}"
    system = set()
    for elf in elf_files(folder):
        for resolved in _ldd(elf, library_path).values():
            if not Path(resolved).resolve().is_relative_to(folder.resolve()):
                system.add(resolved)
    return system


def xcb_plugin_libraries(folder: Path) -> set[str]:
    """The libraries Qt's xcb platform plugin links, resolved against the system only."""
    internal = folder / "_internal"
    plugin = next(internal.rglob("platforms/libqxcb.so"), None)
    if plugin is None:
        raise SystemExit(f"{folder}: Qt's xcb platform plugin is missing")
    qt_lib = internal / "PySide6" / "Qt" / "lib"
    libs = _ldd(plugin, str(qt_lib))
    return {p for p in libs.values() if not Path(p).resolve().is_relative_to(folder.resolve())}


def package_of(library: str) -> str:
    """The Debian package holding ``library`` (tries the path, its /usr twin and realpath)."""
    real = os.path.realpath(library)
    candidates = {library, real}
    for c in list(candidates):
        if c.startswith("/lib"):
            candidates.add("/usr" + c)
        elif c.startswith("/usr/lib"):
            candidates.add(c[len("/usr"):])
    for c in sorted(candidates):
        out = subprocess.run(["timeout", "30", "dpkg", "-S", c], capture_output=True, text=True,
                             check=False)
        if out.returncode == 0 and out.stdout:
            name = out.stdout.split(":", 1)[0]
            return name.split(",")[0].strip()
    raise SystemExit(f"no Debian package holds {library}: install it or bundle it")


def depends(folder: Path) -> list[str]:
    libs = unbundled_libraries(folder) | xcb_plugin_libraries(folder)
    return sorted({package_of(lib) for lib in libs} | set(EXTRA))


if __name__ == "__main__":
    print(", ".join(depends(Path(sys.argv[1]))))
