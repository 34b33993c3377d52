"""Helpers for media tests (plain functions; fixtures live in conftest.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from csu_wall.core.frames import TileState
from csu_wall.core.model import Camera, Recorder, StreamProfile
from csu_wall.core.ports import SourceKind, StreamSource

RECORDER = Recorder(id="demo-nvr", commune_id="tourcoing", driver="demo", host="127.0.0.1")


def camera(n: int, width: int = 320, height: int = 180) -> Camera:
    return Camera(id=f"tst-{n:03d}", name=f"Camera de test {n}", commune_id="tourcoing",
                  recorder_id=RECORDER.id, channel=n,
                  sub=StreamProfile(width=width, height=height, fps=25),
                  main=StreamProfile(width=2 * width, height=2 * height, fps=25))


def file_source(path: Path | str, *, camera_id: str = "tst", loop: bool = True,
                realtime: bool = True) -> StreamSource:
    return StreamSource(url=str(path), kind=SourceKind.FILE, camera_id=camera_id,
                        recorder_id=RECORDER.id, realtime=realtime, loop=loop)


class StateLog:
    """The engine's on_state callback, recording every call (from any thread)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, TileState, str]] = []

    def __call__(self, tile_id: str, generation: int, state: TileState, detail: str) -> None:
        self.calls.append((tile_id, generation, state, detail))

    def states(self, tile_id: str) -> list[TileState]:
        return [c[2] for c in list(self.calls) if c[0] == tile_id]


def wait_until(predicate: Callable[[], object], timeout: float = 10.0,
               step: float = 0.01) -> bool:
    """Poll a condition the media threads make true (real time: frames are paced at 25 fps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
