"""Every fault mode of the media issue's point 5, each against its own real RTSP server (or
servers) and with its own timeout. Deadlines carry generous margins; the figures printed
(``-s``) are the measured ones."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine, TileStream
from tests.media.helpers import StateLog, file_source, wait_until
from tests.media.relay import CountingRelay

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(90)]
Make = Callable[..., MediaEngine]
CLIP = {"kind": "file", "width": 320, "height": 180, "gop": 25}
MARGIN = 2.0  # s added to every deadline: a loaded 2-core CI machine


def _rtsp(url: str, recorder: str = "nvr") -> StreamSource:
    return StreamSource(url=url, kind=SourceKind.RTSP, camera_id="c", recorder_id=recorder)


def _distinct_frames(handles: Sequence[TileStream], seconds: float) -> list[int]:
    """Distinct frames each tile showed, polling latest() every 10 ms like a render timer."""
    seen: list[set[int]] = [set() for _ in handles]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for i, h in enumerate(handles):
            if (f := h.latest()) is not None:
                seen[i].add(f.seq)
        time.sleep(0.01)
    return [len(s) for s in seen]


def test_a_mount_that_stops_sending_stalls_its_tile_only_then_recovers(
        make_engine: Make, rtsp_server, states: StateLog) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"a": CLIP, "b": CLIP})
    read_timeout = 1.5
    engine = make_engine(workers=2, open_timeout=3.0, read_timeout=read_timeout)
    ta = engine.open("ta", _rtsp(server.url("a")), size=(160, 90))
    tb = engine.open("tb", _rtsp(server.url("b")), size=(160, 90))
    assert wait_until(lambda: ta.state is TileState.LIVE and tb.state is TileState.LIVE, 15)

    seen_before = len(states.states("ta"))
    server.stop_sending("a")
    t0 = time.monotonic()
    # within the read timeout (the stall watchdog), not twice it (test_stall_rtsp.py). The
    # state log, not the tile's current state: the engine reconnects at once, so STALLED may
    # last less than one poll (the server then answers 503 while it tears the media down).
    assert wait_until(lambda: TileState.STALLED in states.states("ta")[seen_before:],
                      read_timeout + MARGIN)
    detected = time.monotonic() - t0
    b_seq = tb.latest().seq  # type: ignore[union-attr]
    time.sleep(1.0)
    assert tb.state is TileState.LIVE and tb.latest().seq >= b_seq + 15  # type: ignore[union-attr]
    assert TileState.STALLED not in states.states("tb")
    stalled = [c[3] for c in list(states.calls) if c[0] == "ta" and c[2] is TileState.STALLED]
    assert "reçoit plus d'images" in stalled[0]

    server.resume("a")
    t1 = time.monotonic()
    # past the server's 503 answers and the tile's backoff
    assert wait_until(lambda: ta.state is TileState.LIVE, 30)
    print(f"stop_sending: STALLED after {detected:.2f} s (read timeout {read_timeout} s), "
          f"LIVE again {time.monotonic() - t1:.2f} s after resume")


def test_sigstop_two_of_sixteen_sources_the_fourteen_keep_their_frame_rate(
        make_engine: Make, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    healthy = rtsp_server({f"cam{i}": CLIP for i in range(14)})
    doomed = rtsp_server({f"cam{i}": CLIP for i in range(2)})
    read_timeout = 1.5
    engine = make_engine(workers=2, open_timeout=3.0, read_timeout=read_timeout)
    good = [engine.open(f"g{i}", _rtsp(healthy.url(f"cam{i}"), "nvr-a"), size=(160, 90))
            for i in range(14)]
    bad = [engine.open(f"b{i}", _rtsp(doomed.url(f"cam{i}"), "nvr-b"), size=(160, 90))
           for i in range(2)]
    assert wait_until(lambda: all(t.state is TileState.LIVE for t in good + bad), 30)
    time.sleep(1.0)  # past the first-second burst of probing

    doomed.freeze()
    t0 = time.monotonic()
    counts = _distinct_frames(good, 3.0)
    fps = [n / 3.0 for n in counts]
    assert wait_until(lambda: all(t.state is TileState.STALLED for t in bad),
                      2 * read_timeout + MARGIN - (time.monotonic() - t0))
    stalled_after = time.monotonic() - t0  # an upper bound: the 3 s window came first
    print(f"SIGSTOP 2/16: the 14 showed {min(fps):.1f}–{max(fps):.1f} fps "
          f"(mean {sum(fps) / 14:.1f}); the 2 STALLED by {stalled_after:.2f} s")
    assert min(fps) >= 20, fps
    assert all(t.state is TileState.LIVE for t in good)
    doomed.thaw()


def test_a_silent_server_is_unreachable_within_the_open_timeout(
        make_engine: Make, silent_rtsp_server) -> None:  # type: ignore[no-untyped-def]
    open_timeout = 1.5
    engine = make_engine(workers=1, open_timeout=open_timeout, read_timeout=open_timeout)
    t0 = time.monotonic()
    h = engine.open("t1", _rtsp(silent_rtsp_server.url()), size=(160, 90))
    assert wait_until(lambda: h.state in (TileState.UNREACHABLE, TileState.STALLED),
                      open_timeout + MARGIN)
    detected = time.monotonic() - t0
    assert wait_until(lambda: h.stats()["probes"] >= 2, 2 * open_timeout + MARGIN)
    t1 = time.monotonic()  # the second DESCRIBE hangs now
    engine.close("t1")
    closed = time.monotonic() - t1
    print(f"silent server: UNREACHABLE after {detected:.2f} s, closed in {closed:.3f} s")
    assert closed < 3.5


def test_a_refused_port_is_unreachable_and_retried_with_growing_backoff(
        make_engine: Make, refused_rtsp_url: str) -> None:
    from csu_wall.media.backoff import Backoff

    ceilings: list[float] = []

    def uniform(low: float, high: float) -> float:
        ceilings.append(high)
        return high / 2

    engine = make_engine(workers=1, backoff=Backoff(base=0.02, cap=0.16, uniform=uniform))
    h = engine.open("t1", _rtsp(refused_rtsp_url), size=(160, 90))
    assert wait_until(lambda: len(ceilings) >= 6, 10)
    assert h.state is TileState.UNREACHABLE
    assert ceilings[:5] == [0.02, 0.04, 0.08, 0.16, 0.16]  # capped exponential


def test_a_resolution_change_mid_stream_keeps_frames_at_the_tile_size(
        make_engine: Make, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"rc": {"kind": "resolution_change"}})
    engine = make_engine(workers=1, ladder=False)  # frame counts: no degradation
    h = engine.open("t1", _rtsp(server.url("rc")), size=(160, 90))
    sources: set[tuple[int, int]] = set()
    shapes: set[tuple[int, ...]] = set()
    last_seq = 0
    start = time.monotonic()
    while time.monotonic() < start + 10.0 and not (
            len(sources) >= 2 and time.monotonic() > start + 3.0):
        f = h.latest()
        if f is not None and f.seq != last_seq:
            last_seq = f.seq
            sources.add((f.source_width, f.source_height))
            shapes.add(f.image.shape)
        time.sleep(0.01)
    assert sources == {(640, 360), (320, 240)}
    # each resolution fitted in the 160×90 tile with its own aspect ratio (letterboxed)
    assert shapes == {(90, 160, 4), (90, 120, 4)}
    seq = h.latest().seq  # type: ignore[union-attr]
    assert wait_until(lambda: h.latest().seq >= seq + 25, 6)  # type: ignore[union-attr]
    assert h.state is TileState.LIVE


def test_garbage_nal_units_do_not_stop_the_frames(make_engine: Make, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"bad": {"kind": "garbage", "every": 5, "width": 320,
                                  "height": 180}})
    engine = make_engine(workers=1, ladder=False)  # frame counts: no degradation
    h = engine.open("t1", _rtsp(server.url("bad")), size=(160, 90))
    assert wait_until(lambda: h.latest() is not None, 10)
    n = _distinct_frames([h], 4.0)[0]
    print(f"garbage mount: {n} frames in 4 s, {h.stats()['decode_errors']} undecodable packets")
    assert n >= 40
    assert h.state is TileState.LIVE
    assert engine.live_threads()  # workers alive: no crash


def test_a_killed_server_is_lost_then_played_again_when_it_comes_back(
        make_engine: Make, rtsp_server, states: StateLog) -> None:  # type: ignore[no-untyped-def]
    # The relay keeps the recorder's address while the server behind it dies and restarts
    # (a new gst-rtsp-server cannot be given the old port by the fixture).
    first = rtsp_server({"cam": CLIP})
    relay = CountingRelay(first.port)
    try:
        engine = make_engine(workers=1, open_timeout=2.0, read_timeout=2.0)
        h = engine.open("t1", _rtsp(relay.url("cam")), size=(160, 90))
        assert wait_until(lambda: h.state is TileState.LIVE, 15)
        first.kill()
        t0 = time.monotonic()
        assert wait_until(lambda: h.state in (TileState.LOST, TileState.UNREACHABLE), 5)
        lost_after = time.monotonic() - t0
        assert TileState.LOST in states.states("t1")
        second = rtsp_server({"cam": CLIP})
        relay.switch(second.port)
        t1 = time.monotonic()
        seq = h.latest().seq if h.latest() else 0  # type: ignore[union-attr]
        assert wait_until(lambda: h.state is TileState.LIVE, 15)
        assert wait_until(lambda: h.latest().seq > seq + 10, 5)  # type: ignore[union-attr]
        print(f"killed server: LOST after {lost_after:.2f} s, playing "
              f"{time.monotonic() - t1:.2f} s after it came back")
    finally:
        relay.close()


def test_close_and_shutdown_with_hung_sources_finish_within_3_s(
        make_engine: Make, rtsp_server, silent_rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({f"cam{i}": CLIP for i in range(3)})
    engine = make_engine(workers=2, open_timeout=5.0, read_timeout=5.0)
    tiles = [engine.open(f"t{i}", _rtsp(server.url(f"cam{i}")), size=(160, 90))
             for i in range(3)]
    engine.open("silent", _rtsp(silent_rtsp_server.url(), "other"), size=(160, 90))
    assert wait_until(lambda: all(t.state is TileState.LIVE for t in tiles), 15)
    server.freeze()
    time.sleep(0.5)  # the readers are now blocked in a read that would last 5 s
    t0 = time.monotonic()
    engine.close("t0")
    closed = time.monotonic() - t0
    t1 = time.monotonic()
    engine.shutdown(timeout=3.0)
    shut = time.monotonic() - t1
    print(f"hung sources: close {closed:.3f} s, shutdown {shut:.3f} s")
    assert closed < 3.5
    assert shut < 3.5
    assert engine.live_threads() == []
    server.thaw()


def test_a_looping_file_plays_on_across_its_timestamp_reset(make_engine: Make,
                                                            clip_dir: Path) -> None:
    from csu_wall.recorders._clip import encode_clip

    short = clip_dir / "one-second-loop.mp4"
    if not short.exists():
        encode_clip(short, "tst-loop", "Boucle", 160, 90, seconds=1)  # pts 0..0.96 s, again
    engine = make_engine(workers=1, ladder=False)  # frame counts: no degradation
    h = engine.open("t1", file_source(short), size=(160, 90))
    assert wait_until(lambda: h.latest() is not None, 5)
    arrivals: list[float] = []
    pts: list[float | None] = []
    last = 0
    end = time.monotonic() + 3.5
    while time.monotonic() < end:
        f = h.latest()
        if f is not None and f.seq != last:
            last = f.seq
            arrivals.append(time.monotonic())
            pts.append(f.pts)
        time.sleep(0.005)
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    resets = sum(1 for a, b in zip(pts, pts[1:], strict=False)
                 if a is not None and b is not None and b < a)
    print(f"loop: {len(arrivals)} frames in 3.5 s, {resets} timestamp resets, "
          f"largest gap {max(gaps) * 1000:.0f} ms")
    assert resets >= 2  # the clip looped (its timestamps went back to 0) at least twice
    assert len(arrivals) >= 60
    assert max(gaps) < 0.3  # no freeze at the loop point
