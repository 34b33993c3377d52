"""Self-tests of the loopback RTSP server fixture, with PyAV as the client (as csu-wall uses it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import av
import av.error
import pytest

from tests.rtsp.fixture import RtspServer, SilentServer

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(30)]

OPTIONS = {"rtsp_transport": "tcp", "probesize": "32768"}


def open_rtsp(url: str, read_timeout: float = 5.0) -> av.container.InputContainer:
    return av.open(url, options=OPTIONS, timeout=(5.0, read_timeout))


def reopen_rtsp(url: str, deadline: float = 5.0) -> av.container.InputContainer:
    """Opens again after a session died: the server answers 503 while it tears the shared
    media down (measured: a few hundred ms), so back off and retry, as the client must."""
    end = time.monotonic() + deadline
    while True:
        try:
            return open_rtsp(url)
        except av.error.HTTPServerError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


@dataclass
class Seen:
    """What a client saw: arrival times, sizes and pts of decoded frames, per-packet errors."""

    times: list[float] = field(default_factory=list)
    sizes: list[tuple[int, int]] = field(default_factory=list)
    pts: list[int | None] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)


def decode(container: av.container.InputContainer, seen: Seen, *, seconds: float = 0.0,
           frames: int = 0) -> Iterator[None]:
    """Decodes until ``seconds`` passed or ``frames`` more frames came; yields after each frame."""
    end = time.monotonic() + seconds if seconds else None
    target = len(seen.times) + frames if frames else None
    for packet in container.demux(container.streams.video[0]):
        try:
            decoded = packet.decode()
        except av.error.InvalidDataError as exc:  # one bad packet: the stream goes on
            seen.errors.append(exc)
            continue
        for frame in decoded:
            seen.times.append(time.monotonic())
            seen.sizes.append((frame.width, frame.height))
            seen.pts.append(frame.pts)
            yield
        if end is not None and time.monotonic() >= end:
            return
        if target is not None and len(seen.times) >= target:
            return


def run(container: av.container.InputContainer, seen: Seen, *, seconds: float = 0.0,
        frames: int = 0) -> Seen:
    for _ in decode(container, seen, seconds=seconds, frames=frames):
        pass
    return seen


def test_file_mount_paces_25_fps_in_real_time(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server: RtspServer = rtsp_server({"cam1": {"kind": "file", "gop": 25}})
    t0 = time.monotonic()
    with open_rtsp(server.url("cam1")) as c:
        seen = run(c, Seen(), frames=1)
        first = seen.times[0] - t0
        run(c, seen, seconds=4.0)
    # Skip the first second: frames read while probing arrive in a burst.
    window = [t for t in seen.times if seen.times[0] + 1.0 <= t < seen.times[0] + 4.0]
    fps = len(window) / 3.0
    print(f"file mount: first frame after {first:.2f} s, {fps:.1f} fps")
    assert first < 3.0
    assert 15 <= fps <= 40
    assert set(seen.sizes) == {(640, 360)}
    assert not seen.errors


def test_testsrc_mount_encodes_live(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"live": {"kind": "testsrc", "width": 320, "height": 240}})
    t0 = time.monotonic()
    with open_rtsp(server.url("live")) as c:
        seen = run(c, Seen(), frames=25)
    print(f"testsrc mount: 25 frames after {seen.times[-1] - t0:.2f} s")
    assert set(seen.sizes) == {(320, 240)}


def test_stop_sending_times_out_the_read_and_resume_flows_again(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file", "gop": 25}})
    with open_rtsp(server.url("cam1"), read_timeout=2.0) as c:
        seen = run(c, Seen(), frames=10)
        server.stop_sending("cam1")
        stopped_at = time.monotonic()
        with pytest.raises(av.error.ExitError) as info:
            run(c, seen, seconds=10.0)
        waited = time.monotonic() - stopped_at
    print(f"stop_sending: {type(info.value).__name__} after {waited:.2f} s (read timeout 2 s)")
    # Measured: after one read timeout FFmpeg hands out a last queued packet, the next read
    # then times out too: the client gives up after about twice its read timeout.
    assert 1.5 <= waited <= 5.5
    server.resume("cam1")
    with reopen_rtsp(server.url("cam1")) as c:
        seen = run(c, Seen(), frames=10)
    assert len(seen.times) >= 10


def test_resume_before_the_read_timeout_keeps_the_session(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file", "gop": 25}})
    with open_rtsp(server.url("cam1"), read_timeout=3.0) as c:
        seen = run(c, Seen(), frames=10)
        server.stop_sending("cam1")
        time.sleep(1.0)
        server.resume("cam1")
        before = len(seen.times)
        run(c, seen, frames=25)
    assert len(seen.times) >= before + 25


def test_freeze_and_thaw(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file", "gop": 25}})
    with open_rtsp(server.url("cam1"), read_timeout=2.0) as c:
        seen = run(c, Seen(), frames=10)
        server.freeze()
        time.sleep(1.0)  # shorter than the read timeout: the session survives
        server.thaw()
        run(c, seen, frames=25)
        server.freeze()
        frozen_at = time.monotonic()
        with pytest.raises(av.error.ExitError):
            run(c, seen, seconds=10.0)
        waited = time.monotonic() - frozen_at
        server.thaw()
    print(f"freeze: read gave up after {waited:.2f} s (read timeout 2 s)")
    assert waited <= 5.5
    with reopen_rtsp(server.url("cam1")) as c:
        assert len(run(c, Seen(), frames=5).times) >= 5


def test_silent_server_open_times_out(silent_rtsp_server: SilentServer) -> None:
    # FFmpeg reports the interrupted DESCRIBE as invalid data, not as ExitError.
    t0 = time.monotonic()
    with pytest.raises(av.error.InvalidDataError):
        av.open(silent_rtsp_server.url(), options=OPTIONS, timeout=(2.0, 2.0))
    waited = time.monotonic() - t0
    print(f"silent server: open gave up after {waited:.2f} s (open timeout 2 s)")
    assert waited <= 4.0


def test_refused_port_raises_connection_refused(refused_rtsp_url: str) -> None:
    with pytest.raises(av.error.ConnectionRefusedError) as info:
        av.open(refused_rtsp_url, options=OPTIONS, timeout=(2.0, 2.0))
    assert isinstance(info.value, ConnectionRefusedError)


def test_killed_server_ends_the_stream(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file", "gop": 25}})
    with open_rtsp(server.url("cam1"), read_timeout=2.0) as c:
        seen = run(c, Seen(), frames=10)
        server.kill()
        t0 = time.monotonic()
        n = len(seen.times)
        try:
            run(c, seen, seconds=10.0)
            outcome = "end of stream"
        except av.error.FFmpegError as exc:
            outcome = type(exc).__name__
    print(f"killed server: {outcome} after {time.monotonic() - t0:.2f} s, "
          f"{len(seen.times) - n} buffered frames")
    assert time.monotonic() - t0 < 5.0


def test_resolution_change_reaches_the_decoder(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"rc": {"kind": "resolution_change"}})
    with open_rtsp(server.url("rc")) as c:
        seen = Seen()
        for _ in decode(c, seen, seconds=10.0):
            if len(set(seen.sizes)) >= 2:
                break
    assert set(seen.sizes) == {(640, 360), (320, 240)}


def test_garbage_mount_errors_are_per_packet(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"bad": {"kind": "garbage", "every": 5}})
    with open_rtsp(server.url("bad")) as c:
        seen = run(c, Seen(), seconds=5.0)
    print(f"garbage mount: {len(seen.times)} frames, {len(seen.errors)} bad packets in 5 s")
    assert len(seen.times) >= 50
    assert seen.errors, "the corrupt slices should fail to decode"


def test_wrong_credentials_get_401(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file", "gop": 25}}, auth=("operateur", "s3cr:t/é"))
    with pytest.raises(av.error.HTTPUnauthorizedError):
        open_rtsp(server.url("cam1", "operateur", "wrong"))
    with pytest.raises(av.error.HTTPUnauthorizedError):
        open_rtsp(server.url("cam1"))
    with open_rtsp(server.url("cam1", "operateur", "s3cr:t/é")) as c:
        assert len(run(c, Seen(), frames=5).times) >= 5


def test_auth_on_one_mount_only(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({
        "open": {"kind": "file", "gop": 25},
        "locked": {"kind": "file", "gop": 25, "auth": ("u", "p")},
    })
    with pytest.raises(av.error.HTTPUnauthorizedError):
        open_rtsp(server.url("locked"))
    with open_rtsp(server.url("locked", "u", "p")) as c:
        assert len(run(c, Seen(), frames=5).times) >= 5
    with open_rtsp(server.url("open")) as c:
        assert len(run(c, Seen(), frames=5).times) >= 5
