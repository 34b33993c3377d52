"""The main window's side of the workstation lock: whether the walls are locked now, and
whether they were when the application last stopped (a wall locked then comes back locked)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject


class WindowLock(QObject):
    """Follows a LockController (csu_wall/gui/lock.py); ``changed(locked)`` hides or shows
    the screen walls and saves the state."""

    def __init__(self, changed: Callable[[bool], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._changed = changed
        self.locked = False
        self.restored_locked = False  # the saved state says the wall was locked
        self._controller: Any = None

    def attach(self, controller: Any) -> None:
        """Follow ``controller``'s lock and unlock; a wall that was locked when it stopped
        is locked again at once."""
        self._controller = controller
        controller.sig_locked.connect(lambda: self._set(True))
        controller.sig_unlocked.connect(lambda: self._set(False))
        if self.restored_locked and not controller.locked:
            controller.lock()

    def restore_locked(self, locked: bool) -> None:
        """The saved state, read off the GUI thread, says whether the wall was locked: a
        controller attached before it arrived locks now."""
        self.restored_locked = locked
        controller = self._controller
        if locked and controller is not None and not controller.locked:
            controller.lock()

    def _set(self, locked: bool) -> None:
        self.locked = locked
        self._changed(locked)
