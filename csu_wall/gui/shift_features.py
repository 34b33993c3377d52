"""Shifts, bookmarks and the handover, plugged into a :class:`MainWindow` through its
extension points (``register_tile_action``, ``add_side_panel``, ``status_message``,
``wall.focused_tile``): a "Bookmark" tile action on Ctrl+B, the bookmark side panel, and a
"Handover" menu. The wall stays hidden until the operator has opened or joined a shift, or
acknowledged the previous operator's handover. A handover does not hide it: the wall keeps
playing under the outgoing operator until the incoming one takes it (``begin_takeover``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from csu_wall.core.changes import ChangeTopic
from csu_wall.core.model import Site
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.core.security import Operator
from csu_wall.core.shifts import Bookmark, HandoverReport, Shift
from csu_wall.gui._bookmark_snapshot import SnapshotJob, displayed_png
from csu_wall.gui.bookmark_dialog import BookmarkApi, BookmarkDialog, local_text
from csu_wall.gui.bookmark_panel import BookmarkPanel, OpenAt
from csu_wall.gui.handover_dialog import HandoverDialog, HandoverFiles
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.quit_guard import set_quit_question
from csu_wall.gui.shift_dialogs import ShiftApi, ShiftGate
from csu_wall.gui.takeover import Identify, TakeOver, TakeoverFlow
from csu_wall.gui.tile import TileWidget

log = logging.getLogger(__name__)

ShownTime = Callable[[TileWidget], "datetime | None"]  # the time a tile plays back, or None


class ShiftFeatures(QObject):
    """What :func:`install_shift_features` added to one window (kept by the window)."""

    sig_shift_ready = Signal(object)  # Shift
    sig_bookmark_created = Signal(object)  # Bookmark, committed
    sig_handed_over = Signal(object, object)  # HandoverReport, HandoverFiles | None

    def __init__(self, window: MainWindow, *, shifts: ShiftApi, bookmarks: BookmarkApi,
                 site: Site, data_dir: Path, walls: Sequence[str], open_at: OpenAt | None,
                 shown_time: ShownTime | None,
                 on_handed_over: Callable[[HandoverReport], None] | None,
                 clock: Clock | None) -> None:
        super().__init__(window)
        self.window = window
        self.shifts = shifts
        self.bookmarks = bookmarks
        self.site = site
        self.export_dir = Path(data_dir) / "handovers"
        self.operator = window.service.operator
        self.walls = tuple(walls)
        self.shift: Shift | None = None
        self.bookmark_dialog: BookmarkDialog | None = None
        self.handover_dialog: HandoverDialog | None = None
        self.takeover: TakeoverFlow | None = None  # between a handover and its takeover
        self.snapshot_job: SnapshotJob | None = None  # the last one started (tests wait)
        self._open_at = open_at or self.open_live
        self._shown_time = shown_time
        self._on_handed_over = on_handed_over
        self._clock = clock or SystemClock()
        self.gate = ShiftGate(shifts, self.operator, self.walls, site=site, parent=window)
        self.gate.sig_shift_ready.connect(self._shift_ready)

        self.panel = BookmarkPanel(
            bookmarks, site, open_at=self._open_at, may_view=window.service.may_view,
            current_shift=lambda: self.shift.id if self.shift is not None else None)
        self.dock = window.add_side_panel("bookmarks", self.tr("Bookmarks"), self.panel)
        self.bookmark_action = window.register_tile_action(
            "bookmark", self.tr("Bookmark"), "Ctrl+B", self.bookmark_tile)
        menu = window.menuBar().addMenu(self.tr("&Handover"))
        menu.setObjectName("handoverMenu")
        self.handover_action = QAction(self.tr("Hand over the shift…"), window)
        self.handover_action.setObjectName("handoverAction")
        self.handover_action.triggered.connect(self.open_handover)
        self.start_action = QAction(self.tr("Open or join a shift…"), window)
        self.start_action.triggered.connect(self.start_shift)
        self.takeover_action = QAction(self.tr("Take over the wall…"), window)
        self.takeover_action.setObjectName("takeoverAction")
        self.takeover_action.triggered.connect(self._show_takeover)
        self.takeover_action.setEnabled(False)
        self.panel_action = self.dock.toggleViewAction()  # titled like the panel: "Bookmarks"
        for action in (self.handover_action, self.start_action, self.takeover_action,
                       self.panel_action):
            menu.addAction(action)
        self.menu = menu
        self._set_shift(None)
        set_quit_question(window, self._quit_question)  # Ctrl+Q asks while a shift is open

    # -- shift ------------------------------------------------------------------------------

    def start_shift(self) -> None:
        """Hide the wall and ask the operator to open/join a shift or acknowledge the
        handover (read off the GUI thread: the dialog shown is then ``gate.dialog``, none
        when they already belong to the shift)."""
        self._set_shift(None)
        self.gate.start()

    def _shift_ready(self, shift: Shift) -> None:
        self._set_shift(shift)
        self.panel.refresh()
        self._status(self.tr("Shift n°{id}: you have the wall.").format(id=shift.id))
        self.sig_shift_ready.emit(shift)

    def _quit_question(self) -> str | None:
        if self.shift is None:
            return None
        return self.tr("Shift n°{id} is still open: quitting now leaves the wall unwatched. "
                       "Hand the shift over first (Handover menu), or quit anyway?").format(
            id=self.shift.id)

    def _set_shift(self, shift: Shift | None, *, keep_wall: bool = False) -> None:
        self.shift = shift
        wall = self.window.wall
        if shift is None and keep_wall:
            pass  # handed over: it plays on, under the outgoing operator, until the takeover
        elif shift is None:
            for tile in wall.tiles:
                tile.set_stream_visible(False)  # now, not at the next render tick
            wall.hide()  # no one watches the wall outside a shift
        else:
            wall.show()
        self.bookmark_action.setEnabled(shift is not None)
        self.handover_action.setEnabled(shift is not None)
        self.start_action.setEnabled(shift is None and self.takeover is None)
        self.takeover_action.setEnabled(shift is None and self.takeover is not None)

    # -- bookmarks --------------------------------------------------------------------------

    def bookmark_focused(self) -> BookmarkDialog | None:
        return self.bookmark_tile(self.window.wall.focused_tile())

    def bookmark_tile(self, tile: TileWidget) -> BookmarkDialog | None:
        """Open the quick bookmark dialog for what ``tile`` shows now (or plays back)."""
        camera = tile.camera
        if self.shift is None:
            self._status(self.tr("Open or join a shift first."), "warning")
            return None
        if camera is None:
            self._status(self.tr("No camera on this tile: choose the tile showing the incident."),
                         "warning")
            return None
        if not self.window.service.may_view(camera.commune_id):
            self._status(self.tr("You are not habilitated for this commune: no bookmark."),
                         "warning")
            return None
        shown = self._shown_time(tile) if self._shown_time is not None else None
        at_utc = shown if shown is not None else self._clock.now_utc()
        png = displayed_png(tile)  # the picture at the key press, kept if all else fails
        feed = tile.feed
        job = SnapshotJob(feed, tile.tile_id, self) if feed is not None else None
        try:
            commune_name = self.site.commune(camera.commune_id).name
        except KeyError:
            commune_name = camera.commune_id
        dialog = BookmarkDialog(self.bookmarks, camera, at_utc, commune_name=commune_name,
                                shift_id=self.shift.id, snapshot_png=png,
                                snapshot_pending=job is not None, playback=shown is not None,
                                parent=self.window)
        dialog.sig_bookmark_created.connect(self._bookmark_created)
        self.bookmark_dialog = dialog
        self.snapshot_job = job
        if job is not None:
            job.sig_done.connect(dialog.set_snapshot)
            job.start()
        dialog.open()
        return dialog

    def _bookmark_created(self, bookmark: Bookmark) -> None:
        # Only here, after create() returned: the bookmark is committed.
        try:
            camera_name = self.site.camera(bookmark.camera_id).name
        except KeyError:
            camera_name = bookmark.camera_id
        self._status(self.tr("Bookmark n°{id} saved: {category}, {camera}, {time}.").format(
            id=bookmark.id, category=bookmark.category, camera=camera_name,
            time=local_text(bookmark.at_utc)))
        self.panel.refresh()
        self.sig_bookmark_created.emit(bookmark)

    def notify_change(self, topic: ChangeTopic, key: str) -> None:
        """Give this to ``ChangeFeed(db, features.notify_change)`` (any thread): bookmarks
        and shifts changed on another workstation refresh the panel, and a reconnection of
        the feed (``ChangeTopic.RESYNC``) reloads it. Stop the feed before the window
        closes."""
        self.panel.notify_change(topic, key)

    def open_live(self, camera_id: str, start_utc: datetime) -> str | None:
        """Default ``open_at`` while no playback is wired: the live camera, and why."""
        self.window.wall.open_in_focused(camera_id)
        return self.tr("recorded video cannot be played on this workstation yet, so the camera "
                   "is shown live.")

    # -- handover ---------------------------------------------------------------------------

    def open_handover(self) -> HandoverDialog | None:
        if self.shift is None:
            self._status(self.tr("No shift to hand over."), "warning")
            return None
        dialog = HandoverDialog(self.shifts, self.site, export_dir=self.export_dir,
                                snapshot=self.bookmarks.snapshot, parent=self.window)
        dialog.sig_handed_over.connect(self._handed_over)
        self.handover_dialog = dialog
        dialog.open()
        return dialog

    def _handed_over(self, report: HandoverReport, files: HandoverFiles | None) -> None:
        self._set_shift(None, keep_wall=True)
        where = str(files.pdf.parent) if files is not None else "—"
        self._status(self.tr("Shift handed over (report n°{id}, files in {dir}). The wall keeps "
                             "playing: the next operator signs in over it, acknowledges the "
                             "handover and takes the wall.").format(id=report.id, dir=where))
        self.sig_handed_over.emit(report, files)
        if self._on_handed_over is not None:
            self._on_handed_over(report)

    def begin_takeover(self, *, identify: Identify, take_over: TakeOver) -> QWidget | None:
        """After a handover: the incoming operator signs in over the running wall,
        acknowledges the open items and takes it (``sig_shift_ready`` then, with their
        shift). Returns the dialog shown."""
        flow = TakeoverFlow(self.window, self.shifts, self.site, identify=identify,
                            take_over=take_over)
        flow.sig_taken.connect(self._taken_over)
        self.takeover = flow
        self._set_shift(self.shift, keep_wall=True)  # the menu offers the takeover again
        return flow.start()

    def _show_takeover(self) -> QWidget | None:
        return self.takeover.start() if self.takeover is not None else None

    def _taken_over(self, operator: Operator, shift: Shift) -> None:
        self.takeover = None
        self.operator = operator
        self.gate = ShiftGate(self.shifts, operator, self.walls, site=self.site,
                              parent=self.window)
        self.gate.sig_shift_ready.connect(self._shift_ready)
        self._shift_ready(shift)

    def _status(self, text: str, level: str = "info") -> None:
        self.window.status_message(text, level)


def install_shift_features(
    window: MainWindow, *, shifts: ShiftApi, bookmarks: BookmarkApi, site: Site,
    data_dir: Path, walls: Sequence[str] = (), open_at: OpenAt | None = None,
    shown_time: ShownTime | None = None,
    on_handed_over: Callable[[HandoverReport], None] | None = None,
    clock: Clock | None = None, start: bool = True,
) -> ShiftFeatures:
    """Add shifts, bookmarks and the handover to ``window`` (its wall service's operator is
    the one signed in). With ``start``, the wall is hidden and the shift dialog shown now."""
    features = ShiftFeatures(window, shifts=shifts, bookmarks=bookmarks, site=site,
                             data_dir=data_dir, walls=walls, open_at=open_at,
                             shown_time=shown_time, on_handed_over=on_handed_over, clock=clock)
    if start:
        features.start_shift()
    return features
