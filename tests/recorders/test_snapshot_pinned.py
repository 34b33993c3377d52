"""Snapshot-only encoders over HTTPS with a pinned certificate (the loopback device with a
self-signed certificate): polled on the wall, each poll's connection checked against the pin
before the request is written; an impostor taking the address between two polls gets no
request at all and the tile says the certificate is not the approved one, without retrying."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.model import Camera, Recorder, StreamKind, StreamProfile
from csu_wall.core.ports import SourceKind
from csu_wall.media.engine import MediaEngine
from csu_wall.media.snapshot_poll import fingerprint
from csu_wall.recorders.mjpeg import MjpegDriver
from tests.media.helpers import wait_until
from tests.recorders.conftest import Certs, Start

pytestmark = pytest.mark.timeout(60)

CRED = {"recorder:enc": ("viewer", "Right-Pass-1")}
CAMERA = Camera("enc-c1", "Halle", "c", "enc", channel=1,
                sub=StreamProfile(width=320, height=180, fps=4))


@pytest.fixture()
def engine() -> Iterator[MediaEngine]:
    eng = MediaEngine(workers=1, ladder=False, credentials=CRED.get)
    yield eng
    eng.shutdown()


def test_pinned_https_snapshots_play_and_an_impostor_gets_nothing(
        vendor_server: Start, certificates: Certs, engine: MediaEngine) -> None:
    srv = vendor_server("snapshot", tls="good")
    pin = fingerprint(certificates["good"][2])
    rec = Recorder("enc", "c", "snapshot", "127.0.0.1", http_port=srv.port, tls_pin=pin)
    source = MjpegDriver(rec, CRED.get).live_source(CAMERA, StreamKind.SUB)
    assert source.kind is SourceKind.SNAPSHOT and source.url.startswith("https://")
    handle = engine.open("t1", source, size=(320, 180))
    assert wait_until(lambda: handle.latest() is not None, 15), handle.detail
    assert any(auth for path, auth in srv.requests if path == "/snapshot1.jpg")
    polls = len(srv.requests)
    assert wait_until(lambda: len(srv.requests) >= polls + 2, 5)  # polled again, pinned
    srv.serve_certificate(certificates["other"][:2])  # an impostor takes the address
    assert wait_until(lambda: handle.state is TileState.UNAUTHORISED, 10), handle.detail
    # Caught by the poll's own handshake (the reader's message), not by a reconnection's
    # certificate check (the driver's).
    assert handle.detail.startswith("Le certificat de la caméra n'est pas celui qui a été "
                                    "approuvé"), handle.detail
    seen = len(srv.requests)
    handshakes = srv.handshakes
    assert not wait_until(lambda: srv.handshakes > handshakes + 1, 2.0)  # no retry loop
    assert len(srv.requests) == seen  # the impostor never got a request


def test_fingerprint_is_written_as_the_site_file_pins(certificates: Certs) -> None:
    from csu_wall.recorders.http import fingerprint as recorders_fingerprint

    der = certificates["good"][2]
    assert fingerprint(der) == recorders_fingerprint(der)
