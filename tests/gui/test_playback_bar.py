"""The playback bar with pytest-qt, over the real main window, wall service
and loopback RTSP server: pick a Paris time, play, pause, step, speed, jump, timeline
bookmarks, back to live, and the recorder clock warning. Asking the recorder is a coroutine
on the test's qasync loop (as on the application's): the bar shows it searches and cancels."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.playback_bar import PlaybackBar, install_playback, paris_text, to_qt
from tests.rtsp.fixture import RECORDED_SECONDS, RECORDED_START, RtspServer
from tests.rtsp.onvif_soap import OnvifDevice, onvif_device
from tests.rtsp.playback_env import CAMERA, FRAME, GOP, TILE, Env, at, make_env
from tests.rtsp.timecode import read_time

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(90), pytest.mark.usefixtures("qasync_loop")]

BOOKMARKS = [at(20), at(50), at(-3600)]


class Calls:
    def __init__(self) -> None:
        self.asked: list[tuple[str, datetime, datetime]] = []

    def __call__(self, camera_id: str, start: datetime, end: datetime) -> list[datetime]:
        self.asked.append((camera_id, start, end))
        return list(BOOKMARKS)


@pytest.fixture()
def env(tmp_path: Path, playback_server: RtspServer) -> Iterator[Env]:
    e = make_env(tmp_path, playback_server)
    yield e
    e.wall.shutdown()
    e.db.close()


def make_bar(qtbot: QtBot, env: Env, calls: Calls | None = None) -> PlaybackBar:
    bar = PlaybackBar(env.playback, calls)
    qtbot.addWidget(bar)
    bar.set_tile(TILE, CAMERA)
    return bar


def outcome(qtbot: QtBot, task: asyncio.Task[bool] | None, timeout_ms: int = 15000) -> bool:
    """The search's result once the recorder answered (the GUI thread kept running)."""
    assert task is not None
    qtbot.waitUntil(task.done, timeout=timeout_ms)
    return task.result()


def settled(qtbot: QtBot, bar: PlaybackBar) -> None:
    qtbot.waitUntil(lambda: not bar.searching, timeout=15000)


def test_play_pause_step_speed_jump_and_live(qtbot: QtBot, env: Env) -> None:
    calls = Calls()
    bar = make_bar(qtbot, env, calls)
    messages: list[tuple[str, str]] = []
    bar.sig_message.connect(lambda text, level: messages.append((text, level)))
    asked = at(25)  # 02:59:55 summer time
    bar.when.setDateTime(to_qt(asked))
    assert bar.when.text() == "25/10/2026 02:59:55 CEST"
    qtbot.mouseClick(bar.play_at, Qt.MouseButton.LeftButton)
    assert bar.searching and bar.busy_label.isVisibleTo(bar)  # the recorder is being asked
    settled(qtbot, bar)
    assert not bar.busy_label.isVisibleTo(bar) and not bar.cancel_button.isVisibleTo(bar)
    assert messages == []
    assert abs(env.shown() - asked) <= GOP + FRAME

    # the timeline shows the camera's bookmarks around the time shown
    qtbot.waitUntil(lambda: len(bar.timeline.bookmark_positions()) == 2, timeout=5000)
    assert calls.asked[-1][0] == CAMERA.id
    assert "Recording of 25/10/2026 0" in bar.shown_label.text()

    qtbot.mouseClick(bar.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.pause_button.text() == "Play", timeout=2000)
    qtbot.wait(600)  # what was in flight settles
    still = env.frame()
    assert still is not None
    before = read_time(still.image)
    qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
    assert read_time(env.next_frame(still).image) == before + FRAME

    bar.speed.setCurrentIndex(bar.speed.findData(2.0))
    bar.speed.activated.emit(bar.speed.currentIndex())
    settled(qtbot, bar)
    state = env.playback.state(TILE)
    assert state is not None and state.speed == 2.0

    qtbot.mouseClick(bar.pause_button, Qt.MouseButton.LeftButton)  # play again
    env.next_frame(env.frame())
    shown = env.playback.state(TILE).shown_utc  # type: ignore[union-attr]
    qtbot.mouseClick(bar.back10, Qt.MouseButton.LeftButton)
    settled(qtbot, bar)
    assert abs(env.shown() - (shown - timedelta(seconds=10))) <= GOP + 12 * FRAME

    qtbot.mouseClick(bar.live_button, Qt.MouseButton.LeftButton)
    assert not env.playback.is_playback(TILE)
    qtbot.waitUntil(lambda: bar.shown_label.text() == "Live", timeout=2000)
    assert "playback" in env.actions()


def test_timeline_click_seeks(qtbot: QtBot, env: Env) -> None:
    bar = make_bar(qtbot, env)
    bar.when.setDateTime(to_qt(at(30)))
    assert outcome(qtbot, bar.go())
    env.next_frame(None)
    bar.resize(600, 200)
    bar.refresh()
    target = at(10)
    x = bar.timeline.x_of(target)
    assert bar.timeline.time_at(x) is not None
    bar.timeline.sig_seek.emit(target)
    settled(qtbot, bar)
    assert abs(env.shown() - target) <= GOP + FRAME


def test_a_time_not_yet_recorded_is_refused_in_french(qtbot: QtBot, env: Env) -> None:
    bar = make_bar(qtbot, env)
    messages: list[tuple[str, str]] = []
    bar.sig_message.connect(lambda text, level: messages.append((text, level)))
    bar.when.setDateTime(to_qt(env.playback.clock.now_utc() + timedelta(hours=1)))
    assert not outcome(qtbot, bar.go())
    assert messages and messages[0][1] == "error" and "pas encore enregistrée" in messages[0][0]


def test_clock_offset_over_two_seconds_is_shown(qtbot: QtBot, tmp_path: Path,
                                                playback_server: RtspServer) -> None:
    end = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
    uri = f"rtsp://127.0.0.1:{playback_server.port}/onvif/replay/rec1"
    with onvif_device(OnvifDevice(uri, RECORDED_START, end, clock_offset=-9.0)) as device:
        e = make_env(tmp_path, playback_server, device)
        try:
            bar = make_bar(qtbot, e)
            bar.when.setDateTime(to_qt(at(40)))
            started = time.monotonic()
            assert outcome(qtbot, bar.go())
            took = time.monotonic() - started  # bounds the clock request's round trip
            assert bar.clock_label.isVisibleTo(bar)
            measured = e.playback.clock_offset(TILE)
            assert measured is not None
            # The device sends whole seconds (truncated: a reading in ]-10, -9]) and the
            # round trip blurs when it was read by up to half of it: on a loaded machine the
            # tolerance grows with the measured delay, never beyond it.
            slack = took / 2 + 0.05
            assert -10 - slack <= measured <= -9 + slack, (measured, took)
            shown = re.search(r"a ([+-]\d+) s d'écart", bar.clock_label.text())
            assert shown is not None, bar.clock_label.text()
            assert int(shown.group(1)) == round(measured)  # the label says what was measured
            assert "nvr" in bar.clock_label.text()
        finally:
            e.wall.shutdown()
            e.db.close()


def test_install_playback_adds_the_tile_action_and_panel(qtbot: QtBot, tmp_path: Path,
                                                         playback_server: RtspServer) -> None:
    e = make_env(tmp_path, playback_server, open_tile=False)
    try:
        window = MainWindow(e.wall, demo=False)
        qtbot.addWidget(window)
        bar = install_playback(window, e.playback)
        assert "playback" in window.side_panels
        action = window.findChild(type(window.tile_menu.actions()[0]), "tileAction-playback")
        assert action is not None and action.shortcut().toString() == "Ctrl+R"
        tile = window.wall.focused_tile()
        action.trigger()
        assert bar.tile_id == tile.tile_id
        bar.sig_message.emit("Essai", "error")
        assert window.last_message == ("Essai", "error")
    finally:
        e.wall.shutdown()
        e.db.close()


def test_paris_text_tells_the_two_two_oclock_hours_apart() -> None:
    assert paris_text(at(25)) == "25/10/2026 02:59:55 CEST"
    assert paris_text(at(35)) == "25/10/2026 02:00:05 CET"


def test_the_bar_speaks_french(qtbot: QtBot, env: Env, french: object) -> None:
    bar = make_bar(qtbot, env)
    assert (bar.live_button.text(), bar.step_button.text(), bar.play_at.text()) == (
        "Retour au direct", "Image suivante", "Lire à partir de cette heure")
    assert bar.shown_label.text() == "Direct"


def test_a_slow_recorder_shows_the_search_and_cancel_leaves_the_tile_live(
        qtbot: QtBot, tmp_path: Path, playback_server: RtspServer, french: object) -> None:
    """An ONVIF recorder slow to give its replay address (tests/scenarios/_slow_onvif.py):
    the bar says it searches, the GUI thread keeps running, Cancel gives up at once and the
    tile stays live."""
    from tests.scenarios._slow_onvif import SlowOnvifDevice, slow_onvif_device

    end = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
    uri = f"rtsp://127.0.0.1:{playback_server.port}/onvif/replay/rec1"
    with slow_onvif_device(SlowOnvifDevice(uri, RECORDED_START, end, delay=30.0)) as device:
        e = make_env(tmp_path, playback_server, device)
        try:
            bar = make_bar(qtbot, e)
            messages: list[tuple[str, str]] = []
            bar.sig_message.connect(lambda text, level: messages.append((text, level)))
            bar.when.setDateTime(to_qt(at(20)))
            task = bar.go()
            assert bar.busy_label.text() == "Recherche de l'enregistrement…"
            assert bar.cancel_button.text() == "Annuler"
            qtbot.waitUntil(lambda: device.held == 1, timeout=10000)  # the recorder is asked
            assert not task.done() and bar.busy_label.isVisibleTo(bar)  # type: ignore[union-attr]
            started = time.monotonic()
            qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(task.done, timeout=2000)  # type: ignore[union-attr]
            assert time.monotonic() - started < 1.0 and task.cancelled()  # type: ignore
            assert not bar.busy_label.isVisibleTo(bar) and not bar.searching
            assert messages[-1] == ("Recherche de l'enregistrement annulée.", "info")
            assert not e.playback.is_playback(TILE)
            assert e.wall.feed(TILE).state.value in ("live", "connecting")
        finally:
            e.wall.shutdown()
            e.db.close()


def test_a_recorder_past_its_timeout_is_said_in_french(
        qtbot: QtBot, tmp_path: Path, playback_server: RtspServer) -> None:
    from csu_wall.recorders.onvif_replay import OnvifReplay
    from tests.scenarios._slow_onvif import SlowOnvifDevice, slow_onvif_device

    end = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
    uri = f"rtsp://127.0.0.1:{playback_server.port}/onvif/replay/rec1"
    with slow_onvif_device(SlowOnvifDevice(uri, RECORDED_START, end, delay=3.0)) as device:
        e = make_env(tmp_path, playback_server, device)
        try:
            driver = e.playback._drivers("nvr")
            driver.timeout = 1.5  # type: ignore[attr-defined]  # the recorder's own timeout
            assert isinstance(driver.onvif, OnvifReplay)  # type: ignore[attr-defined]
            bar = make_bar(qtbot, e)
            messages: list[tuple[str, str]] = []
            bar.sig_message.connect(lambda text, level: messages.append((text, level)))
            bar.when.setDateTime(to_qt(at(20)))
            started = time.monotonic()
            assert not outcome(qtbot, bar.go())
            assert 1.4 <= time.monotonic() - started < 2.5  # the recorder's 1.5 s, not 3 s
            text, level = messages[-1]
            assert level == "error" and "n'a pas répondu dans le délai (2 s)" in text, text
            assert bar.error_label.isVisibleTo(bar) and bar.error_label.text() == text
            again = bar.go()
            assert not bar.error_label.isVisibleTo(bar)  # a new search hides the old failure
            assert not outcome(qtbot, again)
            assert bar.error_label.isVisibleTo(bar)  # ... and says its own
            assert not e.playback.is_playback(TILE)
        finally:
            e.wall.shutdown()
            e.db.close()
