"""The RTSP client and snapshot polling answer SHA-256 and ``-sess`` digest challenges (the
one implementation, csu_wall/core/digest.py), against loopback servers that check the answer
by RFC 7616's formulas; a wrong password stays refused."""

from __future__ import annotations

import hashlib
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np
import pytest

from csu_wall.core.errors import RecorderAuthError
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.rtsp_client import RtspClient
from csu_wall.media.snapshot_poll import SnapshotReader

pytestmark = pytest.mark.timeout(60)
USER, PASSWORD, REALM, NONCE = "admin", "Secret-Pass-7", "cam", "n0nce-7616"
ALGORITHMS = ["SHA-256", "MD5-sess", "SHA-256-sess"]


def _valid(header: str, method: str, algorithm: str) -> bool:
    """The server's side of RFC 7616 §3.4.1/§3.4.2."""
    f = dict((m.group(1), m.group(2) or m.group(3))
             for m in re.finditer(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', header))
    name = "sha256" if algorithm.upper().startswith("SHA-256") else "md5"

    def h(text: str) -> str:
        return hashlib.new(name, text.encode()).hexdigest()

    a1 = h(f"{USER}:{REALM}:{PASSWORD}")
    if algorithm.endswith("-sess"):
        a1 = h(f"{a1}:{NONCE}:{f.get('cnonce')}")
    a2 = h(f"{method}:{f.get('uri')}")
    want = h(f"{a1}:{NONCE}:{f.get('nc')}:{f.get('cnonce')}:auth:{a2}")
    return f.get("username") == USER and f.get("qop") == "auth" and f.get("response") == want


def _challenge(algorithm: str) -> str:
    return f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm={algorithm}'


@pytest.fixture()
def rtsp_digest(request: pytest.FixtureRequest) -> Iterator[tuple[int, list[bool]]]:
    algorithm = request.param
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    verdicts: list[bool] = []

    def serve() -> None:
        conn, _ = sock.accept()
        conn.settimeout(5)
        buf = b""
        with conn:
            for _ in range(2):
                while b"\r\n\r\n" not in buf:
                    buf += conn.recv(4096)
                req, buf = buf.split(b"\r\n\r\n", 1)
                text = req.decode()
                cseq = re.search(r"CSeq: (\d+)", text).group(1)  # type: ignore[union-attr]
                auth = re.search(r"Authorization: (.*)", text)
                ok = auth is not None and _valid(auth.group(1), text.split()[0], algorithm)
                if auth is not None:
                    verdicts.append(ok)
                status = "200 OK" if ok else "401 Unauthorized"
                conn.sendall((f"RTSP/1.0 {status}\r\nCSeq: {cseq}\r\nWWW-Authenticate: "
                              f"{_challenge(algorithm)}\r\nContent-Length: 0\r\n\r\n").encode())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1], verdicts
    thread.join(5)
    sock.close()


@pytest.mark.parametrize("rtsp_digest", ALGORITHMS, indirect=True)
def test_rtsp_answers_sha256_and_sess_digest(rtsp_digest: tuple[int, list[bool]]) -> None:
    port, verdicts = rtsp_digest
    client = RtspClient(f"rtsp://127.0.0.1:{port}/a", timeout=5,
                        credentials=(USER, PASSWORD))
    try:
        client.connect()
        assert client.request("DESCRIBE", client.url, {}).status == 200
    finally:
        client.close()
    assert verdicts == [True]


def _jpeg() -> bytes:
    ok, data = cv2.imencode(".jpg", np.full((48, 64, 3), 90, np.uint8))
    assert ok
    return bytes(data)


@pytest.fixture()
def snapshot_camera(request: pytest.FixtureRequest) -> Iterator[tuple[int, list[bool]]]:
    algorithm = request.param
    verdicts: list[bool] = []
    picture = _jpeg()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            auth = self.headers.get("Authorization")
            if auth is not None:
                verdicts.append(_valid(auth, "GET", algorithm))
            if auth is None or not verdicts[-1]:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="cam"')
                self.send_header("WWW-Authenticate", _challenge(algorithm))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(picture)))
            self.end_headers()
            self.wfile.write(picture)

        def log_message(self, *_a: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield server.server_address[1], verdicts
    server.shutdown()
    server.server_close()
    thread.join(5)


def _reader(port: int, password: str) -> SnapshotReader:
    source = StreamSource(url=f"http://127.0.0.1:{port}/snap.jpg?ch=1",
                          kind=SourceKind.SNAPSHOT, camera_id="cam", recorder_id="nvr",
                          poll_hz=1.0, credential_ref="recorder:nvr")
    return SnapshotReader(source, (USER, password), open_timeout=5, read_timeout=5,
                          stop=threading.Event())


@pytest.mark.parametrize("snapshot_camera", ALGORITHMS, indirect=True)
def test_snapshot_polling_answers_sha256_and_sess_digest(
        snapshot_camera: tuple[int, list[bool]]) -> None:
    port, verdicts = snapshot_camera
    assert _reader(port, PASSWORD).fetch().startswith(b"\xff\xd8")
    assert verdicts == [True]  # digest chosen over the Basic challenge, answered once


@pytest.mark.parametrize("snapshot_camera", ["SHA-256"], indirect=True)
def test_snapshot_wrong_password_is_refused_after_one_try(
        snapshot_camera: tuple[int, list[bool]]) -> None:
    port, verdicts = snapshot_camera
    with pytest.raises(RecorderAuthError) as info:
        _reader(port, "faux-mot").fetch()
    assert "faux-mot" not in str(info.value)
    assert verdicts == [False]
