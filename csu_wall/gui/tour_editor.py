"""Saved tours from the GUI: a list of the tours this operator may see
(:class:`TourManagerDialog`) and one tour's editor (:class:`TourEditDialog`: name, kind, steps
picked from the cameras or the saved layouts, dwell, shared or private).

The rights are :class:`~csu_wall.services.tours.TourService`'s: the dialogs never decide who may
change what, they show the service's French refusal and keep what the operator typed.

The editor opens at once; what it offers (the cameras and the saved layouts, read from the
database) is read off the GUI thread (:class:`LatestCall`), and saving waits for it. A tour's
save and deletion are written off the GUI thread too (:class:`PendingWrite`): the button waits
and says so; a failure is said in French, the editor stays open with what was typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.core.layout import Tour, TourKind
from csu_wall.gui._latest_call import LatestCall
from csu_wall.gui._pending_write import PendingWrite

if TYPE_CHECKING:
    from csu_wall.services.layouts import LayoutService
    from csu_wall.services.tours import TourService
    from csu_wall.services.wall import WallService

Choice = tuple[str, str]  # item (camera id, or layout id as text), label shown
_ITEM = Qt.ItemDataRole.UserRole
MIN_DWELL_S, MAX_DWELL_S = 2.0, 3600.0


class TourEditDialog(QDialog):
    """One tour. ``save`` stores it (TourService.save); a refusal is shown, the dialog stays.
    ``choices`` None: they are being read, given later by :meth:`set_choices`."""

    def __init__(self, tour: Tour | None, choices: Mapping[TourKind, Sequence[Choice]] | None,
                 owner: str, save: Callable[[Tour], Tour],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tourEditDialog")
        self.setWindowTitle(self.tr("New tour") if tour is None else self.tr("Edit the tour"))
        self._tour = tour
        self._choices: Mapping[TourKind, Sequence[Choice]] = choices or {}
        self.loaded = choices is not None
        self._owner = owner
        self._save = save
        self.saved: Tour | None = None
        self.name_edit = QLineEdit(tour.name if tour else "")
        self.kind_box = QComboBox()
        self.kind_box.addItem(self.tr("One tile cycles through cameras"), TourKind.TILE)
        self.kind_box.addItem(self.tr("The wall cycles through layouts"), TourKind.LAYOUT)
        self.dwell_spin = QDoubleSpinBox()
        self.dwell_spin.setRange(MIN_DWELL_S, MAX_DWELL_S)
        self.dwell_spin.setDecimals(0)
        self.dwell_spin.setSuffix(self.tr(" s"))
        self.dwell_spin.setValue(tour.dwell_seconds if tour else 10.0)
        self.shared_check = QCheckBox(self.tr("Shared with every operator (supervisors)"))
        self.shared_check.setChecked(tour is not None and tour.owner is None)
        self.available = QListWidget()
        self.available.setObjectName("tourAvailable")
        self.steps = QListWidget()
        self.steps.setObjectName("tourSteps")
        for widget in (self.available, self.steps):
            widget.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.available.itemDoubleClicked.connect(lambda _item: self.add_selected())
        self.steps.itemDoubleClicked.connect(lambda _item: self.remove_selected())
        self.error_label = QLabel()
        self.error_label.setObjectName("tourError")
        self.error_label.setWordWrap(True)
        self.error_label.setProperty("severity", "error")
        self.state_label = QLabel(self.tr("Loading the cameras and layouts offered… (the "
                                          "tour can be saved once they are read)"))
        self.state_label.setObjectName("tourChoicesState")
        self.state_label.setWordWrap(True)
        self.state_label.setVisible(not self.loaded)

        form = QFormLayout()
        form.addRow(self.tr("&Name"), self.name_edit)
        form.addRow(self.tr("&Kind"), self.kind_box)
        form.addRow(self.tr("&Dwell per step"), self.dwell_spin)
        form.addRow("", self.shared_check)
        grid = QGridLayout()
        for col, text, buddy in ((0, self.tr("&Available"), self.available),
                                 (2, self.tr("S&teps, in order"), self.steps)):
            label = QLabel(text)
            label.setBuddy(buddy)
            grid.addWidget(label, 0, col)
        grid.addWidget(self.available, 1, 0)
        grid.addWidget(self.steps, 1, 2)
        buttons = QVBoxLayout()
        self.add_button = self._button(self.tr("&Add →"), self.add_selected, buttons)
        self.remove_button = self._button(self.tr("← &Remove"), self.remove_selected, buttons)
        self.up_button = self._button(self.tr("&Up"), lambda: self.move_selected(-1), buttons)
        self.down_button = self._button(self.tr("Do&wn"), lambda: self.move_selected(1),
                                        buttons)
        buttons.addStretch(1)
        grid.addLayout(buttons, 1, 1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                               | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        self.save_button = box.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(self.loaded)
        self.write = PendingWrite("tour save", self.save_button, parent=self)  # off the thread
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(grid, 1)
        layout.addWidget(self.state_label)
        layout.addWidget(self.error_label)
        layout.addWidget(box)
        if tour is not None:
            self.kind_box.setCurrentIndex(self.kind_box.findData(tour.kind))
        self.kind_box.currentIndexChanged.connect(lambda _i: self._fill(()))
        self._fill(tour.items if tour else ())
        self.resize(720, 480)

    def set_choices(self, choices: Mapping[TourKind, Sequence[Choice]]) -> None:
        """What may be picked, read off the GUI thread: offered, the steps kept."""
        self._choices = choices
        self.loaded = True
        self._fill(self.items())
        self.state_label.hide()
        self.save_button.setEnabled(not self.saving)

    def choices_failed(self, exc: Exception) -> None:
        logging.getLogger(__name__).warning("tour choices not read", exc_info=exc)
        self.state_label.setText(str(exc) if isinstance(exc, CsuWallError) else self.tr(
            "The cameras and layouts to choose from cannot be read now (database "
            "unreachable): the tour cannot be saved yet. Close and try again in a moment."))

    def _button(self, text: str, slot: Callable[[], None], layout: QVBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        layout.addWidget(button)
        return button

    @property
    def kind(self) -> TourKind:
        return TourKind(self.kind_box.currentData())

    def _labels(self) -> dict[str, str]:
        return dict(self._choices.get(self.kind, ()))

    def _fill(self, items: Sequence[str]) -> None:
        """The available list for the kind chosen; the steps kept (a kind change empties)."""
        self.available.clear()
        self.steps.clear()
        labels = self._labels()
        for item, label in self._choices.get(self.kind, ()):
            self.available.addItem(_entry(item, label))
        for item in items:  # a step no longer listed (deleted layout) is kept, by its id
            self.steps.addItem(_entry(item, labels.get(item, item)))

    def add_selected(self) -> None:
        for entry in self.available.selectedItems() or [self.available.currentItem()]:
            if entry is not None:
                self.steps.addItem(_entry(entry.data(_ITEM), entry.text()))

    def remove_selected(self) -> None:
        for entry in self.steps.selectedItems():
            self.steps.takeItem(self.steps.row(entry))

    def move_selected(self, delta: int) -> None:
        row = self.steps.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.steps.count():
            return
        self.steps.insertItem(target, self.steps.takeItem(row))
        self.steps.setCurrentRow(target)

    def items(self) -> tuple[str, ...]:
        return tuple(str(self.steps.item(i).data(_ITEM)) for i in range(self.steps.count()))

    def value(self) -> Tour:
        """The tour as typed (raises LayoutError, in French, when a field is wrong)."""
        base = self._tour
        return Tour(self.name_edit.text().strip(), self.kind, self.items(),
                    dwell_seconds=float(self.dwell_spin.value()),
                    owner=None if self.shared_check.isChecked() else self._owner,
                    id=base.id if base is not None else None)

    @property
    def saving(self) -> bool:
        """True while the tour is being written (the save button waits meanwhile)."""
        return self.write.busy

    def accept(self) -> None:
        """Save the tour off the GUI thread; the dialog closes once it is written
        (:attr:`saved` then). A press while it is written does nothing."""
        if not self.loaded or self.saving:
            return
        try:
            tour = self.value()
        except CsuWallError as exc:  # a field is wrong: said at once, nothing written
            self.error_label.setText(str(exc))
            return
        save = self._save
        self.error_label.clear()
        self.write.run(lambda: save(tour), self.tr("Saving the tour…"), self._saved,
                       self._not_saved)

    def _saved(self, tour: Tour) -> None:
        self.saved = tour
        super().accept()

    def _not_saved(self, exc: Exception) -> None:
        if isinstance(exc, CsuWallError):  # refused: the service's French sentence
            self.error_label.setText(str(exc))
            return
        logging.getLogger(__name__).warning("tour not saved", exc_info=exc)
        self.error_label.setText(self.tr("The tour was NOT saved: the database cannot be "
                                         "written. Your changes are still here; try again in "
                                         "a moment."))


class TourManagerDialog(QDialog):
    """The saved tours: new, edit, delete, play (the window's ``play`` starts one)."""

    def __init__(self, service: TourService, choices: Callable[[], Mapping[TourKind,
                 Sequence[Choice]]], owner: str, play: Callable[[Tour], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tourManagerDialog")
        self.setWindowTitle(self.tr("Saved tours"))
        self.service = service
        self._choices = choices
        self._owner = owner
        self._play = play
        self.editor: TourEditDialog | None = None
        self.list = QListWidget()
        self.list.setObjectName("tourList")
        self.list.itemActivated.connect(lambda _item: self.edit_current())
        self.error_label = QLabel()
        self.error_label.setObjectName("tourManagerError")
        self.error_label.setWordWrap(True)
        self.error_label.setProperty("severity", "error")
        # the list is read from the database off the GUI thread
        self.list_call = LatestCall("tour list", self)
        self.choices_call = LatestCall("tour choices", self)  # what an editor offers
        self.loading_label = QLabel(self.tr("Loading…"))
        self.loading_label.setObjectName("tourManagerLoading")
        self.loading_label.hide()
        self.list_call.sig_busy_changed.connect(self.loading_label.setVisible)
        row = QHBoxLayout()
        buttons: list[QPushButton] = []
        for text, slot in ((self.tr("&New…"), self.new_tour),
                           (self.tr("&Edit…"), self.edit_current),
                           (self.tr("&Delete"), self.delete_current),
                           (self.tr("&Play"), self.play_current)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
            buttons.append(button)
        self.delete_button = buttons[2]
        self.delete_write = PendingWrite("tour delete", self.delete_button, parent=self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.loading_label)
        layout.addWidget(self.error_label)
        layout.addWidget(close)
        self.refresh()
        self.resize(520, 420)

    @property
    def loading(self) -> bool:
        return self.list_call.busy

    def refresh(self, select_id: int | None = None) -> None:
        """Read the tours again off the GUI thread; ``select_id``: the one to select."""
        self.list_call.run(self.service.list_tours,
                           lambda tours: self._show(tours, select_id), self._list_failed)

    def _list_failed(self, exc: Exception) -> None:
        logging.getLogger(__name__).warning("tours not read", exc_info=exc)
        self.error_label.setText(str(exc) if isinstance(exc, CsuWallError) else self.tr(
            "The tours cannot be read now: the database is unreachable. Try again in a "
            "moment."))

    def _show(self, tours: list[Tour], select_id: int | None) -> None:
        self.list.clear()
        for tour in tours:
            scope = self.tr("shared") if tour.owner is None else self.tr("private")
            kind = self.tr("tile") if tour.kind is TourKind.TILE else self.tr("layouts")
            text = self.tr("{name} — {kind}, %n step(s), {dwell} s, {scope}", "",
                           len(tour.items)).format(
                name=tour.name, kind=kind,
                dwell=f"{tour.dwell_seconds:g}", scope=scope)
            entry = QListWidgetItem(text)
            entry.setData(_ITEM, tour)
            self.list.addItem(entry)
            if tour.id == select_id:
                self.list.setCurrentItem(entry)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)

    def current(self) -> Tour | None:
        entry = self.list.currentItem()
        value = entry.data(_ITEM) if entry is not None else None
        return value if isinstance(value, Tour) else None

    def new_tour(self) -> TourEditDialog:
        return self._edit(None)

    def edit_current(self) -> TourEditDialog | None:
        tour = self.current()
        return self._edit(tour) if tour is not None else None

    def _edit(self, tour: Tour | None) -> TourEditDialog:
        self.error_label.clear()
        editor = TourEditDialog(tour, None, self._owner, self.service.save, self)
        self.choices_call.run(self._choices, editor.set_choices, editor.choices_failed)
        editor.accepted.connect(lambda: self.refresh(editor.saved.id if editor.saved else None))
        self.editor = editor
        editor.open()
        return editor

    @property
    def deleting(self) -> bool:
        """True while a tour is being deleted (the delete button waits meanwhile)."""
        return self.delete_write.busy

    def delete_current(self) -> None:
        """Delete the tour selected, off the GUI thread; the list is read again once done.
        A press while a deletion is written does nothing."""
        tour = self.current()
        if tour is None or tour.id is None or self.deleting:
            return
        service, tour_id = self.service, tour.id
        self.error_label.clear()
        self.delete_write.run(
            lambda: service.delete(tour_id),
            self.tr("Deleting « {name} »…").format(name=tour.name),
            lambda _none: self._deleted(tour), lambda exc: self._not_deleted(tour, exc))

    def _deleted(self, tour: Tour) -> None:
        self.error_label.setText(self.tr("Tour « {name} » deleted.").format(name=tour.name))
        self.refresh()

    def _not_deleted(self, tour: Tour, exc: Exception) -> None:
        if isinstance(exc, CsuWallError):  # refused (not theirs): the service's words
            self.error_label.setText(str(exc))
            return
        logging.getLogger(__name__).warning("tour %s not deleted", tour.id, exc_info=exc)
        self.error_label.setText(self.tr("The tour « {name} » was NOT deleted: the database "
                                         "cannot be written. Try again in a moment.").format(
            name=tour.name))

    def play_current(self) -> None:
        tour = self.current()
        if tour is not None:
            self._play(tour)


def _entry(item: str, label: str) -> QListWidgetItem:
    entry = QListWidgetItem(label)
    entry.setData(_ITEM, item)
    return entry


class TourHost(Protocol):
    """What the tour editor uses of the main window."""

    service: WallService
    layouts: LayoutService | None
    tour_service: TourService | None
    tour_manager: TourManagerDialog | None

    def status_message(self, text: str, level: str = "info") -> None: ...
    def play_tour(self, tour: Tour) -> object: ...


def tour_choices(w: TourHost) -> dict[TourKind, list[Choice]]:
    """Every camera of the site (by commune) and every saved layout this operator may open."""
    return _choices_of(w.service, w.layouts)


def _choices_of(wall: WallService, layouts: LayoutService | None
                ) -> dict[TourKind, list[Choice]]:
    """:func:`tour_choices`, with no widget: called off the GUI thread."""
    site = wall.site
    communes = {c.id: c.name for c in site.communes}
    cameras = [(c.id, f"{c.name} — {communes.get(c.commune_id, c.commune_id)}")
               for c in site.cameras]
    saved: list[Choice] = []
    if layouts is not None:
        saved = [(str(lay.id), lay.name) for lay in layouts.list_layouts()
                 if lay.id is not None]
    return {TourKind.TILE: cameras, TourKind.LAYOUT: saved}


def show_tour_manager(w: TourHost) -> TourManagerDialog | None:
    """The Tours ▸ Edit tours… action: None (and a status message) without a database."""
    service = w.tour_service
    if service is None:
        w.status_message(QCoreApplication.translate(
            "MainWindow", "Tours are saved in the database: none is connected."), "warning")
        return None
    wall, layouts = w.service, w.layouts  # read here: the choices are read off the GUI thread
    dialog = TourManagerDialog(service, lambda: _choices_of(wall, layouts), service.operator.id,
                               w.play_tour, w if isinstance(w, QWidget) else None)
    dialog.open()
    w.tour_manager = dialog
    return dialog


__all__ = ["TourEditDialog", "TourManagerDialog", "show_tour_manager", "tour_choices"]
