"""The scanned requisition attached to an export: checked before anything is asked of a
recorder, copied into the export's folder under a fixed name and hashed in the manifest (so
``SHA256SUMS`` and the signature cover it like the videos)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from csu_wall.services import export_proof as proof
from csu_wall.services.export_fetch import ExportError

SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_BYTES = 50 * 1024 * 1024  # a scanned requisition of a few pages, with room to spare
NAME = "requisition-scannee"


def check_scan(path: Path | None) -> None:
    """Raise :class:`ExportError` (French) when the file cannot be attached."""
    if path is None:
        return
    if path.suffix.lower() not in SUFFIXES:
        raise ExportError(f"Réquisition scannée : « {path.name} » n'est ni un PDF ni une image "
                          "(PDF, PNG, JPEG ou TIFF attendu).")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExportError(f"Réquisition scannée illisible ({path}) : "
                          f"{exc.strerror or exc}.") from None
    if not path.is_file():
        raise ExportError(f"Réquisition scannée : « {path} » n'est pas un fichier.")
    if size == 0 or size > MAX_BYTES:
        raise ExportError(f"Réquisition scannée : « {path.name} » est vide ou dépasse "
                          f"{MAX_BYTES // (1024 * 1024)} Mo.")


def attach_scan(path: Path, work: Path) -> dict[str, Any]:
    """Copy the scan into ``work``; what the manifest says of it."""
    target = work / f"{NAME}{path.suffix.lower()}"
    shutil.copyfile(path, target)
    return {"file": target.name, "original_name": path.name,
            "sha256": proof.sha256_file(target), "size": target.stat().st_size}
