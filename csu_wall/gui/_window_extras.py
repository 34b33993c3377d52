"""The main window's screens (one wall window per extra screen, assignments, crash-restore
state) and tours, kept apart from the window's construction."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QGuiApplication, QScreen

from csu_wall.core.layout import Layout, ScreenAssignment, Tour, TourKind
from csu_wall.gui.screens import ScreenWall, find_screen, screen_key
from csu_wall.gui.tour_driver import TourDriver

if TYPE_CHECKING:
    from csu_wall.gui.main_window import MainWindow

log = logging.getLogger(__name__)

STATE_VERSION = 1
TOUR_DWELL_S = 10.0
MAIN = "main"


class WindowExtras:
    """Screens, crash-restore state and tours of one main window (``w``)."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self._saved_assignments: tuple[Any, ...] | None = None

    # -- crash-restore state ---------------------------------------------------------------

    def schedule_save(self) -> None:
        if not self.w._restoring and not self.w._closed:
            self.w._state_timer.start()

    def wall_state(self) -> dict[str, object]:
        current = self.w.tabs.current_layout()
        walls: dict[str, object] = {MAIN: self.w.wall.wall_state()}
        for key, screen_wall in self.w.screen_walls.items():
            walls[key] = screen_wall.wall.wall_state()
        return {
            "version": STATE_VERSION,
            "commune": self.w.current_commune(),
            "tab_layout_id": current.id if current is not None else None,
            "walls": walls,
            "layouts": {MAIN: self.w.wall.layout_value.id,
                        **{k: w.wall.layout_value.id for k, w in self.w.screen_walls.items()}},
            "locked": self.w.locked,
            "fullscreen": self.w.isFullScreen(),
        }

    def save_state(self) -> None:
        """Written on every change (coalesced per event-loop turn) so that after a crash the
        wall comes back as it was."""
        service = self.w.screen_service
        if service is None or self.w._closed:
            return
        try:
            service.save_wall_state(self.wall_state())
            self._save_assignments()
        except Exception:  # the wall goes on; the next change tries again
            log.exception("saving the wall state failed")

    def _save_assignments(self) -> None:
        service = self.w.screen_service
        if service is None:
            return
        workstation = service.workstation
        main_key = screen_key(self.w.screen())
        rows = [ScreenAssignment(workstation, main_key, self.w.wall.layout_value.id,
                                 fullscreen=self.w.isFullScreen(), extra={"window": MAIN})]
        rows += [ScreenAssignment(workstation, key, w.wall.layout_value.id)
                 for key, w in self.w.screen_walls.items() if key != main_key]
        signature = tuple((a.screen, a.layout_id, a.fullscreen) for a in rows)
        if signature != self._saved_assignments:
            service.save(rows)
            self._saved_assignments = signature

    def restore_state(self) -> bool:
        """Bring the wall back as it was (crash or restart): the wall state when there is
        one, else the saved screen assignments. False when there is nothing to restore."""
        service = self.w.screen_service
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
        commune = state.get("commune")
        index = self.w.commune_box.findData(commune) if isinstance(commune, str) else -1
        if index >= 0:
            self.w.commune_box.blockSignals(True)
            self.w.commune_box.setCurrentIndex(index)
            self.w.commune_box.blockSignals(False)
        tab_id = state.get("tab_layout_id")
        self.w.tabs.blockSignals(True)
        self.w.refresh_tabs(select_id=tab_id if isinstance(tab_id, int) else None)
        self.w.tabs.blockSignals(False)
        walls = state["walls"]
        assert isinstance(walls, dict)
        main = walls.get(MAIN)
        if not (isinstance(main, dict) and self.w.wall.restore_wall_state(main)):
            current = self.w.tabs.current_layout()
            if current is not None:
                self.w.wall.set_layout(current)
        for key, wall_state in walls.items():
            screen = find_screen(key) if key != MAIN else None
            if screen is not None and isinstance(wall_state, dict):
                self.open_screen_wall(screen).wall.restore_wall_state(wall_state)
        self.w.restored_locked = bool(state.get("locked"))
        if state.get("fullscreen"):
            self.w.showFullScreen()
        return True

    def _restore_assignments(self, assignments: list[ScreenAssignment]) -> bool:
        if not assignments:
            return False
        restored = False
        for a in assignments:
            layout = self._saved_layout(a.layout_id)
            if a.extra.get("window") == MAIN:
                if layout is not None and layout.commune_id is not None:
                    index = self.w.commune_box.findData(layout.commune_id)
                    if index >= 0:
                        self.w.commune_box.blockSignals(True)
                        self.w.commune_box.setCurrentIndex(index)
                        self.w.commune_box.blockSignals(False)
                self.w.tabs.blockSignals(True)
                self.w.refresh_tabs(select_id=a.layout_id)
                self.w.tabs.blockSignals(False)
                current = self.w.tabs.current_layout()
                if current is not None:
                    self.w.wall.set_layout(current)
                    restored = True
                continue
            screen = find_screen(a.screen)
            if screen is not None:
                self.open_screen_wall(screen, layout, fullscreen=a.fullscreen)
        return restored

    def _saved_layout(self, layout_id: int | None) -> Layout | None:
        if layout_id is None or self.w.layouts is None:
            return None
        try:
            return self.w.layouts.get(layout_id)
        except Exception:
            log.warning("layout %s of a screen assignment is gone", layout_id)
            return None

    # -- lock ------------------------------------------------------------------------------

    def attach_lock(self, controller: Any) -> None:
        """Follow the workstation lock (LockController): screen walls hide with the main one,
        the state remembers it, and a wall that was locked when it stopped comes back locked."""
        controller.sig_locked.connect(lambda: self._set_locked(True))
        controller.sig_unlocked.connect(lambda: self._set_locked(False))
        if self.w.restored_locked and not controller.locked:
            controller.lock()

    def _set_locked(self, locked: bool) -> None:
        self.w.locked = locked
        for screen_wall in self.w.screen_walls.values():
            if locked:
                screen_wall.hide()
            else:
                screen_wall.show_on_screen()
        self.save_state()

    # -- screen walls ----------------------------------------------------------------------

    def other_screens(self) -> list[QScreen]:
        main_key = screen_key(self.w.screen())
        return [s for s in QGuiApplication.screens() if screen_key(s) != main_key]

    def open_screen_wall(self, screen: QScreen, layout: Layout | None = None, *,
                         fullscreen: bool = True) -> ScreenWall:
        key = screen_key(screen)
        existing = self.w.screen_walls.get(key)
        if existing is not None:
            if layout is not None:
                existing.wall.set_layout(layout)
            return existing
        used = {int(w.wall.prefix[1:-1]) for w in self.w.screen_walls.values()}
        number = next(n for n in range(1, 100) if n not in used)
        screen_wall = ScreenWall(self.w.service, self.w.bridge, screen, number,
                                 fullscreen=fullscreen)
        self.w._connect_wall(screen_wall.wall)
        screen_wall.sig_closed.connect(self._on_screen_wall_closed)
        self.w.screen_walls[key] = screen_wall
        chosen = layout or self.w.tabs.current_layout()
        if chosen is not None:
            screen_wall.wall.set_layout(chosen)
        if not self.w.locked:
            screen_wall.show_on_screen()
        self.schedule_save()
        return screen_wall

    def close_screen_wall(self, key: str) -> None:
        screen_wall = self.w.screen_walls.get(key)
        if screen_wall is not None:
            screen_wall.close()

    def _on_screen_wall_closed(self, key: str) -> None:
        screen_wall = self.w.screen_walls.pop(key, None)
        if screen_wall is not None:
            screen_wall.deleteLater()
        self.schedule_save()

    def _fill_screens_menu(self) -> None:
        menu = self.w.screens_menu
        menu.clear()
        screens = self.other_screens()
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
            action.setChecked(key in self.w.screen_walls)
            action.toggled.connect(
                lambda on, s=screen, k=key: self.open_screen_wall(s) if on
                else self.close_screen_wall(k))
            menu.addAction(action)

    # -- tours -----------------------------------------------------------------------------
    def play_tour(self, tour: Tour) -> TourDriver:
        """Start a saved or ad-hoc tour: a tile tour on the focused tile, a layout tour on
        the wall (one layout tour at a time, one tour per tile)."""
        if tour.kind is TourKind.TILE:
            tile = self.w.wall.focused_tile()
            self._stop_drivers(lambda d: d.tile_id == tile.tile_id)
            tile_id = tile.tile_id

            def show(camera_id: str) -> None:
                if any(t.tile_id == tile_id for t in self.w.wall.tiles):
                    self.w.wall.open_in_tile(tile_id, camera_id, edit=False)

            driver = TourDriver(tour, self.w.clock, show, tile_id=tile_id, tile=tile,
                                wall=self.w.wall, parent=self.w)
            tile.set_touring(True)
        else:
            self._stop_drivers(lambda d: d.tile_id is None)
            layouts = self.w.layouts
            available = _layout_exists(layouts) if layouts is not None else None
            driver = TourDriver(tour, self.w.clock, self._show_layout_id, available=available,
                                parent=self.w)
        self.w.tour_drivers.append(driver)
        driver.start()
        self.w.status_message(QCoreApplication.translate(
                "MainWindow", "Tour « {name} » started.").format(name=tour.name))
        return driver

    def toggle_tile_tour(self) -> TourDriver | None:
        tile = self.w.wall.focused_tile()
        if any(d.tile_id == tile.tile_id for d in self.w.tour_drivers):
            self._stop_drivers(lambda d: d.tile_id == tile.tile_id)
            return None
        commune = self.w.current_commune()
        items = tuple(c.id for c in self.w.service.cameras_of(commune)) if commune else ()
        if len(items) < 2:
            self.w.status_message(QCoreApplication.translate(
                "MainWindow", "A tour needs at least two cameras."), "warning")
            return None
        name = self.w.service.site.commune(commune).name if commune else ""
        return self.play_tour(Tour(QCoreApplication.translate(
                "MainWindow", "Tour of {commune}").format(commune=name),
                                   TourKind.TILE, items, TOUR_DWELL_S))

    def toggle_layout_tour(self) -> TourDriver | None:
        if any(d.tile_id is None for d in self.w.tour_drivers):
            self._stop_drivers(lambda d: d.tile_id is None)
            return None
        items = tuple(str(lay.id) for lay in self.w.tabs.layouts() if lay.id is not None)
        if len(items) < 2:
            self.w.status_message(QCoreApplication.translate(
                "MainWindow", "A layout tour needs at least two saved layouts."),
                                "warning")
            return None
        return self.play_tour(Tour(QCoreApplication.translate(
                "MainWindow", "Tour of the layouts"), TourKind.LAYOUT, items,
                                   TOUR_DWELL_S))

    def stop_tours(self, *, restore: bool = True) -> None:
        self._stop_drivers(lambda d: True, restore=restore)

    def tour_interacted(self, tile_id: str) -> None:
        for driver in self.w.tour_drivers:
            driver.interacted(tile_id)

    def _stop_drivers(self, which: Any, *, restore: bool = True) -> None:
        for driver in [d for d in self.w.tour_drivers if which(d)]:
            driver.stop(restore=restore)  # a tile tour gives back the layout camera
            self.w.tour_drivers.remove(driver)
            if driver.tile_id is not None:
                for tile in self.w.wall.tiles:
                    if tile.tile_id == driver.tile_id:
                        tile.set_touring(False)

    def _show_layout_id(self, item: str) -> None:
        layout_id = int(item)
        index = self.w.tabs.index_of(layout_id)
        if index < 0:
            layout = self._saved_layout(layout_id)
            if layout is None:
                return
            self.w.tabs.blockSignals(True)
            self.w.refresh_tabs(select_id=layout_id)
            self.w.tabs.blockSignals(False)
            index = self.w.tabs.index_of(layout_id)
            if index < 0:  # another commune's layout: show it without its tab
                self.w.wall.set_layout(layout)
                return
        self.w.tabs.select(index)

    def _fill_tours_menu(self) -> None:
        menu = self.w.saved_tours_menu
        menu.clear()
        tours = self.w.tour_service.list_tours() if self.w.tour_service is not None else []
        if not tours:
            menu.addAction(QCoreApplication.translate(
                "MainWindow", "No saved tour")).setEnabled(False)
        for tour in tours:
            action = menu.addAction(tour.name)
            action.triggered.connect(lambda _=False, t=tour: self.play_tour(t))


def _layout_exists(layouts: Any) -> Any:
    """A layout tour's item is a layout id as text; skip the ones deleted since."""
    def exists(item: str) -> bool:
        try:
            return bool(layouts.exists(int(item)))
        except ValueError:
            return False
    return exists
