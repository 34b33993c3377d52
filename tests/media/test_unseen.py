"""Nothing plays unseen: a tile off the screen costs no network once its keep-warm time has
passed, and a tile opened off the screen (a wall not shown yet) makes no connection at all
until it is shown. Against the real loopback RTSP server (tests/rtsp/fixture.py) and a
loopback listener that counts TCP connections."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.model import StreamKind
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from tests.media.helpers import RECORDER, wait_until
from tests.rtsp.fixture import RtspServer
from tests.services.test_access import CountingListener

pytestmark = pytest.mark.timeout(90)


@pytest.fixture()
def listener() -> Iterator[CountingListener]:
    counting = CountingListener()
    yield counting
    counting.close()


def rtsp_source(url: str) -> StreamSource:
    return StreamSource(url=url, kind=SourceKind.RTSP, camera_id="cam",
                        recorder_id=RECORDER.id, stream=StreamKind.SUB)


class _Choice:
    def __init__(self, source: StreamSource) -> None:
        self.source = source

    def source_for(self, kind: StreamKind) -> StreamSource:
        return self.source


def test_a_tile_opened_off_the_screen_connects_only_when_shown(
        make_engine: Callable[..., MediaEngine], listener: CountingListener) -> None:
    engine = make_engine(workers=1, open_timeout=2, read_timeout=2)
    feed = engine.feed("t0")
    feed.set_visible(False)  # the wall is not shown yet
    engine.open("t0", rtsp_source(f"rtsp://127.0.0.1:{listener.port}/cam"), size=(320, 180))
    assert feed.active and feed.deferred and feed.state is TileState.CONNECTING
    assert not wait_until(lambda: listener.accepted > 0, 1.5)  # nothing reached the recorder
    assert engine.stats()["sessions"] == 0
    feed.set_visible(True)  # shown: connects now
    assert wait_until(lambda: listener.accepted > 0, 5)
    assert not feed.deferred and engine.stats()["sessions"] == 1


@pytest.mark.rtsp
def test_a_live_tile_hidden_past_its_keep_warm_time_closes_and_comes_back(
        make_engine: Callable[..., MediaEngine],
        rtsp_server: Callable[..., RtspServer]) -> None:
    server = rtsp_server({"cam": {"kind": "file", "width": 320, "height": 180, "gop": 25}})
    source = rtsp_source(server.url("cam"))
    engine = make_engine(workers=1, keep_warm=1.0)
    feed = engine.open("t0", source, size=(320, 180), choice=_Choice(source))
    assert wait_until(lambda: feed.latest() is not None, 15)
    first = feed.latest()
    feed.set_visible(False)
    # still warm for a quick return, then closed: no session, no network
    assert engine.stats()["sessions"] == 1
    assert wait_until(lambda: feed.deferred, 10)
    assert engine.stats()["sessions"] == 0 and feed.active
    feed.set_visible(True)
    assert wait_until(lambda: (f := feed.latest()) is not None and f is not first
                      and feed.state is TileState.LIVE, 15)
    assert engine.stats()["sessions"] == 1


@pytest.mark.rtsp
def test_a_recording_is_not_closed_when_hidden(
        make_engine: Callable[..., MediaEngine],
        rtsp_server: Callable[..., RtspServer]) -> None:
    """A recording's position lives in its session: it pauses decoding, keeps its session."""
    server = rtsp_server({"cam": {"kind": "file", "width": 320, "height": 180}})
    engine = make_engine(workers=1, keep_warm=0.2)
    feed = engine.open("t0", rtsp_source(server.url("cam")), size=(320, 180))  # no choice
    assert wait_until(lambda: feed.latest() is not None, 15)
    feed.set_visible(False)
    assert not wait_until(lambda: feed.deferred, 2)
    assert engine.stats()["sessions"] == 1
