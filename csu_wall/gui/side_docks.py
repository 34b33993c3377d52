"""The window's side panels (cameras, bookmarks, playback, …) as docks: each can be closed,
moved to the other side or floated, and all are closed the first time a workstation starts, so
the wall keeps its area. Which are open, where and how wide is part of the workstation's
crash-restore state (:mod:`wall_state_store`): Qt's ``saveState`` of the window, as text.
A panel added after the state was restored (the bookmarks, once the shift features are
installed) takes its place from that state too (``restoreDockWidget``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

STATE_VERSION = 1  # bumped when the panels change so much that an old state means nothing
# what the panels start with when they open for the first time (tables readable)
OPEN_WIDTH = {"cameras": 320, "bookmarks": 700, "playback": 560}

_FEATURES = (QDockWidget.DockWidgetFeature.DockWidgetClosable
             | QDockWidget.DockWidgetFeature.DockWidgetMovable
             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)


class SideDocks(QObject):
    """The docks of one main window, by key; ``changed`` is called when one opens, closes,
    moves or floats (the window then saves its state)."""

    def __init__(self, window: QMainWindow, changed: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._changed = changed
        self.panels: dict[str, QDockWidget] = {}
        self._sized: set[str] = set()  # opened once at their default width

    def add(self, key: str, title: str, widget: QWidget,
            area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea) -> QDockWidget:
        """The panel ``key`` (made once, closed unless the saved state has it open)."""
        dock = self.panels.get(key)
        if dock is None:
            dock = QDockWidget(title, self._window)
            dock.setObjectName(f"panel-{key}")
            dock.setFeatures(_FEATURES)
            dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea
                                 | Qt.DockWidgetArea.RightDockWidgetArea)
            if self._window.restoreDockWidget(dock):
                self._sized.add(key)  # its width is the saved one
            else:
                self._window.addDockWidget(area, dock)
                dock.hide()
            dock.visibilityChanged.connect(lambda shown, k=key: self._on_visible(k, shown))
            dock.dockLocationChanged.connect(lambda _area: self._changed())
            dock.topLevelChanged.connect(lambda _floating: self._changed())
            self.panels[key] = dock
        dock.setWindowTitle(title)
        dock.setWidget(widget)
        return dock

    def open(self, key: str) -> QDockWidget | None:
        """Open (and raise) the panel ``key``; None when there is no such panel."""
        dock = self.panels.get(key)
        if dock is not None:
            dock.show()
            dock.raise_()
        return dock

    @property
    def open_keys(self) -> list[str]:
        """The panels open now (shown, docked or floating)."""
        return [k for k, d in self.panels.items() if not d.isHidden()]

    def state(self) -> str:
        """Where every panel is and whether it is open, as text for the wall state."""
        data = self._window.saveState(STATE_VERSION).toBase64()
        return bytes(data.data()).decode("ascii")

    def restore(self, text: object) -> bool:
        """Put the panels back as :meth:`state` described them; False (nothing changed)
        for a value that is not one."""
        if not isinstance(text, str) or not text:
            return False
        data = QByteArray.fromBase64(text.encode("ascii"))
        if not self._window.restoreState(data, STATE_VERSION):
            return False
        self._sized.update(self.panels)
        return True

    def _on_visible(self, key: str, shown: bool) -> None:
        if shown and key not in self._sized:
            self._sized.add(key)
            dock = self.panels[key]
            width = OPEN_WIDTH.get(key)
            if width and not dock.isFloating():
                self._window.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
        self._changed()
