"""Other real sources through the engine: HTTP MJPEG (FFmpeg's own server on loopback), and
privacy masks on the main and the sub stream of a real RTSP recorder.

Zoom and snapshot image paths do not exist yet: their mask tests are pending with them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.model import PrivacyMask, StreamKind
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from csu_wall.media.masks import MASK_BGRA
from tests.media.helpers import wait_until

pytestmark = pytest.mark.timeout(60)
Make = Callable[..., MediaEngine]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def mjpeg_url(small_clip: Path, tmp_path: Path) -> Iterator[str]:
    """FFmpeg serving the clip as multipart MJPEG to one client (PEERS.md), killed by PID."""
    if shutil.which("ffmpeg") is None or shutil.which("timeout") is None:
        pytest.skip("needs ffmpeg and timeout")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    with open(tmp_path / "ffmpeg-mjpeg.log", "wb") as log:
        proc = subprocess.Popen(
            ["timeout", "60", "ffmpeg", "-nostdin", "-loglevel", "error", "-re",
             "-stream_loop", "-1", "-i", str(small_clip), "-an", "-q:v", "5", "-f", "mpjpeg",
             "-content_type", "multipart/x-mixed-replace;boundary=ffmpeg", "-listen", "1",
             url], stdout=subprocess.DEVNULL, stderr=log)
    try:
        yield url
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)  # `timeout` forwards it to ffmpeg
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def test_an_http_mjpeg_stream_plays_at_the_tile_size(make_engine: Make, mjpeg_url: str) -> None:
    # No probe connection before the engine's: the server serves exactly one client; the
    # session retries (short backoff) until FFmpeg listens.
    engine = make_engine(workers=1, open_timeout=3.0, read_timeout=3.0)
    source = StreamSource(url=mjpeg_url, kind=SourceKind.HTTP, camera_id="c",
                          recorder_id="mjpeg-cam")
    h = engine.open("t1", source, size=(160, 90))
    assert wait_until(lambda: h.latest() is not None, 15), (h.state, h.detail)
    seq = h.latest().seq  # type: ignore[union-attr]
    assert wait_until(lambda: h.latest().seq >= seq + 20, 5)  # type: ignore[union-attr]
    frame = h.latest()
    assert frame is not None and frame.image.shape == (90, 160, 4)
    assert (frame.source_width, frame.source_height) == (320, 180)
    assert h.state is TileState.LIVE


@pytest.mark.rtsp
def test_masks_cover_the_main_and_the_sub_stream(make_engine: Make, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({
        "main": {"kind": "testsrc", "width": 640, "height": 360, "pattern": "smpte"},
        "sub": {"kind": "testsrc", "width": 320, "height": 180, "pattern": "smpte"},
    })
    mask = PrivacyMask(((0.5, 0.0), (1.0, 0.0), (1.0, 0.5), (0.5, 0.5)))  # top-right quarter
    engine = make_engine(workers=2)
    handles = {}
    for kind in (StreamKind.MAIN, StreamKind.SUB):
        source = StreamSource(url=server.url(kind.value), kind=SourceKind.RTSP,
                              camera_id="c", recorder_id="nvr", stream=kind)
        handles[kind] = engine.open(f"t-{kind.value}", source, size=(320, 180), masks=[mask])
    for kind, h in handles.items():
        assert wait_until(lambda h=h: h.latest() is not None, 15), kind  # type: ignore[misc]
        for _ in range(3):  # several frames: the mask is on every one
            seq = h.latest().seq  # type: ignore[union-attr]
            assert wait_until(lambda h=h, s=seq: h.latest().seq > s, 3)  # type: ignore[misc,union-attr]
            img = h.latest().image  # type: ignore[union-attr]
            masked = img[1:89, 161:319]
            assert np.all(masked == np.array(MASK_BGRA, dtype=np.uint8)), kind
            # The smpte bars outside the mask are not the mask's colour.
            assert not np.all(img[100:179, 0:160] == np.array(MASK_BGRA, dtype=np.uint8))
