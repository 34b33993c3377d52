"""The crash-restore state of a workstation's walls: written on every change (coalesced per
event-loop turn) so that after a crash or a restart the walls come back as they were — the
commune, the layout tab, each wall's layout, focus and maximised tile, the lock and full
screen — and, failing that, from the saved screen assignments.

The database is read and written off the GUI thread, on the services' one bounded executor:
the state is taken from the widgets on the GUI thread, written by a worker (a newer state
waiting supersedes an older one not started; writes run one at a time, in order, so an older
one never lands over a newer). At start-up the saved state (and the saved layouts it names) is
read there too and applied when it comes back; the window shows its tiles then. Only the last
write, at close, is waited for (bounded): the application must not exit before it is stored.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QScreen

from csu_wall.core.layout import Layout, ScreenAssignment
from csu_wall.gui._latest_call import LatestCall
from csu_wall.gui.layout_tabs import LayoutTabs
from csu_wall.gui.screen_walls import ScreenWalls
from csu_wall.gui.screens import find_screen, screen_key
from csu_wall.gui.wall import WallWidget
from csu_wall.gui.window_lock import WindowLock
from csu_wall.services.recorder_calls import executor
from csu_wall.services.screens import ScreenService

log = logging.getLogger(__name__)

STATE_VERSION = 1
MAIN = "main"
# The last write at close is waited for this long at most: a local or LAN database answers in
# milliseconds; a database out of reach must not keep the application from exiting.
CLOSE_WAIT_S = 5.0

Signature = tuple[tuple[str, "int | None", bool], ...]


class RestorableWindow(Protocol):
    """What the store reads and sets of the main window (its public surface)."""

    wall: WallWidget
    screens: ScreenWalls
    tabs: LayoutTabs

    def current_commune(self) -> str | None: ...
    def select_commune_quietly(self, commune_id: str) -> None: ...
    def set_tabs_quietly(self, saved: list[Layout], layout_id: int | None) -> None: ...
    def read_saved_layouts(self) -> Callable[[], list[Layout]]: ...
    def isFullScreen(self) -> bool: ...  # noqa: N802 - Qt's name
    def showFullScreen(self) -> None: ...  # noqa: N802 - Qt's name
    def screen(self) -> QScreen: ...
    def dock_state(self) -> str: ...
    def restore_dock_state(self, state: object) -> None: ...
    def plates_shown(self) -> bool: ...
    def set_plates_shown(self, shown: bool) -> None: ...


class _Restored:
    """What the start-up restore read off the GUI thread."""

    def __init__(self, state: dict[str, object], assignments: list[ScreenAssignment],
                 saved: list[Layout]) -> None:
        self.state, self.assignments, self.saved = state, assignments, saved


class WallStateStore(QObject):
    """Saves and restores ``window``'s walls through the workstation's ScreenService."""

    def __init__(self, window: RestorableWindow, service: ScreenService | None,
                 lock: WindowLock, parent: QObject | None = None,
                 say: Callable[[str, str], None] | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self._say = say  # a sentence and its level, for the status bar
        self._lock = lock
        self._service = service
        self.restoring = True  # until the window has finished its first restore
        self.closed = False
        self._timer = QTimer(self)  # coalesces the changes of one event-loop turn
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.save)
        self.save_call = LatestCall("wall state save", self)
        self.restore_call = LatestCall("wall state restore", self)
        # Writes run one at a time and in the order taken: a worker writes only a state
        # newer than the last one written (a slow older write never lands over a newer one).
        self._write_lock = threading.Lock()
        self._taken = 0  # states taken from the widgets (GUI thread)
        self._written = 0  # the newest written (under the lock)
        self._saved_assignments: Signature | None = None  # (under the lock)
        self.failures = 0  # writes that failed (the next change tries again)
        self._failing = False  # said once until a write succeeds again

    def schedule(self) -> None:
        if not self.restoring and not self.closed:
            self._timer.start()

    @property
    def saving(self) -> bool:
        return self.save_call.busy

    def close(self) -> None:
        """Save one last time, then nothing more (the window closes). The write runs on the
        executor like the others, but is waited for, at most CLOSE_WAIT_S: the application
        exits right after, and a wall state lost at close would bring a restart back to an
        older wall. Blocking the GUI thread here is accepted: it is closing."""
        if self.closed:
            return
        self._timer.stop()
        self.restore_call.cancel()
        write = self._take()
        self.closed = True
        self.save_call.cancel()  # its answer no longer matters; the write below is newer
        if write is None:
            return
        try:
            future = executor().submit(write)
        except RuntimeError:  # the executor is gone: write here, the window is closing
            self._write_now(write)
            return
        try:
            future.result(timeout=CLOSE_WAIT_S)
        except FutureTimeout:
            log.error("the wall state was not written within %.0f s at close", CLOSE_WAIT_S)
        except Exception:
            log.exception("saving the wall state at close failed")

    def _write_now(self, write: Callable[[], None]) -> None:
        try:
            write()
        except Exception:
            log.exception("saving the wall state at close failed")

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
        """Write the state as the widgets hold it now, off the GUI thread."""
        write = None if self.closed else self._take()
        if write is not None:
            self.save_call.run(write, self._saved, self._not_saved)

    def _saved(self, _none: None) -> None:
        self._failing = False

    def _not_saved(self, exc: Exception) -> None:
        self.failures += 1  # the wall goes on; the next change tries again
        log.warning("saving the wall state failed", exc_info=exc)
        if not self._failing and self._say is not None:
            self._say(self.tr("The wall's state cannot be saved now (database unreachable): "
                              "the wall goes on, and its state is saved again at the next "
                              "change."), "warning")
        self._failing = True

    def _take(self) -> Callable[[], None] | None:
        """The state and the screen assignments taken from the widgets (GUI thread), and the
        write of both (any thread)."""
        service = self._service
        if service is None:
            return None
        state, rows = self.state(), self._assignments(service)
        signature: Signature = tuple((a.screen, a.layout_id, a.fullscreen) for a in rows)
        self._taken += 1
        number = self._taken

        def write() -> None:
            with self._write_lock:
                if number <= self._written:
                    return  # a newer state is already stored
                service.save_wall_state(state)
                self._written = number
                if signature != self._saved_assignments:
                    service.save(rows)
                    self._saved_assignments = signature

        return write

    def _assignments(self, service: ScreenService) -> list[ScreenAssignment]:
        w = self._window
        workstation = service.workstation
        main_key = screen_key(w.screen())
        rows = [ScreenAssignment(workstation, main_key, w.wall.layout_value.id,
                                 fullscreen=w.isFullScreen(), extra={"window": MAIN})]
        rows += [ScreenAssignment(workstation, key, s.wall.layout_value.id)
                 for key, s in w.screens.walls.items() if key != main_key]
        return rows

    def restore_later(self, fallback: Callable[[], None]) -> None:
        """Read the saved state off the GUI thread, then bring the walls back as they were
        (the wall state when there is one, else the saved screen assignments) — or, with
        nothing to restore or the database unreadable, ``fallback()``. Changes are saved
        again once done (:attr:`restoring` False)."""
        service = self._service
        if service is None:
            self._restored(fallback, None)
            return
        read_saved = self._window.read_saved_layouts()

        def read() -> _Restored:
            state = service.load_wall_state()
            assignments = service.load()
            return _Restored(state, assignments, read_saved())

        def failed(exc: Exception) -> None:
            log.warning("reading the saved wall state failed; starting afresh", exc_info=exc)
            self._restored(fallback, None)
            if self._say is not None:
                self._say(self.tr("The wall as it was cannot be read now (database "
                                  "unreachable): it starts on the first commune."), "warning")

        self.restore_call.run(read, lambda got: self._restored(fallback, got), failed)

    def _restored(self, fallback: Callable[[], None], got: _Restored | None) -> None:
        if self.closed:
            return
        if got is None or not self._apply(got):
            fallback()
        self.restoring = False

    def _apply(self, got: _Restored) -> bool:
        state = got.state
        if state.get("version") == STATE_VERSION and isinstance(state.get("walls"), dict):
            return self._restore_from_state(state, got.saved)
        return self._restore_assignments(got.assignments, got.saved)

    def _restore_from_state(self, state: dict[str, object], saved: list[Layout]) -> bool:
        w = self._window
        # locked first: a wall locked when it stopped shows no camera before the lock
        self._lock.restore_locked(bool(state.get("locked")))
        w.restore_dock_state(state.get("docks"))
        w.set_plates_shown(state.get("plates") is not False)
        commune = state.get("commune")
        if isinstance(commune, str):
            w.select_commune_quietly(commune)
        tab_id = state.get("tab_layout_id")
        w.set_tabs_quietly(saved, tab_id if isinstance(tab_id, int) else None)
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
        if state.get("fullscreen"):
            w.showFullScreen()
        return True

    def _restore_assignments(self, assignments: list[ScreenAssignment],
                             saved: list[Layout]) -> bool:
        w = self._window
        by_id = {lay.id: lay for lay in saved if lay.id is not None}
        restored = False
        for a in assignments:
            layout = by_id.get(a.layout_id) if a.layout_id is not None else None
            if a.extra.get("window") == MAIN:
                if layout is not None and layout.commune_id is not None:
                    w.select_commune_quietly(layout.commune_id)
                w.set_tabs_quietly(saved, a.layout_id)
                current = w.tabs.current_layout()
                if current is not None:
                    w.wall.set_layout(current)
                    restored = True
                continue
            screen = find_screen(a.screen)
            if screen is not None:
                w.screens.open(screen, layout, fullscreen=a.fullscreen)
        return restored
