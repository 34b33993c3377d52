"""The crash-restore state of a workstation's walls: written on every change (coalesced per
event-loop turn) so that after a crash or a restart the walls come back as they were — the
commune, the layout tab, each wall's layout, focus and maximised tile, the lock and full
screen — and, failing that, from the saved screen assignments."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QScreen

from csu_wall.core.layout import Layout, ScreenAssignment
from csu_wall.gui.layout_tabs import LayoutTabs
from csu_wall.gui.screen_walls import ScreenWalls
from csu_wall.gui.screens import find_screen, screen_key
from csu_wall.gui.wall import WallWidget
from csu_wall.gui.window_lock import WindowLock
from csu_wall.services.screens import ScreenService

log = logging.getLogger(__name__)

STATE_VERSION = 1
MAIN = "main"


class RestorableWindow(Protocol):
    """What the store reads and sets of the main window (its public surface)."""

    wall: WallWidget
    screens: ScreenWalls
    tabs: LayoutTabs

    def current_commune(self) -> str | None: ...
    def select_commune_quietly(self, commune_id: str) -> None: ...
    def select_tab_quietly(self, layout_id: int | None) -> None: ...
    def saved_layout(self, layout_id: int | None) -> Layout | None: ...
    def isFullScreen(self) -> bool: ...  # noqa: N802 - Qt's name
    def showFullScreen(self) -> None: ...  # noqa: N802 - Qt's name
    def screen(self) -> QScreen: ...
    def dock_state(self) -> str: ...
    def restore_dock_state(self, state: object) -> None: ...
    def plates_shown(self) -> bool: ...
    def set_plates_shown(self, shown: bool) -> None: ...


class WallStateStore(QObject):
    """Saves and restores ``window``'s walls through the workstation's ScreenService."""

    def __init__(self, window: RestorableWindow, service: ScreenService | None,
                 lock: WindowLock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self._lock = lock
        self._service = service
        self._saved_assignments: tuple[Any, ...] | None = None
        self.restoring = True  # until the window has finished its first restore
        self.closed = False
        self._timer = QTimer(self)  # coalesces the changes of one event-loop turn
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.save)

    def schedule(self) -> None:
        if not self.restoring and not self.closed:
            self._timer.start()

    def close(self) -> None:
        """Save one last time, then nothing more (the window closes)."""
        self.save()
        self.closed = True
        self._timer.stop()

    def state(self) -> dict[str, object]:
        w = self._window
        current = w.tabs.current_layout()
        screen_walls = w.screens.walls
        walls: dict[str, object] = {MAIN: w.wall.wall_state()}
        for key, screen_wall in screen_walls.items():
            walls[key] = screen_wall.wall.wall_state()
        return {
            "version": STATE_VERSION,
            "commune": w.current_commune(),
            "tab_layout_id": current.id if current is not None else None,
            "walls": walls,
            "layouts": {MAIN: w.wall.layout_value.id,
                        **{k: s.wall.layout_value.id for k, s in screen_walls.items()}},
            "locked": self._lock.locked,
            "fullscreen": w.isFullScreen(),
            "docks": w.dock_state(),  # the side panels open on this workstation
            "plates": w.plates_shown(),
        }

    def save(self) -> None:
        service = self._service
        if service is None or self.closed:
            return
        try:
            service.save_wall_state(self.state())
            self._save_assignments(service)
        except Exception:  # the wall goes on; the next change tries again
            log.exception("saving the wall state failed")

    def _save_assignments(self, service: ScreenService) -> None:
        w = self._window
        workstation = service.workstation
        main_key = screen_key(w.screen())
        rows = [ScreenAssignment(workstation, main_key, w.wall.layout_value.id,
                                 fullscreen=w.isFullScreen(), extra={"window": MAIN})]
        rows += [ScreenAssignment(workstation, key, s.wall.layout_value.id)
                 for key, s in w.screens.walls.items() if key != main_key]
        signature = tuple((a.screen, a.layout_id, a.fullscreen) for a in rows)
        if signature != self._saved_assignments:
            service.save(rows)
            self._saved_assignments = signature

    def restore(self) -> bool:
        """Bring the walls back as they were: the wall state when there is one, else the
        saved screen assignments. False when there is nothing to restore."""
        service = self._service
        if service is None:
            return False
        try:
            state = service.load_wall_state()
            assignments = service.load()
        except Exception:
            log.exception("reading the saved wall state failed; starting afresh")
            return False
        if state.get("version") == STATE_VERSION and isinstance(state.get("walls"), dict):
            return self._restore_from_state(state)
        return self._restore_assignments(assignments)

    def _restore_from_state(self, state: dict[str, object]) -> bool:
        w = self._window
        w.restore_dock_state(state.get("docks"))
        w.set_plates_shown(state.get("plates") is not False)
        commune = state.get("commune")
        if isinstance(commune, str):
            w.select_commune_quietly(commune)
        tab_id = state.get("tab_layout_id")
        w.select_tab_quietly(tab_id if isinstance(tab_id, int) else None)
        walls = state["walls"]
        assert isinstance(walls, dict)
        main = walls.get(MAIN)
        if not (isinstance(main, dict) and w.wall.restore_wall_state(main)):
            current = w.tabs.current_layout()
            if current is not None:
                w.wall.set_layout(current)
        for key, wall_state in walls.items():
            screen = find_screen(key) if key != MAIN else None
            if screen is not None and isinstance(wall_state, dict):
                w.screens.open(screen).wall.restore_wall_state(wall_state)
        self._lock.restored_locked = bool(state.get("locked"))
        if state.get("fullscreen"):
            w.showFullScreen()
        return True

    def _restore_assignments(self, assignments: list[ScreenAssignment]) -> bool:
        w = self._window
        restored = False
        for a in assignments:
            layout = w.saved_layout(a.layout_id)
            if a.extra.get("window") == MAIN:
                if layout is not None and layout.commune_id is not None:
                    w.select_commune_quietly(layout.commune_id)
                w.select_tab_quietly(a.layout_id)
                current = w.tabs.current_layout()
                if current is not None:
                    w.wall.set_layout(current)
                    restored = True
                continue
            screen = find_screen(a.screen)
            if screen is not None:
                w.screens.open(screen, layout, fullscreen=a.fullscreen)
        return restored
