"""A wrong TLS certificate is terminal, like wrong credentials: the media
session shows the tile UNAUTHORISED with the French message naming ``csu-wall recorder trust``,
sends no request to the impostor and does not retry; and the pin is checked on EVERY
connection, so a certificate swapped between two connections of an HTTPS MJPEG source is
caught too."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.model import Camera, Recorder, StreamKind, StreamProfile
from csu_wall.media.backoff import Backoff
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.http import fingerprint
from csu_wall.recorders.registry import driver_for
from tests.media.helpers import wait_until
from tests.recorders.conftest import Certs, Start

pytestmark = pytest.mark.timeout(120)

PASSWORD = "Canary-Cert-5e2d"
BACKOFF = Backoff(base=0.1, cap=0.3)


@pytest.fixture()
def engine() -> Iterator[MediaEngine]:
    eng = MediaEngine(workers=1, on_state=lambda *a: None,
                      credentials={"recorder:enc": ("viewer", PASSWORD)}.get,
                      backoff=BACKOFF, open_timeout=3.0, read_timeout=3.0)
    yield eng
    eng.shutdown(timeout=3.0)
    assert eng.live_threads() == []


def _open(engine: MediaEngine, port: int, pin: str):  # type: ignore[no-untyped-def]
    rec = Recorder("enc", "c", "mjpeg", "127.0.0.1", http_port=port, tls_pin=pin,
                   scheme="https")
    cam = Camera("enc-cam1", "Caméra", "c", rec.id, channel=1,
                 sub=StreamProfile(path="/video{channel}.mjpg", width=320, height=180))
    src = driver_for(rec, clip_dir=Path("/nonexistent")).live_source(cam, StreamKind.SUB)
    assert src.prepare is not None and src.tls_pin == pin
    return engine.open("t", src, size=(160, 90))


def _assert_terminal(tile, server) -> None:  # type: ignore[no-untyped-def]
    assert wait_until(lambda: tile.state is TileState.UNAUTHORISED, 20), (tile.state, tile.detail)
    assert "csu-wall recorder trust enc" in tile.detail and "certificat" in tile.detail
    # The server counts a handshake in its own handler thread, which may lag the client's
    # view on a loaded machine: let the count of the refused attempt settle (at most 3 s).
    probes, settle_end = server.handshakes, time.monotonic() + 3.0
    while time.monotonic() < settle_end:
        time.sleep(0.5)
        if server.handshakes == probes:
            break
        probes = server.handshakes
    time.sleep(3 * BACKOFF.cap + 0.5)  # three times the longest back-off, and some
    assert server.handshakes == probes, "retried after a wrong certificate"
    assert tile.state is TileState.UNAUTHORISED


def test_an_impostor_certificate_is_terminal(vendor_server: Start, certificates: Certs,
                                             engine: MediaEngine) -> None:
    impostor = vendor_server("mjpeg", tls="other", password=PASSWORD)
    tile = _open(engine, impostor.port, fingerprint(certificates["good"][2]))
    _assert_terminal(tile, impostor)
    assert impostor.requests == []  # not one request, so not one credential
    assert impostor.handshakes == 1


def test_the_pin_is_checked_again_on_each_reconnection(
        vendor_server: Start, certificates: Certs, engine: MediaEngine) -> None:
    srv = vendor_server("mjpeg", tls="good", password=PASSWORD)
    tile = _open(engine, srv.port, fingerprint(certificates["good"][2]))
    assert wait_until(lambda: tile.state is TileState.LIVE and tile.latest() is not None, 30), (
        tile.state, tile.detail)
    served = len(srv.requests)
    srv.serve_certificate(certificates["other"][:2])  # an impostor takes the address...
    srv.cut.set()  # ...and the stream breaks: the session reconnects
    _assert_terminal(tile, srv)
    assert len(srv.requests) == served  # the reconnection sent nothing to the impostor
