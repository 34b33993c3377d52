"""The wall windows on a workstation's extra screens: which are open, opening and closing them,
hiding them while the workstation is locked, and the View ▸ screens menu."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QGuiApplication, QScreen
from PySide6.QtWidgets import QMenu

from csu_wall.core.layout import Layout
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.screens import ScreenWall, screen_key
from csu_wall.gui.wall import WallWidget
from csu_wall.services.wall import WallService


class ScreenWalls(QObject):
    """One :class:`ScreenWall` per extra screen, by screen key. ``connect_wall`` wires a new
    wall like the main one; ``default_layout`` is what a new wall shows when not told;
    ``changed`` is called when the set of walls changes (the state is saved)."""

    def __init__(self, service: WallService, bridge: StateBridge, *,
                 connect_wall: Callable[[WallWidget], None],
                 default_layout: Callable[[], Layout | None],
                 changed: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._bridge = bridge
        self._connect_wall = connect_wall
        self._default_layout = default_layout
        self._changed = changed
        self.walls: dict[str, ScreenWall] = {}
        self.hidden = False  # the workstation is locked: no wall shows anything

    def others(self, main: QScreen) -> list[QScreen]:
        """The screens other than ``main`` (the main window's)."""
        main_key = screen_key(main)
        return [s for s in QGuiApplication.screens() if screen_key(s) != main_key]

    def open(self, screen: QScreen, layout: Layout | None = None, *,
             fullscreen: bool = True) -> ScreenWall:
        key = screen_key(screen)
        existing = self.walls.get(key)
        if existing is not None:
            if layout is not None:
                existing.wall.set_layout(layout)
            return existing
        used = {int(w.wall.prefix[1:-1]) for w in self.walls.values()}
        number = next(n for n in range(1, 100) if n not in used)
        screen_wall = ScreenWall(self._service, self._bridge, screen, number,
                                 fullscreen=fullscreen)
        self._connect_wall(screen_wall.wall)
        screen_wall.sig_closed.connect(self._on_closed)
        self.walls[key] = screen_wall
        chosen = layout or self._default_layout()
        if chosen is not None:
            screen_wall.wall.set_layout(chosen)
        if not self.hidden:
            screen_wall.show_on_screen()
        self._changed()
        return screen_wall

    def close(self, key: str) -> None:
        screen_wall = self.walls.get(key)
        if screen_wall is not None:
            screen_wall.close()

    def set_hidden(self, hidden: bool) -> None:
        """Hide every screen wall (the workstation is locked) or show them again."""
        self.hidden = hidden
        for screen_wall in self.walls.values():
            if hidden:
                screen_wall.hide()
            else:
                screen_wall.show_on_screen()

    def shutdown(self) -> None:
        for screen_wall in list(self.walls.values()):
            screen_wall.shutdown()
            screen_wall.close()

    def fill_menu(self, menu: QMenu, main: QScreen) -> None:
        """One checkable entry per other screen: a wall there or not."""
        menu.clear()
        screens = self.others(main)
        if not screens:
            none = menu.addAction(QCoreApplication.translate(
                "MainWindow", "Only one screen is connected"))
            none.setEnabled(False)
            return
        for screen in screens:
            key = screen_key(screen)
            action = QAction(QCoreApplication.translate(
                "MainWindow", "Wall on {screen}").format(screen=screen.name()), menu)
            action.setCheckable(True)
            action.setChecked(key in self.walls)
            action.toggled.connect(
                lambda on, s=screen, k=key: self.open(s) if on else self.close(k))
            menu.addAction(action)

    def _on_closed(self, key: str) -> None:
        screen_wall = self.walls.pop(key, None)
        if screen_wall is not None:
            screen_wall.deleteLater()
        self._changed()
