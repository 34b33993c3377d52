"""The naive reference client: one ``cv2.VideoCapture`` thread per camera, each reading its
file, sleeping to pace 25 fps, converting every frame to a QImage and emitting it to its tile
through a Qt signal; the tile keeps the newest QImage and paints it scaled with QPainter.

Run as ``python -m csu_wall.benchmark.naive --streams N --seconds S CLIP...``; prints one JSON
line (the same figures as the pipeline worker).
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import cv2
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from csu_wall.benchmark._clips import FPS
from csu_wall.benchmark._proc import cpu_seconds, emit, rss_mib, summarise
from csu_wall.benchmark._qt import LagProbe, make_app, make_walls, spin


class NaiveTile(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.received = 0
        self.painted = 0
        self._painted_index = -1
        self.first_frame_at: float | None = None

    def on_frame(self, image: QImage) -> None:
        if self.first_frame_at is None:
            self.first_frame_at = time.monotonic()
        self.image = image
        self.received += 1
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self.image is not None:
            painter.drawImage(self.rect(), self.image)
            if self.received != self._painted_index:
                self._painted_index = self.received
                self.painted += 1
        painter.end()


class Camera(QObject):
    """One reader thread; frames reach the tile through ``sig_frame`` (queued)."""

    sig_frame = Signal(QImage)

    def __init__(self, path: Path, stop: threading.Event) -> None:
        super().__init__()
        self.path = path
        self.stop = stop
        self.opened_at = 0.0
        self.reader = threading.Thread(target=self._run, name="naive-camera", daemon=True)

    def start(self) -> None:
        self.opened_at = time.monotonic()
        self.reader.start()

    def _run(self) -> None:
        capture = cv2.VideoCapture(str(self.path))
        start = time.monotonic()
        index = 0
        while not self.stop.is_set():
            ok, bgr = capture.read()
            if not ok:  # end of the clip: loop
                capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                continue
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            height, width = rgb.shape[:2]
            image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888)
            self.sig_frame.emit(image.copy())
            index += 1
            delay = start + index / FPS - time.monotonic()
            if delay > 0:
                self.stop.wait(delay)
        capture.release()


def measure(
    clips: list[Path], streams: int, warmup_s: float, seconds: float, max_rss_mib: float
) -> dict[str, object]:
    make_app()
    probe = LagProbe()
    probe.start()
    tiles: list[NaiveTile] = []

    def _tile(index: int, parent: QWidget) -> QWidget:
        tiles.append(NaiveTile(parent))
        return tiles[-1]

    walls = make_walls(streams, _tile)
    spin(0.3)
    rss_base = rss_mib()
    stop = threading.Event()
    cameras = []
    for index, tile in enumerate(tiles):
        camera = Camera(clips[index % len(clips)], stop)
        camera.sig_frame.connect(tile.on_frame, Qt.ConnectionType.QueuedConnection)
        cameras.append(camera)
        camera.start()
    # Queued QImages pile up once the GUI thread falls behind: stop before memory runs out.
    def runaway() -> bool:
        return rss_mib() > max_rss_mib

    completed = spin(warmup_s, runaway)
    painted0 = [t.painted for t in tiles]
    cpu0, t0 = cpu_seconds(), time.monotonic()
    probe.record(True)
    completed = completed and spin(seconds, runaway)
    probe.record(False)
    window = time.monotonic() - t0
    cpu = cpu_seconds() - cpu0
    painted = [t.painted - p for t, p in zip(tiles, painted0, strict=True)]
    rss_end = rss_mib()
    firsts = [t.first_frame_at - c.opened_at for t, c in zip(tiles, cameras, strict=True)
              if t.first_frame_at is not None]
    stop.set()
    for camera in cameras:
        camera.reader.join(5.0)
    probe.stop()
    for wall in walls:
        wall.close()
    result = summarise(kind="naive", streams=streams, window_s=window, painted=painted,
                       lags_ms=probe.lags_ms, cpu_s=cpu, rss_base=rss_base, rss_end=rss_end,
                       first_frame_s=firsts)
    if not completed:
        result.update(ok=False, aborted=f"RSS above {max_rss_mib:g} MiB")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streams", type=int, required=True)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--label", default="")
    parser.add_argument("--max-rss-mib", type=float, default=4096.0)
    parser.add_argument("clips", nargs="+", type=Path)
    args = parser.parse_args(argv)
    result = measure(args.clips, args.streams, args.warmup, args.seconds, args.max_rss_mib)
    result["resolution"] = args.label
    emit(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
