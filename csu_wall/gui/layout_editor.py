"""Supervisor edit mode: build a layout on the wall, undo/redo unsaved edits, save it shared or
private, and restore an older version from its history (LayoutService, LayoutEditor).

« Enregistrer » saves a new version of the layout being edited (a layout never saved asks
for its name, like « Enregistrer sous… »); « Enregistrer sous… » asks for a name no other
shared or personal layout of the operator has and saves a new layout under it. The grid
selector shows the wall's grid; history times are Paris time.

The database calls (the names taken, the save, the history, a restore) run on the services'
executor (:class:`LatestCall`) and their answer comes back to the GUI thread: the save actions
wait meanwhile, the status bar says how it went, in French."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.core.layout import PRESET_NAMES, Grid, Layout, LayoutVersion
from csu_wall.core.replay import paris_hms
from csu_wall.gui._latest_call import LatestCall
from csu_wall.gui._resources import icon
from csu_wall.gui.keymap import binding
from csu_wall.gui.wall import WallWidget
from csu_wall.services._layout_diff import grid_name
from csu_wall.services.layout_editor import LayoutEditor, check_name, grid_change

if TYPE_CHECKING:
    from csu_wall.services.layouts import LayoutService

log = logging.getLogger(__name__)

Status = Callable[[str, str], None]
Saved = Callable[[Layout], None]
Refused = Callable[[str], None]  # the French reason


class EditController(QObject):
    """Owns the edit actions and toolbar of one window."""

    sig_saved = Signal(object)  # the Layout as stored (new id or new version)
    sig_editing_changed = Signal(bool)

    def __init__(self, parent: QWidget, wall: WallWidget, layouts: LayoutService,
                 base: Callable[[], Layout | None], status: Status) -> None:
        super().__init__(parent)
        self.wall = wall
        self.layouts = layouts
        self._base = base  # the stored layout of the current tab (None: nothing stored)
        self._status = status
        self.editor: LayoutEditor | None = None
        self.history_dialog: HistoryDialog | None = None
        self.save_as_dialog: SaveAsDialog | None = None
        self.save_call = LatestCall("layout save", self)  # a save or a restore: a write
        self.history_call = LatestCall("layout history", self)
        self.last_saved: Layout | None = None  # the last layout saved or restored here
        self.save_call.sig_busy_changed.connect(lambda _busy: self._sync())

        def action(key: str, text: str, icon_name: str | None = None) -> QAction:
            act = QAction(text, parent)
            act.setObjectName(f"{key}Action")
            act.setShortcut(QKeySequence(binding(key).keys))
            if icon_name:
                act.setIcon(icon(icon_name))
            return act

        self.edit_action = action("edit_mode", self.tr("&Edit layouts"), "edit")
        self.edit_action.setCheckable(True)
        self.edit_action.toggled.connect(self.set_editing)
        self.save_action = action("save_layout", self.tr("&Save"))
        self.save_action.triggered.connect(lambda: self.save())
        # (its key name is older than « Save as… »: the shortcut stays Ctrl+Shift+S)
        self.save_private_action = action("save_private", self.tr("Save &as…"))
        self.save_private_action.triggered.connect(lambda: self.save_as())
        self.save_as_action = self.save_private_action
        self.undo_action = action("undo", self.tr("&Undo"))
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = action("redo", self.tr("&Redo"))
        self.redo_action.triggered.connect(self.redo)
        self.history_action = action("history", self.tr("&History…"), "history")
        self.history_action.triggered.connect(self.show_history)
        self.new_action = QAction(self.tr("&New layout"), parent)
        self.new_action.setObjectName("newLayoutAction")
        self.new_action.triggered.connect(self.new_layout)

        self.toolbar = QToolBar(self.tr("Layout editing"), parent)
        self.toolbar.setObjectName("editToolbar")
        self.toolbar.addWidget(QLabel(self.tr("Grid")))
        self.preset_box = QComboBox()
        self.preset_box.setObjectName("gridPreset")
        self.preset_box.addItems(list(PRESET_NAMES))
        self.preset_box.activated.connect(self._on_preset)
        self.toolbar.addWidget(self.preset_box)
        # the layout's picture choice, for all its tiles: letterbox (default) or fill
        self.picture_box = QComboBox()
        self.picture_box.setObjectName("pictureFit")
        self.picture_box.addItem(self.tr("Keep proportions"), False)
        self.picture_box.addItem(self.tr("Fill the tile"), True)
        self.picture_box.setToolTip(self.tr(
            "Keep proportions: the whole picture, bands where the shapes differ. Fill the "
            "tile: no band, the picture is stretched."))
        self.picture_box.activated.connect(self._on_picture)
        self.toolbar.addWidget(self.picture_box)
        self.toolbar.addWidget(QLabel(self.tr("Name")))
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("layoutName")
        self.name_edit.setMaximumWidth(260)
        self.toolbar.addWidget(self.name_edit)
        for act in (self.new_action, self.undo_action, self.redo_action, self.save_action,
                    self.save_private_action, self.history_action):
            self.toolbar.addAction(act)
        self.toolbar.hide()
        wall.sig_edited.connect(self._on_edited)
        wall.sig_wall_changed.connect(self._sync)
        self._sync()

    @property
    def editing(self) -> bool:
        return self.editor is not None

    def set_editing(self, on: bool) -> None:
        if on == self.editing:
            return
        if on:
            self.restart()
        else:
            self.editor = None
        self.toolbar.setVisible(on)
        if self.edit_action.isChecked() != on:
            self.edit_action.setChecked(on)
        self._sync()
        self.sig_editing_changed.emit(on)

    def restart(self) -> None:
        """Edit what the wall shows now, starting from the stored layout of the tab."""
        shown = self.wall.layout_value
        base = self._base() or shown
        self.editor = LayoutEditor(base)
        if shown != base:
            self.editor.apply(shown, self.tr("changes made on the wall"))
        self.name_edit.setText(shown.name)
        self._sync()

    def new_layout(self) -> None:
        grid = Grid.preset(self.preset_box.currentText())
        layout = Layout(self.tr("New layout"), grid, (None,) * len(grid.cells))
        self.set_editing(True)
        self.wall.set_layout(layout)
        self.editor = LayoutEditor(layout)
        self.name_edit.setText(layout.name)
        self._sync()

    def undo(self) -> None:
        if self.editor is not None and self.editor.can_undo:
            self.wall.set_layout(self.editor.undo())
            self._sync()

    def redo(self) -> None:
        if self.editor is not None and self.editor.can_redo:
            self.wall.set_layout(self.editor.redo())
            self._sync()

    @property
    def saving(self) -> bool:
        """True while a save (or a restore) is written; the save actions wait meanwhile."""
        return self.save_call.busy

    def save(self) -> None:
        """« Enregistrer »: a new version of the layout being edited, under the name in the
        toolbar, written off the GUI thread. A layout never saved has nothing to update: the
        name is asked (:meth:`save_as`). Errors (rights, conflicts, a name taken) go to the
        status bar."""
        if self.editor is None or self.saving:
            return
        layout = self.wall.layout_value
        if layout.id is None:
            self.save_as()
            return
        layouts, typed, layout_id = self.layouts, self.name_edit.text() or layout.name, layout.id

        def named() -> Layout:
            return replace(layout, name=check_name(typed, layouts.list_layouts(),
                                                   layout_id=layout_id))

        self._write(named, lambda _saved: None, lambda text: self._status(text, "error"))

    def save_as(self, name: str | None = None, *,
                shared: bool | None = None) -> SaveAsDialog | None:
        """« Enregistrer sous… »: a new layout with what the wall shows. Without ``name`` the
        dialog asks for it (returned, shown); with it, saved now, off the GUI thread
        (:attr:`last_saved` once written; shared only for a supervisor: by default when the
        layout edited is shared). The name must be free among the shared and the operator's
        layouts (refused in French otherwise, in the status bar)."""
        if self.editor is None:
            return None
        layout = self.wall.layout_value
        may_share = self.layouts.can_edit_shared()
        share = (layout.shared and may_share) if shared is None else (shared and may_share)
        if name is None:
            dialog = SaveAsDialog(self._suggested_name(layout), may_share, share,
                                  self._save_as_checked, self.parent_widget())
            self.save_as_dialog = dialog
            dialog.open()
            return dialog
        self._save_as_checked(name, share, lambda _saved: None,
                              lambda text: self._status(text, "error"))
        return None

    def _suggested_name(self, layout: Layout) -> str:
        typed = " ".join(self.name_edit.text().split()) or layout.name
        return typed if layout.id is None else self.tr("{name} (copy)").format(name=typed)

    def _save_as_checked(self, name: str, shared: bool, done: Saved, refused: Refused) -> None:
        """A new layout under ``name``, off the GUI thread; ``refused(French reason)`` when
        the name is taken or the save refused."""
        if self.editor is None or self.saving:
            refused(self.tr("A save is under way: try again in a moment."))
            return
        layout, layouts = self.wall.layout_value, self.layouts
        owner = None if shared else layouts.operator.id

        def named() -> Layout:
            tidy = check_name(name, layouts.list_layouts())
            return replace(layout, id=None, version=0, name=tidy, owner=owner)

        self._write(named, done, refused)

    def _write(self, named: Callable[[], Layout], done: Saved, refused: Refused) -> None:
        """``named()`` (the layout to save, its name checked) and the save, on the executor;
        the editor, the wall and the status bar told on the GUI thread."""
        editor = self.editor
        if editor is None:
            return
        layouts, summary = self.layouts, editor.summary()
        self._status(self.tr("Saving the layout…"), "info")

        def stored(saved: Layout) -> None:
            self._stored(editor, saved)
            done(saved)

        def failed(exc: Exception) -> None:
            refused(self._failure_text(exc, self.tr(
                "The layout was NOT saved: the database cannot be written. Your changes are "
                "still on the wall; try again in a moment.")))

        self.save_call.run(lambda: layouts.save(named(), summary), stored, failed)

    @staticmethod
    def _failure_text(exc: Exception, unreachable: str) -> str:
        if isinstance(exc, CsuWallError):  # refused, or the database out of reach: its words
            return str(exc)
        log.warning("layout call failed", exc_info=exc)
        return unreachable

    def _stored(self, editor: LayoutEditor, saved: Layout) -> None:
        editor.mark_saved(saved)
        self.last_saved = saved
        self.name_edit.setText(saved.name)
        self.wall.set_layout(saved)
        self._sync()
        self._status(self.tr("Layout « {name} » saved (version {version}).").format(
            name=saved.name, version=saved.version), "info")
        self.sig_saved.emit(saved)

    def show_history(self) -> HistoryDialog | None:
        """The history dialog, opened at once; the versions are read off the GUI thread."""
        layout = self._base() or self.wall.layout_value
        layout_id = layout.id
        if layout_id is None:
            self._status(self.tr("This layout was never saved: it has no history."), "warning")
            return None
        dialog = HistoryDialog(layout, self._restore, self.parent_widget())
        self.history_dialog = dialog
        dialog.show()
        layouts = self.layouts

        def failed(exc: Exception) -> None:
            text = self._failure_text(exc, self.tr(
                "The history cannot be read now: the database is unreachable."))
            dialog.say(text)
            self._status(text, "error")

        self.history_call.run(lambda: layouts.history(layout_id), dialog.set_versions, failed)
        return dialog

    def parent_widget(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    def _restore(self, layout_id: int, version: int, dialog: HistoryDialog) -> None:
        """Restore ``version`` as a new version, off the GUI thread; ``dialog`` told."""
        if self.saving:
            return
        layouts = self.layouts
        dialog.restore_button.setEnabled(False)
        self._status(self.tr("Restoring version {version}…").format(version=version), "info")

        def restored(layout: Layout) -> None:
            if self.editor is not None:
                self.editor.mark_saved(layout)
            self.last_saved = layout
            self.wall.set_layout(layout)
            self._status(self.tr("Version {version} restored as version {new}.").format(
                version=version, new=layout.version), "info")
            self.sig_saved.emit(layout)
            self._sync()
            dialog.restore_button.setEnabled(True)
            dialog.done_restoring(layout)

        def failed(exc: Exception) -> None:
            text = self._failure_text(exc, self.tr(
                "The version was NOT restored: the database cannot be written."))
            self._status(text, "error")
            dialog.restore_button.setEnabled(True)
            dialog.say(text)

        self.save_call.run(lambda: layouts.restore(layout_id, version), restored, failed)

    def _on_edited(self, description: str) -> None:
        if self.editor is not None:
            before, after = self.editor.current, self.wall.layout_value
            if before.grid != after.grid:  # named as the selector names grids (« 1+7 »)
                description = grid_change(before.grid, after.grid)
            self.editor.apply(after, description)
            self._sync()

    def _on_preset(self, index: int) -> None:
        self.wall.set_grid(Grid.preset(self.preset_box.itemText(index)))

    def set_fill(self, fill: bool) -> None:
        """The layout's pictures fill their tiles (True) or keep their proportions: an
        edit like any other (undone, saved with the layout, named in its history)."""
        shown = self.wall.layout_value
        if shown.fill == fill:
            return
        self.wall.set_layout(replace(shown, fill=fill))
        self._on_edited(self.tr("Pictures fill their tiles") if fill
                        else self.tr("Pictures keep their proportions"))

    def _on_picture(self, index: int) -> None:
        self.set_fill(bool(self.picture_box.itemData(index)))

    def _may_save(self, shown: Layout) -> bool:
        return (self.layouts.can_edit_shared() or shown.id is None
                or shown.owner == self.layouts.operator.id)

    def _sync(self) -> None:
        editor = self.editor
        self.undo_action.setEnabled(editor is not None and editor.can_undo)
        self.redo_action.setEnabled(editor is not None and editor.can_redo)
        # Saving a shared layout is a supervisor's; an operator saves a private copy instead.
        shown = self.wall.layout_value
        may_save = self._may_save(shown)
        saving = self.saving  # a save under way: the next waits for its answer
        self.save_action.setEnabled(editor is not None and may_save and not saving)
        self.save_action.setToolTip("" if may_save else self.tr(
            "Shared layouts are changed by supervisors: « Save as… » keeps a copy of "
            "your own."))
        self.save_private_action.setEnabled(editor is not None and not saving)
        self.history_action.setEnabled(True)
        fill_index = 1 if shown.fill else 0
        if fill_index != self.picture_box.currentIndex():
            self.picture_box.blockSignals(True)
            self.picture_box.setCurrentIndex(fill_index)
            self.picture_box.blockSignals(False)
        # the selector shows the wall's grid (a grid of no preset shows none)
        index = self.preset_box.findText(grid_name(shown.grid))
        if index != self.preset_box.currentIndex():
            self.preset_box.blockSignals(True)
            self.preset_box.setCurrentIndex(index)
            self.preset_box.blockSignals(False)


class HistoryDialog(QDialog):
    """Every saved version, newest first (read off the GUI thread: « Chargement… » until
    then); the chosen one is restored as a new version."""

    def __init__(self, layout: Layout,
                 restore: Callable[[int, int, HistoryDialog], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(self.tr("History of « {name} »").format(name=layout.name))
        self._layout_id = layout.id
        self._restore = restore
        self.restored: Layout | None = None
        self.loaded = False
        self.list = QListWidget(self)
        self.state_label = QLabel(self.tr("Loading…"))
        self.state_label.setObjectName("historyState")
        self.state_label.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton(self.tr("&Restore this version"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.restore_selected)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.list)
        column.addWidget(self.state_label)
        column.addWidget(buttons)
        self.resize(720, 360)

    def set_versions(self, versions: list[LayoutVersion]) -> None:
        self.list.clear()
        for v in versions:
            when = paris_hms(v.saved_at, date=True, seconds=False)  # Paris, like playback
            text = self.tr("Version {version} — {when} — {who}: {change}").format(
                version=v.version, when=when, who=v.saved_by, change=v.change)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, v.version)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.loaded = True
        self.state_label.clear()
        self.state_label.hide()
        self.restore_button.setEnabled(True)

    def say(self, text: str) -> None:
        """Why the history cannot be read or the version was not restored (French)."""
        self.state_label.setText(text)
        self.state_label.show()

    def restore_selected(self) -> None:
        item = self.list.currentItem()
        if item is None or self._layout_id is None:
            return
        self._restore(self._layout_id, int(item.data(Qt.ItemDataRole.UserRole)), self)

    def done_restoring(self, restored: Layout) -> None:
        self.restored = restored
        self.accept()


class SaveAsDialog(QDialog):
    """« Enregistrer sous… »: the new layout's name (and, for a supervisor, whether it is
    shared). A refused name keeps the dialog open with the reason."""

    def __init__(self, name: str, may_share: bool, shared: bool,
                 save: Callable[[str, bool, Saved, Refused], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveAsDialog")
        self.setWindowTitle(self.tr("Save the layout as"))
        self._save = save
        self.saved: Layout | None = None
        self.name_edit = QLineEdit(name)
        self.name_edit.setObjectName("saveAsName")
        self.name_edit.selectAll()
        self.shared_box = QCheckBox(self.tr("Shared with every operator"))
        self.shared_box.setChecked(shared)
        self.shared_box.setVisible(may_share)
        self.error_label = QLabel()
        self.error_label.setObjectName("saveAsError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(self.tr("&Save"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(QLabel(self.tr("Name of the new layout")))
        column.addWidget(self.name_edit)
        column.addWidget(self.shared_box)
        column.addWidget(self.error_label)
        column.addWidget(buttons)
        self.setMinimumWidth(420)

    def submit(self) -> None:
        """Save under the name typed, off the GUI thread; the dialog closes once saved, or
        says why not (a name taken, a right missing, the database away) and stays open."""
        self.save_button.setEnabled(False)
        self._save(self.name_edit.text(), self.shared_box.isChecked(), self._saved,
                   self._refused)

    def _saved(self, saved: Layout) -> None:
        self.save_button.setEnabled(True)
        self.saved = saved
        self.accept()

    def _refused(self, text: str) -> None:
        self.save_button.setEnabled(True)
        self.error_label.setText(text)
        self.error_label.show()
        self.name_edit.setFocus()
