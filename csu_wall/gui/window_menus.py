"""The main window's menu bar: File, View, Tile, Layouts, Tours, Help. Each action takes its
key from the keymap (gui/keymap.py), so the menus, the shortcuts and the help list agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, cast

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from csu_wall.gui._resources import icon
from csu_wall.gui.keymap import KeymapDialog, binding
from csu_wall.gui.layout_editor import EditController
from csu_wall.gui.layout_tabs import LayoutTabs
from csu_wall.gui.quit_guard import ask_before_quit
from csu_wall.gui.screen_walls import ScreenWalls
from csu_wall.gui.tile_action_registry import TileActionRegistry
from csu_wall.gui.tile_actions import SnapshotTaker
from csu_wall.gui.tour_driver import TourDriver
from csu_wall.gui.tour_editor import TourHost, show_tour_manager
from csu_wall.gui.wall import WallWidget


class MenuHost(TourHost, Protocol):
    """What the menus use of the main window (a QMainWindow besides)."""

    wall: WallWidget
    tabs: LayoutTabs
    edit: EditController | None
    snapshots: SnapshotTaker
    screens: ScreenWalls
    tile_actions: TileActionRegistry
    actions_by_key: dict[str, QAction]

    def fill_saved_tours_menu(self, menu: QMenu) -> None: ...
    def focus_search(self) -> None: ...
    def focus_wall(self) -> None: ...
    def popup_focused_menu(self) -> None: ...
    def zoom_focused(self, factor: float) -> None: ...
    def show_keymap(self) -> KeymapDialog: ...
    def stop_tours(self) -> None: ...
    def toggle_full_screen(self) -> None: ...
    def toggle_tile_tour(self) -> TourDriver | None: ...
    def toggle_layout_tour(self) -> TourDriver | None: ...


def _action(w: MenuHost, key: str, text: str, slot: Callable[[], object], *,
            icon_name: str | None = None, on_wall: bool = False) -> QAction:
    window = cast(QMainWindow, w)
    action = QAction(text, window)
    action.setObjectName(f"{key}Action")
    keys = binding(key).keys
    if keys:
        action.setShortcut(QKeySequence(keys))
    if icon_name:
        action.setIcon(icon(icon_name))
    if on_wall:  # keys that mean something else in the search field or the tree
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        w.wall.addAction(action)
    else:
        window.addAction(action)
    action.triggered.connect(slot)
    w.actions_by_key[key] = action
    return action


@dataclass(frozen=True)
class WindowMenus:
    """The menus of the menu bar that other features add to."""

    file: QMenu
    view: QMenu  # side panels add their toggle here
    tile: QMenu  # registered tile actions go here
    layouts: QMenu
    tours: QMenu
    screens: QMenu
    saved_tours: QMenu


def build_menus(w: MenuHost) -> WindowMenus:
    """The menu bar; every action also carries its key from the keymap."""
    window = cast(QMainWindow, w)
    bar = window.menuBar()
    file_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&File"))
    file_menu.addAction(_action(
        w, "quit", QCoreApplication.translate("MainWindow", "&Quit"),
        lambda: ask_before_quit(window)))
    view, screens = _view_menu(w)
    tile = _tile_menu(w)
    layouts, tours, saved_tours = _layouts_and_tours_menus(w)
    help_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Help"))
    help_menu.addAction(_action(w, "help_keys", QCoreApplication.translate(
        "MainWindow", "&Keyboard shortcuts"), w.show_keymap, icon_name="keyboard"))
    return WindowMenus(file_menu, view, tile, layouts, tours, screens, saved_tours)


def _view_menu(w: MenuHost) -> tuple[QMenu, QMenu]:
    window = cast(QMainWindow, w)
    view = window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&View"))
    for key, text, slot in (
        ("search", QCoreApplication.translate("MainWindow", "&Search a camera"),
         w.focus_search),
        ("wall_focus", QCoreApplication.translate("MainWindow", "Keyboard on the &wall"),
         w.focus_wall),
        ("next_layout", QCoreApplication.translate("MainWindow", "&Next layout"),
         lambda: w.tabs.step(1)),
        ("previous_layout", QCoreApplication.translate("MainWindow", "&Previous layout"),
         lambda: w.tabs.step(-1)),
        ("full_screen", QCoreApplication.translate("MainWindow", "&Full screen"),
         w.toggle_full_screen),
    ):
        view.addAction(_action(w, key, text, slot))
    screens = view.addMenu(icon("screen"), QCoreApplication.translate(
        "MainWindow", "Wall on &another screen"))
    screens.aboutToShow.connect(lambda: w.screens.fill_menu(screens, window.screen()))
    view.addSeparator()
    return view, screens


def _tile_menu(w: MenuHost) -> QMenu:
    """The built-in tile actions, in the Tile menu and every tile's context menu."""
    tile = cast(QMainWindow, w).menuBar().addMenu(QCoreApplication.translate("MainWindow", "&Tile"))
    wall = w.wall
    w.tile_actions.builtin = [
        _maximise_action(w),
        _action(w, "zoom_in", QCoreApplication.translate("MainWindow", "Zoom &in"),
                lambda: w.zoom_focused(1.25), on_wall=True),
        _action(w, "zoom_out", QCoreApplication.translate("MainWindow", "Zoom &out"),
                lambda: w.zoom_focused(0.8), on_wall=True),
        _action(w, "zoom_reset", QCoreApplication.translate("MainWindow", "&Whole picture"),
                lambda: wall.focused_tile().set_view(None), on_wall=True),
        None,
        _action(w, "snapshot", QCoreApplication.translate("MainWindow", "&Snapshot"),
                lambda: w.snapshots.take(wall.focused_tile()),
                icon_name="snapshot", on_wall=True),
        _action(w, "tile_tour", QCoreApplication.translate(
                    "MainWindow", "&Tour of the commune's cameras here"),
                w.toggle_tile_tour, icon_name="tour"),
        None,
        _action(w, "close_tile", QCoreApplication.translate("MainWindow", "&Empty the tile"),
                lambda: wall.close_tile(wall.focused_tile().tile_id), on_wall=True),
    ]
    _action(w, "tile_menu", QCoreApplication.translate("MainWindow", "Tile &menu"),
            w.popup_focused_menu, on_wall=True)
    for action in w.tile_actions.builtin:
        if action is None:
            tile.addSeparator()
        else:
            tile.addAction(action)
    tile.addSeparator()  # then the actions other features register
    w.tile_actions.tile_menu = tile
    return tile


def _layouts_and_tours_menus(w: MenuHost) -> tuple[QMenu, QMenu, QMenu]:
    window = cast(QMainWindow, w)
    bar = window.menuBar()
    layouts = bar.addMenu(QCoreApplication.translate("MainWindow", "&Layouts"))
    if w.edit is not None:
        edit = w.edit
        for act in (edit.edit_action, edit.new_action, edit.undo_action, edit.redo_action,
                    edit.save_action, edit.save_private_action, edit.history_action):
            layouts.addAction(act)
            window.addAction(act)

    tours = bar.addMenu(QCoreApplication.translate("MainWindow", "T&ours"))
    tours.addAction(w.actions_by_key["tile_tour"])
    tours.addAction(_action(w, "layout_tour", QCoreApplication.translate(
        "MainWindow", "Tour of the &layout tabs"), w.toggle_layout_tour, icon_name="tour"))
    saved_tours = tours.addMenu(QCoreApplication.translate("MainWindow", "&Saved tours"))
    saved_tours.aboutToShow.connect(lambda: w.fill_saved_tours_menu(saved_tours))
    tours.addAction(_action(w, "edit_tours", QCoreApplication.translate(
        "MainWindow", "&Edit tours…"), lambda: show_tour_manager(w), icon_name="tour"))
    tours.addAction(_stop_tours_action(w))
    return layouts, tours, saved_tours


def _maximise_action(w: MenuHost) -> QAction:
    action = QAction(icon("maximise"), QCoreApplication.translate(
        "MainWindow", "&Maximise / restore"), cast(QMainWindow, w))
    action.setObjectName("maximiseAction")
    action.triggered.connect(lambda: w.wall.toggle_maximise())
    w.actions_by_key["maximise"] = action
    return action


def _stop_tours_action(w: MenuHost) -> QAction:
    action = QAction(QCoreApplication.translate("MainWindow", "S&top every tour"),
                     cast(QMainWindow, w))
    action.setObjectName("stopToursAction")
    action.triggered.connect(w.stop_tours)
    w.actions_by_key["stop_tours"] = action
    return action
