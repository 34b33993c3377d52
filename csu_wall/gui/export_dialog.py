"""The export dialog: a requisition's video, asked by an operator habilitated to extract.

One or several cameras of one commune, a period in Paris time (its UTC equivalent shown under
the fields as they change: the repeated hour of October reads CEST then CET), the
requisition's fields, an optional scanned requisition and the destination folder. The export
itself runs in a thread of :class:`~csu_wall.services.export_desk.ExportDesk`; this dialog only
reads its progress with a timer (bars per camera and in total, speed, time left) and may ask it
to stop. A refusal (no extraction habilitation for the commune) is said before anything is
asked of a recorder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import Site
from csu_wall.core.shifts import Bookmark
from csu_wall.gui.playback_bar import PARIS, from_qt, to_qt
from csu_wall.services.export import LEGAL_BASES, MAX_PERIOD, ExportRequest, Requisition
from csu_wall.services.export_desk import (
    CANCELLED,
    DELIVERED,
    REFUSED,
    RUNNING,
    ExportDesk,
    ExportJob,
    JobStatus,
)
from csu_wall.services.export_scan import SUFFIXES

POLL_MS = 100
ID_ROLE = Qt.ItemDataRole.UserRole
PickPath = Callable[[QWidget, str], "Path | None"]  # parent, "folder" | "scan"


def utc_text(t: datetime) -> str:
    return t.strftime("%d/%m/%Y %H:%M:%S UTC")


def _ask_path(parent: QWidget, kind: str) -> Path | None:
    if kind == "folder":
        name = QFileDialog.getExistingDirectory(
            parent, QCoreApplication.translate("ExportDialog", "Destination folder"),
            str(Path.home()))
    else:
        patterns = " ".join(f"*{s}" for s in SUFFIXES)
        name, _ = QFileDialog.getOpenFileName(
            parent, QCoreApplication.translate("ExportDialog", "Scanned requisition"),
            str(Path.home()),
            QCoreApplication.translate("ExportDialog", "PDF or image ({patterns})").format(
                patterns=patterns))
    return Path(name) if name else None


class ExportDialog(QDialog):
    """Fill, check, extract; the progress of the export under way."""

    def __init__(self, desk: ExportDesk, site: Site, *, camera_ids: Sequence[str] = (),
                 start_utc: datetime | None = None, end_utc: datetime | None = None,
                 bookmark: Bookmark | None = None, pick_path: PickPath | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Extraction for a requisition"))
        self.desk = desk
        self.site = site
        self.bookmark = bookmark
        self.job: ExportJob | None = None
        self._pick = pick_path or _ask_path
        self._bars: list[QProgressBar] = []
        self._build()
        self._fill_communes(camera_ids)
        now = datetime.now().astimezone()
        self.start_edit.setDateTime(to_qt(start_utc or now - timedelta(minutes=10)))
        self.end_edit.setDateTime(to_qt(end_utc or now - timedelta(minutes=5)))
        if bookmark is not None and bookmark.judicial_ref:
            self.procedure.setText(bookmark.judicial_ref)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self._show_utc()
        self._check_habilitation()

    # -- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self._make_fields()
        self._make_progress()
        self._lay_out()
        self.commune_box.currentIndexChanged.connect(self._on_commune)
        self.start_edit.dateTimeChanged.connect(self._show_utc)
        self.end_edit.dateTimeChanged.connect(self._show_utc)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)

    def _make_fields(self) -> None:
        self.commune_box = QComboBox()
        self.commune_box.setObjectName("exportCommune")
        self.camera_list = QListWidget()
        self.camera_list.setObjectName("exportCameras")
        self.camera_list.setMaximumHeight(120)
        self.start_edit = self._time_edit("exportStart")
        self.end_edit = self._time_edit("exportEnd")
        self.utc_label = QLabel()
        self.utc_label.setObjectName("exportUtc")
        self.procedure = self._line("exportProcedure")
        self.opj_name = self._line("exportOpjName")
        self.opj_rank = self._line("exportOpjRank")
        self.opj_service = self._line("exportOpjService")
        self.req_date = QDateEdit(QDate.currentDate())
        self.req_date.setObjectName("exportRequisitionDate")
        self.req_date.setDisplayFormat("dd/MM/yyyy")
        self.req_date.setCalendarPopup(True)
        self.legal_basis = QComboBox()
        self.legal_basis.setObjectName("exportLegalBasis")
        for basis in LEGAL_BASES:
            self.legal_basis.addItem(basis, basis)
        self.note = QPlainTextEdit()
        self.note.setObjectName("exportNote")
        self.note.setMaximumHeight(60)
        self.scan = self._line("exportScan")
        self.scan.setReadOnly(True)
        self.scan.setPlaceholderText(self.tr("none (optional)"))
        self.destination = self._line("exportDestination")
        self.caption = QCheckBox(self.tr(
            "Burn camera, commune and time into re-encoded videos (cameras with masks)"))
        self.caption.setObjectName("exportCaption")

    def _make_progress(self) -> None:
        self.refusal_label = self._message("exportRefusal", "#ff8080")
        self.error_label = self._message("exportErrors", "#ff8080")
        self.done_label = self._message("exportDone", "")
        self.total_bar = QProgressBar()
        self.total_bar.setObjectName("exportTotal")
        self.speed_label = QLabel()
        self.speed_label.setObjectName("exportSpeed")
        self.bars_grid = QGridLayout()
        self.start_button = QPushButton(self.tr("&Extract"))
        self.start_button.setObjectName("exportStartButton")
        self.cancel_button = QPushButton(self.tr("&Cancel the extraction"))
        self.cancel_button.setObjectName("exportCancelButton")
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"))

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Commune"), self.commune_box)
        form.addRow(self.tr("Cameras"), self.camera_list)
        form.addRow(self.tr("Start (Paris time)"), self.start_edit)
        form.addRow(self.tr("End (Paris time)"), self.end_edit)
        form.addRow("", self.utc_label)
        form.addRow(self.tr("Procedure or PV number"), self.procedure)
        form.addRow(self.tr("Requesting OPJ (name)"), self.opj_name)
        form.addRow(self.tr("Rank"), self.opj_rank)
        form.addRow(self.tr("Service"), self.opj_service)
        form.addRow(self.tr("Date of the requisition"), self.req_date)
        form.addRow(self.tr("Legal basis"), self.legal_basis)
        form.addRow(self.tr("Note"), self.note)
        form.addRow(self.tr("Scanned requisition"),
                    self._with_buttons(self.scan, ("exportScanPick", self.tr("Choose…"),
                                                   self.pick_scan),
                                       ("exportScanClear", self.tr("Remove"),
                                        self.scan.clear)))
        form.addRow(self.tr("Destination folder"),
                    self._with_buttons(self.destination, ("exportDestinationPick",
                                                          self.tr("Choose…"),
                                                          self.pick_destination)))
        form.addRow("", self.caption)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.refusal_label)
        layout.addWidget(self.error_label)
        layout.addLayout(self.bars_grid)
        layout.addWidget(QLabel(self.tr("Total")))
        layout.addWidget(self.total_bar)
        layout.addWidget(self.speed_label)
        layout.addWidget(self.done_label)
        layout.addLayout(buttons)

    def _time_edit(self, name: str) -> QDateTimeEdit:
        edit = QDateTimeEdit()
        edit.setObjectName(name)
        edit.setTimeZone(PARIS)
        edit.setDisplayFormat("dd/MM/yyyy HH:mm:ss t")
        edit.setCalendarPopup(True)
        return edit

    @staticmethod
    def _line(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        return edit

    @staticmethod
    def _message(name: str, color: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        if color:
            label.setStyleSheet(f"color: {color};")
        label.hide()
        return label

    def _with_buttons(self, edit: QLineEdit,
                      *buttons: tuple[str, str, Callable[[], object]]) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        for name, text, slot in buttons:
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(lambda _c=False, s=slot: s())
            row.addWidget(button)
        return box

    def _fill_communes(self, camera_ids: Sequence[str]) -> None:
        chosen = set(camera_ids)
        commune_id = None
        for cid in camera_ids:
            try:
                commune_id = self.site.camera(cid).commune_id
                break
            except KeyError:
                continue
        self.commune_box.blockSignals(True)
        for commune in self.site.attached_communes():
            self.commune_box.addItem(commune.name, commune.id)
        index = self.commune_box.findData(commune_id) if commune_id else 0
        self.commune_box.setCurrentIndex(max(index, 0))
        self.commune_box.blockSignals(False)
        self._fill_cameras(chosen)

    def _fill_cameras(self, chosen: set[str]) -> None:
        self.camera_list.clear()
        commune_id = self.commune_box.currentData()
        if commune_id is None:
            return
        for camera in self.site.cameras_of(str(commune_id)):
            item = QListWidgetItem(camera.name)
            item.setData(ID_ROLE, camera.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if camera.id in chosen
                               else Qt.CheckState.Unchecked)
            self.camera_list.addItem(item)

    def _on_commune(self) -> None:
        self._fill_cameras(set())
        self._check_habilitation()

    # -- reading the fields -------------------------------------------------------------------

    def cameras(self) -> list[str]:
        return [str(self.camera_list.item(i).data(ID_ROLE))
                for i in range(self.camera_list.count())
                if self.camera_list.item(i).checkState() == Qt.CheckState.Checked]

    def period(self) -> tuple[datetime, datetime]:
        return from_qt(self.start_edit.dateTime()), from_qt(self.end_edit.dateTime())

    def _show_utc(self) -> None:
        start, end = self.period()
        self.utc_label.setText(self.tr("In UTC: from {start} to {end}").format(
            start=utc_text(start), end=utc_text(end)))

    def _check_habilitation(self) -> None:
        commune_id = self.commune_box.currentData()
        refusal = self.desk.refusal(str(commune_id)) if commune_id is not None else None
        self.refusal_label.setText(refusal or "")
        self.refusal_label.setVisible(bool(refusal))

    def requisition(self) -> Requisition:
        d = self.req_date.date()
        return Requisition(
            procedure=self.procedure.text().strip(), opj_name=self.opj_name.text().strip(),
            opj_rank=self.opj_rank.text().strip(), opj_service=self.opj_service.text().strip(),
            date=date(d.year(), d.month(), d.day()).isoformat(),
            legal_basis=str(self.legal_basis.currentData() or ""),
            note=self.note.toPlainText().strip())

    def problems(self) -> list[str]:
        """What is missing or wrong, each naming its field (French)."""
        out = []
        if not self.cameras():
            out.append(self.tr("Cameras: tick at least one camera."))
        start, end = self.period()
        if end <= start:
            out.append(self.tr("End: the end of the period must follow its start."))
        elif end - start > MAX_PERIOD:
            out.append(self.tr("End: 24 hours at most per extraction."))
        for edit, text in ((self.procedure, self.tr("Procedure or PV number: required.")),
                           (self.opj_name, self.tr("Requesting OPJ (name): required.")),
                           (self.opj_rank, self.tr("Rank: required.")),
                           (self.opj_service, self.tr("Service: required."))):
            if not edit.text().strip():
                out.append(text)
        if self.req_date.date() > QDate.currentDate():
            out.append(self.tr("Date of the requisition: it cannot be in the future."))
        if not self.destination.text().strip():
            out.append(self.tr("Destination folder: required."))
        scan = self.scan.text().strip()
        if scan and Path(scan).suffix.lower() not in SUFFIXES:
            out.append(self.tr("Scanned requisition: a PDF or an image is expected."))
        return out

    def pick_scan(self) -> None:
        path = self._pick(self, "scan")
        if path is not None:
            self.scan.setText(str(path))

    def pick_destination(self) -> None:
        path = self._pick(self, "folder")
        if path is not None:
            self.destination.setText(str(path))

    # -- running ------------------------------------------------------------------------------

    def start(self) -> ExportJob | None:
        """Check the fields, then start the export (its thread); None when refused here."""
        self.done_label.hide()
        problems = self.problems()
        self.error_label.setText("\n".join(problems))
        self.error_label.setVisible(bool(problems))
        if problems:
            return None
        start, end = self.period()
        scan = self.scan.text().strip()
        request = ExportRequest(tuple(self.cameras()), start, end, self.requisition(),
                                Path(self.destination.text().strip()),
                                requisition_file=Path(scan) if scan else None,
                                caption=self.caption.isChecked())
        try:
            job = self.desk.start(request)
        except CsuWallError as exc:  # the export cannot be wired here (no site key, say)
            self.error_label.setText(str(exc))
            self.error_label.show()
            return None
        self._make_bars(request.camera_ids)
        self.job = job
        self._set_running(True)
        self.timer.start()
        return self.job

    def _make_bars(self, camera_ids: Sequence[str]) -> None:
        while self.bars_grid.count():
            item = self.bars_grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self._bars = []
        for row, cid in enumerate(camera_ids):
            bar = QProgressBar()
            bar.setObjectName(f"exportCameraBar-{cid}")
            self.bars_grid.addWidget(QLabel(self.site.camera(cid).name), row, 0)
            self.bars_grid.addWidget(bar, row, 1)
            self._bars.append(bar)
        self.total_bar.setValue(0)
        self.speed_label.clear()

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)

    def cancel(self) -> None:
        if self.job is not None and not self.job.done:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.speed_label.setText(self.tr("Stopping the extraction…"))

    def poll(self) -> JobStatus | None:
        """Read the job's progress (the timer's slot)."""
        if self.job is None:
            return None
        status = self.job.status()
        self._show_progress(status)
        if status.state != RUNNING:
            self.timer.stop()
            self._finished(status)
        return status

    def _show_progress(self, status: JobStatus) -> None:
        p = status.progress
        if p is None:
            return
        for i, bar in enumerate(self._bars):
            value = 100 if i < p.camera_index else (
                round(p.camera_fraction * 100) if i == p.camera_index else 0)
            bar.setValue(value)
        self.total_bar.setValue(round(p.total_fraction * 100))
        start, end = self.period()
        done_s = (end - start).total_seconds() * p.cameras * p.total_fraction
        if p.elapsed_s > 0.5 and p.total_fraction > 0.0:
            left = p.elapsed_s * (1 - p.total_fraction) / p.total_fraction
            self.speed_label.setText(self.tr(
                "Speed: ×{speed:.1f} real time — about {left} s left").format(
                speed=done_s / p.elapsed_s, left=round(left)))

    def _finished(self, status: JobStatus) -> None:
        self._set_running(False)
        if status.state == DELIVERED and status.result is not None:
            for bar in self._bars:
                bar.setValue(100)
            self.total_bar.setValue(100)
            if self.bookmark is not None:
                self.desk.hold_bookmark(self.bookmark, self.requisition().procedure)
            self.done_label.setText(self.tr(
                "Extraction {reference} delivered in {folder}. Fingerprint of the signing "
                "key: {fingerprint}").format(reference=status.result.reference,
                                             folder=str(status.result.folder),
                                             fingerprint=status.result.fingerprint))
            self.done_label.show()
        elif status.state == REFUSED:
            self.refusal_label.setText(status.message)
            self.refusal_label.show()
        elif status.state == CANCELLED:
            self.speed_label.setText(self.tr(
                "Extraction cancelled: no folder was left in the destination."))
        else:
            self.error_label.setText(status.message)
            self.error_label.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.job is not None and not self.job.done:
            self.cancel()  # closes once the export has stopped and cleaned up
            event.ignore()
            return
        self.timer.stop()
        super().closeEvent(event)
