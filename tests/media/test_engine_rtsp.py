"""The engine against a real loopback RTSP server (gst-rtsp-server) and its faults."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from tests.media.helpers import StateLog, wait_until

pytestmark = pytest.mark.rtsp
Make = Callable[..., MediaEngine]


def _rtsp(url: str, ref: str | None = None) -> StreamSource:
    return StreamSource(url=url, kind=SourceKind.RTSP, camera_id="c", recorder_id="r",
                        credential_ref=ref)


def test_a_live_rtsp_stream_plays(make_engine: Make, rtsp_server, states: StateLog) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file"}})
    engine = make_engine(workers=2)
    h = engine.open("t1", _rtsp(server.url("cam1")), size=(320, 180))
    assert wait_until(lambda: h.latest() is not None, 10)
    first = h.latest().seq  # type: ignore[union-attr]
    assert wait_until(lambda: h.latest().seq >= first + 10, 3)  # type: ignore[union-attr]
    assert h.latest().image.shape == (180, 320, 4)  # type: ignore[union-attr]
    assert states.states("t1")[:2] == [TileState.CONNECTING, TileState.LIVE]


def test_right_credentials_play_wrong_ones_are_terminal_and_never_logged(
        make_engine: Make, rtsp_server, states: StateLog,  # type: ignore[no-untyped-def]
        caplog: pytest.LogCaptureFixture) -> None:
    server = rtsp_server({"cam1": {"kind": "file"}}, auth=("viewer", "Tr0ub4dor&3"))
    secrets = {"recorder:good": ("viewer", "Tr0ub4dor&3"), "recorder:bad": ("viewer", "WrongPw77")}
    engine = make_engine(workers=2, credentials=secrets.get)
    caplog.set_level(logging.DEBUG)
    good = engine.open("good", _rtsp(server.url("cam1"), "recorder:good"), size=(160, 90))
    bad = engine.open("bad", _rtsp(server.url("cam1"), "recorder:bad"), size=(160, 90))
    assert wait_until(lambda: good.latest() is not None, 10)
    assert wait_until(lambda: bad.state is TileState.UNAUTHORISED, 10)
    assert "identifiant" in bad.detail
    time.sleep(0.5)
    assert bad.stats()["attempts"] == 0  # one probe, no retry: the NVR account is not locked
    assert states.states("bad")[-1] is TileState.UNAUTHORISED
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "WrongPw77" not in text and "Tr0ub4dor" not in text


def test_a_silent_server_is_unreachable_after_the_open_timeout_and_closes_fast(
        make_engine: Make, silent_rtsp_server) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(workers=1, open_timeout=1.0, read_timeout=1.0)
    h = engine.open("t1", _rtsp(silent_rtsp_server.url()), size=(160, 90))
    assert wait_until(lambda: h.state is TileState.UNREACHABLE, 5)
    t0 = time.monotonic()
    engine.close("t1")
    assert time.monotonic() - t0 < 1.0


def test_a_refused_connection_is_unreachable(make_engine: Make,
                                             refused_rtsp_url: str) -> None:
    engine = make_engine(workers=1)
    h = engine.open("t1", _rtsp(refused_rtsp_url), size=(160, 90))
    assert wait_until(lambda: h.state is TileState.UNREACHABLE and h.stats()["attempts"] >= 2, 5)


def test_a_frozen_server_makes_the_tile_stalled_then_it_recovers(
        make_engine: Make, rtsp_server, states: StateLog) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file"}})
    engine = make_engine(workers=1, open_timeout=1.0, read_timeout=1.0)
    h = engine.open("t1", _rtsp(server.url("cam1")), size=(160, 90))
    assert wait_until(lambda: h.state is TileState.LIVE, 10)
    server.freeze()
    try:
        assert wait_until(lambda: TileState.STALLED in states.states("t1"), 5)
    finally:
        server.thaw()
    assert wait_until(lambda: h.state is TileState.LIVE, 15)
