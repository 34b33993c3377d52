"""One wall window per extra screen: frameless, full screen on the screen chosen.

Each screen wall has its own tiles (ids prefixed with the screen's number, so the one media
engine never mixes them) and shares the main window's render rhythm, bridge and wall service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QScreen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.wall import WallWidget

if TYPE_CHECKING:
    from csu_wall.services.wall import WallService


def screen_key(screen: QScreen) -> str:
    """A name stable across restarts: the output name, with the serial number when known."""
    name = screen.name()
    if not name:  # some platforms leave it empty: the screen's place in the list then
        screens = QGuiApplication.screens()
        name = f"screen-{screens.index(screen) + 1 if screen in screens else 0}"
    serial = screen.serialNumber()
    return f"{name} #{serial}" if serial else name


def find_screen(key: str) -> QScreen | None:
    for screen in QGuiApplication.screens():
        if screen_key(screen) == key or screen.name() == key:
            return screen
    return None


class ScreenWall(QWidget):
    """A top-level wall on one screen."""

    sig_closed = Signal(str)  # screen key

    def __init__(self, service: WallService, bridge: StateBridge, screen: QScreen,
                 number: int, *, fullscreen: bool = True) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("screenWall")
        self.key = screen_key(screen)
        self.setWindowTitle(self.tr("csu-wall — screen {name}").format(name=screen.name()))
        self.wall = WallWidget(service, bridge, prefix=f"s{number}-", parent=self)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.wall)
        self.fullscreen = fullscreen
        self._closed = False
        self.place_on(screen)

    def place_on(self, screen: QScreen) -> None:
        # setScreen alone is not enough on X11: the geometry decides where the window lands.
        self.setScreen(screen)
        self.setGeometry(screen.geometry())

    def show_on_screen(self) -> None:
        if self.fullscreen:
            self.showFullScreen()
        else:
            self.show()

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.wall.stop()
        for tile in self.wall.tiles:
            self.wall.service.close_tile(tile.tile_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        self.sig_closed.emit(self.key)
        event.accept()
