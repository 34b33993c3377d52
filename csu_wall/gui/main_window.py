"""The main window: communes and cameras on the left, layout tabs over the wall in the centre,
edit mode, tours, extra screens, and the extension points other features use. It composes
objects that own their state: the wall (:mod:`wall`), the walls on other screens
(:mod:`screen_walls`), the tours (:mod:`tour_player`), the crash-restore state
(:mod:`wall_state_store`), the lock (:mod:`window_lock`), the tile actions
(:mod:`tile_action_registry`) and its menus (:mod:`window_menus`). Extension points:

- :meth:`MainWindow.register_tile_action` (tile context menu + shortcut on the focused tile),
- :meth:`MainWindow.add_side_panel` (a dock on the right),
- :meth:`MainWindow.status_message` (status bar, French text),
- ``window.wall.focused_tile()`` and ``window.wall.focus_changed`` (Signal(str tile_id)).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QScreen
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.layout import Grid, Layout, Tour
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.gui._latest_call import LatestCall
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.camera_tree import CameraTree
from csu_wall.gui.keymap import CALL_UP_DELAY_MS, CallUpBuffer, KeymapDialog, binding
from csu_wall.gui.layout_editor import EditController
from csu_wall.gui.layout_tabs import LayoutTabs
from csu_wall.gui.screen_walls import ScreenWalls
from csu_wall.gui.side_docks import SideDocks
from csu_wall.gui.tile import TileWidget
from csu_wall.gui.tile_action_registry import TileActionRegistry
from csu_wall.gui.tile_actions import SnapshotTaker
from csu_wall.gui.tour_driver import TourDriver
from csu_wall.gui.tour_player import TourPlayer
from csu_wall.gui.wall import WallWidget
from csu_wall.gui.wall_state_store import WallStateStore
from csu_wall.gui.window_lock import WindowLock
from csu_wall.gui.window_menus import build_menus
from csu_wall.services.wall import WallService

if TYPE_CHECKING:
    from csu_wall.gui.screens import ScreenWall
    from csu_wall.gui.tour_editor import TourManagerDialog
    from csu_wall.services.layouts import LayoutService
    from csu_wall.services.screens import ScreenService
    from csu_wall.services.tours import TourService

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1600, 1000)
DEFAULT_GRID = "4×4"
STATUS_SOON_MS = 100  # a state change reaches the status bar this soon (one refresh per burst)
_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(10)}


class MainWindow(QMainWindow):
    """The wall, the camera tree and the layout tabs, composed with the objects that hold
    the screens, tours, crash-restore state, lock and tile actions."""

    keymap_dialog: KeymapDialog

    def __init__(
        self,
        wall_service: WallService,
        *,
        demo: bool,
        bridge: StateBridge | None = None,
        layouts: LayoutService | None = None,
        screens: ScreenService | None = None,
        tours: TourService | None = None,
        data_dir: Path | None = None,
        clock: Clock | None = None,
        call_up_delay_ms: int = CALL_UP_DELAY_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.service = wall_service
        self.demo = demo
        self.bridge = bridge if bridge is not None else StateBridge(self)
        self.layouts = layouts
        self.screen_service = screens
        self.tour_service = tours
        self.clock: Clock = clock or SystemClock()
        self.data_dir = data_dir
        self.actions_by_key: dict[str, QAction] = {}
        self.docks = SideDocks(self, self.schedule_save)
        self.side_panels: dict[str, QDockWidget] = self.docks.panels
        self.tour_manager: TourManagerDialog | None = None  # Tours ▸ Edit tours… (open)
        self.last_message: tuple[str, str] = ("", "info")
        self.setWindowTitle(self.tr("csu-wall — video wall"))
        self.resize(*DEFAULT_SIZE)

        self.commune_box = QComboBox()
        self.commune_box.setObjectName("communeSelector")
        self.tree = CameraTree(wall_service)
        self.wall = WallWidget(wall_service, self.bridge)
        self.tabs = LayoutTabs()
        # the saved layouts read off the GUI thread when the commune changes, after a save,
        # on the change feed, and a layout a tour shows (the startup restore reads them with
        # the saved state, off the GUI thread too: wall_state_store)
        self.tabs_call = LatestCall("layout list", self)
        self.layout_call = LatestCall("layout read", self)
        self.lock = WindowLock(self._on_lock_changed, self)
        self.screens = ScreenWalls(wall_service, self.bridge, connect_wall=self._connect_wall,
                                   default_layout=self.tabs.current_layout,
                                   changed=self.schedule_save, parent=self)
        self.store = WallStateStore(self, screens, self.lock, self,
                                    say=lambda text, level: self.status_message(text, level))
        self.tours = TourPlayer(wall_service, self.wall, self.clock,
                                show_layout=self.show_saved_layout,
                                exists=layouts.exists if layouts is not None else None,
                                status=self.status_message, parent=self)
        self.tile_actions = TileActionRegistry(self, self.wall.focused_tile)
        self.banner: QLabel | None = None
        self.setCentralWidget(self._central(demo))
        self._cameras_dock()
        self.edit: EditController | None = None
        if layouts is not None:
            self.edit = EditController(self, self.wall, layouts, self._stored_layout,
                                       self.status_message)
            self.edit.sig_saved.connect(self._on_layout_saved)
            self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.edit.toolbar)
        self.snapshots = self._snapshot_taker()
        self.call_up = self._call_up_buffer(call_up_delay_ms)
        menus = build_menus(self)
        self.file_menu, self.view_menu, self.tile_menu = menus.file, menus.view, menus.tile
        self.layout_menu, self.tours_menu = menus.layouts, menus.tours
        self.screens_menu, self.saved_tours_menu = menus.screens, menus.saved_tours
        self._build_status_bar(screens)
        self.view_menu.addAction(self.side_panels["cameras"].toggleViewAction())
        self._plates_action()
        self._wire_and_restore()

    def _wire_and_restore(self) -> None:
        """The wall, the camera tree, the tabs and the commune box wired; the saved state
        read off the GUI thread, the tiles shown when it arrives."""
        self._connect_wall(self.wall)
        self.tree.sig_camera_activated.connect(self.wall.open_in_focused)
        self.tabs.sig_layout_chosen.connect(self._on_layout_chosen)
        self.commune_box.blockSignals(True)
        self._fill_communes()
        self.commune_box.blockSignals(False)
        self.commune_box.currentIndexChanged.connect(self._on_commune_chosen)
        self.store.restore_later(self._start_afresh)

    def _start_afresh(self) -> None:
        """Nothing to restore (or unreadable): the first commune the operator may view."""
        if self.commune_box.count():
            self._on_commune_chosen(self.commune_box.currentIndex())

    def _snapshot_taker(self) -> SnapshotTaker:
        """Snapshots of the focused tile, saved into the snapshot folder; the status bar says
        where, or why not."""
        snapshots = SnapshotTaker(self.service, self._snapshot_folder(), self)
        snapshots.sig_saved.connect(
            lambda path: self.status_message(self.tr("Snapshot saved: {path}").format(path=path)))
        snapshots.sig_failed.connect(lambda text: self.status_message(text, "error"))
        return snapshots

    def _call_up_buffer(self, delay_ms: int) -> CallUpBuffer:
        """Digits typed on the wall: a camera's call-up number, or a layout tab's."""
        call_up = CallUpBuffer(delay_ms, self)
        call_up.sig_camera_number.connect(self.call_up_camera)
        call_up.sig_layout_number.connect(lambda n: self.tabs.select(n - 1))
        call_up.sig_buffer_changed.connect(self._show_call_up)
        return call_up

    def _cameras_dock(self) -> None:
        """Communes and cameras: a side panel on the left (closed at first; Ctrl+F opens
        it on its search)."""
        left = QWidget()
        left.setObjectName("leftPanel")
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 6, 6)
        left_layout.addWidget(QLabel(self.tr("Commune")))
        left_layout.addWidget(self.commune_box)
        left_layout.addWidget(self.tree, 1)
        self.docks.add("cameras", self.tr("Cameras"), left, Qt.DockWidgetArea.LeftDockWidgetArea)

    def _central(self, demo: bool) -> QWidget:
        """The tabs over the wall, the demo banner above them; the side panels are docks
        around it (:mod:`side_docks`)."""
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        if demo:
            # A plain label in the layout: no close button, no dock, cannot be hidden.
            self.banner = QLabel(self.tr("DEMO — fictitious site, no real camera"))
            self.banner.setObjectName("demoBanner")
            self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(self.banner)
        column.addWidget(self.tabs)
        column.addWidget(self.wall, 1)
        return central

    def _build_status_bar(self, screens: ScreenService | None) -> None:
        """Call-up digits, operator, workstation and live tiles, refreshed every second."""
        operator = self.service.operator
        self.operator_label = QLabel(self.tr("Operator: {name}").format(
            name=operator.display_name))
        # the name given at enrolment (workstation enroll --name), as the audit records it
        self.workstation_label = QLabel(self.tr("Workstation: {name}").format(
            name=screens.workstation) if screens is not None else "")
        self.workstation_label.setObjectName("workstationName")
        self.call_up_label = QLabel()
        self.call_up_label.setObjectName("callUp")
        self.live_label = QLabel()
        self.statusBar().addPermanentWidget(self.call_up_label)
        self.statusBar().addPermanentWidget(self.operator_label)
        self.statusBar().addPermanentWidget(self.workstation_label)
        self.statusBar().addPermanentWidget(self.live_label)
        self._status_timer = QTimer(self)  # ages: a picture growing stale says nothing
        self._status_timer.setInterval(1000)
        self._status_timer.timeout.connect(self._refresh_status)
        self._status_timer.start()
        # a tile's state changed: the count follows at once (a layout opening changes many
        # tiles within a moment: one refresh for them)
        self._status_soon = QTimer(self)
        self._status_soon.setSingleShot(True)
        self._status_soon.setInterval(STATUS_SOON_MS)
        self._status_soon.timeout.connect(self._refresh_live_count)

    # -- communes and layouts --------------------------------------------------------------

    def _fill_communes(self) -> None:
        first_allowed = -1
        for commune in self.service.visible_communes():
            allowed = self.service.may_view(commune.id)
            label = commune.name if allowed else self.tr("{commune} (not habilitated)").format(
                commune=commune.name
            )
            self.commune_box.addItem(label, commune.id)
            if allowed and first_allowed < 0:
                first_allowed = self.commune_box.count() - 1
        if first_allowed >= 0:
            self.commune_box.setCurrentIndex(first_allowed)

    def select_commune(self, commune_id: str) -> None:
        index = self.commune_box.findData(commune_id)
        if index < 0:
            raise KeyError(commune_id)
        if index == self.commune_box.currentIndex():
            self._on_commune_chosen(index)
        else:
            self.commune_box.setCurrentIndex(index)

    def select_commune_quietly(self, commune_id: str) -> None:
        """Show ``commune_id`` in the selector without switching the wall (a restore)."""
        index = self.commune_box.findData(commune_id)
        if index >= 0:
            self.commune_box.blockSignals(True)
            self.commune_box.setCurrentIndex(index)
            self.commune_box.blockSignals(False)

    def current_commune(self) -> str | None:
        value = self.commune_box.currentData()
        return str(value) if value else None

    def _on_commune_chosen(self, index: int) -> None:
        commune_id = self.commune_box.itemData(index)
        if commune_id:
            # the commune's own tab at once; its saved layouts when read (off the GUI thread)
            self.tabs.set_layouts([self.commune_layout(str(commune_id))], 0)
            self.refresh_tabs_later(str(commune_id))
            layout = self.tabs.current_layout()
            if layout is not None:
                self._on_layout_chosen(layout)
            self._refresh_status()

    def commune_layout(self, commune_id: str) -> Layout:
        """The commune's cameras on a 4×4 grid: the first tab, never saved."""
        commune = self.service.site.commune(commune_id)
        grid = Grid.preset(DEFAULT_GRID)
        cameras = [c.id for c in self.service.cameras_of(commune_id)][: len(grid.cells)]
        padded = tuple(cameras) + (None,) * (len(grid.cells) - len(cameras))
        return Layout(commune.name, grid, padded, commune_id=commune_id)

    def refresh_tabs(self, commune_id: str | None = None, select_id: int | None = None) -> None:
        """The tabs: the commune's cameras, then its saved layouts and the mixed ones, read
        now on the calling thread (the window itself uses :meth:`refresh_tabs_later`)."""
        commune_id = commune_id or self.current_commune()
        saved: list[Layout] = []
        if self.layouts is not None:
            try:
                saved = self.layouts.list_layouts()
            except Exception as exc:  # the wall works without saved layouts; say why
                self._layouts_unread(exc)
        self._set_tabs(commune_id, saved, select_id)

    def refresh_tabs_later(self, commune_id: str | None = None, select_id: int | None = None,
                           then: Callable[[], None] | None = None) -> None:
        """:meth:`refresh_tabs` with the saved layouts read off the GUI thread; the tabs
        change (without switching the wall) when they arrive, then ``then()``. The database
        away: the tabs shown stay, the status bar says why."""
        commune_id = commune_id or self.current_commune()
        layouts = self.layouts
        if layouts is None:
            self._set_tabs(commune_id, [], select_id)
            if then is not None:
                then()
            return

        def listed(saved: list[Layout]) -> None:
            self._set_tabs(commune_id, saved, select_id)
            if then is not None:
                then()

        self.tabs_call.run(layouts.list_layouts, listed, self._layouts_unread)

    def _layouts_unread(self, exc: Exception) -> None:
        log.warning("listing layouts failed", exc_info=exc)
        self.status_message(self.tr("Saved layouts cannot be read now."), "error")

    def _set_tabs(self, commune_id: str | None, saved: list[Layout],
                  select_id: int | None) -> None:
        tabs: list[Layout] = [self.commune_layout(commune_id)] if commune_id else []
        tabs += [lay for lay in saved if lay.commune_id in (commune_id, None)]
        current = 0
        if select_id is not None:
            current = next((i for i, lay in enumerate(tabs) if lay.id == select_id), 0)
        self.tabs.set_layouts(tabs, current)

    def set_tabs_quietly(self, saved: list[Layout], layout_id: int | None) -> None:
        """The tabs of the commune shown with ``saved`` (read off the GUI thread),
        ``layout_id``'s selected, without switching the wall (a restore)."""
        self.tabs.blockSignals(True)
        self._set_tabs(self.current_commune(), saved, layout_id)
        self.tabs.blockSignals(False)

    def read_saved_layouts(self) -> Callable[[], list[Layout]]:
        """The read of the saved layouts, to run off the GUI thread (the start-up restore):
        none without a database; unreadable, none either (the wall works without them)."""
        layouts = self.layouts
        if layouts is None:
            return list

        def read() -> list[Layout]:
            try:
                return layouts.list_layouts()
            except Exception as exc:
                log.warning("listing layouts failed", exc_info=exc)
                return []

        return read

    def show_saved_layout(self, layout_id: int) -> None:
        """Show a saved layout: its tab when it has one, else (another commune's layout in a
        layout tour) read off the GUI thread and shown on the wall alone."""
        index = self.tabs.index_of(layout_id)
        if index >= 0:
            self.tabs.select(index)
            return
        layouts = self.layouts
        if layouts is None:
            return

        def read(layout: Layout) -> None:
            def shown() -> None:
                at = self.tabs.index_of(layout_id)
                if at < 0:
                    self.wall.set_layout(layout)
                else:
                    self.tabs.select(at)
            self.refresh_tabs_later(select_id=layout_id, then=shown)

        def failed(exc: Exception) -> None:
            if isinstance(exc, LookupError):  # removed since: nothing to show
                log.warning("layout %s is gone", layout_id)
                return
            log.warning("layout %s not read", layout_id, exc_info=exc)
            self.status_message(self.tr("The layout cannot be read now (database "
                                        "unreachable)."), "error")

        self.layout_call.run(lambda: layouts.get(layout_id), read, failed)

    def _stored_layout(self) -> Layout | None:
        return self.tabs.current_layout()

    def _on_layout_chosen(self, layout: Layout) -> None:
        self.wall.set_layout(layout)
        if self.edit is not None and self.edit.editing:
            self.edit.restart()
        self.schedule_save()

    def _on_layout_saved(self, layout: Layout) -> None:
        self.refresh_tabs_later(select_id=layout.id)  # its tab, without switching the wall
        self.schedule_save()

    # -- call-up and keys ------------------------------------------------------------------

    def call_up_camera(self, number: int) -> bool:
        camera = next((c for c in self.service.site.cameras if c.number == number), None)
        if camera is None:
            self.status_message(self.tr("No camera has the number {n}.").format(n=number),
                                "warning")
            return False
        self.wall.open_in_focused(camera.id)
        return True

    def _show_call_up(self, digits: str) -> None:
        self.call_up_label.setText(self.tr("Camera no. {digits}…").format(digits=digits)
                                   if digits else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, WallWidget):
            return self._wall_key(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    def _wall_key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in _DIGITS and mods == Qt.KeyboardModifier.AltModifier:
            return self.tabs.select(_DIGITS[key] - 1) or True
        if key in _DIGITS and mods == Qt.KeyboardModifier.NoModifier:
            self.call_up.digit(_DIGITS[key])
            return True
        if key == Qt.Key.Key_Asterisk or (
                key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.call_up.digits):
            self.call_up.commit()
            return True
        if key == Qt.Key.Key_Backspace and self.call_up.digits:
            self.call_up.backspace()
            return True
        if key == Qt.Key.Key_Escape and self.call_up.cancel():
            return True  # Esc with a number typed forgets it, and nothing else
        return False

    def _connect_wall(self, wall: WallWidget) -> None:
        wall.installEventFilter(self)
        wall.sig_camera_state_changed.connect(self.tree.set_camera_state)
        wall.sig_camera_state_changed.connect(lambda *_: self._status_soon.start())
        self.tree.follow(wall)  # what the walls show now decides each camera's icon
        wall.sig_wall_changed.connect(self.schedule_save)
        wall.sig_message.connect(lambda text: self.status_message(text, "warning"))
        wall.sig_context_requested.connect(self._on_context_requested)
        wall.sig_interacted.connect(self.tour_interacted)

    # -- status and shutdown ---------------------------------------------------------------

    def _snapshot_folder(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir / "snapshots"
        from csu_wall.services.local_files import default_data_dir

        return default_data_dir(demo=self.demo) / "snapshots"

    def _refresh_status(self) -> None:
        self._refresh_live_count()
        self.tree.sync_attachment()

    def _refresh_live_count(self) -> None:
        self.live_label.setText(self.wall.tr_status())

    def shutdown(self) -> None:
        """Stop rendering and every stream. Idempotent (close and aboutToQuit both call it)."""
        if self.store.closed:
            return
        self.store.close()
        self._status_timer.stop()
        self.tours.stop_all(restore=False)  # closing: no camera opened again
        self.screens.shutdown()
        self.wall.stop()
        self.snapshots.wait(2.0)
        self.service.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        event.accept()

    # -- screens, crash-restore state, lock ------------------------------------------------

    @property
    def screen_walls(self) -> dict[str, ScreenWall]:
        return self.screens.walls

    def open_screen_wall(self, screen: QScreen, layout: Layout | None = None) -> ScreenWall:
        return self.screens.open(screen, layout)

    def schedule_save(self) -> None:
        self.store.schedule()

    def save_state(self) -> None:
        """Written on every change (coalesced per event-loop turn, off the GUI thread) so
        that after a crash the wall comes back as it was."""
        self.store.save()

    @property
    def restoring(self) -> bool:
        """True until the saved state, read off the GUI thread at start-up, is applied."""
        return self.store.restoring

    def wall_state(self) -> dict[str, object]:
        return self.store.state()

    @property
    def locked(self) -> bool:
        return self.lock.locked

    @property
    def restored_locked(self) -> bool:
        return self.lock.restored_locked

    def attach_lock(self, controller: Any) -> None:
        """Follow the workstation lock (a LockController): screen walls hide with the main
        one, the state remembers it, and a wall that was locked when it stopped comes back
        locked."""
        self.lock.attach(controller)

    def _on_lock_changed(self, locked: bool) -> None:
        self.screens.set_hidden(locked)
        self.save_state()

    # -- tours -----------------------------------------------------------------------------

    @property
    def tour_drivers(self) -> list[TourDriver]:
        return self.tours.drivers

    def play_tour(self, tour: Tour) -> TourDriver:
        return self.tours.play(tour)

    def toggle_tile_tour(self) -> TourDriver | None:
        return self.tours.toggle_tile_tour(self.current_commune())

    def toggle_layout_tour(self) -> TourDriver | None:
        return self.tours.toggle_layout_tour(self.tabs.layouts())

    def stop_tours(self) -> None:
        self.tours.stop_all()

    def tour_interacted(self, tile_id: str) -> None:
        self.tours.interacted(tile_id)

    def fill_saved_tours_menu(self, menu: QMenu | None = None) -> None:
        """Tours ▸ Saved tours, filled as it opens."""
        tours = self.tour_service.list_tours() if self.tour_service is not None else []
        self.tours.fill_menu(menu or self.saved_tours_menu, tours)

    # -- extension points ------------------------------------------------------------------

    def register_tile_action(self, key: str, text: str, shortcut: str | None,
                             callback: Callable[[TileWidget], object]) -> QAction:
        """Add an action to every tile's context menu (and the Tile menu), with a keyboard
        shortcut acting on the focused tile. Registering a key again replaces it."""
        return self.tile_actions.register(key, text, shortcut, callback)

    @property
    def _tile_actions(self) -> dict[str, QAction]:
        return self.tile_actions.registered

    def build_tile_menu(self, tile: TileWidget) -> QMenu:
        return self.tile_actions.menu(tile)

    def add_side_panel(self, key: str, title: str, widget: QWidget) -> QDockWidget:
        """A panel docked on the right (shift log, bookmarks, playback…), listed in View;
        closed unless this workstation's saved state has it open."""
        new = key not in self.side_panels
        dock = self.docks.add(key, title, widget)
        if new:
            self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _plates_action(self) -> None:
        """View ▸ Plates: the operator shows or hides the tiles' plates (remembered)."""
        TileWidget.show_plates(True)  # until this workstation's state says otherwise
        act = QAction(self.tr("&Plates on the tiles"), self)
        act.setObjectName("platesAction")
        act.setCheckable(True)
        act.setChecked(True)
        act.setShortcut(QKeySequence(binding("plates").keys))
        act.toggled.connect(self.set_plates_shown)
        self.view_menu.addAction(act)
        self.addAction(act)  # its shortcut works with the menu closed
        self.plates_action = act

    def set_plates_shown(self, shown: bool) -> None:
        TileWidget.show_plates(shown)
        if self.plates_action.isChecked() != shown:
            self.plates_action.setChecked(shown)
        self.schedule_save()

    def plates_shown(self) -> bool:
        return TileWidget.plates_shown

    def dock_state(self) -> str:
        """The side panels' places and which are open (saved per workstation)."""
        return self.docks.state()

    def restore_dock_state(self, state: object) -> None:
        if self.docks.restore(state) and self.edit is not None:
            self.edit.toolbar.setVisible(self.edit.editing)  # saveState has toolbars too

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

    # -- menu slots (built by window_menus.build_menus) ------------------------------------

    def show_keymap(self) -> KeymapDialog:
        dialog = KeymapDialog(self.tile_actions.keymap_rows(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.keymap_dialog = dialog
        return dialog

    def _on_context_requested(self, tile_id: str, pos: object) -> None:
        wall = self.sender()
        if isinstance(wall, WallWidget) and wall is not self.wall:
            return  # screen walls: the menu of the main window's focused tile only
        menu = self.build_tile_menu(self.wall.tile(tile_id))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(pos)  # type: ignore[arg-type]

    def popup_focused_menu(self) -> None:
        tile = self.wall.focused_tile()
        menu = self.build_tile_menu(tile)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(tile.mapToGlobal(tile.rect().center()))

    def zoom_focused(self, factor: float) -> None:
        tile = self.wall.focused_tile()
        tile.zoom_at(factor, tile.rect().center().toPointF())

    def focus_search(self) -> None:
        self.docks.open("cameras")
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
