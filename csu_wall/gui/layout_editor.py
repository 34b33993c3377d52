"""Supervisor edit mode: build a layout on the wall, undo/redo unsaved edits, save it shared or
private, and restore an older version from its history (LayoutService, LayoutEditor).

« Enregistrer » saves a new version of the layout being edited (a layout never saved asks
for its name, like « Enregistrer sous… »); « Enregistrer sous… » asks for a name no other
shared or personal layout of the operator has and saves a new layout under it. The grid
selector shows the wall's grid; history times are Paris time."""

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
from csu_wall.gui._resources import icon
from csu_wall.gui.keymap import binding
from csu_wall.gui.wall import WallWidget
from csu_wall.services._layout_diff import grid_name
from csu_wall.services.layout_editor import LayoutEditor, check_name, grid_change

if TYPE_CHECKING:
    from csu_wall.services.layouts import LayoutService

log = logging.getLogger(__name__)

Status = Callable[[str, str], None]


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

    def save(self) -> Layout | None:
        """« Enregistrer »: a new version of the layout being edited, under the name in the
        toolbar. A layout never saved has nothing to update: the name is asked
        (:meth:`save_as`). Errors (rights, conflicts, a name taken) go to the status bar."""
        if self.editor is None:
            return None
        layout = self.wall.layout_value
        if layout.id is None:
            self.save_as()
            return None
        try:
            name = check_name(self.name_edit.text() or layout.name,
                              self.layouts.list_layouts(), layout_id=layout.id)
            return self._store(replace(layout, name=name))
        except CsuWallError as exc:
            self._status(str(exc), "error")
            return None

    def save_as(self, name: str | None = None, *,
                shared: bool | None = None) -> Layout | SaveAsDialog | None:
        """« Enregistrer sous… »: a new layout with what the wall shows. Without ``name`` the
        dialog asks for it (returned, shown); with it, saved now (shared only for a
        supervisor: by default when the layout edited is shared). The name must be free
        among the shared and the operator's layouts (refused in French otherwise)."""
        if self.editor is None:
            return None
        layout = self.wall.layout_value
        may_share = self.layouts.can_edit_shared()
        share = (layout.shared and may_share) if shared is None else (shared and may_share)
        if name is None:
            dialog = SaveAsDialog(self._suggested_name(layout), may_share, share,
                                  lambda n, sh: self._save_as_checked(n, sh),
                                  self.parent_widget())
            self.save_as_dialog = dialog
            dialog.open()
            return dialog
        try:
            return self._save_as_checked(name, share)
        except CsuWallError as exc:
            self._status(str(exc), "error")
            return None

    def _suggested_name(self, layout: Layout) -> str:
        typed = " ".join(self.name_edit.text().split()) or layout.name
        return typed if layout.id is None else self.tr("{name} (copy)").format(name=typed)

    def _save_as_checked(self, name: str, shared: bool) -> Layout | None:
        """Raises CsuWallError (French) when the name is taken or the save refused."""
        layout = self.wall.layout_value
        tidy = check_name(name, self.layouts.list_layouts())
        me = self.layouts.operator.id
        return self._store(replace(layout, id=None, version=0, name=tidy,
                                   owner=None if shared else me))

    def _store(self, layout: Layout) -> Layout | None:
        editor = self.editor
        if editor is None:
            return None
        saved = self.layouts.save(layout, editor.summary())
        editor.mark_saved(saved)
        self.name_edit.setText(saved.name)
        self.wall.set_layout(saved)
        self._sync()
        self._status(self.tr("Layout « {name} » saved (version {version}).").format(
            name=saved.name, version=saved.version), "info")
        self.sig_saved.emit(saved)
        return saved

    def show_history(self) -> HistoryDialog | None:
        layout = self._base() or self.wall.layout_value
        if layout.id is None:
            self._status(self.tr("This layout was never saved: it has no history."), "warning")
            return None
        try:
            versions = self.layouts.history(layout.id)
        except CsuWallError as exc:
            self._status(str(exc), "error")
            return None
        dialog = HistoryDialog(layout, versions, self._restore, self.parent_widget())
        self.history_dialog = dialog
        dialog.show()
        return dialog

    def parent_widget(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    def _restore(self, layout_id: int, version: int) -> Layout | None:
        try:
            restored = self.layouts.restore(layout_id, version)
        except CsuWallError as exc:
            self._status(str(exc), "error")
            return None
        if self.editor is not None:
            self.editor.mark_saved(restored)
        self.wall.set_layout(restored)
        self._status(self.tr("Version {version} restored as version {new}.").format(
            version=version, new=restored.version), "info")
        self.sig_saved.emit(restored)
        self._sync()
        return restored

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

    def _sync(self) -> None:
        editor = self.editor
        self.undo_action.setEnabled(editor is not None and editor.can_undo)
        self.redo_action.setEnabled(editor is not None and editor.can_redo)
        # Saving a shared layout is a supervisor's; an operator saves a private copy instead.
        shown = self.wall.layout_value
        may_save = (self.layouts.can_edit_shared() or shown.id is None
                    or shown.owner == self.layouts.operator.id)
        self.save_action.setEnabled(editor is not None and may_save)
        self.save_action.setToolTip("" if may_save else self.tr(
            "Shared layouts are changed by supervisors: « Save as… » keeps a copy of "
            "your own."))
        self.save_private_action.setEnabled(editor is not None)
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
    """Every saved version, newest first; the chosen one is restored as a new version."""

    def __init__(self, layout: Layout, versions: list[LayoutVersion],
                 restore: Callable[[int, int], Layout | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(self.tr("History of « {name} »").format(name=layout.name))
        self._layout_id = layout.id
        self._restore = restore
        self.restored: Layout | None = None
        self.list = QListWidget(self)
        for v in versions:
            when = paris_hms(v.saved_at, date=True, seconds=False)  # Paris, like playback
            text = self.tr("Version {version} — {when} — {who}: {change}").format(
                version=v.version, when=when, who=v.saved_by, change=v.change)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, v.version)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton(self.tr("&Restore this version"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.restore_selected)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.list)
        column.addWidget(buttons)
        self.resize(720, 360)

    def restore_selected(self) -> None:
        item = self.list.currentItem()
        if item is None or self._layout_id is None:
            return
        self.restored = self._restore(self._layout_id, int(item.data(Qt.ItemDataRole.UserRole)))
        if self.restored is not None:
            self.accept()


class SaveAsDialog(QDialog):
    """« Enregistrer sous… »: the new layout's name (and, for a supervisor, whether it is
    shared). A refused name keeps the dialog open with the reason."""

    def __init__(self, name: str, may_share: bool, shared: bool,
                 save: Callable[[str, bool], Layout | None],
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

    def submit(self) -> Layout | None:
        try:
            saved = self._save(self.name_edit.text(), self.shared_box.isChecked())
        except CsuWallError as exc:  # a name taken, a right missing: said here, in French
            self.error_label.setText(str(exc))
            self.error_label.show()
            self.name_edit.setFocus()
            return None
        if saved is None:
            return None
        self.saved = saved
        self.accept()
        return saved
