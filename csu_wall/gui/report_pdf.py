"""HTML to PDF with Qt's own printing (QTextDocument on a QPdfWriter): no browser engine, no
external tool; the handover report is plain HTML that QTextDocument lays out and paginates."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from csu_wall.core.atomic import replacing

PDF_DPI = 150  # enough for text; the PDF keeps text as text either way


def html_to_pdf(html: str, path: Path, *, title: str = "") -> Path:
    """Write ``html`` as an A4 PDF at ``path`` (atomically: a reader never sees half a file).
    Needs a QGuiApplication (fonts)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path, mode=None) as partial:
        writer = QPdfWriter(str(partial))
        writer.setResolution(PDF_DPI)
        writer.setTitle(title)
        writer.setCreator("csu-wall")
        # No margin on the writer: QTextDocument.print_ puts its own 2 cm around the text, and
        # the two added up left a 14 cm column on a 21 cm page (tables cut words to fit).
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                         QPageLayout.Orientation.Portrait,
                                         QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
        document = QTextDocument()
        document.setHtml(html)
        # print_ lays a copy out on the writer's page (margins included) and paints every page.
        document.print_(writer)
        del writer  # the PDF's trailer is written when the writer goes away
    return path
