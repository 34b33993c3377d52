"""Support bundle for commune IT: logs and versions in one zip, credentials redacted."""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from csu_wall.media.redact import redact

_DISTRIBUTIONS = (
    "csu-wall", "PySide6-Essentials", "shiboken6", "av", "numpy", "opencv-python-headless",
    "SQLAlchemy", "alembic", "platformdirs",
)


def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for dist in _DISTRIBUTIONS:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "absent"
    try:
        import av  # the FFmpeg build matters when a recorder misbehaves

        out["ffmpeg"] = ".".join(str(v) for v in av.library_versions.get("libavformat", ()))
    except Exception:  # pragma: no cover - av is a hard dependency
        out["ffmpeg"] = "unknown"
    return out


def write_support_bundle(target: Path, data_dir: Path, logs_dir: Path) -> Path:
    """Zip every log file (re-redacted on the way) and a versions.json. Returns the path."""
    target = target.with_suffix(".zip") if target.suffix != ".zip" else target
    target.parent.mkdir(parents=True, exist_ok=True)
    info = {
        "created_utc": datetime.now(timezone.utc).isoformat(),
        "data_dir": str(data_dir),
        "versions": versions(),
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("versions.json", json.dumps(info, indent=2, ensure_ascii=False))
        if logs_dir.is_dir():
            for path in sorted(logs_dir.iterdir()):
                if path.is_file():
                    text = path.read_text(encoding="utf-8", errors="replace")
                    zf.writestr(f"logs/{path.name}", redact(text))
    return target
