"""Stall detection within the read timeout: a source that keeps its TCP
connection open but sends nothing — a mount that stops sending, a SIGSTOPped server — puts
ITS tile in STALLED within about the read timeout (the watchdog on the last packet), and no
other tile. Before the watchdog it took about twice the read timeout; the bound asserted here
(read timeout + 2 s) is still below that, with room for a loaded machine."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from tests.media.helpers import wait_until

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(90)]
Make = Callable[..., MediaEngine]
CLIP = {"kind": "file", "width": 320, "height": 180, "gop": 25}
READ_TIMEOUT = 3.0
MARGIN = 2.0  # s: poll period, GIL waits and a loaded 2-core machine


class TimedStates:
    """on_state recording when each tile first entered each state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.first: dict[tuple[str, TileState], float] = {}
        self.seen: dict[str, set[TileState]] = {}

    def __call__(self, tile_id: str, generation: int, state: TileState, detail: str) -> None:
        with self._lock:
            self.first.setdefault((tile_id, state), time.monotonic())
            self.seen.setdefault(tile_id, set()).add(state)

    def since(self, tile_id: str, state: TileState, t0: float) -> float | None:
        at = self.first.get((tile_id, state))
        return None if at is None else at - t0

    def reset(self) -> None:
        with self._lock:
            self.first.clear()
            self.seen.clear()


def _rtsp(url: str, recorder: str) -> StreamSource:
    return StreamSource(url=url, kind=SourceKind.RTSP, camera_id="c", recorder_id=recorder)


def test_stop_sending_is_stalled_within_the_read_timeout_on_its_tile_only(
        make_engine: Make, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"a": CLIP, "b": CLIP})
    states = TimedStates()
    engine = make_engine(workers=2, open_timeout=3.0, read_timeout=READ_TIMEOUT,
                         on_state=states)
    ta = engine.open("ta", _rtsp(server.url("a"), "nvr"), size=(160, 90))
    tb = engine.open("tb", _rtsp(server.url("b"), "nvr"), size=(160, 90))
    assert wait_until(lambda: ta.state is TileState.LIVE and tb.state is TileState.LIVE, 15)
    states.reset()

    server.stop_sending("a")
    t0 = time.monotonic()
    assert wait_until(lambda: states.since("ta", TileState.STALLED, t0) is not None,
                      READ_TIMEOUT + MARGIN)
    detected = states.since("ta", TileState.STALLED, t0)
    assert detected is not None
    print(f"stop_sending: STALLED after {detected:.2f} s (read timeout {READ_TIMEOUT} s)")
    assert detected <= READ_TIMEOUT + MARGIN
    assert detected >= 0.5 * READ_TIMEOUT  # not a false alarm on a healthy stream
    assert tb.state is TileState.LIVE and states.seen.get("tb", set()) <= {TileState.LIVE}


def test_sigstop_is_stalled_within_the_read_timeout_and_other_tiles_play_on(
        make_engine: Make, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    healthy = rtsp_server({"h": CLIP})
    doomed = rtsp_server({"d": CLIP})
    states = TimedStates()
    engine = make_engine(workers=2, open_timeout=3.0, read_timeout=READ_TIMEOUT,
                         on_state=states)
    th = engine.open("th", _rtsp(healthy.url("h"), "nvr-a"), size=(160, 90))
    td = engine.open("td", _rtsp(doomed.url("d"), "nvr-b"), size=(160, 90))
    assert wait_until(lambda: th.state is TileState.LIVE and td.state is TileState.LIVE, 15)
    states.reset()

    doomed.freeze()
    try:
        t0 = time.monotonic()
        seq = th.latest().seq  # type: ignore[union-attr]
        assert wait_until(lambda: states.since("td", TileState.STALLED, t0) is not None,
                          READ_TIMEOUT + MARGIN)
        detected = states.since("td", TileState.STALLED, t0)
        assert detected is not None
        print(f"SIGSTOP: STALLED after {detected:.2f} s (read timeout {READ_TIMEOUT} s)")
        assert detected <= READ_TIMEOUT + MARGIN
        assert th.state is TileState.LIVE and states.seen.get("th", set()) <= {TileState.LIVE}
        assert th.latest().seq >= seq + 25  # type: ignore[union-attr]
    finally:
        doomed.thaw()


@pytest.fixture()
def silent_after_play(tmp_path):  # type: ignore[no-untyped-def]
    from tests.media.tiny_rtsp import TinyRtspServer

    server = TinyRtspServer(tmp_path, "silent")
    yield server
    server.close()


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_silent_right_after_play_is_stalled_within_the_read_timeout_of_its_last_byte(
        make_engine: Make, silent_after_play, transport: str) -> None:  # type: ignore[no-untyped-def]
    """A server that answers OPTIONS, DESCRIBE, SETUP and PLAY, then sends nothing: the tile
    is STALLED within the read timeout of that PLAY answer (its last byte), though the open
    timeout is much longer — the probing phase is watched too, over TCP or UDP."""
    states = TimedStates()
    read_timeout, open_timeout = 2.0, 8.0
    engine = make_engine(workers=1, open_timeout=open_timeout, read_timeout=read_timeout,
                         on_state=states)
    t0 = time.monotonic()
    source = replace(_rtsp(silent_after_play.url(), "nvr"), transport=transport)
    engine.open("t", source, size=(160, 90))
    assert wait_until(lambda: states.since("t", TileState.STALLED, t0) is not None,
                      open_timeout + read_timeout + MARGIN)
    stalled = states.first[("t", TileState.STALLED)]
    last_byte = silent_after_play.played[0]
    print(f"silent after PLAY ({transport}): STALLED {stalled - last_byte:.2f} s after PLAY "
          f"(read timeout {read_timeout} s, open timeout {open_timeout} s)")
    assert 0.5 * read_timeout <= stalled - last_byte <= read_timeout + MARGIN
    assert TileState.LIVE not in states.seen["t"]
