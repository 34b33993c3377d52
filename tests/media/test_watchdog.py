"""The stall watchdog's decisions on an injected clock (the real-server behaviour is in
test_stall_rtsp.py): armed only while a connection pumps, fires once no packet came for the
read timeout, and stays fired (latched) until the next connection."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media import _interrupt
from csu_wall.media.backoff import Backoff
from csu_wall.media.session import StreamSession


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    def now_utc(self) -> datetime:
        return datetime.now(timezone.utc)


def _session(clock: FakeClock, kind: SourceKind = SourceKind.RTSP) -> StreamSession:
    source = StreamSource(url="rtsp://127.0.0.1:1/x", kind=kind, camera_id="c",
                          recorder_id="r")
    return StreamSession("t", source, decoder=None, clock=clock,  # type: ignore[arg-type]
                         on_state=lambda s, d: None, credentials=None, open_timeout=2.0,
                         read_timeout=2.0, backoff=Backoff())


def test_the_watchdog_fires_after_the_read_timeout_and_stays_fired() -> None:
    clock = FakeClock()
    s = _session(clock)
    clock.now += 10.0
    assert not s._overdue()  # not armed: opening has its own timeout
    s._watching, s._last_packet_at = True, clock.now
    clock.now += 1.9
    assert not s._overdue()
    clock.now += 0.2
    assert s._overdue()
    s._last_packet_at = clock.now  # a packet FFmpeg hands on when interrupted...
    assert s._overdue()  # ...does not re-arm it
    s._watching = False
    assert not s._overdue()


def test_the_interrupting_clock_leaps_for_an_overdue_thread_only() -> None:
    assert _interrupt.install()
    import av.container.core as core

    fired = threading.Event()
    readings: dict[str, float] = {}

    def reader() -> None:
        _interrupt.register(threading.Event(), overdue=fired.is_set)
        try:
            readings["before"] = core.time.monotonic()  # type: ignore[attr-defined]
            fired.set()
            readings["after"] = core.time.monotonic()  # type: ignore[attr-defined]
        finally:
            _interrupt.unregister()

    t = threading.Thread(target=reader)
    t.start()
    t.join(5)
    assert readings["after"] - readings["before"] > 1e5  # the pending FFmpeg call times out
    other = core.time.monotonic()  # type: ignore[attr-defined]
    import time
    assert abs(other - time.monotonic()) < 1.0  # other threads see the real clock
