"""Live video from each recorder family through the media engine, against
the loopback RTSP server serving the vendors' URL shapes and the vendor HTTP server's MJPEG;
wrong credentials, a silent recorder, a wrong certificate and an unknown channel each give the
right tile state and French message, and no password shows in any log."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.model import Camera, Recorder, StreamKind
from csu_wall.core.ports import StreamSource
from csu_wall.media.backoff import Backoff
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.http import fingerprint
from csu_wall.recorders.registry import driver_for
from tests.recorders.conftest import Certs, Start
from tests.rtsp.fixture import SilentServer

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(120)]

RIGHT = "Canary-Right-8a1f"
WRONG = "Canary-Wrong-77c3"
CLIP = {"kind": "file", "width": 320, "height": 180, "gop": 25}
MOUNTS = {
    "Streaming/Channels/202": CLIP,  # Hikvision, channel 2, sub stream
    "cam/realmonitor": CLIP,  # Dahua: the query selects the channel
    "axis-media/media.amp": CLIP,  # Axis: the query selects view and resolution
    "live/2/sub": CLIP,  # generic RTSP with a path template
}
# tests/rtsp/server.py protects a request by the FIRST component of its path: without a mount
# of that name, a request for "Streaming/Channels/202" is served as anonymous and gets 404
# instead of the 401 that makes FFmpeg send its credentials. Reported for tests/rtsp/.
MOUNTS.update({first: CLIP for first in ("Streaming", "cam", "axis-media", "live")})


class States:
    def __init__(self) -> None:
        self.calls: list[tuple[str, TileState, str]] = []

    def __call__(self, tile_id: str, generation: int, state: TileState, detail: str) -> None:
        self.calls.append((tile_id, state, detail))

    def details(self) -> str:
        return "\n".join(d for _t, _s, d in list(self.calls))


@pytest.fixture()
def engine() -> Iterator[Callable[..., tuple[MediaEngine, States]]]:
    made: list[MediaEngine] = []

    def make(credentials: dict[str, tuple[str, str]]) -> tuple[MediaEngine, States]:
        states = States()
        e = MediaEngine(workers=2, on_state=states, credentials=credentials.get,
                        backoff=Backoff(base=0.05, cap=0.2), open_timeout=2.0,
                        read_timeout=2.0)
        made.append(e)
        return e, states

    yield make
    for e in made:
        e.shutdown(timeout=3.0)
        assert e.live_threads() == []


def _wait(predicate: Callable[[], object], timeout: float = 20.0) -> bool:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())


def _rec(driver: str, rtsp_port: int, http_port: int = 80, **kw: object) -> Recorder:
    return Recorder(f"{driver}-nvr", "c", driver, "127.0.0.1", rtsp_port=rtsp_port,
                    http_port=http_port, **kw)  # type: ignore[arg-type]


def _cam(rec: Recorder, channel: int = 2, sub_path: str = "") -> Camera:
    from csu_wall.core.model import StreamProfile

    return Camera(f"{rec.id}-cam{channel}", "Caméra", "c", rec.id, channel=channel,
                  sub=StreamProfile(path=sub_path, width=320, height=180))


def _source(rec: Recorder, cam: Camera) -> StreamSource:
    from pathlib import Path

    return driver_for(rec, clip_dir=Path("/nonexistent")).live_source(cam, StreamKind.SUB)


def test_each_family_plays_live_and_bad_cases_say_why(
        rtsp_server, vendor_server: Start, certificates: Certs,  # type: ignore[no-untyped-def]
        engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = rtsp_server(MOUNTS, auth=("viewer", RIGHT))
    pin = fingerprint(certificates["good"][2])
    mjpeg = vendor_server("mjpeg", tls="good", password=RIGHT)
    impostor = vendor_server("mjpeg", tls="other", password=RIGHT)
    recs = {
        "hik": _rec("hikvision", server.port),
        "dahua": _rec("dahua", server.port),
        "axis": _rec("axis", server.port),
        "rtsp": _rec("rtsp", server.port),
        "mjpeg": _rec("mjpeg", server.port, mjpeg.port, tls_pin=pin),
    }
    creds = {f"recorder:{r.id}": ("viewer", RIGHT) for r in recs.values()}
    eng, states = engine(creds)
    tiles = {}
    for name, rec in recs.items():
        cam = _cam(rec, sub_path="/live/{channel}/sub" if name == "rtsp" else "")
        src = _source(rec, cam)
        tiles[name] = eng.open(name, src, size=(160, 90))
    assert _wait(lambda: all(t.state is TileState.LIVE and t.latest() is not None
                             for t in tiles.values()), 40), [
        (n, t.state, t.detail) for n, t in tiles.items()]

    # Wrong credentials: terminal, French, one probe.
    bad_rec = _rec("hikvision", server.port)
    bad_eng, _bad_states = engine({f"recorder:{bad_rec.id}": ("viewer", WRONG)})
    bad = bad_eng.open("bad", _source(bad_rec, _cam(bad_rec)), size=(160, 90))
    # A silent recorder (accepts TCP, never answers).
    silent = SilentServer()
    try:
        quiet_rec = _rec("dahua", silent.port)
        quiet = eng.open("quiet", _source(quiet_rec, _cam(quiet_rec)), size=(160, 90))
        # A wrong certificate (an impostor on the MJPEG encoder's address).
        fake_rec = _rec("mjpeg", server.port, impostor.port, tls_pin=pin)
        fake = eng.open("fake", _source(fake_rec, _cam(fake_rec)), size=(160, 90))
        # An unknown channel (no mount for channel 9).
        lost_rec = recs["hik"]
        unknown = eng.open("unknown", _source(lost_rec, _cam(lost_rec, channel=9)),
                           size=(160, 90))
        assert _wait(lambda: bad.state is TileState.UNAUTHORISED, 20), (bad.state, bad.detail)
        assert "identifiant" in bad.detail
        assert _wait(lambda: quiet.state is TileState.UNREACHABLE, 20), quiet.detail
        assert "ne répond pas" in quiet.detail
        assert _wait(lambda: "certificat" in fake.detail, 20), (fake.state, fake.detail)
        assert fake.state is TileState.UNAUTHORISED and "approuvé" in fake.detail
        assert impostor.requests == []  # the impostor never saw a request, nor a password
        assert _wait(lambda: unknown.state is TileState.UNREACHABLE, 20), unknown.detail
        assert "n'existe pas" in unknown.detail
    finally:
        silent.sock.close()
    seen = caplog.text + states.details() + "\n".join(
        str(t.detail) for t in (*tiles.values(), bad, quiet, fake, unknown))
    for secret in (RIGHT, WRONG):
        assert secret not in seen and secret not in server.log()
