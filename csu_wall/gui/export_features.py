"""Where the export dialog opens from: File → « Extraction for a requisition… », the playback
bar (the camera and the time it shows) and the bookmark panel (its context menu and a button:
the bookmark's camera and period, its judicial reference as the procedure); and, for
supervisors, File → « Register of extractions… ». The bookmark panel also shows, for a
bookmark under judicial hold, the extractions made under that procedure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QPushButton, QWidget

from csu_wall.core.model import Site
from csu_wall.core.shifts import Bookmark
from csu_wall.gui.bookmark_panel import BookmarkPanel
from csu_wall.gui.export_dialog import ExportDialog, PickPath
from csu_wall.gui.extraction_register import PickSave, RegisterDialog
from csu_wall.gui.playback_bar import PlaybackBar, from_qt
from csu_wall.services.export_desk import ExportDesk

translate = QCoreApplication.translate
AROUND_PLAYBACK = (timedelta(minutes=2), timedelta(minutes=3))  # before, after the time shown


@dataclass
class ExportFeatures:
    desk: ExportDesk
    site: Site
    parent: QWidget
    pick_path: PickPath | None = None  # tests answer the file dialogs
    pick_save: PickSave | None = None
    export_action: QAction | None = None
    register_action: QAction | None = None
    playback_button: QPushButton | None = None
    bookmark_button: QPushButton | None = None
    bookmark_menu: QMenu | None = None  # the last context menu shown on the bookmark list
    dialogs: list[QWidget] = field(default_factory=list)

    def open_dialog(self, camera_ids: tuple[str, ...] = (), start_utc: datetime | None = None,
                    end_utc: datetime | None = None,
                    bookmark: Bookmark | None = None) -> ExportDialog:
        dialog = ExportDialog(self.desk, self.site, camera_ids=camera_ids, start_utc=start_utc,
                              end_utc=end_utc, bookmark=bookmark, pick_path=self.pick_path,
                              parent=self.parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs = [d for d in self.dialogs if _alive(d)] + [dialog]
        dialog.show()
        return dialog

    def open_register(self) -> RegisterDialog:
        dialog = RegisterDialog(self.desk, pick_save=self.pick_save, parent=self.parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs = [d for d in self.dialogs if _alive(d)] + [dialog]
        dialog.show()
        return dialog

    def from_bookmark(self, bookmark: Bookmark) -> ExportDialog:
        return self.open_dialog(
            (bookmark.camera_id,), bookmark.at_utc - timedelta(seconds=bookmark.pre_seconds),
            bookmark.at_utc + timedelta(seconds=bookmark.post_seconds), bookmark)

    def from_playback(self, bar: PlaybackBar) -> ExportDialog:
        state = bar.service.state(bar.tile_id) if bar.tile_id else None
        shown = state.shown_utc if state is not None else from_qt(bar.when.dateTime())
        cameras = (bar.camera.id,) if bar.camera is not None else ()
        return self.open_dialog(cameras, shown - AROUND_PLAYBACK[0], shown + AROUND_PLAYBACK[1])


def _alive(widget: QWidget) -> bool:
    try:
        widget.objectName()
    except RuntimeError:  # deleted on close
        return False
    return True


def install_export(window: QMainWindow, desk: ExportDesk, site: Site, *,
                   file_menu: QMenu, playback: PlaybackBar | None = None,
                   bookmarks: BookmarkPanel | None = None) -> ExportFeatures:
    out = ExportFeatures(desk, site, window)
    file_menu.addSeparator()
    out.export_action = file_menu.addAction(
        translate("ExportFeatures", "E&xtraction for a requisition…"))
    out.export_action.setObjectName("actionExtraction")
    out.export_action.triggered.connect(lambda _c=False: out.open_dialog())
    if desk.may_read_register:
        out.register_action = file_menu.addAction(
            translate("ExportFeatures", "&Register of extractions…"))
        out.register_action.setObjectName("actionExtractionRegister")
        out.register_action.triggered.connect(lambda _c=False: out.open_register())
    if playback is not None:
        out.playback_button = QPushButton(
            translate("ExportFeatures", "Extract for a requisition…"))
        out.playback_button.setObjectName("playbackExport")
        out.playback_button.clicked.connect(lambda _c=False: out.from_playback(playback))
        layout: Any = playback.layout()
        layout.insertWidget(layout.count() - 1, out.playback_button)  # above the stretch
    if bookmarks is not None:
        _on_bookmarks(out, bookmarks)
    return out


def _on_bookmarks(out: ExportFeatures, panel: BookmarkPanel) -> None:
    def from_selected() -> ExportDialog | None:
        bookmark = panel.selected()
        if bookmark is None:
            panel.info_label.setText(
                translate("ExportFeatures", "Choose a bookmark in the list first."))
            return None
        return out.from_bookmark(bookmark)

    out.bookmark_button = QPushButton(translate("ExportFeatures", "Extract…"))
    out.bookmark_button.setObjectName("bookmarkExport")
    out.bookmark_button.setToolTip(
        translate("ExportFeatures", "Extraction for a requisition from this bookmark"))
    out.bookmark_button.clicked.connect(lambda _c=False: from_selected())
    panel_layout: Any = panel.layout()
    row: Any = panel_layout.itemAt(2)  # filters, table, buttons, information line
    row.addWidget(out.bookmark_button)
    panel.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def menu_at(pos: QPoint) -> None:
        menu = QMenu(panel)
        action = menu.addAction(
            translate("ExportFeatures", "Extraction for a requisition…"))
        action.setObjectName("bookmarkExportAction")
        action.triggered.connect(lambda _c=False: from_selected())
        menu.popup(panel.table.viewport().mapToGlobal(pos))
        out.bookmark_menu = menu

    panel.table.customContextMenuRequested.connect(menu_at)
    panel.extraction_links = out.desk.links_of_bookmarks
    panel.refresh()
