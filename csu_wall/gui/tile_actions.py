"""Tile actions that need more than the wall: the snapshot (audited, full resolution, masks
applied, PNG under the data folder) and the tile's context menu."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent import futures
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QMenu, QWidget

from csu_wall.core.audit import AuditAction
from csu_wall.core.errors import CsuWallError
from csu_wall.gui.tile import TileWidget
from csu_wall.services.recorder_calls import executor

if TYPE_CHECKING:
    from csu_wall.services.wall import WallService

log = logging.getLogger(__name__)

SNAPSHOT_TIMEOUT_S = 3.0


def bgra_image(image: np.ndarray) -> QImage:
    """A QImage owning a copy of a BGRA array (safe after the array goes)."""
    height, width = image.shape[0], image.shape[1]
    array = np.ascontiguousarray(image)
    return QImage(array.data, width, height, array.strides[0],
                  QImage.Format.Format_RGB32).copy()


class SnapshotTaker(QObject):
    """Authorises (audited as SNAPSHOT), then asks the stream for a full-resolution picture
    off the GUI thread (on the recorder executor: widgets start no thread of their own) and
    writes it as PNG; the result comes back as a queued signal."""

    sig_saved = Signal(str)  # path of the PNG
    sig_failed = Signal(str)  # French message

    def __init__(self, service: WallService, folder: Path, parent: QObject | None = None,
                 ) -> None:
        super().__init__(parent)
        self.service = service
        self.folder = folder
        self._pending: list[futures.Future[None]] = []

    def take(self, tile: TileWidget) -> bool:
        """Start a snapshot of the tile; False (with sig_failed) when refused at once."""
        camera = tile.camera
        if camera is None:
            self.sig_failed.emit(self.tr("No camera in this tile: nothing to photograph."))
            return False
        try:
            self.service.access.authorise(camera, AuditAction.SNAPSHOT)
        except CsuWallError as exc:
            self.sig_failed.emit(str(exc))
            return False
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / f"{camera.id}-{stamp}.png"
        feed = tile.feed
        fallback = tile.current_image()
        grab: Callable[[], QImage | None]
        if feed is not None:
            def grab() -> QImage | None:
                return bgra_image(feed.snapshot(SNAPSHOT_TIMEOUT_S).image)
        else:  # no full-resolution picture from this stream: the tile's frame (masked too)
            def grab() -> QImage | None:
                return fallback
        job = executor().submit(self._run, grab, path)
        self._pending = [f for f in self._pending if not f.done()] + [job]
        return True

    def wait(self, timeout: float = 5.0) -> None:
        futures.wait(list(self._pending), timeout)

    def _run(self, grab: Callable[[], QImage | None], path: Path) -> None:
        try:
            image = grab()
            if image is None:
                raise CsuWallError("Aucune image reçue de cette caméra pour l'instant.")
            path.parent.mkdir(parents=True, exist_ok=True)
            if not image.save(str(path)):  # PNG, from the suffix
                raise OSError(f"cannot write {path}")
        except CsuWallError as exc:
            self._emit(self.sig_failed, str(exc))
            return
        except Exception:
            log.exception("snapshot to %s failed", path)
            self._emit(self.sig_failed, self.tr(
                "The snapshot could not be saved: check the free space of the data folder."))
            return
        self._emit(self.sig_saved, str(path))

    def _emit(self, signal: SignalInstance, text: str) -> None:
        try:
            signal.emit(text)  # queued to the GUI thread
        except RuntimeError:
            log.debug("snapshot result dropped: window gone")


def build_tile_menu(tile: TileWidget, builtin: Iterable[QAction | None],
                    registered: Iterable[QAction], parent: QWidget) -> QMenu:
    """The context menu: built-in actions, then those other features registered."""
    menu = QMenu(parent)
    menu.setObjectName("tileMenu")
    title = tile.camera.name if tile.camera is not None else tile.tile_id
    menu.setTitle(title)
    for action in builtin:
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)
    extra = list(registered)
    if extra:
        menu.addSeparator()
        for action in extra:
            menu.addAction(action)
    return menu
