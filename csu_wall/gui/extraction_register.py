"""The register of extractions, for supervisors: every extraction with its state, requisition,
operator, hashes, hand-over and the bookmarks under its procedure's hold; « Remise » records a
hand-over, and the register leaves as CSV or PDF (built by
:mod:`csu_wall.services.export_register`).

Reading the register, recording a hand-over and writing the register's CSV or PDF happen off
the GUI thread (:class:`LatestCall`):
the screen says it is loading or writing meanwhile and stays usable; a database out of reach is
said in the screen while the rows shown stay."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.gui._latest_call import LatestCall
from csu_wall.services.export import paris
from csu_wall.services.export_desk import ExportDesk, ExtractionRecord

log = logging.getLogger(__name__)
PickSave = Callable[[QWidget, str], "Path | None"]  # parent, "csv" | "pdf"
REF_ROLE = Qt.ItemDataRole.UserRole


def _ask_save(parent: QWidget, kind: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("RegisterDialog", "Export the register"),
        str(Path.home() / f"registre-extractions.{kind}"),
        "CSV (*.csv)" if kind == "csv" else "PDF (*.pdf)")
    return Path(name) if name else None


class HandOverForm(QDialog):
    """To whom, their service, the medium: the hand-over of one delivered extraction. OK asks
    for it to be recorded (``sig_submit``); the form closes once it is (:meth:`recorded`),
    or stays open with what was typed and says why not (:meth:`refused`)."""

    sig_submit = Signal()

    def __init__(self, reference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handOverForm")
        self.setWindowTitle(self.tr("Hand-over of extraction {reference}").format(
            reference=reference))
        self.to_name = QLineEdit()
        self.to_name.setObjectName("handOverTo")
        self.to_service = QLineEdit()
        self.to_service.setObjectName("handOverService")
        self.medium = QLineEdit()
        self.medium.setObjectName("handOverMedium")
        self.medium.setPlaceholderText(self.tr("e.g. USB key n° 12, DVD, secure transfer"))
        form = QFormLayout()
        form.addRow(self.tr("Handed to (name)"), self.to_name)
        form.addRow(self.tr("Their service"), self.to_service)
        form.addRow(self.tr("Medium"), self.medium)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.state_label = QLabel()
        self.state_label.setObjectName("handOverState")
        self.state_label.setWordWrap(True)
        self.state_label.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.state_label)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """OK: ask for the hand-over to be recorded (the form waits for it)."""
        if not self.ok_button.isEnabled():
            return  # already asked
        self.ok_button.setEnabled(False)
        self.state_label.setText(self.tr("Recording the hand-over…"))
        self.state_label.show()
        self.sig_submit.emit()

    def recorded(self) -> None:
        self.ok_button.setEnabled(True)
        super().accept()

    def refused(self, text: str) -> None:
        self.ok_button.setEnabled(True)
        self.state_label.setText(text)


class RegisterDialog(QDialog):
    COLUMNS = ("Reference", "State", "Commune", "Procedure", "OPJ", "Period (Paris)",
               "Operator", "Cameras", "Manifest SHA-256", "Signing key", "Hand-over",
               "Bookmarks")

    def __init__(self, desk: ExportDesk, *, pick_save: PickSave | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("extractionRegister")
        self.setWindowTitle(self.tr("Register of extractions"))
        self.resize(1100, 520)
        self.desk = desk
        self._pick = pick_save or _ask_save
        self.records: list[ExtractionRecord] = []
        self.load_call = LatestCall("extraction register", self)
        self.write_call = LatestCall("extraction register file", self)
        self.hand_over_call = LatestCall("extraction hand-over", self)  # a write
        self.hand_over_form: HandOverForm | None = None
        self.commune_box = QComboBox()
        self.commune_box.setObjectName("registerCommune")
        self.commune_box.addItem(self.tr("All communes"), None)
        for commune in desk.site.communes:
            self.commune_box.addItem(commune.name, commune.id)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("registerTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("Reference"), self.tr("State"), self.tr("Commune"), self.tr("Procedure"),
            self.tr("OPJ"), self.tr("Period (Paris)"), self.tr("Operator"), self.tr("Cameras"),
            self.tr("Manifest SHA-256"), self.tr("Signing key"), self.tr("Hand-over"),
            self.tr("Bookmarks")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.busy_label = QLabel()
        self.busy_label.setObjectName("registerBusy")
        self.busy_label.hide()
        self.info = QLabel()
        self.info.setObjectName("registerInfo")
        self.info.setWordWrap(True)
        self.hand_over_button = QPushButton(self.tr("Hand-over…"))
        self.hand_over_button.setObjectName("registerHandOver")
        self.csv_button = QPushButton(self.tr("Export the register (CSV)…"))
        self.csv_button.setObjectName("registerCsv")
        self.pdf_button = QPushButton(self.tr("Export the register (PDF)…"))
        self.pdf_button.setObjectName("registerPdf")
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for b in (self.hand_over_button, self.csv_button, self.pdf_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.commune_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.info)
        layout.addLayout(buttons)
        self.commune_box.currentIndexChanged.connect(lambda _i: self.refresh())
        for call in (self.load_call, self.write_call):
            call.sig_busy_changed.connect(self._show_busy)
        self.hand_over_button.clicked.connect(self.hand_over)
        self.csv_button.clicked.connect(lambda _c=False: self.export("csv"))
        self.pdf_button.clicked.connect(lambda _c=False: self.export("pdf"))
        self.refresh()

    @property
    def loading(self) -> bool:
        """True while the register is being read or written to a file."""
        return self.load_call.busy or self.write_call.busy

    def _show_busy(self) -> None:
        if self.write_call.busy:
            self.busy_label.setText(self.tr("Writing the register…"))
        elif self.load_call.busy:
            self.busy_label.setText(self.tr("Loading…"))
        self.busy_label.setVisible(self.loading)

    def refresh(self, select: str | None = None) -> None:
        """Read the register again off the GUI thread (the newest reading wins); ``select``:
        the reference to select once it is shown."""
        commune, desk = self.commune_box.currentData(), self.desk

        def read() -> tuple[list[ExtractionRecord], dict[str, list[int]]]:
            records = desk.register(str(commune) if commune else None)
            return records, {r.reference: [b.id for b in desk.bookmarks_of(r)]
                             for r in records}

        self.load_call.run(read, lambda answer: self._show(answer, select), self._load_failed)

    def _load_failed(self, exc: Exception) -> None:
        log.warning("extraction register not read", exc_info=exc)
        self.info.setText(str(exc) if isinstance(exc, CsuWallError) else self.tr(
            "The register cannot be read now (database unreachable); the list shown may be "
            "out of date."))

    def _show(self, answer: tuple[list[ExtractionRecord], dict[str, list[int]]],
              select: str | None) -> None:
        self.records, marks = answer
        self.table.setRowCount(len(self.records))
        for row, r in enumerate(self.records):
            for column, text in enumerate(self._cells(r, marks.get(r.reference, []))):
                item = QTableWidgetItem(text)
                item.setData(REF_ROLE, r.reference)
                self.table.setItem(row, column, item)
        if select is not None and any(r.reference == select for r in self.records):
            self.select(select)

    def _cells(self, r: ExtractionRecord, bookmark_ids: list[int]) -> list[str]:
        q, h = r.requisition, r.handover or {}
        try:
            commune = self.desk.site.commune(r.commune_id).name
        except KeyError:
            commune = r.commune_id
        hand = (self.tr("{to} ({service}), {medium}, {at}").format(
            to=h.get("to", ""), service=h.get("service", ""), medium=h.get("medium", ""),
            at=h.get("at_paris", "")) if h else self.tr("not handed over"))
        if r.local_deleted_at is not None:
            hand += self.tr(" — workstation copy deleted")
        marks = " ".join(f"n°{i}" for i in bookmark_ids)
        return [r.reference, r.state, commune, q.get("procedure", ""),
                f"{q.get('opj_rank', '')} {q.get('opj_name', '')}, {q.get('opj_service', '')}",
                f"{paris(r.requested_start)} → {paris(r.requested_end)}", r.operator_id,
                " ".join(r.cameras), r.manifest_sha256 or "", r.signing_key or "", hand, marks]

    def selected(self) -> ExtractionRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.records[rows[0].row()] if rows else None

    def select(self, reference: str) -> None:
        for row, r in enumerate(self.records):
            if r.reference == reference:
                self.table.selectRow(row)
                return
        raise KeyError(reference)

    def hand_over(self) -> HandOverForm | None:
        """Open the hand-over form for the selected extraction (recorded on OK)."""
        record = self.selected()
        if record is None:
            self.info.setText(self.tr("Choose an extraction in the list first."))
            return None
        form = HandOverForm(record.reference, self)
        self.hand_over_form = form
        form.sig_submit.connect(lambda: self._record_hand_over(record.reference, form))
        form.open()
        return form

    def _record_hand_over(self, reference: str, form: HandOverForm) -> None:
        """Record the hand-over off the GUI thread; the form closes once it is committed."""
        desk = self.desk
        to_name, to_service = form.to_name.text(), form.to_service.text()
        medium = form.medium.text()

        def done(_answer: object) -> None:
            form.recorded()
            self.info.setText(self.tr("Hand-over of extraction {reference} recorded.").format(
                reference=reference))
            self.refresh(select=reference)

        def failed(exc: Exception) -> None:
            if not isinstance(exc, CsuWallError):
                log.warning("hand-over of %s not recorded", reference, exc_info=exc)
            text = str(exc) if isinstance(exc, CsuWallError) else self.tr(
                "The hand-over of extraction {reference} was NOT recorded: the database "
                "cannot be written. Try again in a moment.").format(reference=reference)
            form.refused(text)
            self.info.setText(text)

        self.hand_over_call.run(
            lambda: desk.hand_over(reference, to_name=to_name, to_service=to_service,
                                   medium=medium), done, failed)

    def export(self, kind: str) -> Path | None:
        """Write the register shown (CSV or PDF) where the supervisor chooses, off the GUI
        thread (its bookmarks are read from the database); returns the path being written,
        None when none was chosen. The screen says when it is written."""
        path = self._pick(self, kind)
        if path is None:
            return None
        records, desk = list(self.records), self.desk

        def write() -> Path:
            if kind == "csv":
                path.write_text(desk.register_csv(records), "utf-8")
            else:
                path.write_bytes(desk.register_pdf(records))
            return path

        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(False)
        self.write_call.run(write, self._written, lambda exc: self._write_failed(path, exc))
        return path

    def _written(self, path: Path) -> None:
        self._export_buttons_back()
        self.info.setText(self.tr("Register written to {path}.").format(path=str(path)))

    def _write_failed(self, path: Path, exc: Exception) -> None:
        self._export_buttons_back()
        if isinstance(exc, OSError):
            self.info.setText(self.tr("The register could not be written to {path}: "
                                      "{reason}").format(path=str(path),
                                                         reason=exc.strerror or str(exc)))
            return
        log.warning("extraction register not written", exc_info=exc)
        self.info.setText(str(exc) if isinstance(exc, CsuWallError) else self.tr(
            "The register could not be written to {path}: the database cannot be read "
            "now.").format(path=str(path)))

    def _export_buttons_back(self) -> None:
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(True)
