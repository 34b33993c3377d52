"""The playback timeline shows what the recorder holds: recorded spans as a green band, the
missing ones dark red, labels in Paris time with the UTC offset in the hour repeated in
October; through the real bar, wall service and loopback ONVIF device (FindEvents)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from csu_wall.core.replay import paris_hms
from csu_wall.gui.playback_bar import PlaybackBar, Timeline, to_qt
from tests.rtsp.fixture import RECORDED_SECONDS, RECORDED_START, RtspServer
from tests.rtsp.onvif_soap import OnvifDevice, onvif_device
from tests.rtsp.playback_env import CAMERA, TILE, at, make_env

END = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
SPANS = [(RECORDED_START, at(10)), (at(14), END)]


def colour_at(timeline: Timeline, t: datetime) -> QColor:
    image = timeline.grab().toImage()
    x = int(round(timeline.x_of(t) * image.width() / max(1, timeline.width())))
    return image.pixelColor(max(0, min(image.width() - 1, x)), int(image.height() * 0.85))


def test_timeline_draws_recorded_and_missing_spans(qtbot: QtBot) -> None:
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.resize(600, 28)
    start, end = at(-60), at(60)
    timeline.set_span(start, end, at(5), [], tuple(SPANS))
    assert colour_at(timeline, at(2)) == Timeline.RECORDED
    assert colour_at(timeline, at(12)) == Timeline.MISSING  # the gap
    assert colour_at(timeline, at(-30)) == Timeline.MISSING  # before the recording
    assert colour_at(timeline, at(40)) == Timeline.RECORDED
    timeline.set_span(start, end, at(5), [])  # the recorder cannot say: no band at all
    assert colour_at(timeline, at(12)) not in (Timeline.RECORDED, Timeline.MISSING)


def test_labels_carry_the_offset_in_the_repeated_hour() -> None:
    assert paris_hms(datetime(2026, 10, 25, 0, 55, tzinfo=timezone.utc), seconds=False) == \
        "02:55 (UTC+2)"
    assert paris_hms(datetime(2026, 10, 25, 1, 5, tzinfo=timezone.utc), seconds=False) == \
        "02:05 (UTC+1)"
    assert paris_hms(datetime(2026, 10, 25, 3, 5, tzinfo=timezone.utc), seconds=False) == \
        "04:05"


@pytest.mark.rtsp
@pytest.mark.timeout(90)
@pytest.mark.usefixtures("qasync_loop")
def test_the_bar_shows_the_spans_the_recorder_told(qtbot: QtBot, tmp_path: Path,
                                                   playback_server: RtspServer) -> None:
    uri = f"rtsp://127.0.0.1:{playback_server.port}/onvif/replay/rec1"
    with onvif_device(OnvifDevice(uri, RECORDED_START, END, spans=list(SPANS))) as device:
        env = make_env(tmp_path, playback_server, device)
        try:
            bar = PlaybackBar(env.playback)
            qtbot.addWidget(bar)
            bar.set_tile(TILE, CAMERA)
            bar.resize(700, 200)
            bar.show()
            bar.when.setDateTime(to_qt(at(20)))
            task = bar.go()
            assert task is not None
            qtbot.waitUntil(task.done, timeout=15000)
            assert task.result()
            state = env.playback.state(TILE)
            assert state is not None and state.recorded == tuple(SPANS)
            bar.refresh()
            assert bar.timeline.known
            assert colour_at(bar.timeline, at(12)) == Timeline.MISSING
            assert colour_at(bar.timeline, at(30)) == Timeline.RECORDED
        finally:
            env.wall.shutdown()
            env.db.close()
