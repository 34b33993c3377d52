"""The handover PDF shows the bookmarks' snapshots as thumbnails, under their number and
camera: read back from the real PDF (pdfimages lists the pictures, pdftoppm renders the first
page and the snapshot's colour is found there) — a bookmark without snapshot has none."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from csu_wall.core.security import Operator, Role
from csu_wall.core.shifts import Severity
from csu_wall.gui.handover_dialog import export_report, report_names, report_thumbnails
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401

pytestmark = pytest.mark.timeout(60)

T0 = datetime(2026, 12, 4, 21, 47, tzinfo=UTC)
RED = QColor(220, 30, 30)


def _png(colour: QColor) -> bytes:
    image = QImage(1280, 720, QImage.Format.Format_RGB32)
    image.fill(colour)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(buffer.data().data())


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} missing: packaging/run-tests.sh installs poppler-utils")
    return path


def test_handover_pdf_shows_snapshots_as_thumbnails(
    qtbot: QtBot, shift_env: ShiftEnv, tmp_path: Path  # noqa: F811
) -> None:
    gate = shift_env.gate(Operator("chef", "Chef de salle", Role.SUPERVISOR), {"tourcoing"})
    shifts = shift_env.shifts(gate)
    marks = shift_env.bookmarks(gate)
    shift = shifts.open("chef", ("mur-1",))
    site = shift_env.site
    for n, (camera_id, png) in enumerate((("tcg-001", _png(RED)), ("tcg-002", None),
                                          ("tcg-003", _png(RED)))):
        marks.create(site.camera(camera_id), T0 + timedelta(minutes=5 * n), category="rixe",
                     severity=Severity.HIGH, note="note", shift_id=shift.id, snapshot_png=png)
    report = shifts.close_with_handover(shifts.prepare_handover("Rien à signaler."))
    thumbs = report_thumbnails(marks.snapshot, report)
    assert len(thumbs) == 2  # the bookmark without snapshot has none
    assert all(len(t) < 30_000 for t in thumbs.values())  # small JPEGs, not the 1280×720 PNG
    files = export_report(report, site, tmp_path / "handovers",
                          names=report_names(shifts, report), thumbnails=thumbs)
    listing = subprocess.run(["timeout", "60", _tool("pdfimages"), "-list", str(files.pdf)],
                             check=True, capture_output=True, text=True).stdout
    images = [line for line in listing.splitlines()[2:] if line.strip()]
    assert len(images) == 2, listing
    assert "data:image/jpeg;base64," in files.html.read_text(encoding="utf-8")
    page = tmp_path / "page"
    subprocess.run(["timeout", "60", _tool("pdftoppm"), "-png", "-r", "50", "-f", "1", "-l",
                    "1", "-singlefile", str(files.pdf), str(page)], check=True)
    shot = QImage(str(page.with_suffix(".png"))).convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(shot.constBits(), np.uint8, count=shot.sizeInBytes())
    rgb = raw.reshape(shot.height(), shot.bytesPerLine() // 4, 4)[:, :shot.width(), 2::-1]
    red = (rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)
    assert red.sum() > 1000  # two thumbnails' worth of the snapshots' red on page 1
