"""The demo recorder: every camera plays its own synthetic H.264 clip, looped in real time.

Clips are made on first use, in the stream's reader thread (never the GUI thread), into the
cache folder; a lock per clip keeps two tiles from encoding the same one, and the file appears
under its final name only once complete.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime
from pathlib import Path

import cv2

from csu_wall.core.errors import RecorderBadAnswer, RecorderNotSupported
from csu_wall.core.model import Camera, Recorder, StreamKind
from csu_wall.core.ports import Channel, RecorderHealth, SourceKind, StreamSource
from csu_wall.recorders._clip import encode_clip, render_frames

CLIP_VERSION = 1  # bump when the clip's look changes, so old caches are not reused
_DEFAULT_SIZE = {StreamKind.SUB: (640, 360), StreamKind.MAIN: (1280, 720)}

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path, threading.Lock())


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


class DemoDriver:
    """RecorderDriver for ``driver = "demo"`` recorders."""

    def __init__(self, recorder: Recorder, clip_dir: Path) -> None:
        self.recorder = recorder
        self.clip_dir = Path(clip_dir)

    def clip_path(self, camera: Camera, stream: StreamKind) -> Path:
        width, height = self._size(camera, stream)
        return self.clip_dir / f"v{CLIP_VERSION}-{_safe(camera.id)}-{width}x{height}.mp4"

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource:
        path = self.clip_path(camera, stream)
        width, height = self._size(camera, stream)

        def prepare() -> None:
            ensure_clip(path, camera.id, camera.name, width, height)

        return StreamSource(url=str(path), kind=SourceKind.FILE, camera_id=camera.id,
                            recorder_id=self.recorder.id, stream=stream, realtime=True,
                            loop=True, prepare=prepare)

    def list_cameras(self) -> list[Channel]:
        raise RecorderNotSupported(
            f"L'enregistreur de démonstration {self.recorder.id} n'a pas de canaux à importer : "
            "ses caméras sont dans le site de démonstration.")

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        """The same looped clip: the demo has no recordings, only something to show."""
        live = self.live_source(camera, StreamKind.SUB)
        return StreamSource(url=live.url, kind=live.kind, camera_id=camera.id,
                            recorder_id=self.recorder.id, stream=StreamKind.SUB, realtime=True,
                            loop=True, prepare=live.prepare, playback_start=start_utc,
                            speed=speed)

    def snapshot(self, camera: Camera) -> bytes:
        width, height = self._size(camera, StreamKind.SUB)
        frame = next(render_frames(camera.id, camera.name, width - width % 2,
                                   height - height % 2, n_frames=1))
        ok, data = cv2.imencode(".jpg", frame)
        if not ok:
            raise RecorderBadAnswer("Image de démonstration impossible à produire.")
        return bytes(data.tobytes())

    def clock_offset(self) -> float | None:
        return 0.0  # the demo recorder is this computer

    def health(self) -> RecorderHealth:
        return RecorderHealth(True, model="csu-wall démo", detail="Enregistreur de démonstration.")

    @staticmethod
    def _size(camera: Camera, stream: StreamKind) -> tuple[int, int]:
        profile = camera.profile(stream)
        if profile.width > 0 and profile.height > 0:
            return profile.width, profile.height
        return _DEFAULT_SIZE[stream]


def ensure_clip(path: Path, camera_id: str, name: str, width: int, height: int) -> Path:
    """Encode the clip unless it exists (a few tenths of a second for 640×360)."""
    if path.exists():
        return path
    with _lock_for(path):
        if not path.exists():
            encode_clip(path, camera_id, name, width, height)
    return path
