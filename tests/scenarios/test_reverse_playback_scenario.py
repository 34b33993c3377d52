"""Reverse play through the real window: an ONVIF recorder on loopback (the Profile S + G
device of tests/recorders/onvif_site_device.py for its addresses, the ONVIF replay server of
tests/rtsp/onvif_replay_server.py for its recording), the playback panel's speed list set to
"◀◀ ×1" ("Lecture arrière"), "Play from this time": the time in the TILE'S PIXELS goes
backwards across two keyframes, the panel says "◀◀ ×1"; then ×1: the time goes forward again
from the image that was on screen.

Real composition of the wall (access gate, audit, media engine, ONVIF driver, playback
service), real widgets offscreen, French translations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csu_wall.core.model import Camera, Commune, Recorder, Site, StreamProfile
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.playback_bar import PlaybackBar, to_qt
from csu_wall.gui.tile import TileWidget
from csu_wall.services.playback import PlaybackService
from tests.recorders.onvif_site_device import OnvifSiteDevice
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_SECONDS, RECORDED_START
from tests.rtsp.onvif_replay_server import recording_from_clip, replay_server
from tests.rtsp.onvif_soap import onvif_device
from tests.scenarios._pixels import shown_time
from tests.scenarios._wired_desk import french, wired_desk  # noqa: F401 - the fixture

pytestmark = [pytest.mark.rtsp, pytest.mark.slow, pytest.mark.timeout(120)]

USER, SECRET = "admin", "secret"
FRAME = timedelta(seconds=1 / RECORDED_FPS)
CAMERA = "cam-halle"


def at(seconds: float) -> datetime:
    return RECORDED_START + timedelta(seconds=seconds)


def credentials(ref: str) -> tuple[str, str] | None:
    return (USER, SECRET) if ref.startswith("recorder:") else None


@dataclass
class Desk:
    window: MainWindow
    bar: PlaybackBar
    playback: PlaybackService

    @property
    def tile(self) -> TileWidget:
        return self.window.wall.tiles[0]


@pytest.fixture()
def desk(qtbot: QtBot, tmp_path: Path, recorded_clip: Path, french: None,  # noqa: F811
         qasync_loop: asyncio.AbstractEventLoop) -> Iterator[Desk]:
    recording = recording_from_clip(recorded_clip, RECORDED_START, RECORDED_FPS)
    end = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
    with replay_server(recording, RECORDED_FPS) as server, onvif_device(OnvifSiteDevice(
            server.url, RECORDED_START, end, user=USER, password=SECRET,
            live_uri=server.url)) as device:
        profile = StreamProfile(width=320, height=192, fps=25)
        site = Site("CSU de test — lecture arrière", (Commune("halluin", "Halluin", "59279"),),
                    (Recorder("nvr-onvif", "halluin", "onvif", "127.0.0.1",
                              http_port=device.port),),
                    (Camera(CAMERA, "Halle", "halluin", "nvr-onvif", sub=profile),))
        with wired_desk(qtbot, tmp_path, site, credentials) as wired:
            yield Desk(wired.window, wired.bar, wired.playback)


def read_times(qtbot: QtBot, tile: TileWidget, until: object, timeout_s: float,
               begin: object = None) -> list[datetime]:
    """The times the tile's pixels show, each change once, from the first ``begin(time)``
    accepts (the picture shown before the new stream's first one is not counted), until
    ``until(times)``."""
    seen: list[datetime] = []

    def check() -> bool:
        when = shown_time(tile)
        if when is None or (seen and when == seen[-1]):
            return bool(seen) and bool(until(seen))  # type: ignore[operator]
        if seen or begin is None or begin(when):  # type: ignore[operator]
            seen.append(when)
        return bool(seen) and bool(until(seen))  # type: ignore[operator]

    qtbot.waitUntil(check, timeout=int(timeout_s * 1000))
    return seen


def choose_speed(bar: PlaybackBar, speed: float) -> None:
    index = bar.speed.findData(speed)
    assert index >= 0
    bar.speed.setCurrentIndex(index)
    bar.speed.activated.emit(index)


def test_reverse_play_goes_back_in_the_tiles_pixels_then_forward_from_there(
        qtbot: QtBot, desk: Desk) -> None:
    bar, tile = desk.bar, desk.tile
    if tile.camera is None:
        desk.window.wall.open_in_tile(tile.tile_id, CAMERA)
    qtbot.waitUntil(lambda: tile.camera is not None, timeout=5000)
    bar.set_tile(tile.tile_id, tile.camera)
    reverse = bar.speed.findData(-1.0)
    assert bar.speed.itemText(reverse) == "◀◀ ×1"
    assert bar.speed.itemData(reverse, Qt.ItemDataRole.ToolTipRole) == "Lecture arrière"
    bar.speed.setCurrentIndex(reverse)
    bar.when.setDateTime(to_qt(at(30.52)))
    qtbot.mouseClick(bar.play_at, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.playback.is_playback(tile.tile_id) and not bar.searching,
                    timeout=15_000)

    # Backwards: from the asked time across the keyframes at 30 s and 29 s.
    first = read_times(qtbot, tile, lambda seen: True, 15,
                       begin=lambda t: at(29.5) <= t <= at(30.52))  # the recording's
    started = time.monotonic()
    back = first + read_times(qtbot, tile, lambda seen: seen[-1] <= at(28.6), 15,
                              begin=lambda t: t < first[0])
    took = time.monotonic() - started
    assert all(b < a for a, b in zip(back, back[1:], strict=False)), back
    assert 0.6 <= took / (back[0] - back[-1]).total_seconds() <= 2.0, took  # about ×1
    bar.refresh()
    assert "◀◀ ×1" in bar.shown_label.text(), bar.shown_label.text()

    # ×1: forward again from the image on screen, never from where reverse play began.
    choose_speed(bar, 1.0)
    after = read_times(qtbot, tile, lambda seen: len(seen) >= 2 and seen[-1] > seen[0]
                       + 10 * FRAME, 15)
    on_screen = after[0]  # the image on screen when ×1 was chosen (or the last one before)
    forward = [t for t in after if t > on_screen]
    assert forward[0] <= on_screen + 3 * FRAME, after[:4]  # no jump forward
    assert on_screen <= back[-1] + 2 * FRAME
    assert all(b > a for a, b in zip(forward, forward[1:], strict=False)), forward
