"""Recorded video through the playback service as an operator drives it, against the ONVIF
replay server written from the specification (tests/rtsp/onvif_replay_server.py) behind the
loopback ONVIF device: frame steps forward and back are exact, the end of the recording is said
on the tile (never 'stalled', no reconnection) and "back to live" still brings the live
picture."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from csu_wall.core.frames import TileState
from tests.media.helpers import wait_until
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_SECONDS, RECORDED_START, RtspServer
from tests.rtsp.onvif_replay_server import ReplayServer, recording_from_clip, replay_server
from tests.rtsp.onvif_soap import OnvifDevice, onvif_device
from tests.rtsp.playback_env import FRAME, TILE, Env, at, make_env
from tests.rtsp.timecode import find_time, read_time

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(90)]

run = asyncio.run
END = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
LAST = END - FRAME


@pytest.fixture()
def replay(recorded_clip: Path) -> Iterator[ReplayServer]:
    recording = recording_from_clip(recorded_clip, RECORDED_START, RECORDED_FPS)
    with replay_server(recording, RECORDED_FPS) as srv:
        yield srv


@pytest.fixture()
def env(tmp_path: Path, playback_server: RtspServer, replay: ReplayServer) -> Iterator[Env]:
    with onvif_device(OnvifDevice(replay.url, RECORDED_START, END)) as device:
        e = make_env(tmp_path, playback_server, device)
        yield e
        e.wall.shutdown()
        e.db.close()


def test_steps_forward_and_back_are_exact_through_the_service(env: Env) -> None:
    run(env.playback.start(TILE, at(20.4), paused=True))
    first = env.next_frame(None)
    assert read_time(first.image) == at(20.4)  # not the keyframe at 20.0
    frame = first
    for expected in (at(20.44), at(20.48), at(20.44), at(20.4), at(20.36)):
        forward = expected > read_time(frame.image)
        assert env.playback.step(TILE, 1 if forward else -1)
        frame = env.next_frame(frame)
        assert read_time(frame.image) == expected
    state = env.playback.state(TILE)
    assert state is not None and state.paused
    assert abs(state.shown_utc - at(20.36)) < timedelta(milliseconds=1)


def test_end_of_the_recording_is_said_then_back_to_live(env: Env, replay: ReplayServer) -> None:
    run(env.playback.start(TILE, LAST - timedelta(seconds=1)))
    handle = env.wall.engine.tile(TILE)
    assert handle is not None
    assert wait_until(lambda: handle.state is TileState.ENDED, 15), handle.detail
    assert handle.detail.startswith("Fin de l'enregistrement")
    frame = handle.latest()
    assert frame is not None and read_time(frame.image) == LAST
    assert not wait_until(lambda: len(replay.methods("DESCRIBE")) > 1, 2.0)  # no reconnect
    env.playback.back_to_live(TILE)
    live = env.wall.engine.tile(TILE)
    assert live is not None
    assert wait_until(lambda: live.state is TileState.LIVE and live.latest() is not None
                      and find_time(live.latest().image) is None, 15), live.detail  # type: ignore[union-attr]
