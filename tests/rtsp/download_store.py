"""What a recorder's HTTP download API sends for a period, for the loopback vendor server
(tests/recorders/vendor_http.py): the recorded clip's access units from the keyframe at or
before the start to the image at the end (inclusive), muxed into MPEG-TS with PyAV (a recorder's
own container: Hikvision sends MPEG-PS, Dahua its DAV; FFmpeg reads them all alike). The
presentation times start at an arbitrary value, as a recorder's do: only their steps mean
anything."""

from __future__ import annotations

import threading
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import av

from tests.rtsp.onvif_replay_server import split_access_units

PTS_ORIGIN = 126_000  # 1.4 s: a recorder's stream does not start at zero


class ClipStore:
    """Files cut from an Annex-B clip whose frame 0 is at ``start``; cached per period."""

    def __init__(self, clip: Path, start: datetime, fps: int, cache: Path) -> None:
        self.units = split_access_units(clip.read_bytes())
        self.t0 = start.timestamp()
        self.fps = fps
        self.cache = cache
        self._lock = threading.Lock()

    def file(self, start: float, end: float) -> tuple[Path, float]:
        i = max(0, min(len(self.units) - 1, int((start - self.t0) * self.fps + 1e-6)))
        while i > 0 and not self.units[i][1]:
            i -= 1
        last = max(i, min(len(self.units) - 1, int((end - self.t0) * self.fps + 1e-6)))
        path = self.cache / f"download-{i}-{last}.ts"
        with self._lock:
            if not path.exists():
                write_ts(path, [b"".join(b"\x00\x00\x00\x01" + n for n in nals)
                                for nals, _key in self.units[i:last + 1]], self.fps)
        return path, (last + 1 - i) / self.fps


def write_ts(path: Path, units: list[bytes], fps: int) -> None:
    """Annex-B access units -> MPEG-TS, one image every 1/fps s (written via a temporary
    Annex-B file, so PyAV's H.264 parser gives the stream its parameters)."""
    raw = path.with_suffix(".h264")
    raw.write_bytes(b"".join(units))
    step = 90000 // fps
    part = path.with_suffix(".part")
    with av.open(str(raw), format="h264") as inp, av.open(str(part), "w", format="mpegts") as out:
        ist = inp.streams.video[0]
        ost = out.add_stream_from_template(ist)
        ost.time_base = Fraction(1, 90000)
        n = 0
        for pkt in inp.demux(ist):
            if pkt.size == 0:
                continue
            pkt.pts = pkt.dts = PTS_ORIGIN + n * step
            pkt.time_base = Fraction(1, 90000)
            pkt.stream = ost
            out.mux(pkt)
            n += 1
    raw.unlink()
    part.replace(path)
