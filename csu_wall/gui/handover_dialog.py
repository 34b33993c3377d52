"""The shift handover: the outgoing operator writes notes, previews the report and hands over
(the shift closes, the report is saved and exported as HTML, PDF and CSV); the incoming
operator ticks each open item before taking the wall (the acknowledgment is recorded).

The database part of the preview and of the handover (the report built, the shift closed with
it, the names and snapshots it shows) runs on the services' executor (:class:`LatestCall`);
the report's rendering with Qt (HTML shown, PDF printed, thumbnails) stays on the GUI thread.
The incoming operator's acknowledgment is written there too (:class:`PendingWrite`), and the
operators' names it shows are read there (the logins are shown until they arrive)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import Site
from csu_wall.core.security import Operator
from csu_wall.core.shifts import HandoverReport, Shift
from csu_wall.gui._latest_call import LatestCall
from csu_wall.gui._pending_write import PendingWrite
from csu_wall.gui.bookmark_dialog import PARIS, local_text
from csu_wall.gui.report_pdf import html_to_pdf
from csu_wall.gui.shift_api import ShiftApi
from csu_wall.services.handover_report import bookmarks_csv, item_text, to_html
from csu_wall.services.local_files import private_folder

log = logging.getLogger(__name__)

NOTES_MAX = 20000


@dataclass(frozen=True)
class HandoverFiles:
    html: Path
    pdf: Path
    csv: Path


def export_report(report: HandoverReport, site: Site, directory: Path, *,
                  names: Mapping[str, str] | None = None,
                  thumbnails: Mapping[int, bytes] | None = None) -> HandoverFiles:
    """Write the report as HTML, PDF (Qt printing) and the CSV of its bookmarks into
    ``directory`` (private: the report names cameras and incidents). ``names``: operators'
    display names by login (:func:`report_names`)."""
    private_folder(directory)
    stamp = report.generated_utc.astimezone(PARIS).strftime("%Y%m%d-%H%M%S")
    base = directory / f"releve-{report.shift.id}-{stamp}"
    html = to_html(report, site, names, thumbnails)
    html_path = base.with_suffix(".html")
    html_path.write_text(html, encoding="utf-8")
    pdf_path = html_to_pdf(html, base.with_suffix(".pdf"),
                           title=f"Relève — poste {report.shift.workstation}")
    csv_path = base.with_suffix(".csv")
    # newline="": the CSV writer chose its own line ends; BOM so spreadsheets read UTF-8.
    with csv_path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(bookmarks_csv(report.bookmarks, site))
    return HandoverFiles(html_path, pdf_path, csv_path)


THUMB_WIDTH = 400  # pixels of a snapshot's thumbnail in the report (shown 200 wide)


def report_thumbnails(snapshot: Callable[[int], bytes | None] | None,
                      report: HandoverReport) -> dict[int, bytes]:
    """Small JPEGs of the report's bookmarks' snapshots, by bookmark id (``snapshot``: the
    bookmark service's, which records the access); a snapshot not read is left out."""
    return thumbnails_of(report_snapshots(snapshot, report))


def report_snapshots(snapshot: Callable[[int], bytes | None] | None,
                     report: HandoverReport) -> dict[int, bytes]:
    """The report's bookmarks' snapshots as stored, by bookmark id: database reads, no Qt
    (made off the GUI thread); a snapshot not read is left out."""
    pngs: dict[int, bytes] = {}
    for b in report.bookmarks:
        if snapshot is None or not b.has_snapshot:
            continue
        try:
            png = snapshot(b.id)
        except Exception:  # the report is still worth writing without this picture
            log.exception("snapshot of bookmark %s not read for the handover report", b.id)
            continue
        if png:
            pngs[b.id] = png
    return pngs


def thumbnails_of(pngs: Mapping[int, bytes]) -> dict[int, bytes]:
    """Small JPEGs of snapshots (Qt's images: on the GUI thread)."""
    thumbs: dict[int, bytes] = {}
    for bookmark_id, png in pngs.items():
        image = QImage.fromData(png)
        if image.isNull():
            continue
        if image.width() > THUMB_WIDTH:
            image = image.scaledToWidth(THUMB_WIDTH, Qt.TransformationMode.SmoothTransformation)
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "JPEG", quality=80)  # type: ignore[call-overload]
        thumbs[bookmark_id] = bytes(buffer.data().data())
    return thumbs


def report_names(shifts: ShiftApi, report: HandoverReport) -> dict[str, str]:
    """The display names of every operator the report mentions (logins if unreadable)."""
    shift = report.shift
    ids = {shift.operator_id, *shift.members, *(b.operator_id for b in report.bookmarks)}
    if report.acknowledged_by:
        ids.add(report.acknowledged_by)
    try:
        return shifts.operator_names(sorted(ids))
    except Exception:  # the report is still worth showing with logins
        log.exception("operators' names not read for the handover report")
        return {}


class HandoverDialog(QDialog):
    """Notes, preview, and the one button that closes the shift with its handover."""

    sig_handed_over = Signal(object, object)  # HandoverReport (saved), HandoverFiles | None

    def __init__(self, shifts: ShiftApi, site: Site, *, export_dir: Path,
                 snapshot: Callable[[int], bytes | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handoverDialog")
        self._snapshot = snapshot  # a bookmark's snapshot, for the report's thumbnails
        self.setWindowTitle(self.tr("Shift handover"))
        self._shifts = shifts
        self._site = site
        self._export_dir = export_dir
        self.report: HandoverReport | None = None
        self.files: HandoverFiles | None = None
        self.preview_report: HandoverReport | None = None  # the last preview shown
        # the preview's report is built from the database off the GUI thread
        self.preview_call = LatestCall("handover preview", self)
        self.hand_over_call = LatestCall("handover", self)  # the shift closed: a write
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("handoverNotes")
        self.notes_edit.setPlaceholderText(self.tr(
            "Notes for the next operator: what is in progress, who was called, what to "
            "watch. Each line becomes an item they must acknowledge."))
        self.preview = QTextBrowser()
        self.preview.setObjectName("handoverPreview")
        self.preview.setOpenLinks(False)
        self.preview_button = QPushButton(self.tr("Preview the report"))
        self.preview_button.clicked.connect(self.show_preview)
        self.handover_button = QPushButton(self.tr("Hand over and close the shift"))
        self.handover_button.setObjectName("handoverButton")
        self.handover_button.clicked.connect(self.hand_over)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.preview_call.sig_busy_changed.connect(self._preview_busy)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.handover_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Notes for the next operator")))
        layout.addWidget(self.notes_edit, 1)
        layout.addWidget(QLabel(self.tr("Report")))
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.info_label)
        layout.addLayout(buttons)
        self.resize(760, 720)

    def notes(self) -> str:
        return self.notes_edit.toPlainText().strip()[:NOTES_MAX]

    def show_preview(self) -> None:
        """Build the report (nothing saved) off the GUI thread and show it when ready
        (:attr:`preview_report`); the dialog says it is loading meanwhile."""
        shifts, notes = self._shifts, self.notes()

        def build() -> tuple[HandoverReport, dict[str, str]]:
            report = shifts.prepare_handover(notes)
            return report, report_names(shifts, report)

        self.preview_call.run(build, self._previewed, self._preview_failed)

    def _preview_busy(self, busy: bool) -> None:
        if busy:
            self.info_label.setText(self.tr("Loading…"))
        elif self.info_label.text() == self.tr("Loading…"):
            self.info_label.clear()

    def _previewed(self, answer: tuple[HandoverReport, dict[str, str]]) -> None:
        report, names = answer
        self.preview_report = report
        self.preview.setHtml(to_html(report, self._site, names))

    def _preview_failed(self, exc: Exception) -> None:
        if isinstance(exc, CsuWallError | ValueError):
            self.info_label.setText(str(exc))
            return
        log.warning("handover preview not built", exc_info=exc)
        self.info_label.setText(self.tr("The report cannot be prepared now: the database "
                                        "cannot be read. Try again in a moment."))

    @property
    def handing_over(self) -> bool:
        """True while the handover is being saved (the button waits meanwhile)."""
        return self.hand_over_call.busy

    def hand_over(self) -> None:
        """Close the shift with its handover (saved first, off the GUI thread), then render
        and export the files here; :attr:`report` once saved."""
        if self.handing_over:
            return
        self.preview_call.cancel()  # the report saved now is shown instead
        shifts, notes, snapshot = self._shifts, self.notes(), self._snapshot

        def save() -> tuple[HandoverReport, dict[str, str], dict[int, bytes]]:
            saved = shifts.close_with_handover(shifts.prepare_handover(notes))
            return saved, report_names(shifts, saved), report_snapshots(snapshot, saved)

        for button in (self.handover_button, self.preview_button):
            button.setEnabled(False)
        self.info_label.setText(self.tr("Handing over…"))
        self.hand_over_call.run(save, self._saved, self._not_saved)

    def _not_saved(self, exc: Exception) -> None:
        for button in (self.handover_button, self.preview_button):
            button.setEnabled(True)
        if isinstance(exc, CsuWallError | ValueError):
            self.info_label.setText(str(exc))
            return
        log.warning("handover not saved", exc_info=exc)
        self.info_label.setText(self.tr("The handover was NOT saved and the shift is still "
                                        "open: the database cannot be written. Try again, "
                                        "or call IT support."))

    def _saved(self, answer: tuple[HandoverReport, dict[str, str], dict[int, bytes]]) -> None:
        """Saved: the report shown and its files written with Qt, on the GUI thread."""
        saved, names, pngs = answer
        self.report = saved
        self.info_label.clear()
        self.preview.setHtml(to_html(saved, self._site, names))
        try:
            self.files = export_report(saved, self._site, self._export_dir, names=names,
                                       thumbnails=thumbnails_of(pngs))
        except Exception:  # the handover itself is saved: only the copies are missing
            log.exception("handover files not written to %s", self._export_dir)
            self.info_label.setText(self.tr(
                "Handover saved, but the report files could not be written to {dir}. The "
                "report stays available in the database.").format(dir=self._export_dir))
        self.sig_handed_over.emit(saved, self.files)
        self.accept()


class HandoverAckDialog(QDialog):
    """The incoming operator ticks each open item; only then can they take the wall."""

    sig_acknowledged = Signal(object)  # Shift opened for the incoming operator

    def __init__(self, shifts: ShiftApi, report: HandoverReport, operator: Operator, *,
                 site: Site, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handoverAckDialog")
        self.setWindowTitle(self.tr("Handover to acknowledge"))
        self._shifts = shifts
        self._operator = operator
        self.report = report
        self.shift: Shift | None = None
        self._site = site
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.report_view = QTextBrowser()
        self.report_view.setObjectName("handoverAckReport")
        self.report_view.setOpenLinks(False)
        self._show_report({})  # logins at once, the operators' names once read
        self.names_call = LatestCall("handover names", self)
        self.names_call.run(lambda: report_names(shifts, report), self._show_report,
                            lambda exc: log.warning("handover names not read", exc_info=exc))
        self.item_boxes: dict[str, QCheckBox] = {}
        items = QWidget()
        column = QVBoxLayout(items)
        for item in report.open_items:
            box = QCheckBox(item_text(item.text, site))  # cameras, communes by name
            box.setObjectName(f"ackItem:{item.key}")
            box.toggled.connect(self._update_button)
            self.item_boxes[item.key] = box
            column.addWidget(box)
        if not report.open_items:
            column.addWidget(QLabel(self.tr("No open item was carried over.")))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(items)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #e06060;")
        self.take_button = QPushButton(self.tr("Take the wall"))
        self.take_button.setObjectName("takeWallButton")
        self.take_button.setDefault(True)  # the action this dialog is for stands out
        self.take_button.clicked.connect(self.acknowledge)
        # the acknowledgment written off the GUI thread; the button's state then as the ticks
        self.write = PendingWrite("handover acknowledgment", self.take_button,
                                  self._all_ticked, self)
        self.progress_label = QLabel()
        self.reason_label = QLabel()  # why "Take the wall" is disabled, where one looks
        self.reason_label.setObjectName("takeWallReason")
        self.reason_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.report_view, 2)
        layout.addWidget(QLabel(self.tr("Open items")))
        layout.addWidget(scroll, 1)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.take_button)
        self.resize(760, 720)
        self._update_button()

    def _show_report(self, names: Mapping[str, str]) -> None:
        shift = self.report.shift
        ended = local_text(shift.ended_utc) if shift.ended_utc else "—"
        self.header.setText(self.tr(
            "Handover of shift n°{id} by {who} ({start} – {end}). Read it, then tick each "
            "open item to take the wall.").format(id=shift.id,
                                                  who=names.get(shift.operator_id,
                                                                shift.operator_id),
                                                  start=local_text(shift.started_utc),
                                                  end=ended))
        scroll = self.report_view.verticalScrollBar()
        at = scroll.value()
        self.report_view.setHtml(to_html(self.report, self._site, names))
        scroll.setValue(at)  # the names arrived while it was being read: kept where it was

    def _all_ticked(self) -> bool:
        return all(box.isChecked() for box in self.item_boxes.values())

    @property
    def acknowledging(self) -> bool:
        """True while the acknowledgment is being written (the button waits meanwhile)."""
        return self.write.busy

    def _update_button(self) -> None:
        ticked = sum(box.isChecked() for box in self.item_boxes.values())
        total = len(self.item_boxes)
        self.take_button.setEnabled(ticked == total and not self.acknowledging)
        self.progress_label.setText(self.tr("%n of {total} items acknowledged", "", ticked).format(
            total=total))
        if ticked == total:
            reason = ""
        else:
            reason = self.tr("Tick the %n item(s) left to acknowledge to take the wall: each "
                             "open item must be read first.", "", total - ticked)
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))
        self.take_button.setToolTip(reason)

    def acknowledge(self) -> None:
        """Record the acknowledgment off the GUI thread; ``sig_acknowledged`` and the dialog
        closed once it is written (:attr:`shift` then). A press meanwhile does nothing."""
        if self.acknowledging:
            return None
        keys = [key for key, box in self.item_boxes.items() if box.isChecked()]
        report_id = self.report.id
        if report_id is None:  # pragma: no cover - a pending handover is always saved
            raise ValueError("unsaved handover")
        shifts, operator_id = self._shifts, self._operator.id
        self.error_label.clear()
        self.write.run(lambda: shifts.acknowledge(report_id, operator_id, keys),
                       self.tr("Recording the acknowledgment…"), self._acknowledged,
                       self._not_acknowledged)
        return None

    def _acknowledged(self, shift: Shift) -> None:
        self.shift = shift
        self.sig_acknowledged.emit(shift)
        self.accept()

    def _not_acknowledged(self, exc: Exception) -> None:
        if isinstance(exc, CsuWallError | ValueError):  # an item not ticked: the service says
            self.error_label.setText(str(exc))
            return
        log.warning("handover acknowledgment not saved", exc_info=exc)
        self.error_label.setText(self.tr("The acknowledgment was NOT saved: the database "
                                         "cannot be written. Try again, or call IT support."))
