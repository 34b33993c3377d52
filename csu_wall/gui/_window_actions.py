"""The main window's public operations that are not its construction: the screens, state
and tours (delegated to :class:`~csu_wall.gui._window_extras.WindowExtras`), the extension
points other features use, and the slots of its menus. Mixed into
:class:`~csu_wall.gui.main_window.MainWindow`, which holds the state."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QScreen
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from csu_wall.core.layout import Layout, Tour
from csu_wall.gui.keymap import KeymapDialog
from csu_wall.gui.tile import TileWidget
from csu_wall.gui.tile_actions import build_tile_menu
from csu_wall.gui.wall import WallWidget

if TYPE_CHECKING:
    from csu_wall.gui._window_extras import WindowExtras
    from csu_wall.gui.camera_tree import CameraTree
    from csu_wall.gui.screens import ScreenWall
    from csu_wall.gui.tour_driver import TourDriver

    _Base = QMainWindow
else:
    _Base = object

log = logging.getLogger("csu_wall.gui.main_window")


class WindowActions(_Base):
    """Screens, tours, extension points and menu slots of the main window (a mixin)."""

    if TYPE_CHECKING:  # declared by MainWindow
        extras: WindowExtras
        wall: WallWidget
        tree: CameraTree
        tile_menu: QMenu
        view_menu: QMenu
        side_panels: dict[str, QDockWidget]
        last_message: tuple[str, str]
        keymap_dialog: KeymapDialog
        _tile_actions: dict[str, QAction]
        _builtin_tile_actions: list[QAction | None]

    # -- screens, state, tours (WindowExtras) ----------------------------------------------

    def schedule_save(self) -> None:
        self.extras.schedule_save()

    def save_state(self) -> None:
        self.extras.save_state()

    def restore_state(self) -> bool:
        return self.extras.restore_state()

    def wall_state(self) -> dict[str, object]:
        return self.extras.wall_state()

    def attach_lock(self, controller: Any) -> None:
        """Follow the workstation lock (a LockController; see WindowExtras.attach_lock)."""
        self.extras.attach_lock(controller)

    def open_screen_wall(self, screen: QScreen, layout: Layout | None = None) -> ScreenWall:
        return self.extras.open_screen_wall(screen, layout)

    def play_tour(self, tour: Tour) -> TourDriver:
        return self.extras.play_tour(tour)

    def toggle_tile_tour(self) -> TourDriver | None:
        return self.extras.toggle_tile_tour()

    def toggle_layout_tour(self) -> TourDriver | None:
        return self.extras.toggle_layout_tour()

    def stop_tours(self) -> None:
        self.extras.stop_tours()

    def tour_interacted(self, tile_id: str) -> None:
        self.extras.tour_interacted(tile_id)

    # -- extension points ------------------------------------------------------------------

    def register_tile_action(self, key: str, text: str, shortcut: str | None,
                             callback: Callable[[TileWidget], object]) -> QAction:
        """Add an action to every tile's context menu (and the Tile menu), with a keyboard
        shortcut acting on the focused tile. Registering a key again replaces it."""
        old = self._tile_actions.pop(key, None)
        if old is not None:
            self.removeAction(old)
            self.tile_menu.removeAction(old)
        action = QAction(text, self)
        action.setObjectName(f"tileAction-{key}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda: callback(self.wall.focused_tile()))
        self.addAction(action)
        self.tile_menu.addAction(action)
        self._tile_actions[key] = action
        return action

    def add_side_panel(self, key: str, title: str, widget: QWidget) -> QDockWidget:
        """A panel docked on the right (shift log, bookmarks, playback…), listed in View."""
        dock = self.side_panels.get(key)
        if dock is None:
            dock = QDockWidget(title, self)
            dock.setObjectName(f"panel-{key}")
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.view_menu.addAction(dock.toggleViewAction())
            self.side_panels[key] = dock
        dock.setWindowTitle(title)
        dock.setWidget(widget)
        dock.show()
        return dock

    def status_message(self, text: str, level: str = "info") -> None:
        """Tell the operator something (French text); errors stay until the next message."""
        self.last_message = (text, level)
        bar = self.statusBar()
        bar.setProperty("level", level)
        bar.style().unpolish(bar)
        bar.style().polish(bar)
        bar.showMessage(text, 0 if level == "error" else 10_000)
        if level == "error":
            log.info("shown to the operator: %s", text)

    # -- menus (built by _window_menus.build_menus) ----------------------------------------

    def show_keymap(self) -> KeymapDialog:
        extra = [(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                  a.text().replace("&", "")) for a in self._tile_actions.values()]
        dialog = KeymapDialog(extra, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.keymap_dialog = dialog
        return dialog

    def build_tile_menu(self, tile: TileWidget) -> QMenu:
        return build_tile_menu(tile, self._builtin_tile_actions, self._tile_actions.values(),
                               self)

    def _on_context_requested(self, tile_id: str, pos: object) -> None:
        wall = self.sender()
        if isinstance(wall, WallWidget) and wall is not self.wall:
            return  # screen walls: the menu of the main window's focused tile only
        menu = self.build_tile_menu(self.wall.tile(tile_id))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(pos)  # type: ignore[arg-type]

    def _popup_focused_menu(self) -> None:
        tile = self.wall.focused_tile()
        menu = self.build_tile_menu(tile)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(tile.mapToGlobal(tile.rect().center()))

    def _zoom(self, factor: float) -> None:
        tile = self.wall.focused_tile()
        tile.zoom_at(factor, tile.rect().center().toPointF())

    def _focus_search(self) -> None:
        self.tree.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.tree.search.selectAll()

    def focus_wall(self) -> None:
        self.wall.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.schedule_save()
