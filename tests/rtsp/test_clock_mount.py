"""The ``clock`` mount of the loopback RTSP server: live video whose pixels carry the server's
wall clock (tests/rtsp/clockface.py), one IDR every second — what the playback scenario reads
to tell live from recorded on a tile."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import av
import pytest

from tests.rtsp.fixture import CLOCK_FPS, CLOCK_GOP, RtspServer
from tests.rtsp.timecode import read_time

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(60)]

OPTIONS = {"rtsp_transport": "tcp", "probesize": "32768"}


def test_clock_mount_shows_the_wall_clock_with_a_known_gop(
        rtsp_server: Callable[..., RtspServer]) -> None:
    server = rtsp_server({"clock": {"kind": "clock"}})
    lags: list[float] = []
    shown: list[datetime] = []
    keyframes: list[int] = []
    with av.open(server.url("clock"), options=OPTIONS, timeout=(5.0, 5.0)) as container:
        stream = container.streams.video[0]
        n = 0
        for packet in container.demux(stream):
            for frame in packet.decode():
                now = datetime.now(timezone.utc)
                when = read_time(frame.to_ndarray(format="bgr24"))
                shown.append(when)
                lags.append((now - when).total_seconds())
                if frame.key_frame:
                    keyframes.append(n)
                n += 1
            if n >= 3 * CLOCK_FPS + 1:
                break
    assert (frame.width, frame.height) == (320, 192)
    # the pixels say when: never ahead of our clock (same machine, frame numbers are floored);
    # the first frames, queued while the client set up, are at most one GOP + 1 s old, and
    # once caught up the lag stays under half a second
    print(f"clock mount lag: first {lags[0]:.3f} s, last second max {max(lags[-CLOCK_FPS:]):.3f} s")
    assert min(lags) >= -0.01, lags
    assert max(lags) <= CLOCK_GOP / CLOCK_FPS + 1.0, lags
    assert max(lags[-CLOCK_FPS:]) < 0.5, lags
    assert shown == sorted(shown)
    assert shown[-1] - shown[0] >= timedelta(seconds=2)
    # one IDR every CLOCK_GOP frames, from the first frame decoded
    gaps = {b - a for a, b in zip(keyframes, keyframes[1:], strict=False)}
    assert len(keyframes) >= 3 and gaps == {CLOCK_GOP}, keyframes


def test_a_stopped_clock_mount_sends_nothing(
        rtsp_server: Callable[..., RtspServer]) -> None:
    server = rtsp_server({"clock": {"kind": "clock"}})
    with av.open(server.url("clock"), options=OPTIONS, timeout=(5.0, 1.5)) as container:
        frames = container.decode(video=0)
        next(frames)
        server.stop_sending("clock")
        with pytest.raises(av.error.FFmpegError):
            for _ in range(10 * CLOCK_FPS):  # what was in flight, then the read timeout
                next(frames)
