"""Live RTSP streams read inside the decoder processes (csu_wall/media/procpool.py,
``decoders="process"``): no packet crosses the pipe, the session in this process still owns
the tile's states (a stall within the read timeout, the credentials' refusal probed once),
and the password never reaches a log record of this process. Against the real RTSP server,
decoder processes started with ``spawn``."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest

from csu_wall.core.frames import TileState
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from csu_wall.media.procpool import ProcessDecodePool, ProcStreamDecoder
from tests.media.helpers import StateLog, wait_until

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(90)]
Make = Callable[..., MediaEngine]
CLIP = {"kind": "file", "width": 320, "height": 180, "gop": 25}
READ_TIMEOUT = 3.0
PASSWORD = "Sesame-Ouvre-Toi-42"


def _rtsp(url: str, camera: str, ref: str | None = None) -> StreamSource:
    return StreamSource(url=url, kind=SourceKind.RTSP, camera_id=camera, recorder_id="nvr",
                        credential_ref=ref)


def test_packets_stay_in_the_decoder_process_and_a_stall_is_said_here(
        make_engine: Make, rtsp_server, states: StateLog) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"a": CLIP, "b": CLIP})
    engine = make_engine(workers=2, decoders="process", open_timeout=3.0,
                         read_timeout=READ_TIMEOUT)
    assert isinstance(engine.pool, ProcessDecodePool) and engine.pool.remote_readers
    ta = engine.open("ta", _rtsp(server.url("a"), "a"), size=(160, 90))
    tb = engine.open("tb", _rtsp(server.url("b"), "b"), size=(160, 90))
    assert wait_until(lambda: ta.state is TileState.LIVE and tb.state is TileState.LIVE, 20)
    seqs: set[int] = set()
    assert wait_until(lambda: seqs.add(ta.latest().seq) or len(seqs) > 20, 10)  # type: ignore
    decoder = ta._decoder
    assert isinstance(decoder, ProcStreamDecoder)
    assert wait_until(lambda: decoder.packets_in > 20, 5)  # demuxed there, counted here
    assert decoder._sent == 0  # ... and not one packet sent over the pipe
    assert engine.stats()["frames_decoded"] > 20

    server.stop_sending("a")
    t0 = time.monotonic()
    assert wait_until(lambda: ta.state is TileState.STALLED, READ_TIMEOUT + 2.0)
    assert time.monotonic() - t0 >= 0.5 * READ_TIMEOUT
    assert "ne reçoit plus d'images" in ta.detail
    assert tb.state is TileState.LIVE


def test_credentials_go_to_the_process_and_never_into_logs(
        make_engine: Make, rtsp_server, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam": CLIP}, auth=("viewer", PASSWORD))
    secrets = {"nvr:cred": ("viewer", "Wrong-" + PASSWORD)}
    engine = make_engine(workers=1, decoders="process", credentials=secrets.get, ladder=False)
    caplog.set_level(logging.DEBUG)
    tiles = [engine.open(f"t{i}", _rtsp(server.url("cam"), f"c{i}", "nvr:cred"),
                         size=(160, 90)) for i in range(3)]
    assert wait_until(lambda: all(t.state is TileState.UNAUTHORISED for t in tiles), 20)
    assert all("identifiant" in t.detail for t in tiles)
    time.sleep(0.5)  # no tile probes behind the refused one
    assert sum(t.stats()["probes"] for t in tiles) == 1

    secrets["nvr:cred"] = ("viewer", PASSWORD)
    engine.credentials_changed("nvr")
    assert wait_until(lambda: all(t.state is TileState.LIVE and t.latest() is not None
                                  for t in tiles), 30)
    assert not any(PASSWORD in record.getMessage() for record in caplog.records)
