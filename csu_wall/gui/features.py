"""Everything a signed-in wall adds to its main window, in one place: playback, shifts and
bookmarks, the database banner, the administrator's credentials screen, and changes made on
other workstations (bookmarks, shifts, shared layouts) arriving through the change feed.

The composition root builds the services; this module only connects them to the widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction

from csu_wall.core.changes import ChangeTopic, OnChange
from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import Site
from csu_wall.core.shifts import BookmarkFilter, HandoverReport
from csu_wall.gui.credentials_dialog import CredentialsDialog
from csu_wall.gui.db_banner import DbBanner, install_db_banner
from csu_wall.gui.export_features import ExportFeatures, install_export
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.playback_bar import PlaybackBar, install_playback
from csu_wall.gui.shift_features import ShiftFeatures, install_shift_features
from csu_wall.gui.tile import TileWidget
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.services.credentials_admin import CredentialAdmin
from csu_wall.services.db_health import DatabaseHealth
from csu_wall.services.export_desk import ExportDesk
from csu_wall.services.playback import PlaybackService
from csu_wall.services.shifts import ShiftService

log = logging.getLogger(__name__)



class _ChangeRelay(QObject):
    """Carries (topic, key) from the change feed's thread to the GUI thread."""

    sig_change = Signal(object, str)  # ChangeTopic (kept typed: not converted to a str), key


@dataclass
class InstalledFeatures:
    playback: PlaybackBar | None = None
    shifts: ShiftFeatures | None = None
    banner: DbBanner | None = None
    credentials_action: QAction | None = None
    export: ExportFeatures | None = None
    on_change: OnChange | None = None  # give it to the change feed (thread-safe)


def install_features(
    window: MainWindow,
    *,
    site: Site,
    data_dir: Path,
    playback: PlaybackService | None = None,
    shifts: ShiftService | None = None,
    bookmarks: BookmarkService | None = None,
    credentials: CredentialAdmin | None = None,
    health: DatabaseHealth | None = None,
    on_handed_over: Callable[[HandoverReport], None] | None = None,
    export: ExportDesk | None = None,
) -> InstalledFeatures:
    out = InstalledFeatures()

    def bookmarks_for(camera_id: str, start: datetime, end: datetime) -> list[datetime]:
        if bookmarks is None:
            return []
        try:
            found = bookmarks.search(BookmarkFilter(camera_id=camera_id, start_utc=start,
                                                    end_utc=end))
        except CsuWallError as exc:
            log.warning("timeline bookmarks unavailable: %s", type(exc).__name__)
            return []
        return [b.at_utc for b in found]

    if playback is not None:
        out.playback = install_playback(window, playback, bookmarks_for)
        # Hidden until the operator asks to play back a tile (Ctrl+R or the tile menu).
        window.side_panels["playback"].hide()

    def open_at(camera_id: str, start_utc: datetime) -> str | None:
        """A bookmark opened from the panel: its camera in the focused tile, replayed from
        the bookmark's time (minus its pre-roll, given by the panel)."""
        tile = window.wall.focused_tile()
        window.wall.open_in_tile(tile.tile_id, camera_id)
        bar = out.playback
        if bar is None:
            return QCoreApplication.translate(
                "WallFeatures", "Recorded video is not available here: the live camera is shown.")
        # The recorder is asked without waiting for it: the playback bar says it is searching
        # (and can cancel); a failure reaches the status bar, the live camera stays.
        bar.set_tile(tile.tile_id, tile.camera)
        window.side_panels["playback"].show()
        bar.play_from(start_utc)
        return None

    def shown_time(tile: TileWidget) -> datetime | None:
        state = playback.state(tile.tile_id) if playback is not None else None
        return state.shown_utc if state is not None else None

    if shifts is not None and bookmarks is not None:
        out.shifts = install_shift_features(
            window, shifts=shifts, bookmarks=bookmarks, site=site, data_dir=data_dir,
            walls=_walls(window), open_at=open_at, shown_time=shown_time,
            on_handed_over=on_handed_over)
    if export is not None:  # File menu, playback bar, bookmark panel
        out.export = install_export(
            window, export, site, file_menu=window.file_menu, playback=out.playback,
            bookmarks=out.shifts.panel if out.shifts is not None else None)
    if health is not None:
        out.banner = install_db_banner(window, health)
    if credentials is not None and credentials.allowed:
        out.credentials_action = _credentials_menu(window, credentials)
    out.on_change = _change_listener(window, out.shifts)
    return out


def _walls(window: MainWindow) -> tuple[str, ...]:
    """What the shift records as its walls: the main window and each screen's wall."""
    names = ["mur principal"]
    if window.screen_service is not None:
        try:
            names += [f"écran {a.screen}" for a in window.screen_service.load()]
        except CsuWallError as exc:
            log.warning("screen assignments unreadable: %s", type(exc).__name__)
    return tuple(names)


def _credentials_menu(window: MainWindow, admin: CredentialAdmin) -> QAction:
    menu = window.menuBar().addMenu(
        QCoreApplication.translate("WallFeatures", "&Administration"))
    action = menu.addAction(QCoreApplication.translate("WallFeatures", "Recorder &credentials…"))
    action.setObjectName("actionRecorderCredentials")

    def open_dialog() -> None:
        dialog = CredentialsDialog(admin, window)
        dialog.setModal(True)
        dialog.show()

    action.triggered.connect(open_dialog)
    return action


def _change_listener(window: MainWindow, shifts: ShiftFeatures | None) -> OnChange:
    relay = _ChangeRelay(window)

    def on_gui_thread(topic: ChangeTopic, key: str) -> None:
        # RESYNC (the feed reconnected) goes to every listener: each reloads all it shows.
        if topic in (ChangeTopic.LAYOUT, ChangeTopic.RESYNC):
            # The tab list only: what the wall shows now stays until the operator picks a tab.
            current = window.tabs.current_layout()
            window.refresh_tabs_later(select_id=current.id if current is not None else None)
        if shifts is not None and topic is not ChangeTopic.LAYOUT:
            shifts.notify_change(topic, key)

    relay.sig_change.connect(on_gui_thread)

    def post(topic: ChangeTopic, key: str) -> None:
        try:
            relay.sig_change.emit(topic, key)
        except RuntimeError:  # the window is gone: the feed stops right after
            pass

    return post
