"""Figures of recorded video on loopback, against the ONVIF replay server of the tests:

- seek to first frame shown at ×1 (a new PLAY at a time inside a GOP: the keyframe before it
  decoded, the asked image the first one shown);
- after a gap: the last image before a 4 s hole to the first one after it, with the recorded
  spans known (a PLAY at the next span) and without (the server waits the hole out);
- seek to first frame shown in reverse (×−1: a PLAY with ``Scale: -1`` at a time inside a GOP;
  the server sends that GOP, the client decodes it whole and shows the asked image first).

Run: ``.venv/bin/python -m tests.media.measure_replay [seeks] [thread|process]`` (about 40 s;
decoding in threads by default, ``process`` as the application does).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.engine import MediaEngine
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_GOP, RECORDED_SECONDS, RECORDED_START
from tests.rtsp.onvif_replay_server import recording_from_clip, replay_server
from tests.rtsp.timecode import make_timecoded_clip, read_time

HOLE = (RECORDED_START + timedelta(seconds=30), RECORDED_START + timedelta(seconds=34))


def _source(url: str, start: datetime,
            recorded: tuple[tuple[datetime, datetime], ...] = ()) -> StreamSource:
    return StreamSource(url=url, kind=SourceKind.RTSP_REPLAY, camera_id="cam",
                        recorder_id="nvr", options={"onvif": "1"}, playback_start=start,
                        recorded=recorded)


def _wait(predicate: object, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.002)
    return False


DECODERS = "thread"


def seeks(clip: Path, n: int, speed: float = 1.0) -> list[float]:
    """ms from open to the first image shown, for ``n`` times each 0.52 s into a GOP (the
    asked one: forward, or backwards at a negative ``speed``)."""
    out = []
    recording = recording_from_clip(clip, RECORDED_START, RECORDED_FPS)
    engine = MediaEngine(workers=1, ladder=False, decoders=DECODERS)
    try:
        with replay_server(recording, RECORDED_FPS) as srv:
            for i in range(n):
                asked = RECORDED_START + timedelta(seconds=2 + (i * 7) % 50 + 0.52)
                t0 = time.monotonic()
                source = replace(_source(srv.url, asked), speed=speed)
                handle = engine.open("t1", source, size=(320, 192))
                assert _wait(lambda h=handle: h.latest() is not None), handle.detail
                out.append((time.monotonic() - t0) * 1000)
                frame = handle.latest()
                assert frame is not None
                shown = read_time(frame.image)
                assert shown >= asked if speed > 0 else shown <= asked, (shown, asked)
    finally:
        engine.shutdown()
    return out


def gap(clip: Path, with_spans: bool) -> float:
    """ms between the last image before the hole and the first one after it."""
    recording = recording_from_clip(clip, RECORDED_START, RECORDED_FPS, [HOLE])
    end = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)
    spans = ((RECORDED_START, HOLE[0]), (HOLE[1], end)) if with_spans else ()
    engine = MediaEngine(workers=1, ladder=False, read_timeout=1.5, decoders=DECODERS)
    try:
        with replay_server(recording, RECORDED_FPS) as srv:
            handle = engine.open("t1", _source(srv.url, HOLE[0] - timedelta(seconds=1),
                                               spans), size=(320, 192))
            last_before = HOLE[0] - timedelta(seconds=1 / RECORDED_FPS)

            def at_least(t: datetime) -> bool:
                frame = handle.latest()
                return frame is not None and read_time(frame.image) >= t

            assert _wait(lambda: at_least(last_before))
            t0 = time.monotonic()
            assert _wait(lambda: at_least(HOLE[1]))
            return (time.monotonic() - t0) * 1000
    finally:
        engine.shutdown()


def main() -> None:
    global DECODERS
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    DECODERS = sys.argv[2] if len(sys.argv) > 2 else "thread"
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_timecoded_clip(Path(tmp) / "recorded.h264", RECORDED_START,
                                   RECORDED_SECONDS, fps=RECORDED_FPS, gop=RECORDED_GOP)
        ms = sorted(seeks(clip, n))
        print(f"decoders: {DECODERS}")
        print(f"seek to first frame shown (x1, 320x192, GOP {RECORDED_GOP}, {n} seeks): "
              f"median {statistics.median(ms):.0f} ms, max {ms[-1]:.0f} ms")
        print(f"4 s gap, recorded spans known: {gap(clip, True):.0f} ms from the last image "
              "before to the first after")
        print(f"4 s gap, spans unknown (server waits it out): {gap(clip, False):.0f} ms")
        back = sorted(seeks(clip, n, -1.0))
        print(f"seek to first frame shown in reverse (x-1, {n} seeks): median "
              f"{statistics.median(back):.0f} ms, max {back[-1]:.0f} ms")


if __name__ == "__main__":
    main()
