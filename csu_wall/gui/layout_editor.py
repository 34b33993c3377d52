"""Supervisor edit mode: build a layout on the wall, undo/redo unsaved edits, save it shared or
private, and restore an older version from its history (LayoutService, LayoutEditor)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
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
from csu_wall.gui._resources import icon
from csu_wall.gui.keymap import binding
from csu_wall.gui.wall import WallWidget
from csu_wall.services.layout_editor import LayoutEditor

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
        self.save_action = action("save_layout", self.tr("&Save layout"))
        self.save_action.triggered.connect(lambda: self.save(private=False))
        self.save_private_action = action("save_private", self.tr("Save as &private layout"))
        self.save_private_action.triggered.connect(lambda: self.save(private=True))
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

    def save(self, *, private: bool) -> Layout | None:
        """Save what the wall shows: a new version of the layout, or a new layout (shared for
        a supervisor, else private). Errors (rights, conflicts) go to the status bar."""
        if self.editor is None:
            return None
        me = self.layouts.operator.id
        layout = self.wall.layout_value
        name = self.name_edit.text().strip() or layout.name
        if private and layout.owner != me:
            layout = replace(layout, id=None, version=0, owner=me)
        elif layout.id is None:
            layout = replace(layout, owner=None if self.layouts.can_edit_shared() else me)
        layout = replace(layout, name=name)
        try:
            saved = self.layouts.save(layout, self.editor.summary())
        except CsuWallError as exc:
            self._status(str(exc), "error")
            return None
        self.editor.mark_saved(saved)
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
            self.editor.apply(self.wall.layout_value, description)
            self._sync()

    def _on_preset(self, index: int) -> None:
        self.wall.set_grid(Grid.preset(self.preset_box.itemText(index)))

    def _sync(self) -> None:
        editor = self.editor
        self.undo_action.setEnabled(editor is not None and editor.can_undo)
        self.redo_action.setEnabled(editor is not None and editor.can_redo)
        # Saving a shared layout is a supervisor's; an operator saves a private copy instead.
        shown = self.wall.layout_value
        may_save = (self.layouts.can_edit_shared() or shown.id is None
                    or shown.owner == self.layouts.operator.id)
        self.save_action.setEnabled(editor is not None and may_save)
        self.save_private_action.setEnabled(editor is not None)
        self.history_action.setEnabled(True)


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
            when = v.saved_at.astimezone().strftime("%d/%m/%Y %H:%M")
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
