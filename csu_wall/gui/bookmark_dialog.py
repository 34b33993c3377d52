"""The quick bookmark dialog (one key on the focused tile) and the bookmark edit dialog.

The operator is told a bookmark is saved only once :meth:`BookmarkApi.create` has returned:
the service commits its transaction before returning, so a confirmed bookmark survives a crash.
Times are UTC inside and shown in Europe/Paris.

Both dialogs open at once and read the site's categories off the GUI thread
(:class:`LatestCall`); saving waits for them, and the dialog says why meanwhile. The save
itself is written off the GUI thread too (:class:`PendingWrite`): the button waits and says so,
a refusal or a failure is said in the dialog, which stays open with what was typed.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import Camera
from csu_wall.core.shifts import Bookmark, BookmarkFilter, BookmarkStatus, Severity
from csu_wall.gui._latest_call import LatestCall
from csu_wall.gui._pending_write import PendingWrite

log = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
NOTE_MAX = 4000  # characters: a note is a few lines, not a statement
CATEGORIES_RETRY_MS = 3000  # the database out of reach: the categories are asked again


class BookmarkApi(Protocol):
    """What the GUI uses of :class:`csu_wall.services.bookmarks.BookmarkService`."""

    def categories(self) -> list[str]: ...

    def create(self, camera: Camera, at_utc: datetime, *, category: str, severity: Severity,
               note: str = ..., pre_seconds: int = ..., post_seconds: int = ...,
               shift_id: int | None, snapshot_png: bytes | None) -> Bookmark: ...

    def update(self, bookmark_id: int, *, category: str | None = ...,
               severity: Severity | None = ..., note: str | None = ...,
               status: BookmarkStatus | None = ...) -> Bookmark: ...

    def mark_judicial(self, bookmark_id: int, reference: str) -> Bookmark: ...

    def get(self, bookmark_id: int) -> Bookmark: ...

    def snapshot(self, bookmark_id: int) -> bytes | None: ...

    def search(self, flt: BookmarkFilter) -> list[Bookmark]: ...


def local_text(when: datetime) -> str:
    """A UTC time as the operator reads it: Europe/Paris, day first."""
    return when.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")


def severity_label(severity: Severity) -> str:
    translate = QCoreApplication.translate
    return {
        Severity.LOW: translate("BookmarkLabels", "low"),
        Severity.MEDIUM: translate("BookmarkLabels", "medium"),
        Severity.HIGH: translate("BookmarkLabels", "high"),
        Severity.CRITICAL: translate("BookmarkLabels", "critical"),
    }[severity]


def status_label(status: BookmarkStatus) -> str:
    translate = QCoreApplication.translate
    return {
        BookmarkStatus.OPEN: translate("BookmarkLabels", "open"),
        BookmarkStatus.FOLLOWED_UP: translate("BookmarkLabels", "followed up"),
        BookmarkStatus.CLOSED: translate("BookmarkLabels", "closed"),
    }[status]


def _fill_categories(box: QComboBox, categories: Sequence[str], current: str | None) -> None:
    for name in categories:
        box.addItem(name, name)
    if current is not None and box.findData(current) < 0:
        box.addItem(current, current)  # a category removed from the list since: kept as is
    if current is not None:
        box.setCurrentIndex(box.findData(current))


class _Categories(QObject):
    """The site's categories read off the GUI thread for one dialog's box: ``label`` says
    they are loading (or that the database is out of reach, asked again every
    CATEGORIES_RETRY_MS); ``ready()`` is called on the GUI thread once they are offered."""

    def __init__(self, dialog: QDialog, service: BookmarkApi, box: QComboBox,
                 current: str | None, ready: Callable[[], None]) -> None:
        super().__init__(dialog)
        self.call = LatestCall("bookmark dialog categories", self)
        self.loaded = False
        self._service, self._box, self._current, self._ready = service, box, current, ready
        self.label = QLabel(self.tr("Loading the categories… (the bookmark can be saved "
                                    "once they are read)"))
        self.label.setObjectName("bookmarkCategoriesState")
        self.label.setWordWrap(True)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(CATEGORIES_RETRY_MS)
        self._retry.timeout.connect(self.load)
        self.load()

    def load(self) -> None:
        self.call.run(self._service.categories, self._offered, self._failed)

    def _offered(self, names: list[str]) -> None:
        chosen = self._box.currentData() if self._box.currentIndex() >= 0 else None
        self._box.clear()
        _fill_categories(self._box, names, self._current)
        if self._current is None:
            self._box.setCurrentIndex(-1 if chosen is None else self._box.findData(chosen))
        self.loaded = True
        self.label.hide()
        self._ready()

    def _failed(self, exc: Exception) -> None:
        log.warning("bookmark categories not read", exc_info=exc)
        self.label.setText(self.tr("The categories cannot be read now (database "
                                   "unreachable): the bookmark cannot be saved yet. Trying "
                                   "again…"))
        self._retry.start()


def _fill_severities(box: QComboBox, current: Severity | None) -> None:
    for severity in Severity:
        box.addItem(severity_label(severity), severity.value)
    box.setCurrentIndex(-1 if current is None else box.findData(current.value))


class _QuickChoice(QObject):
    """Keyboard choice in a closed combo box: digit N takes the N-th item, a letter the next
    item starting with it (accents ignored); then the focus moves on to ``next_widget``."""

    def __init__(self, box: QComboBox, next_widget: QWidget) -> None:
        super().__init__(box)
        self._box = box
        self._next = next_widget
        box.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        text = event.text()
        index = _quick_index(self._box, text)
        if index is None:
            return False
        self._box.setCurrentIndex(index)
        self._next.setFocus(Qt.FocusReason.TabFocusReason)
        return True


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold())
                   if not unicodedata.combining(c))


def _quick_index(box: QComboBox, text: str) -> int | None:
    if len(text) != 1:
        return None
    if text.isdigit():
        index = int(text) - 1
        return index if 0 <= index < box.count() else None
    if not text.isalpha():
        return None
    key = _fold(text)
    count = box.count()
    start = box.currentIndex() + 1
    for step in range(count):
        index = (start + step) % count
        if _fold(box.itemText(index)).startswith(key):
            return index
    return None


class BookmarkDialog(QDialog):
    """Category, severity, note, pre/post seconds for one camera at one time."""

    sig_bookmark_created = Signal(object)  # Bookmark, once committed

    def __init__(self, service: BookmarkApi, camera: Camera, at_utc: datetime, *,
                 commune_name: str, shift_id: int | None, snapshot_png: bytes | None,
                 snapshot_pending: bool = False, playback: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookmarkDialog")
        self.setWindowTitle(self.tr("Bookmark an incident"))
        self._service = service
        self.camera = camera
        self.at_utc = at_utc
        self.shift_id = shift_id
        self.snapshot_png = snapshot_png
        self.bookmark: Bookmark | None = None
        when = (self.tr("recorded video at {time}") if playback
                else self.tr("now, {time}")).format(time=local_text(at_utc))
        header = QLabel(self.tr("{camera} — {commune}\n{when}").format(
            camera=camera.name, commune=commune_name, when=when))
        header.setObjectName("bookmarkHeader")
        self.snapshot_pending = snapshot_pending
        self.snapshot_source = "displayed" if snapshot_png else ""  # or "snapshot" (full res)
        self.snapshot_label = QLabel()
        self.snapshot_label.setObjectName("bookmarkSnapshot")
        self.snapshot_label.setWordWrap(True)
        self._make_fields()
        self._lay_out(header)
        self.categories = _Categories(self, service, self.category_box, None,
                                      self._show_snapshot_state)
        self._layout.insertWidget(1, self.categories.label)
        self._show_snapshot_state()

    def _make_fields(self) -> None:
        # Never preset: the operator chooses both (a default would record a fight by mistake).
        self.category_box = QComboBox()
        self.category_box.setObjectName("bookmarkCategory")
        self.category_box.setCurrentIndex(-1)
        self.category_box.setPlaceholderText(self.tr("choose: 1–9 or first letter"))
        self.severity_box = QComboBox()
        self.severity_box.setObjectName("bookmarkSeverity")
        _fill_severities(self.severity_box, None)
        self.severity_box.setPlaceholderText(self.tr("choose: 1–4 or first letter"))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("bookmarkNote")
        self.note_edit.setPlaceholderText(self.tr("What happened, who was told…"))
        self.pre_spin = QSpinBox()
        self.pre_spin.setRange(0, 600)
        self.pre_spin.setValue(10)
        self.pre_spin.setSuffix(self.tr(" s before"))
        self.post_spin = QSpinBox()
        self.post_spin.setRange(0, 3600)
        self.post_spin.setValue(30)
        self.post_spin.setSuffix(self.tr(" s after"))
        self.error_label = QLabel()
        self.error_label.setObjectName("bookmarkError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #e06060;")
        self.error_label.hide()
        buttons = QDialogButtonBox()
        self.save_button = QPushButton(self.tr("Save the bookmark"))
        self.save_button.setObjectName("bookmarkSave")
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        self._buttons = buttons
        # the bookmark written off the GUI thread; the button's state then as before it
        self.write = PendingWrite("bookmark create", self.save_button,
                                  lambda: not self.snapshot_pending, self)

    def _lay_out(self, header: QLabel) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Category"), self.category_box)
        form.addRow(self.tr("Severity"), self.severity_box)
        form.addRow(self.tr("Note"), self.note_edit)
        form.addRow(self.tr("Keep"), self.pre_spin)
        form.addRow("", self.post_spin)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.snapshot_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self._buttons)
        self._layout = layout
        self.setMinimumWidth(440)
        # Keyboard: a digit or a first letter in each box, Ctrl+Enter saves from the note.
        _QuickChoice(self.category_box, self.severity_box)
        _QuickChoice(self.severity_box, self.note_edit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        self.setTabOrder(self.category_box, self.severity_box)
        self.setTabOrder(self.severity_box, self.note_edit)
        self.category_box.setFocus()

    def set_snapshot(self, png: bytes | None) -> None:
        """The full-resolution snapshot arrived (None: it failed, the tile's frame stays)."""
        if png is not None:
            self.snapshot_png = png
            self.snapshot_source = "snapshot"
        self.snapshot_pending = False
        self._show_snapshot_state()

    def _show_snapshot_state(self) -> None:
        # Saving waits for the snapshot (3 s at most): the image is part of the record;
        # and for the categories to choose from.
        self.save_button.setEnabled(not self.snapshot_pending and self.categories.loaded
                                     and not self.saving)
        if self.snapshot_pending:
            text = self.tr("Taking the snapshot at full resolution…")
        elif self.snapshot_source == "snapshot":
            text = self.tr("A full-resolution snapshot (masks applied) is kept with the "
                           "bookmark.")
        elif self.snapshot_png:
            text = self.tr("The image shown on the tile (masks applied) is kept with the "
                           "bookmark.")
        else:
            text = self.tr("No image available now: the bookmark is saved without a "
                           "snapshot.")
        self.snapshot_label.setText(text)

    @property
    def saving(self) -> bool:
        """True while the bookmark is being written (the save button waits meanwhile)."""
        return self.write.busy

    def save(self) -> None:
        """Create the bookmark off the GUI thread; the dialog closes only once it is
        committed (:attr:`bookmark` then). A press while it is written does nothing."""
        if self.snapshot_pending or not self.categories.loaded or self.saving:
            return None
        if self.category_box.currentIndex() < 0 or self.severity_box.currentIndex() < 0:
            missing = self.category_box if self.category_box.currentIndex() < 0 \
                else self.severity_box
            self._show_error(self.tr("Choose a category and a severity: the bookmark is not "
                                     "saved without them."))
            missing.setFocus()
            return None
        service, camera, at_utc = self._service, self.camera, self.at_utc
        category = str(self.category_box.currentData())
        severity = Severity(int(self.severity_box.currentData()))
        note = self.note_edit.toPlainText().strip()[:NOTE_MAX]
        pre, post = self.pre_spin.value(), self.post_spin.value()
        shift_id, png = self.shift_id, self.snapshot_png

        def create() -> Bookmark:
            return service.create(camera, at_utc, category=category, severity=severity,
                                  note=note, pre_seconds=pre, post_seconds=post,
                                  shift_id=shift_id, snapshot_png=png)

        self.error_label.hide()
        self.write.run(create, self.tr("Saving the bookmark…"), self._created,
                       self._not_created)
        return None

    def _created(self, bookmark: Bookmark) -> None:
        self.bookmark = bookmark
        self.sig_bookmark_created.emit(bookmark)
        self.accept()

    def _not_created(self, exc: Exception) -> None:
        if isinstance(exc, CsuWallError | ValueError):  # refused: the service's French sentence
            self._show_error(str(exc))
            return
        # storage failure: nothing was confirmed, the operator may retry
        log.warning("bookmark of %s not saved", self.camera.id, exc_info=exc)
        self._show_error(self.tr("The bookmark was NOT saved: the database cannot be "
                                 "written. Try again, or call IT support."))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()


class BookmarkEditDialog(QDialog):
    """Change a bookmark's category, severity, status and note; mark it for a judicial
    procedure with its reference (then kept past the retention period)."""

    sig_bookmark_changed = Signal(object)  # Bookmark

    def __init__(self, service: BookmarkApi, bookmark: Bookmark, *, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookmarkEditDialog")
        self.setWindowTitle(self.tr("Bookmark n°{id}").format(id=bookmark.id))
        self._service = service
        self.bookmark = bookmark
        self.category_box = QComboBox()
        _fill_categories(self.category_box, (), bookmark.category)  # the list: read later
        self.severity_box = QComboBox()
        _fill_severities(self.severity_box, bookmark.severity)
        self.status_box = QComboBox()
        for status in BookmarkStatus:
            self.status_box.addItem(status_label(status), status.value)
        self.status_box.setCurrentIndex(self.status_box.findData(bookmark.status.value))
        self.note_edit = QPlainTextEdit(bookmark.note)
        self.judicial_edit = QLineEdit(bookmark.judicial_ref or "")
        self.judicial_edit.setObjectName("judicialRef")
        self.judicial_edit.setMaxLength(120)
        self.judicial_edit.setPlaceholderText(self.tr("procedure reference (e.g. PV number)"))
        if bookmark.judicial_ref:
            self.judicial_edit.setReadOnly(True)  # kept for the procedure: not undone here
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #e06060;")
        self.error_label.hide()
        buttons = QDialogButtonBox()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("bookmarkEditSave")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Category"), self.category_box)
        form.addRow(self.tr("Severity"), self.severity_box)
        form.addRow(self.tr("Status"), self.status_box)
        form.addRow(self.tr("Note"), self.note_edit)
        form.addRow(self.tr("Judicial procedure"), self.judicial_edit)
        self.save_button.setEnabled(False)
        self.write = PendingWrite("bookmark update", self.save_button, parent=self)
        self.categories = _Categories(self, service, self.category_box, bookmark.category,
                                      lambda: self.save_button.setEnabled(not self.saving))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(title))
        layout.addWidget(self.categories.label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    @property
    def saving(self) -> bool:
        """True while the change is being written (the save button waits meanwhile)."""
        return self.write.busy

    def save(self) -> None:
        """Write the change off the GUI thread; the dialog closes once it is committed
        (:attr:`bookmark` then). A press while it is written does nothing."""
        if not self.categories.loaded or self.saving:
            return None
        service, old = self._service, self.bookmark
        category = str(self.category_box.currentData())
        severity = Severity(int(self.severity_box.currentData()))
        note = self.note_edit.toPlainText().strip()[:NOTE_MAX]
        status = BookmarkStatus(str(self.status_box.currentData()))
        reference = self.judicial_edit.text().strip()

        def update() -> Bookmark:
            # the service's two calls, each its own transaction with its audit record
            new = service.update(old.id, category=category, severity=severity, note=note,
                                 status=status)
            if reference and reference != (old.judicial_ref or ""):
                new = service.mark_judicial(old.id, reference)
            return new

        self.error_label.hide()
        self.write.run(update, self.tr("Saving the change…"), self._updated,
                       self._not_updated)
        return None

    def _updated(self, new: Bookmark) -> None:
        self.bookmark = new
        self.sig_bookmark_changed.emit(new)
        self.accept()

    def _not_updated(self, exc: Exception) -> None:
        if isinstance(exc, CsuWallError | ValueError):
            self.error_label.setText(str(exc))
        else:
            log.warning("bookmark %s not updated", self.bookmark.id, exc_info=exc)
            self.error_label.setText(self.tr("The change was NOT saved: the database cannot "
                                             "be written. Try again, or call IT support."))
        self.error_label.show()
