"""The bookmark panel: list, search and filter bookmarks, edit, close, open one.

The list comes from :meth:`BookmarkApi.search`, which returns only bookmarks of communes the
operator is habilitated for; the commune filter offers only those communes too. Opening a
bookmark asks the ``open_at`` callback to replay the camera from ``pre_seconds`` before the
bookmarked time; the callback answers None when it replays, or the French reason why it opened
the live camera instead, which the panel shows.

Changes made elsewhere arrive through :meth:`BookmarkPanel.notify_change` (the change feed);
after the feed reconnects (:attr:`ChangeTopic.RESYNC`) the panel reloads all it shows.

The list and the categories are read off the GUI thread (:class:`LatestCall`): the panel says
it is loading meanwhile and stays usable, a newer search supersedes an older one, and a
database out of reach is said in the panel while the list shown stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QPoint, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.changes import ChangeTopic
from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import Site
from csu_wall.core.shifts import Bookmark, BookmarkFilter, BookmarkStatus
from csu_wall.gui._latest_call import LatestCall
from csu_wall.gui.bookmark_dialog import (
    PARIS,
    BookmarkApi,
    BookmarkEditDialog,
    local_text,
    severity_label,
    status_label,
)
from csu_wall.services.bookmarks import CHANGE_TOPICS

log = logging.getLogger(__name__)

# camera_id, start (aware UTC) -> None when replaying, else why the live camera was opened.
OpenAt = Callable[[str, datetime], "str | None"]
ID_ROLE = Qt.ItemDataRole.UserRole
NOTE_COLUMN, SHIFT_COLUMN, JUDICIAL_COLUMN = 6, 7, 8
OPTIONAL_COLUMNS = (SHIFT_COLUMN, JUDICIAL_COLUMN)  # hidden until needed or asked for
MAX_COLUMN_WIDTH = 115  # px: longer words are elided, whole in the tooltip


def short_time_text(when: datetime) -> str:
    """The list's time, Paris, to the minute (the tooltip has the seconds)."""
    return when.astimezone(PARIS).strftime("%d/%m/%y %H:%M")


REFRESH_DELAY_MS = 100  # a burst of changes (a purge, a handover) costs one search


class BookmarkPanel(QWidget):
    sig_bookmark_changed = Signal(object)  # Bookmark (edited or closed here)
    _sig_change = Signal(object, str)  # ChangeTopic, key: from the change feed's thread

    def __init__(self, service: BookmarkApi, site: Site, *, open_at: OpenAt,
                 may_view: Callable[[str], bool], current_shift: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookmarkPanel")
        self._service = service
        self._site = site
        self._open_at = open_at
        self._current_shift = current_shift
        self._shown: list[Bookmark] = []
        self._known_shifts: set[int] = set()
        self._stale_text = ""  # what the info line says while the list cannot be read
        self.edit_dialog: BookmarkEditDialog | None = None
        # bookmark id -> its extractions' references (set by the export features)
        self.extraction_links: Callable[[list[Bookmark]], dict[int, list[str]]] | None = None
        self._links: dict[int, list[str]] = {}
        self.search_call = LatestCall("bookmark search", self)
        self.categories_call = LatestCall("bookmark categories", self)
        self.open_call = LatestCall("bookmark open", self)  # get: access checked again
        self.close_call = LatestCall("bookmark close", self)  # a write
        self.closed: Bookmark | None = None  # the last bookmark closed here, once committed
        filters = self._build_filters(site, may_view)
        self._build_table()
        buttons = QHBoxLayout()
        for button in (self.open_button, self.edit_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.loading_label)
        layout.addWidget(self.info_label)
        for call in (self.search_call, self.categories_call):
            call.sig_busy_changed.connect(self._show_loading)

        self.search_edit.textChanged.connect(self.refresh)
        self.commune_box.currentIndexChanged.connect(self._on_commune)
        for box in (self.camera_box, self.category_box, self.status_box, self.shift_box):
            box.currentIndexChanged.connect(self.refresh)
        for check in (self.from_check, self.to_check):
            check.toggled.connect(self.refresh)
        for edit in (self.from_edit, self.to_edit):
            edit.dateTimeChanged.connect(self.refresh)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._sig_change.connect(self._on_change, Qt.ConnectionType.QueuedConnection)
        self._load_categories()
        self.refresh()

    def _build_filters(self, site: Site, may_view: Callable[[str], bool]) -> QGridLayout:
        """The search field and the filters, laid out in a grid."""
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search notes, categories, references"))
        self.commune_box = QComboBox()
        self.commune_box.addItem(self.tr("All communes"), None)
        for commune in site.attached_communes():
            if may_view(commune.id):  # a commune one is not habilitated for is not offered
                self.commune_box.addItem(commune.name, commune.id)
        self.camera_box = QComboBox()
        self.category_box = QComboBox()
        self.category_box.addItem(self.tr("All categories"), None)  # the site's: read later
        self.status_box = QComboBox()
        self.status_box.addItem(self.tr("All statuses"), None)
        for status in BookmarkStatus:
            self.status_box.addItem(status_label(status), status.value)
        self.shift_box = QComboBox()
        self.from_check = QCheckBox(self.tr("From"))
        self.from_edit = _paris_edit(-12)
        self.to_check = QCheckBox(self.tr("To"))
        self.to_edit = _paris_edit(0)
        self._fill_cameras()
        self._fill_shifts()
        filters = QGridLayout()
        filters.addWidget(self.search_edit, 0, 0, 1, 2)
        filters.addWidget(self.commune_box, 1, 0)
        filters.addWidget(self.camera_box, 1, 1)
        filters.addWidget(self.category_box, 2, 0)
        filters.addWidget(self.status_box, 2, 1)
        filters.addWidget(self.shift_box, 3, 0, 1, 2)
        filters.addWidget(self.from_check, 4, 0)
        filters.addWidget(self.from_edit, 4, 1)
        filters.addWidget(self.to_check, 5, 0)
        filters.addWidget(self.to_edit, 5, 1)
        return filters

    def _build_table(self) -> None:
        """The list of bookmarks, its buttons and the information line."""
        self.table = QTableWidget(0, 9)
        self.table.setObjectName("bookmarkTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("Time"), self.tr("Commune"), self.tr("Camera"), self.tr("Category"),
            self.tr("Severity"), self.tr("Status"), self.tr("Note"), self.tr("Shift"),
            self.tr("Judicial ref.")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # the note last on screen, taking what the other columns leave
        header.moveSection(NOTE_COLUMN, self.table.columnCount() - 1)
        self.table.verticalHeader().hide()  # row numbers say nothing the time does not
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        for column in OPTIONAL_COLUMNS:
            self.table.setColumnHidden(column, True)
        self._columns_chosen: set[int] = set()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.open_button = QPushButton(self.tr("Open"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.close_button = QPushButton(self.tr("Close"))
        self.open_button.clicked.connect(self.open_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        self.close_button.clicked.connect(self.close_selected)
        self.loading_label = QLabel(self.tr("Loading…"))
        self.loading_label.setObjectName("bookmarkPanelLoading")
        self.loading_label.hide()
        self.info_label = QLabel()
        self.info_label.setObjectName("bookmarkPanelInfo")
        self.info_label.setWordWrap(True)

    def notify_change(self, topic: ChangeTopic, key: str) -> None:
        """A ``ChangeFeed`` callback, safe from any thread: another workstation (or this
        one) changed a bookmark or a shift; the list is searched again shortly after. On
        :attr:`ChangeTopic.RESYNC` the panel reloads everything (:meth:`resync`)."""
        self._sig_change.emit(topic, key)

    def _on_change(self, topic: ChangeTopic, _key: str) -> None:
        if topic is ChangeTopic.RESYNC:
            self.resync()
        elif topic is ChangeTopic.SETTINGS:
            # the category chosen may no longer be offered: then the filter changed
            self._load_categories(lambda same: None if same else self.refresh())
        elif topic in CHANGE_TOPICS and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def resync(self) -> None:
        """Reload all the panel shows from the database — the categories offered and the
        list — keeping the filters chosen: changes made while the change feed was away
        were never announced."""
        self._refresh_timer.stop()
        self._load_categories(lambda _same: self.refresh())

    # -- filters ---------------------------------------------------------------------------

    def current_filter(self) -> BookmarkFilter:
        status = self.status_box.currentData()
        shift = self.shift_box.currentData()
        return BookmarkFilter(
            commune_id=self.commune_box.currentData(),
            camera_id=self.camera_box.currentData(),
            category=self.category_box.currentData(),
            status=BookmarkStatus(status) if status else None,
            shift_id=int(shift) if shift is not None else None,
            start_utc=_utc(self.from_edit) if self.from_check.isChecked() else None,
            end_utc=_utc(self.to_edit) if self.to_check.isChecked() else None,
            text=self.search_edit.text().strip())

    @property
    def loading(self) -> bool:
        """True while the list or the categories are being read."""
        return self.search_call.busy or self.categories_call.busy

    def _show_loading(self) -> None:
        self.loading_label.setVisible(self.loading)

    def refresh(self) -> None:
        """Search again with the filters shown (also called when another workstation
        changed a bookmark), off the GUI thread: the list shown is replaced when the answer
        comes, unless a newer search was asked meanwhile."""
        flt, service, links = self.current_filter(), self._service, self.extraction_links

        def search() -> tuple[list[Bookmark], dict[int, list[str]]]:
            found = sorted(service.search(flt), key=lambda b: b.at_utc, reverse=True)
            return found, (links(found) if links else {})

        self.search_call.run(search, self._show, self._search_failed)

    def _search_failed(self, exc: Exception) -> None:
        log.warning("bookmark search failed", exc_info=exc)
        self._stale_text = self.tr("Bookmarks cannot be read now (database "
                                   "unreachable); the list shown may be out of date.")
        self.info_label.setText(self._stale_text)

    def _show(self, answer: tuple[list[Bookmark], dict[int, list[str]]]) -> None:
        found, self._links = answer
        if self._stale_text and self.info_label.text() == self._stale_text:
            self.info_label.clear()  # read again: the list is no longer out of date
        self._stale_text = ""
        selected = self.selected()
        self._shown = found
        new_shifts = {b.shift_id for b in found if b.shift_id is not None} - self._known_shifts
        if new_shifts:
            self._known_shifts |= new_shifts
            self._fill_shifts()
        self.table.setRowCount(len(self._shown))
        for row, bookmark in enumerate(self._shown):
            self._fill_row(row, bookmark)
            if selected is not None and bookmark.id == selected.id:
                self.table.selectRow(row)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Each column as wide as its words up to a cap (the whole text is the cell's
        tooltip), the note taking what is left: the panel reads at its default width
        without scrolling sideways. The judicial reference shows itself when a listed
        bookmark has one, unless the operator chose otherwise."""
        if JUDICIAL_COLUMN not in self._columns_chosen:
            held = any(b.judicial_ref for b in self._shown)
            self.table.setColumnHidden(JUDICIAL_COLUMN, not held)
        for column in range(self.table.columnCount()):
            if column != NOTE_COLUMN and not self.table.isColumnHidden(column):
                self.table.resizeColumnToContents(column)
                if self.table.columnWidth(column) > MAX_COLUMN_WIDTH:
                    self.table.setColumnWidth(column, MAX_COLUMN_WIDTH)

    def _column_menu(self, pos: QPoint) -> None:
        """The header's menu: which columns to show (the time and the camera always)."""
        menu = QMenu(self)
        for column in range(self.table.columnCount()):
            if column in (0, 2):
                continue
            item = self.table.horizontalHeaderItem(column)
            action = menu.addAction(item.text() if item is not None else str(column))
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.show_column(c, on))
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))
        self._menu = menu

    def show_column(self, column: int, shown: bool) -> None:
        self._columns_chosen.add(column)
        self.table.setColumnHidden(column, not shown)
        self._fit_columns()

    def set_time_range(self, start_utc: datetime | None, end_utc: datetime | None) -> None:
        """Filter on a time range (None: no bound on that side)."""
        for check, edit, when in ((self.from_check, self.from_edit, start_utc),
                                  (self.to_check, self.to_edit, end_utc)):
            if when is not None:
                set_paris_time(edit, when)
            check.setChecked(when is not None)
        self.refresh()

    def shown(self) -> list[Bookmark]:
        """The bookmarks listed now, newest first."""
        return list(self._shown)

    def _fill_row(self, row: int, b: Bookmark) -> None:
        camera_name, commune_name = b.camera_id, b.commune_id
        try:
            camera_name = self._site.camera(b.camera_id).name
            commune_name = self._site.commune(b.commune_id).name
        except KeyError:  # removed from the site since: the ids still say which it was
            pass
        cells = [short_time_text(b.at_utc), commune_name, camera_name, b.category,
                 severity_label(b.severity), status_label(b.status), b.note.replace("\n", " "),
                 str(b.shift_id) if b.shift_id is not None else "", b.judicial_ref or ""]
        if b.id in self._links:  # under judicial hold, and extracted under that procedure
            cells[-1] = self.tr("{ref} — extraction {extractions}").format(
                ref=cells[-1], extractions=", ".join(self._links[b.id]))
        whole = self.tr("{time} — {camera} ({commune}) — {category}, {severity}, {status}"
                        ).format(time=local_text(b.at_utc), camera=camera_name,
                                 commune=commune_name, category=b.category,
                                 severity=cells[4], status=cells[5])
        extra = [text for text in (cells[6], cells[8]) if text]
        row_tip = "\n".join([whole, *extra])
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(ID_ROLE, b.id)
            item.setToolTip(row_tip)
            self.table.setItem(row, column, item)

    def _on_commune(self) -> None:
        self._fill_cameras()
        self.refresh()

    def _fill_cameras(self) -> None:
        commune_id = self.commune_box.currentData()
        self.camera_box.blockSignals(True)
        self.camera_box.clear()
        self.camera_box.addItem(self.tr("All cameras"), None)
        if commune_id is not None:  # a commune first: a site has hundreds of cameras
            for camera in self._site.cameras_of(str(commune_id)):
                self.camera_box.addItem(camera.name, camera.id)
        self.camera_box.blockSignals(False)

    def _load_categories(self, then: Callable[[bool], object] | None = None) -> None:
        """Read the site's categories off the GUI thread and offer them; ``then(same)``
        after, ``same`` False when the one chosen is gone (the filter fell back to all
        categories). Database away: what is offered stays (a resync follows its return)."""
        def offered(names: list[str]) -> None:
            same = self._fill_categories(names)
            if then is not None:
                then(same)

        def failed(exc: Exception) -> None:
            log.warning("bookmark categories not read", exc_info=exc)
            if then is not None:
                then(True)

        self.categories_call.run(self._service.categories, offered, failed)

    def _fill_categories(self, names: list[str]) -> bool:
        """Offer ``names``; False when the category chosen is no longer among them."""
        current = self.category_box.currentData()
        self.category_box.blockSignals(True)
        self.category_box.clear()
        self.category_box.addItem(self.tr("All categories"), None)
        for name in names:
            self.category_box.addItem(name, name)
        self.category_box.setCurrentIndex(max(self.category_box.findData(current), 0))
        self.category_box.blockSignals(False)
        return self.category_box.currentData() == current

    def _fill_shifts(self) -> None:
        current = self.shift_box.currentData()
        self.shift_box.blockSignals(True)
        self.shift_box.clear()
        self.shift_box.addItem(self.tr("All shifts"), None)
        ours = self._current_shift()
        for shift_id in sorted(self._known_shifts | ({ours} if ours else set()), reverse=True):
            label = (self.tr("Current shift (n°{id})") if shift_id == ours
                     else self.tr("Shift n°{id}")).format(id=shift_id)
            self.shift_box.addItem(label, shift_id)
        index = self.shift_box.findData(current)
        self.shift_box.setCurrentIndex(max(index, 0))
        self.shift_box.blockSignals(False)

    # -- actions ---------------------------------------------------------------------------

    def selected(self) -> Bookmark | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self._shown):
            return None
        return self._shown[rows[0].row()]

    def select(self, bookmark_id: int) -> None:
        for row, bookmark in enumerate(self._shown):
            if bookmark.id == bookmark_id:
                self.table.selectRow(row)
                return
        raise KeyError(bookmark_id)

    def open_selected(self) -> None:
        """Open the chosen bookmark's recording: the bookmark is read again off the GUI
        thread (habilitation checked again, now), then the camera is replayed."""
        chosen = self.selected()
        if chosen is None:
            self.info_label.setText(self.tr("Choose a bookmark in the list first."))
            return
        service, bookmark_id = self._service, chosen.id
        self.open_button.setEnabled(False)
        self.open_call.run(lambda: service.get(bookmark_id), self._opened, self._open_failed)

    def _open_failed(self, exc: Exception) -> None:
        self.open_button.setEnabled(True)
        if isinstance(exc, (CsuWallError, LookupError)):  # refused (audited), or purged since
            self.info_label.setText(str(exc))
            return
        log.warning("bookmark not read again before opening", exc_info=exc)
        self.info_label.setText(self.tr("The bookmark cannot be opened now (database "
                                        "unreachable). Try again in a moment."))

    def _opened(self, bookmark: Bookmark) -> None:
        self.open_button.setEnabled(True)
        start = bookmark.at_utc - timedelta(seconds=bookmark.pre_seconds)
        reason = self._open_at(bookmark.camera_id, start)
        if reason is None:
            self.info_label.setText(self.tr("Replaying the camera from {time}.").format(
                time=local_text(start)))
        else:
            self.info_label.setText(self.tr("Live image opened instead of the recording: "
                                            "{reason}").format(reason=reason))

    def edit_selected(self) -> BookmarkEditDialog | None:
        bookmark = self.selected()
        if bookmark is None:
            self.info_label.setText(self.tr("Choose a bookmark in the list first."))
            return None
        title = self.tr("{time} — {category}").format(time=local_text(bookmark.at_utc),
                                                        category=bookmark.category)
        dialog = BookmarkEditDialog(self._service, bookmark, title=title, parent=self)
        dialog.sig_bookmark_changed.connect(self._changed)
        self.edit_dialog = dialog
        dialog.open()
        return dialog

    def close_selected(self) -> None:
        """Close the chosen bookmark, written off the GUI thread; the button waits meanwhile
        and :attr:`closed` holds the bookmark once committed."""
        bookmark = self.selected()
        if bookmark is None:
            self.info_label.setText(self.tr("Choose a bookmark in the list first."))
            return
        service, bookmark_id = self._service, bookmark.id
        self.close_button.setEnabled(False)
        self.info_label.setText(self.tr("Closing bookmark n°{id}…").format(id=bookmark_id))

        def failed(exc: Exception) -> None:
            self.close_button.setEnabled(True)
            if not isinstance(exc, CsuWallError):
                log.warning("closing bookmark %s failed", bookmark_id, exc_info=exc)
            self.info_label.setText(str(exc) if isinstance(exc, CsuWallError) else self.tr(
                "The bookmark was NOT closed: the database cannot be written."))

        self.close_call.run(lambda: service.update(bookmark_id, status=BookmarkStatus.CLOSED),
                            self._closed, failed)

    def _closed(self, bookmark: Bookmark) -> None:
        self.close_button.setEnabled(True)
        self.closed = bookmark
        self._changed(bookmark)

    def _changed(self, bookmark: Bookmark) -> None:
        self.info_label.setText(self.tr("Bookmark n°{id} saved ({status}).").format(
            id=bookmark.id, status=status_label(bookmark.status)))
        self.sig_bookmark_changed.emit(bookmark)
        self.refresh()


def _paris_edit(hours_from_now: int) -> QDateTimeEdit:
    """A date-time field showing Europe/Paris wall-clock time, whatever the system zone."""
    edit = QDateTimeEdit()
    edit.setDisplayFormat("dd/MM/yyyy HH:mm")
    edit.setCalendarPopup(True)
    set_paris_time(edit, datetime.now(UTC) + timedelta(hours=hours_from_now))
    return edit


def set_paris_time(edit: QDateTimeEdit, when_utc: datetime) -> None:
    local = when_utc.astimezone(PARIS)
    edit.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                               QTime(local.hour, local.minute, local.second)))


def _utc(edit: QDateTimeEdit) -> datetime:
    """The field's wall-clock time read as Europe/Paris, in UTC."""
    value = edit.dateTime()
    date, time = value.date(), value.time()
    local = datetime(date.year(), date.month(), date.day(), time.hour(), time.minute(),
                     time.second(), tzinfo=PARIS)
    return local.astimezone(UTC)
