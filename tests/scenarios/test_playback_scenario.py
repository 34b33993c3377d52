"""Playback through the real window, as the operator sees it: a camera live on a tile, then its
recording started with Ctrl+R (the playback panel, a time, "Play from this time"), with the
panel's "−60 s", and from a bookmark (double-click in the bookmark panel). Each time the TILE'S
PIXELS — read inside its video rectangle — show the recorded time asked (within one GOP), then
×2 makes that time run about twice as fast as the wall clock, pause stops it, "Next frame"
moves it by exactly one frame, and "Back to live" brings the live picture back: pixels showing
the recorder's wall clock within one GOP + 1 s. The tile never says "stream frozen" meanwhile.

Real composition (AppLauncher: site file, SQLite, operator account, shift), real widgets
offscreen, the loopback RTSP server as a Hikvision recorder whose live streams draw its wall
clock and whose recording carries its own time (tests/rtsp/clockface.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csu_wall.core.layout import Grid
from csu_wall.core.shifts import Severity
from csu_wall.gui.playback_bar import to_qt
from csu_wall.gui.tile import TileWidget
from tests.gui.conftest import french  # noqa: F401 - the fixture
from tests.recorders.vendor_http import VendorHttpServer
from tests.rtsp.fixture import RtspServer
from tests.scenarios._pixels import StatusLog, shown_time, wait_shown
from tests.scenarios._playback_desk import (
    CAMERA_ID,
    FPS,
    GOP_FRAMES,
    Desk,
    close_desk,
    open_desk,
    recent_recording,  # noqa: F401 - the fixture
    recorder_http,  # noqa: F401 - the fixture
    recorder_server,  # noqa: F401 - the fixture
)

pytestmark = [pytest.mark.rtsp, pytest.mark.slow, pytest.mark.timeout(240)]

FRAME = timedelta(seconds=1 / FPS)
GOP = timedelta(seconds=GOP_FRAMES / FPS)
LIVE_LAG = GOP + timedelta(seconds=1)  # what "live" means on the tile: one GOP + 1 s at most
SLACK = 5  # waits allow five times what is expected
START_S = SLACK * 3.0  # a playback's first picture: RTSP set-up, one GOP, decode (about 1–3 s)
LIVE_S = SLACK * LIVE_LAG.total_seconds()
FROZEN = "flux figé"  # TileState.STALLED, as the French operator reads it


def now() -> datetime:
    return datetime.now(UTC)


def is_live(when: datetime) -> bool:
    return now() - LIVE_LAG <= when <= now() + FRAME


def wait_still(qtbot: QtBot, tile: TileWidget, still_s: float, timeout_s: float) -> datetime:
    """The time on the tile once it has not changed for ``still_s`` (pixels read all along)."""
    last: dict[str, object] = {"when": None, "since": 0.0}

    def check() -> bool:
        when, t = shown_time(tile), time.monotonic()
        if when != last["when"]:
            last.update(when=when, since=t)
            return False
        return when is not None and t - float(last["since"]) >= still_s  # type: ignore[arg-type]

    qtbot.waitUntil(check, timeout=int(timeout_s * 1000))
    assert isinstance(last["when"], datetime)
    return last["when"]


def show_live_camera(qtbot: QtBot, desk: Desk) -> TileWidget:
    """A 2×2 grid, the camera on its first tile, focused; its pixels show the recorder's
    clock."""
    desk.window.wall.set_grid(Grid.preset("2×2"))
    tile = desk.window.wall.tiles[0]
    desk.window.wall.open_in_tile(tile.tile_id, CAMERA_ID)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert desk.window.wall.focused_tile() is tile
    wait_shown(qtbot, tile, is_live, START_S, "the live camera")
    assert tile.shown_status() == "en direct"
    return tile


def choose_speed(desk: Desk, speed: float) -> None:
    combo = desk.bar.speed
    combo.setCurrentIndex(combo.findData(speed))
    combo.activated.emit(combo.currentIndex())  # what a choice with the mouse emits


def exercise_playback(qtbot: QtBot, desk: Desk, tile: TileWidget, log: StatusLog, how: str,
                      asked: tuple[datetime, datetime]) -> dict[str, float]:
    """From the click that started playback of ``asked`` (earliest, latest possible time
    asked): the recorded time on the pixels, ×2, pause, step, back to live."""
    bar = desk.bar
    figures: dict[str, float] = {}
    started = time.monotonic()
    log.phase = f"{how}: start"
    first, seen = wait_shown(
        qtbot, tile, lambda w: asked[0] - GOP <= w <= asked[1] + GOP, START_S,
        f"{how}: the recorded time asked ({asked[0]:%H:%M:%S}; the window's last message: "
        f"{desk.window.last_message!r})")
    figures["first_recorded_picture_s"] = seen - started
    assert not is_live(first)
    # the status bar counts the tile in playback, not live
    assert desk.window.wall.tr_status() == "0 vignette en direct sur 4 · 1 en relecture"

    log.phase = f"{how}: ×2"
    choose_speed(desk, 2.0)
    settled, _ = wait_shown(qtbot, tile, lambda w: w >= first + timedelta(seconds=2),
                            START_S, f"{how}: playback going on at ×2")
    p0, t0 = wait_shown(qtbot, tile, lambda w: w > settled, START_S, f"{how}: ×2")
    p1, t1 = wait_shown(qtbot, tile, lambda w: w >= p0 + timedelta(seconds=6),
                        SLACK * 3.0, f"{how}: six recorded seconds at ×2")
    figures["rate_at_x2"] = (p1 - p0).total_seconds() / (t1 - t0)
    assert 1.6 <= figures["rate_at_x2"] <= 2.5, figures

    log.phase = f"{how}: pause"
    qtbot.mouseClick(bar.pause_button, Qt.MouseButton.LeftButton)
    paused = wait_still(qtbot, tile, 1.0, SLACK * 2.0)
    assert wait_still(qtbot, tile, 2.0, SLACK * 2.0) == paused  # time has stopped

    log.phase = f"{how}: step"
    assert bar.step_button.isEnabled()
    qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
    stepped, _ = wait_shown(qtbot, tile, lambda w: w != paused, SLACK * 1.0,
                            f"{how}: the next frame")
    assert stepped == paused + FRAME
    assert wait_still(qtbot, tile, 1.0, SLACK * 2.0) == stepped  # and it stays there

    log.phase = f"{how}: back to live"
    clicked = time.monotonic()
    qtbot.mouseClick(bar.live_button, Qt.MouseButton.LeftButton)
    live, seen = wait_shown(qtbot, tile, is_live, LIVE_S, f"{how}: back to live")
    figures["live_again_s"] = seen - clicked
    figures["live_lag_s"] = (now() - live).total_seconds()
    qtbot.waitUntil(lambda: desk.window.wall.tr_status() == "1 vignette en direct sur 4",
                    timeout=int(LIVE_S * 1000))
    choose_speed(desk, 1.0)  # the operator puts the speed back for the next time
    log.phase = f"{how}: live"
    return figures


def run_scenario(qtbot: QtBot, tmp_path: Path, server: RtspServer, http: VendorHttpServer,
                 start: Callable[[Desk, TileWidget], tuple[datetime, datetime]],
                 how: str) -> None:
    desk = open_desk(qtbot, tmp_path, server, http)
    log: StatusLog | None = None
    try:
        tile = show_live_camera(qtbot, desk)
        log = StatusLog(tile)
        log.start(f"{how}: live")
        asked = start(desk, tile)
        figures = exercise_playback(qtbot, desk, tile, log, how, asked)
        log.sample()
        print(f"{how}: " + ", ".join(f"{k} {v:.2f}" for k, v in figures.items()))
        frozen = [s for s in log.samples if s.status == FROZEN] + log.stalled()
        assert not frozen, (
            f"the tile said « {FROZEN} » during: {sorted({s.phase for s in frozen})}; "
            f"what it said, in order: {log.statuses()}")
    finally:
        if log is not None:
            log.stop()
        close_desk(desk)


def test_playback_from_ctrl_r_reaches_the_tile_and_back_to_live(
        qtbot: QtBot, tmp_path: Path, recorder_server: RtspServer,  # noqa: F811
        recorder_http: VendorHttpServer, french: object,  # noqa: F811
        qasync_loop: asyncio.AbstractEventLoop) -> None:
    def start(desk: Desk, tile: TileWidget) -> tuple[datetime, datetime]:
        qtbot.keyClick(tile, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(desk.window.side_panels["playback"].isVisible, timeout=5000)
        assert desk.bar.tile_id == tile.tile_id
        asked = (now() - timedelta(seconds=120)).replace(microsecond=0)
        desk.bar.when.setDateTime(to_qt(asked))
        qtbot.mouseClick(desk.bar.play_at, Qt.MouseButton.LeftButton)
        return asked, asked

    run_scenario(qtbot, tmp_path, recorder_server, recorder_http, start, "Ctrl+R")


def test_playback_from_minus_60_s_reaches_the_tile_and_back_to_live(
        qtbot: QtBot, tmp_path: Path, recorder_server: RtspServer,  # noqa: F811
        recorder_http: VendorHttpServer, french: object,  # noqa: F811
        qasync_loop: asyncio.AbstractEventLoop) -> None:
    def start(desk: Desk, tile: TileWidget) -> tuple[datetime, datetime]:
        qtbot.keyClick(tile, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(desk.window.side_panels["playback"].isVisible, timeout=5000)
        assert desk.bar.back60.text() == "−60 s"
        before = now()
        qtbot.mouseClick(desk.bar.back60, Qt.MouseButton.LeftButton)
        after = now()
        return before - timedelta(seconds=60), after - timedelta(seconds=60)

    run_scenario(qtbot, tmp_path, recorder_server, recorder_http, start, "−60 s")


def test_playback_from_a_bookmark_reaches_the_tile_and_back_to_live(
        qtbot: QtBot, tmp_path: Path, recorder_server: RtspServer,  # noqa: F811
        recorder_http: VendorHttpServer, french: object,  # noqa: F811
        qasync_loop: asyncio.AbstractEventLoop) -> None:
    def start(desk: Desk, tile: TileWidget) -> tuple[datetime, datetime]:
        shifts = desk.shifts
        assert shifts.shift is not None
        at = (now() - timedelta(seconds=90)).replace(microsecond=0)
        made = shifts.bookmarks.create(desk.camera, at, category="intrusion",
                                       severity=Severity.HIGH, note="vu sur le parvis",
                                       pre_seconds=10, shift_id=shifts.shift.id,
                                       snapshot_png=None)
        desk.window.side_panels["bookmarks"].show()
        panel = shifts.panel
        qtbot.waitUntil(lambda: made.id in {b.id for b in panel.shown()}, timeout=10_000)
        panel.select(made.id)
        index = panel.table.model().index([b.id for b in panel.shown()].index(made.id), 0)
        panel.table.scrollTo(index)
        where = panel.table.visualRect(index).center()
        # a real double-click: press and release, then the double-click press and release
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.waitUntil(lambda: not panel.open_call.busy and bool(panel.info_label.text()),
                        timeout=10_000)  # the bookmark read again off the GUI thread
        assert panel.info_label.text().startswith("Relecture de la caméra"), \
            panel.info_label.text()
        asked = at - timedelta(seconds=10)
        return asked, asked

    run_scenario(qtbot, tmp_path, recorder_server, recorder_http, start, "bookmark")
