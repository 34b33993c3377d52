"""What a recorder sees of a wall: the session cap, one probe for wrong credentials, jittered
reconnections, one session per tile, and no password anywhere — against the real RTSP server,
counted by a relay in front of it (tests/media/relay.py)."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator

import av
import av.error
import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media import _errors
from csu_wall.media.backoff import Backoff
from csu_wall.media.engine import MediaEngine
from csu_wall.media.gate import DETAIL_CAP
from tests.media.helpers import StateLog, wait_until
from tests.media.relay import CountingRelay

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(60)]
Make = Callable[..., MediaEngine]
CLIP = {"kind": "file", "width": 320, "height": 180, "gop": 25}


def _rtsp(url: str, recorder: str = "nvr", ref: str | None = None) -> StreamSource:
    # one camera per mount: the backoff is per camera
    return StreamSource(url=url, kind=SourceKind.RTSP, camera_id=url.rsplit("/", 1)[-1],
                        recorder_id=recorder, credential_ref=ref)


@pytest.fixture()
def relays() -> Iterator[Callable[[int], CountingRelay]]:
    made: list[CountingRelay] = []

    def make(port: int) -> CountingRelay:
        made.append(CountingRelay(port))
        return made[-1]

    yield make
    for relay in made:
        relay.close()


def test_the_session_cap_holds_extra_tiles_until_a_slot_frees(
        make_engine: Make, rtsp_server, relays) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam": CLIP})
    relay = relays(server.port)
    engine = make_engine(workers=2)
    engine.set_recorder_cap("nvr", 2)
    tiles = [engine.open(f"t{i}", _rtsp(relay.url("cam")), size=(160, 90)) for i in range(4)]
    assert wait_until(lambda: sum(t.state is TileState.LIVE for t in tiles) == 2, 15)
    time.sleep(1.5)  # waiting tiles stay waiting: nobody sneaks past the cap
    live = [t for t in tiles if t.state is TileState.LIVE]
    waiting = [t for t in tiles if t.state is TileState.CONNECTING]
    assert len(live) == 2 and len(waiting) == 2
    assert all("limite de sessions de l'enregistreur atteinte" in t.detail.lower()
               for t in waiting) and waiting[0].detail == DETAIL_CAP
    assert all(t.stats()["probes"] == 0 for t in waiting)
    assert relay.open_now == 2 and relay.max_open == 2

    engine.close(live[0].tile_id)
    assert wait_until(lambda: sum(t.state is TileState.LIVE for t in waiting) == 1, 15)
    time.sleep(0.5)
    assert relay.max_open == 2, "the recorder saw more sessions than its cap"
    assert relay.accepted == 3
    assert engine.gate.holders("nvr") == 2


def test_wrong_credentials_are_probed_once_per_recorder_until_they_change(
        make_engine: Make, rtsp_server, relays) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam": CLIP}, auth=("viewer", "Right-Pass-1"))
    relay = relays(server.port)
    secrets = {"nvr:cred": ("viewer", "Wrong-Pass-9")}
    engine = make_engine(workers=2, credentials=secrets.get, ladder=False)
    tiles = [engine.open(f"t{i}", _rtsp(relay.url("cam"), ref="nvr:cred"), size=(160, 90))
             for i in range(4)]
    assert wait_until(lambda: all(t.state is TileState.UNAUTHORISED for t in tiles), 15)
    time.sleep(1.5)  # long enough for several backoff rounds (base 0.05 s): none happens
    assert sum(t.stats()["probes"] for t in tiles) == 1
    assert relay.accepted == 1, "the recorder saw more than one wrong-password attempt"
    assert all("identifiant" in t.detail for t in tiles)

    secrets["nvr:cred"] = ("viewer", "Right-Pass-1")
    engine.credentials_changed("nvr")
    assert wait_until(lambda: all(t.state is TileState.LIVE for t in tiles), 30), [
        (t.state, t.detail, t.stats()["probes"]) for t in tiles]
    assert all(t.latest() is not None for t in tiles)
    assert relay.accepted == 5  # the refused probe, then one session per tile


def test_reconnections_after_a_crash_are_jittered_and_one_session_per_tile(
        make_engine: Make, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({f"cam{i}": CLIP for i in range(8)})
    draws: list[tuple[str, float, float, float]] = []  # (reader, when, ceiling, delay)
    rng = random.Random(1234)
    lock = threading.Lock()

    def uniform(low: float, high: float) -> float:
        with lock:
            d = rng.uniform(low, high)
            draws.append((threading.current_thread().name, time.monotonic(), high, d))
        return d

    engine = make_engine(workers=2, backoff=Backoff(base=0.2, cap=1.0, uniform=uniform),
                         open_timeout=2.0, read_timeout=2.0)
    tiles = [engine.open(f"t{i}", _rtsp(server.url(f"cam{i}")), size=(160, 90))
             for i in range(8)]
    assert wait_until(lambda: all(t.state is TileState.LIVE for t in tiles), 20)
    draws.clear()
    server.kill()
    assert wait_until(lambda: len({d[0] for d in draws}) == 8, 10), draws
    with lock:
        first: dict[str, tuple[float, float]] = {}
        for name, when, _high, delay in draws:
            first.setdefault(name, (when, delay))
    retry_at = sorted(when + delay for when, delay in first.values())
    delays = sorted(delay for _when, delay in first.values())
    print(f"first reconnect delays: {[round(d, 3) for d in delays]}; "
          f"retry times spread over {retry_at[-1] - retry_at[0]:.3f} s")
    assert len(set(delays)) == 8  # each tile draws its own delay: no common schedule
    assert retry_at[-1] - retry_at[0] > 0.05
    assert all(0.0 <= d <= 0.2 for d in delays)  # full jitter within the first ceiling

    # Re-opening a tile replaces its session: reader threads do not pile up.
    for _ in range(10):
        for i in range(8):
            engine.open(f"t{i}", _rtsp(server.url(f"cam{i}")), size=(160, 90))
    readers = lambda: [t for t in engine.live_threads()  # noqa: E731
                       if t.name.startswith("csu-media-reader")]
    assert wait_until(lambda: len(readers()) == 8, 5), [t.name for t in readers()]
    assert engine.stats()["sessions"] == 8


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.mark.parametrize("password", ["Canary-Pw-31337", "Can@ry:p/w é%"])
def test_a_wrong_password_in_the_url_is_never_logged_shown_or_raised(
        make_engine: Make, rtsp_server, states: StateLog, password: str,  # type: ignore[no-untyped-def]
        caplog: pytest.LogCaptureFixture) -> None:
    from urllib.parse import quote

    server = rtsp_server({"cam": CLIP}, auth=("viewer", "Right-Pass-1"))
    url = server.url("cam", "viewer", password)  # user:pass@ in the URL, URL-encoded
    forms = {password, quote(password, safe=""), quote(password)}
    root = logging.getLogger()
    handler = _Collect()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        engine = make_engine(workers=1)
        h = engine.open("t1", _rtsp(url), size=(160, 90))
        assert wait_until(lambda: h.state is TileState.UNAUTHORISED, 15)
        try:
            av.open(url, options={"rtsp_transport": "tcp"}, timeout=(3.0, 3.0))
        except av.error.FFmpegError as exc:
            err = _errors.translate(exc)
            texts = [str(err), repr(err), str(err.__cause__), _errors.describe(exc)]
        else:  # pragma: no cover
            pytest.fail("the server accepted a wrong password")
        engine.shutdown()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    texts += handler.lines + [r.getMessage() for r in caplog.records]
    texts += [h.detail] + [c[3] for c in states.calls]
    assert any("t1" in t for t in handler.lines)  # the root handler did receive the logs
    for form in forms:
        leaks = [t for t in texts if form in t]
        assert not leaks, f"password form {form!r} leaked"
