"""The actions on a tile: the built-in ones (maximise, zoom, snapshot, tour, empty) and those
other features register (playback, bookmark…), each in every tile's context menu and the Tile
menu, with a keyboard shortcut acting on the focused tile."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from csu_wall.gui.tile import TileWidget
from csu_wall.gui.tile_actions import build_tile_menu


class TileActionRegistry:
    """The registered tile actions of one window (``host``: where shortcuts live)."""

    def __init__(self, host: QWidget, focused: Callable[[], TileWidget]) -> None:
        self._host = host
        self._focused = focused
        self.builtin: list[QAction | None] = []  # set when the menus are built
        self.registered: dict[str, QAction] = {}
        self.tile_menu: QMenu | None = None  # the menu bar's Tile menu

    def register(self, key: str, text: str, shortcut: str | None,
                 callback: Callable[[TileWidget], object]) -> QAction:
        """Registering a key again replaces it."""
        old = self.registered.pop(key, None)
        if old is not None:
            self._host.removeAction(old)
            if self.tile_menu is not None:
                self.tile_menu.removeAction(old)
        action = QAction(text, self._host)
        action.setObjectName(f"tileAction-{key}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda: callback(self._focused()))
        self._host.addAction(action)
        if self.tile_menu is not None:
            self.tile_menu.addAction(action)
        self.registered[key] = action
        return action

    def menu(self, tile: TileWidget) -> QMenu:
        """A tile's context menu: built-in actions, then the registered ones."""
        return build_tile_menu(tile, self.builtin, self.registered.values(), self._host)

    def keymap_rows(self) -> list[tuple[str, str]]:
        """(keys, text) of the registered actions, for the keyboard help."""
        return [(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                 a.text().replace("&", "")) for a in self.registered.values()]
