"""The image kept with a bookmark, as PNG.

Wanted: the stream's next picture at full source resolution with privacy masks applied
(``TileFeed.snapshot``). That call blocks until a picture is decoded (up to
:data:`SNAPSHOT_TIMEOUT_S`), so it runs on the recorder executor (widgets start no thread
of their own) and reports back through a queued signal; meanwhile the dialog already holds the
frame the tile displayed at the key press (tile size, masks applied too), kept if the
full-resolution one fails.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal
from PySide6.QtGui import QImage

from csu_wall.core.frames import Frame
from csu_wall.services.recorder_calls import executor

if TYPE_CHECKING:
    from csu_wall.core.feed import TileFeed
    from csu_wall.gui.tile import TileWidget

log = logging.getLogger(__name__)

SNAPSHOT_TIMEOUT_S = 3.0


def png_of(picture: object) -> bytes | None:
    """PNG bytes of a Frame, a BGRA array, or encoded image bytes; None if not an image."""
    if isinstance(picture, bytes | bytearray):
        image = QImage.fromData(bytes(picture))
    elif isinstance(picture, Frame):
        image = _bgra_image(picture.image)
    elif isinstance(picture, np.ndarray):
        image = _bgra_image(picture)
    else:
        return None
    if image.isNull():
        return None
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # The stubs want bytes for the format; PySide6 6.11 itself only accepts str.
    saved = image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data()) if saved else None


def displayed_png(tile: TileWidget) -> bytes | None:
    """The frame the tile shows now (GUI thread, no wait)."""
    feed = tile.feed
    return png_of(feed.latest()) if feed is not None else None


def _bgra_image(pixels: np.ndarray) -> QImage:
    pixels = np.ascontiguousarray(pixels)
    height, width = pixels.shape[0], pixels.shape[1]
    # .copy(): the QImage must not outlive the frame buffer it points into.
    return QImage(pixels.data, width, height, pixels.strides[0],
                  QImage.Format.Format_RGB32).copy()


class SnapshotJob(QObject):
    """One full-resolution snapshot taken off the GUI thread, on the recorder executor."""

    sig_done = Signal(object)  # PNG bytes, or None when no picture came (fallback kept)

    def __init__(self, stream: TileFeed, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stream = stream
        self.name = name
        self.error = ""
        self._finished = threading.Event()  # set once the result was handed on

    def start(self) -> None:
        executor().submit(self._run)

    def wait(self, timeout: float) -> bool:
        return self._finished.wait(timeout)

    def _run(self) -> None:
        png: bytes | None = None
        try:
            png = png_of(self._stream.snapshot(SNAPSHOT_TIMEOUT_S))
        except Exception as exc:  # StreamError (French) or a closed stream: keep the fallback
            self.error = str(exc)
            log.info("full-resolution snapshot of %s failed: %s", self.name,
                     type(exc).__name__)
        try:
            self.sig_done.emit(png)  # queued to the GUI thread (this object lives there)
        except RuntimeError:
            log.debug("bookmark snapshot dropped: its dialog is gone")
        finally:
            self._finished.set()
