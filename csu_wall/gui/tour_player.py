"""The tours playing on a window's wall: a tile tour on one tile (the commune's cameras in
turn), a layout tour on the whole wall (the saved layouts in turn), at most one layout tour
and one tour per tile, each driven by a :class:`TourDriver`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QMenu

from csu_wall.core.layout import Layout, Tour, TourKind
from csu_wall.core.ports import Clock
from csu_wall.gui.tour_driver import TourDriver
from csu_wall.gui.wall import WallWidget
from csu_wall.services.wall import WallService

TOUR_DWELL_S = 10.0
Status = Callable[[str, str], None]


class TourPlayer(QObject):
    """Starts, stops and holds the tours of one wall. ``show_layout`` shows a saved layout
    by id (a layout tour's step); ``exists`` says whether a saved layout is still there."""

    def __init__(self, service: WallService, wall: WallWidget, clock: Clock, *,
                 show_layout: Callable[[int], None], exists: Callable[[int], bool] | None,
                 status: Status, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._wall = wall
        self._clock = clock
        self._show_layout = show_layout
        self._exists = exists
        self._status = status
        self.drivers: list[TourDriver] = []

    def play(self, tour: Tour) -> TourDriver:
        """Start a saved or ad-hoc tour: a tile tour on the focused tile, a layout tour on
        the wall (one layout tour at a time, one tour per tile)."""
        wall = self._wall
        if tour.kind is TourKind.TILE:
            tile = wall.focused_tile()
            tile_id = tile.tile_id
            self._stop(lambda d: d.tile_id == tile_id)

            def show(camera_id: str) -> None:
                if any(t.tile_id == tile_id for t in wall.tiles):
                    wall.open_in_tile(tile_id, camera_id, edit=False)

            driver = TourDriver(tour, self._clock, show, tile_id=tile_id, tile=tile,
                                wall=wall, parent=self.parent())
            tile.set_touring(True)
        else:
            self._stop(lambda d: d.tile_id is None)
            driver = TourDriver(tour, self._clock, self._show_item,
                                available=self._available if self._exists else None,
                                parent=self.parent())
        self.drivers.append(driver)
        driver.start()
        self._status(QCoreApplication.translate(
            "MainWindow", "Tour « {name} » started.").format(name=tour.name), "info")
        return driver

    def toggle_tile_tour(self, commune_id: str | None) -> TourDriver | None:
        """Start or stop the tour of the commune's cameras on the focused tile."""
        tile = self._wall.focused_tile()
        if any(d.tile_id == tile.tile_id for d in self.drivers):
            self._stop(lambda d: d.tile_id == tile.tile_id)
            return None
        service = self._service
        items = tuple(c.id for c in service.cameras_of(commune_id)) if commune_id else ()
        if len(items) < 2:
            self._status(QCoreApplication.translate(
                "MainWindow", "A tour needs at least two cameras."), "warning")
            return None
        name = service.site.commune(commune_id).name if commune_id else ""
        return self.play(Tour(QCoreApplication.translate(
            "MainWindow", "Tour of {commune}").format(commune=name),
            TourKind.TILE, items, TOUR_DWELL_S))

    def toggle_layout_tour(self, layouts: list[Layout]) -> TourDriver | None:
        """Start or stop the tour of the saved ``layouts`` (the layout tabs)."""
        if any(d.tile_id is None for d in self.drivers):
            self._stop(lambda d: d.tile_id is None)
            return None
        items = tuple(str(lay.id) for lay in layouts if lay.id is not None)
        if len(items) < 2:
            self._status(QCoreApplication.translate(
                "MainWindow", "A layout tour needs at least two saved layouts."), "warning")
            return None
        return self.play(Tour(QCoreApplication.translate(
            "MainWindow", "Tour of the layouts"), TourKind.LAYOUT, items, TOUR_DWELL_S))

    def stop_all(self, *, restore: bool = True) -> None:
        """Stop every tour (``restore=False`` when the window closes: no camera opened
        again)."""
        self._stop(lambda d: True, restore=restore)

    def interacted(self, tile_id: str) -> None:
        """The operator touched a tile: the tours on it hold."""
        for driver in self.drivers:
            driver.interacted(tile_id)

    def fill_menu(self, menu: QMenu, tours: list[Tour]) -> None:
        """The saved tours, each starting when chosen."""
        menu.clear()
        if not tours:
            menu.addAction(QCoreApplication.translate(
                "MainWindow", "No saved tour")).setEnabled(False)
        for tour in tours:
            action = menu.addAction(tour.name)
            action.triggered.connect(lambda _=False, t=tour: self.play(t))

    def _stop(self, which: Callable[[TourDriver], bool], *, restore: bool = True) -> None:
        for driver in [d for d in self.drivers if which(d)]:
            driver.stop(restore=restore)  # a tile tour gives back the layout camera
            self.drivers.remove(driver)
            if driver.tile_id is not None:
                for tile in self._wall.tiles:
                    if tile.tile_id == driver.tile_id:
                        tile.set_touring(False)

    def _show_item(self, item: str) -> None:
        self._show_layout(int(item))

    def _available(self, item: str) -> bool:
        """A layout tour's item is a layout id as text; skip the ones deleted since."""
        try:
            layout_id = int(item)
        except ValueError:
            return False
        return self._exists is not None and bool(self._exists(layout_id))

