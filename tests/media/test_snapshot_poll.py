"""Snapshot-only cameras: a JPEG URL polled at ``poll_hz``
with digest or basic auth, decoded by the pool's MJPEG decoder onto the tile."""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np
import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from tests.media.helpers import RECORDER, StateLog, wait_until

pytestmark = pytest.mark.timeout(60)
USER, PASSWORD = "admin", "mot-de-passe"


def _jpeg(n: int) -> bytes:
    img = np.full((120, 160, 3), (30 * n) % 256, np.uint8)
    ok, data = cv2.imencode(".jpg", img)
    assert ok
    return bytes(data)


@dataclass
class Camera:
    scheme: str  # "digest" | "basic"
    port: int = 0
    served: int = 0
    refused: int = 0
    headers: list[str] = field(default_factory=list)

    def authorised(self, header: str | None) -> bool:
        if header is None:
            return False
        if self.scheme == "basic":
            return header == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        f = dict(re.findall(r'(\w+)="?([^",]+)"?', header))
        ha1 = hashlib.md5(f"{USER}:cam:{PASSWORD}".encode()).hexdigest()
        ha2 = hashlib.md5(f"GET:{f.get('uri')}".encode()).hexdigest()
        want = hashlib.md5(f"{ha1}:{f.get('nonce')}:{f.get('nc')}:{f.get('cnonce')}:auth:{ha2}"
                           .encode()).hexdigest()
        return f.get("username") == USER and f.get("response") == want


@pytest.fixture()
def camera_http(request: pytest.FixtureRequest) -> Iterator[Callable[[str], Camera]]:
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(scheme: str) -> Camera:
        cam = Camera(scheme)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                auth = self.headers.get("Authorization")
                cam.headers.append(auth or "")
                if not cam.authorised(auth):
                    cam.refused += 1
                    self.send_response(401)
                    challenge = ('Digest realm="cam", nonce="n0nce", qop="auth"'
                                 if cam.scheme == "digest" else 'Basic realm="cam"')
                    self.send_header("WWW-Authenticate", challenge)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                cam.served += 1
                data = _jpeg(cam.served)
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_a: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        cam.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  daemon=True)
        thread.start()
        servers.append((server, thread))
        return cam

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(5)


def source(cam: Camera, hz: float = 5.0) -> StreamSource:
    return StreamSource(url=f"http://127.0.0.1:{cam.port}/snapshot.jpg", kind=SourceKind.SNAPSHOT,
                        camera_id="cam", recorder_id=RECORDER.id, poll_hz=hz,
                        credential_ref="recorder:snap")


@pytest.mark.parametrize("scheme", ["digest", "basic"])
def test_polls_jpeg_at_the_configured_rate(
        scheme: str, camera_http: Callable[[str], Camera],
        make_engine: Callable[..., MediaEngine]) -> None:
    cam = camera_http(scheme)
    engine = make_engine(ladder=False, credentials=lambda ref: (USER, PASSWORD))
    handle = engine.open("t1", source(cam, hz=5.0), size=(160, 120))
    assert wait_until(lambda: handle.latest() is not None, 10), handle.detail
    first = handle.latest()
    assert first is not None and (first.source_width, first.source_height) == (160, 120)
    served = cam.served
    wait_until(lambda: False, 1.0)
    # ~5 more in 1 s; wide margins for a shared machine, but clearly polling and bounded.
    assert 2 <= cam.served - served <= 8
    assert handle.state is TileState.LIVE
    assert all(PASSWORD not in h for h in cam.headers)


def test_wrong_password_makes_the_tile_unauthorised(
        camera_http: Callable[[str], Camera], make_engine: Callable[..., MediaEngine],
        states: StateLog) -> None:
    cam = camera_http("digest")
    engine = make_engine(ladder=False, credentials=lambda ref: (USER, "faux"))
    engine.open("t1", source(cam), size=(160, 120))
    assert wait_until(lambda: TileState.UNAUTHORISED in states.states("t1"), 10)
    assert cam.served == 0
    detail = [c[3] for c in states.calls if c[2] is TileState.UNAUTHORISED][0]
    assert "identifiants" in detail and "faux" not in detail


def test_silent_camera_is_unreachable(make_engine: Callable[..., MediaEngine],
                                      states: StateLog) -> None:
    engine = make_engine(ladder=False, open_timeout=0.5, read_timeout=0.5)
    src = StreamSource(url="http://127.0.0.1:9/snapshot.jpg", kind=SourceKind.SNAPSHOT,
                       camera_id="cam", recorder_id=RECORDER.id, poll_hz=1.0)
    engine.open("t1", src, size=(160, 120))
    assert wait_until(lambda: TileState.UNREACHABLE in states.states("t1"), 10)
