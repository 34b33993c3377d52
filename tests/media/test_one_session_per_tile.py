"""One session per tile, one backoff per camera, against a real RTSP server that answers the
handshake, then sends RTP packets no decoder can make a picture of, then hangs up.

The tile never produces a frame: the ladder must not ask for the camera's other stream (that
was a parallel session with a fresh backoff every switch timeout), and demuxed packets must
not reset the backoff (only decoded frames for some seconds do), so the connections the
server sees follow the backoff's growing delays."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.model import StreamKind
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media import procpool, session
from csu_wall.media.backoff import Backoff
from csu_wall.media.engine import MediaEngine
from tests.media.helpers import wait_until
from tests.media.tiny_rtsp import TinyRtspServer

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(90)]
Make = Callable[..., MediaEngine]
BASE, CAP = 0.25, 2.0


class _Choice:
    """The camera's streams (both on the garbage server), counting what is asked."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.asked: list[StreamKind] = []

    def source_for(self, kind: StreamKind) -> StreamSource:
        self.asked.append(kind)
        return StreamSource(url=f"{self.url}-{kind.value}", kind=SourceKind.RTSP,
                            camera_id="cam-garbage", recorder_id="nvr", stream=kind)


@pytest.fixture()
def garbage_server(tmp_path: Path) -> Iterator[TinyRtspServer]:
    server = TinyRtspServer(tmp_path, "garbage", garbage_s=0.3)
    yield server
    server.close()


def test_a_tile_that_never_showed_a_frame_keeps_one_session_and_backs_off(
        make_engine: Make, garbage_server: TinyRtspServer) -> None:
    backoff = Backoff(base=BASE, cap=CAP, uniform=lambda low, high: high)  # the longest
    engine = make_engine(workers=1, backoff=backoff, open_timeout=3.0, read_timeout=3.0)
    choice = _Choice(garbage_server.url())
    # 480 px tall: the quality switcher wants the main stream once its interval (5 s) is
    # up; the tile starts on the sub stream (its site says so).
    tile = engine.open("t", choice.source_for(StreamKind.SUB), size=(768, 480), choice=choice)
    pending_seen = False
    deadline = time.monotonic() + 9.0
    while time.monotonic() < deadline:
        pending_seen |= tile.pending_kind is not None
        time.sleep(0.02)
    accepted = list(garbage_server.connections)
    print(f"garbage camera: {len(accepted)} connections in 9 s, gaps "
          f"{[round(b - a, 2) for a, b in zip(accepted, accepted[1:], strict=False)]}")
    assert garbage_server.rtp_packets > 0  # packets did come (and were demuxed)
    assert tile.latest() is None and tile.state is not TileState.LIVE
    # one session: the ladder never asked for the main stream, nothing pending ever
    assert choice.asked == [StreamKind.SUB] and not pending_seen
    # the connections follow the backoff: each gap at least the delay after that failure
    assert 4 <= len(accepted) <= 7
    for k, (a, b) in enumerate(zip(accepted, accepted[1:], strict=False)):
        assert b - a >= backoff.ceiling(k) - 0.05, (k, b - a)
    assert backoff.failures("nvr/cam-garbage") >= len(accepted) - 1


def test_decoded_frames_for_some_seconds_reset_the_cameras_backoff(
        make_engine: Make, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    """The other half: a real stream that decodes forgets the camera's failures once it has
    delivered frames for ``healthy_after`` seconds — not at its first packet."""
    server = rtsp_server({"cam": {"kind": "file", "width": 320, "height": 180, "gop": 25}})
    backoff = Backoff(base=BASE, cap=CAP, healthy_after=1.5)
    for _ in range(4):  # the camera failed four times before (another session, another tile)
        backoff.failed("nvr/cam", time.monotonic() - 100)
    engine = make_engine(workers=1, backoff=backoff)
    source = StreamSource(url=server.url("cam"), kind=SourceKind.RTSP, camera_id="cam",
                          recorder_id="nvr")
    tile = engine.open("t", source, size=(160, 90))
    assert wait_until(lambda: tile.latest() is not None, 10)
    first = time.monotonic()
    assert backoff.failures("nvr/cam") == 4  # the first frames are not enough
    assert wait_until(lambda: backoff.failures("nvr/cam") == 0, 5)
    assert time.monotonic() - first >= 1.5 - 0.3


def test_a_healthy_stream_read_in_its_decoder_process_leaves_its_thread_asleep(
        make_engine: Make, rtsp_server,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Its session looks at the decoded frames 4 times a second until the stream is healthy,
    then sleeps until the reader says something: 310 tiles waking 4 times a second held the
    interpreter lock away from the GUI thread. Closing the tile still ends it at once."""
    calls: list[float] = []  # each wait's timeout
    real = procpool.RemoteConnection.next_event

    def counted(self: procpool.RemoteConnection, timeout: float) -> object:
        calls.append(timeout)
        return real(self, timeout)

    monkeypatch.setattr(procpool.RemoteConnection, "next_event", counted)
    server = rtsp_server({"cam": {"kind": "file", "width": 320, "height": 180, "gop": 25}})
    backoff = Backoff(base=BASE, cap=CAP, healthy_after=1.0)
    backoff.failed("nvr/cam", time.monotonic() - 100)
    engine = make_engine(workers=1, decoders="process", backoff=backoff)
    source = StreamSource(url=server.url("cam"), kind=SourceKind.RTSP, camera_id="cam",
                          recorder_id="nvr")
    tile = engine.open("t", source, size=(160, 90))
    assert wait_until(lambda: tile.latest() is not None, 10)
    assert wait_until(lambda: backoff.failures("nvr/cam") == 0, 5)  # healthy
    assert wait_until(lambda: calls[-1] == session.REMOTE_IDLE_S, 3)  # its last short wait
    before, start = len(calls), time.monotonic()
    frames = tile.stats()["frames_decoded"]
    assert wait_until(lambda: tile.stats()["frames_decoded"] >= frames + 50, 10)  # 2 s
    elapsed = time.monotonic() - start
    assert elapsed >= 1.5
    assert len(calls) - before <= 1, f"{len(calls) - before} waits in {elapsed:.1f} s"
    closed_at = time.monotonic()
    engine.close("t")
    assert wait_until(lambda: not [t for t in engine.live_threads()
                                   if t.name.startswith("csu-media-reader-t")], 3)
    assert time.monotonic() - closed_at < 2.0


def test_a_second_session_of_the_camera_waits_for_the_cameras_backoff(
        make_engine: Make, garbage_server: TinyRtspServer) -> None:
    """Reopening the tile (or another tile on the camera) does not start afresh: its first
    connection waits until the camera's next attempt."""
    backoff = Backoff(base=1.0, cap=4.0, uniform=lambda low, high: high)
    engine = make_engine(workers=1, backoff=backoff, open_timeout=3.0, read_timeout=3.0)
    choice = _Choice(garbage_server.url())
    engine.open("t", choice.source_for(StreamKind.SUB), size=(160, 90))
    # the third failure: the camera's next attempt is 4 s away
    assert wait_until(lambda: backoff.failures("nvr/cam-garbage") >= 3, 15)
    engine.close("t")
    reopened = time.monotonic()
    seen = len(garbage_server.connections)
    wait = backoff.wait("nvr/cam-garbage", reopened)
    assert wait > 2.0
    engine.open("t", choice.source_for(StreamKind.SUB), size=(160, 90))
    assert wait_until(lambda: len(garbage_server.connections) > seen, wait + 5)
    assert garbage_server.connections[seen] - reopened >= wait - 0.1
