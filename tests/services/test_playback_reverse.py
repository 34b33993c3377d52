"""Reverse play through the playback service, with a recorder that cannot play backwards (the
loopback server's Hikvision-shaped playback: no ONVIF replay, so no negative ``Scale``): ×−1
is said on the tile ("L'enregistreur ne permet pas la lecture arrière"), the tile stays on the
image shown, paused, at ×1; asking again is refused at once, in French; resuming plays forward
from the image shown. Reverse play itself: tests/media/test_onvif_replay_server.py and
tests/scenarios/test_reverse_playback_scenario.py."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from csu_wall.core.frames import TileState
from csu_wall.services.playback import MSG_NO_REVERSE, MSG_SPEED
from tests.media.helpers import wait_until
from tests.rtsp.fixture import RtspServer
from tests.rtsp.playback_env import FRAME, TILE, Env, at, make_env
from tests.rtsp.timecode import read_time

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(90)]

run = asyncio.run


@pytest.fixture()
def env(tmp_path: Path, playback_server: RtspServer) -> Iterator[Env]:
    e = make_env(tmp_path, playback_server)
    yield e
    e.wall.shutdown()
    e.db.close()


def test_reverse_on_a_recorder_without_it_is_said_and_stays_on_the_image(env: Env) -> None:
    run(env.playback.start(TILE, at(12)))
    first = env.next_frame(None)
    env.next_frame(first)
    feed = env.wall.feed(TILE)
    run(env.playback.set_speed(TILE, -1.0))
    assert wait_until(lambda: feed.state is TileState.REFUSED, 10), feed.detail
    assert feed.detail.startswith("L'enregistreur ne permet pas la lecture arrière")
    state = env.playback.state(TILE)
    assert state is not None and state.paused and state.speed == 1.0
    shown = env.frame()
    assert shown is not None
    assert not wait_until(lambda: env.frame() is not shown, 1.0)  # still, on that image
    with pytest.raises(ValueError, match=MSG_NO_REVERSE):
        run(env.playback.set_speed(TILE, -2.0))
    with pytest.raises(ValueError, match="Vitesse non prise en charge"):
        run(env.playback.set_speed(TILE, -4.0))
    assert MSG_SPEED.startswith("Vitesse non prise en charge")
    env.playback.toggle_pause(TILE)  # one press: the service knows the tile is paused
    after = env.next_frame(shown)
    assert read_time(shown.image) < read_time(after.image) <= read_time(shown.image) + 3 * FRAME
    assert wait_until(lambda: feed.state is TileState.LIVE, 5), feed.detail
