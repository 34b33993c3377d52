"""Copy the licence texts of everything a frozen csu-wall ships into ``FOLDER/licenses``.

    python packaging/collect_licenses.py dist/csu-wall

Run with the interpreter that froze the folder: the distributions are those csu-wall requires
at run time (recursively, markers evaluated for this platform), plus the ones PyInstaller
bundles on its own (Python, PyInstaller's bootloader, psycopg when installed). Texts come from
each distribution's metadata (``License-File`` and licence-like files of its .dist-info);
where a wheel carries none (PySide6/shiboken6: LGPL-3.0; FFmpeg in PyAV's wheel: GPL, it links
x264/x265) the standard text from ``packaging/licenses-texts`` is added. ``THIRD-PARTY.txt``
lists every component with its version and licence expression.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEXTS = HERE / "licenses-texts"
ROOT = HERE.parent
# Bundled without being csu-wall requirements: Python's bootloader and PostgreSQL's driver.
# PyInstaller's own requirements (setuptools, altgraph, …) are not shipped.
ALSO_BUNDLED = {"pyinstaller": False, "psycopg": True, "psycopg-binary": True}
# Texts added where the wheel has none, and why.
EXTRA_TEXTS: dict[str, tuple[str, ...]] = {
    "pyside6-essentials": ("LGPL-3.txt", "GPL-3.txt"),
    "shiboken6": ("LGPL-3.txt", "GPL-3.txt"),
    # PyAV's FFmpeg links x264 and x265 (GPL-2.0-or-later), so the FFmpeg build is GPL.
    "av": ("GPL-2.txt", "LGPL-2.1.txt"),
    "opencv-python-headless": ("Apache-2.0.txt", "LGPL-2.1.txt"),  # OpenCV; its FFmpeg is LGPL
    "psycopg": ("LGPL-3.txt",),
    "psycopg-binary": ("LGPL-3.txt",),
}
NOTES = {
    "pyside6-essentials": "Qt 6 and PySide6, used under LGPL-3.0 (dynamically linked, "
                          "replaceable libraries in _internal/PySide6).",
    "av": "PyAV (BSD-3-Clause) with FFmpeg built with x264/x265: GPL-2.0-or-later; csu-wall "
          "is GPL-3.0-or-later, which is compatible. Bundled libraries: see av.sbom.json.",
    "opencv-python-headless": "OpenCV (Apache-2.0) with its own FFmpeg (LGPL-2.1-or-later).",
}
_LICENCE_NAME = re.compile(r"(licen[cs]e|copying|notice|authors)", re.IGNORECASE)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _marker_ok(requirement: str) -> tuple[str, bool]:
    name = re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]
    if ";" not in requirement:
        return name, True
    marker = requirement.split(";", 1)[1].strip()
    if "extra" in marker:
        return name, False
    try:
        from packaging.markers import Marker
    except ImportError:  # no packaging module: keep it, a licence too many is harmless
        return name, True
    return name, Marker(marker).evaluate()


def runtime_distributions(top: str = "csu-wall") -> list[metadata.Distribution]:
    """``top`` and its run-time requirements, recursively, plus the bundler's own."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [(top, True), *ALSO_BUNDLED.items()]
    while todo:
        raw, recurse = todo.pop()
        name = _norm(raw)
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            if name == _norm(top):
                raise
            continue
        seen[name] = dist
        for req in dist.requires or [] if recurse else []:
            req_name, wanted = _marker_ok(req)
            if wanted:
                todo.append((req_name, True))
    return [seen[k] for k in sorted(seen)]


def _licence_files(dist: metadata.Distribution) -> list[Path]:
    files = []
    for f in dist.files or []:
        parts = str(f).split("/")
        if not parts[0].endswith(".dist-info") or f.suffix in (".pyc", ".py"):
            continue
        if _LICENCE_NAME.search(parts[-1]) or "licenses" in parts or "sboms" in parts:
            path = Path(str(f.locate()))
            if path.is_file():
                files.append(path)
    return files


def collect(folder: Path) -> Path:
    out = folder / "licenses"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copyfile(ROOT / "LICENSE", out / "csu-wall-LICENSE.txt")
    lines = ["csu-wall is GPL-3.0-or-later (csu-wall-LICENSE.txt). It ships:", ""]
    for dist in runtime_distributions():
        name = _norm(dist.metadata["Name"])
        if name == "csu-wall":
            continue
        dest = out / name
        dest.mkdir()
        for src in _licence_files(dist):
            target = dest / ("av.sbom.json" if src.suffix == ".json" and name == "av"
                             else src.name)
            if target.exists():
                target = dest / f"{src.parent.name}-{src.name}"
            shutil.copyfile(src, target)
        for text in EXTRA_TEXTS.get(name, ()):
            shutil.copyfile(TEXTS / text, dest / text)
        meta = dist.metadata
        expression = (meta["License-Expression"] or meta["License"] or "see texts"
                      ).splitlines()[0]
        lines.append(f"{dist.metadata['Name']} {dist.version}: {expression}")
        if name in NOTES:
            lines.append(f"    {NOTES[name]}")
    python_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if python_licence.is_file():
        (out / "python").mkdir()
        shutil.copyfile(python_licence, out / "python" / "LICENSE.txt")
    lines.append(f"Python {sys.version.split()[0]}: PSF-2.0")
    (out / "THIRD-PARTY.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: collect_licenses.py FROZEN_FOLDER", file=sys.stderr)
        return 2
    out = collect(Path(args[0]))
    print(json.dumps({"licenses": str(out), "components": len(list(out.iterdir()))}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
