"""PlaybackService against the real loopback RTSP server: a tile goes from
live to recorded video at a chosen time (checked, audited), pauses, steps one frame, plays at
×2/×4, jumps back 10 s and returns to live; the recorder's clock offset is flagged over 2 s."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from csu_wall.core.errors import AccessDenied
from csu_wall.services.playback import clock_message
from tests.media.helpers import wait_until
from tests.rtsp.fixture import RECORDED_SECONDS, RECORDED_START, RtspServer
from tests.rtsp.onvif_soap import OnvifDevice, onvif_device
from tests.rtsp.playback_env import FRAME, GOP, TILE, Env, at, make_env
from tests.rtsp.timecode import read_time

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(90)]

run = asyncio.run  # the service's recorder calls are coroutines (the GUI awaits them on qasync)


@pytest.fixture()
def env(tmp_path: Path, playback_server: RtspServer) -> Iterator[Env]:
    e = make_env(tmp_path, playback_server)
    yield e
    e.wall.shutdown()
    e.db.close()


def test_switches_a_live_tile_to_the_asked_time_and_audits_it(env: Env) -> None:
    env.next_frame(None)  # live first
    asked = at(25.5)  # 02:59:55.5 summer time
    state = run(env.playback.start(TILE, asked))
    assert state.steppable and not state.paused and state.speed == 1.0
    assert abs(env.shown() - asked) <= GOP + FRAME
    assert "playback" in env.actions()
    assert abs(env.playback.state(TILE).shown_utc - asked) <= GOP + 3 * FRAME  # type: ignore


def test_request_across_the_dst_change(env: Env) -> None:
    asked = at(35)  # 02:00:05 winter time: after the change
    run(env.playback.start(TILE, asked))
    assert abs(env.shown() - asked) <= GOP + FRAME


def test_denied_operator_cannot_play_back(env: Env) -> None:
    env.gate.replace_habilitations([])
    with pytest.raises(AccessDenied):
        run(env.playback.start(TILE, at(10)))
    assert not env.playback.is_playback(TILE)


def test_pause_then_step_one_frame_then_resume(env: Env) -> None:
    run(env.playback.start(TILE, at(5)))
    env.next_frame(None)
    env.playback.pause(TILE)
    assert env.playback.state(TILE).paused  # type: ignore[union-attr]
    still = env.frame()
    wait_until(lambda: False, 0.6)  # let what was in flight settle
    still = env.frame()
    assert still is not None
    wait_until(lambda: False, 0.5)
    assert env.frame() is still  # paused: nothing new
    before = read_time(still.image)
    env.playback.step(TILE)
    stepped = env.next_frame(still)
    assert read_time(stepped.image) == before + FRAME
    env.playback.step(TILE)
    assert read_time(env.next_frame(stepped).image) == before + 2 * FRAME
    env.playback.resume(TILE)
    later = env.next_frame(env.next_frame(stepped))
    assert read_time(later.image) > before + 2 * FRAME


def test_speed_x4_plays_four_times_faster(env: Env) -> None:
    run(env.playback.start(TILE, at(2)))
    first = env.next_frame(None)
    run(env.playback.set_speed(TILE, 4.0))
    assert env.playback.state(TILE).speed == 4.0  # type: ignore[union-attr]
    t0 = read_time(env.next_frame(first).image)
    wait_until(lambda: False, 1.5)
    t1 = read_time(env.next_frame(env.frame()).image)
    # 1.5 s of wall time at ×4 is 6 s of recording (generous margins: a shared machine).
    assert (t1 - t0).total_seconds() >= 3.5


def test_jump_back_ten_seconds(env: Env) -> None:
    run(env.playback.start(TILE, at(40)))
    env.next_frame(None)
    wait_until(lambda: False, 0.5)
    shown = env.playback.state(TILE).shown_utc  # type: ignore[union-attr]
    run(env.playback.jump(TILE, -10))
    assert abs(env.shown() - (shown - timedelta(seconds=10))) <= GOP + 3 * FRAME


def test_back_to_live(env: Env) -> None:
    run(env.playback.start(TILE, at(5)))
    env.next_frame(None)
    handle = env.playback.back_to_live(TILE)
    assert not env.playback.is_playback(TILE)
    assert wait_until(lambda: handle.latest() is not None, 15)
    assert env.actions().count("live_view") >= 2  # the live view is audited again


@pytest.mark.parametrize(("offset", "warned"), [(7.0, True), (0.0, False)])
def test_recorder_clock_offset_is_flagged_over_two_seconds(
        tmp_path: Path, playback_server: RtspServer, offset: float, warned: bool) -> None:
    end = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
    uri = f"rtsp://127.0.0.1:{playback_server.port}/onvif/replay/rec1"
    with onvif_device(OnvifDevice(uri, RECORDED_START, end, clock_offset=offset)) as device:
        e = make_env(tmp_path, playback_server, device)
        try:
            asked = at(20)
            state = run(e.playback.start(TILE, asked))
            assert state.clock_warning is warned
            assert state.clock_offset is not None
            assert abs(state.clock_offset - offset) <= 1.5
            assert abs(e.shown() - asked) <= GOP + FRAME  # ONVIF replay through the service
            if warned:
                assert re.search(r"a \+(6|7|8) s d'écart", clock_message("nvr", state.clock_offset))
        finally:
            e.wall.shutdown()
            e.db.close()
