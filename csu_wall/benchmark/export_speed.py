"""Evidence export speed from a loopback recorder's HTTP download API (not in CI).

``python -m csu_wall.benchmark.export_speed [--minutes 10] [--masked-minutes 10]``

A 1080p recording (camera-like H.264, 4 Mbit/s, one IDR every 2 s: a 10 s clip encoded once,
repeated) is served as MPEG-TS by the project's loopback vendor server
(``tests/recorders/vendor_http.py``, Dahua ``loadfile.cgi``, in its mode that sends as fast as
the client reads; the package never imports it: it is loaded from the repository's copy, or
``--vendor-server PATH``; the MPEG-TS written by ``write_ts`` of ``tests/rtsp/download_store.py``
beside it, as the tests' recorders send theirs). Through the real Dahua driver:

- **stream copy**: the download (digest authentication, ``Range`` resumable) and the remux into
  MP4 (:func:`csu_wall.services.export_fetch.fetch_download`) of ``--minutes`` of video;
- **masked re-encoding**: the same, then decoding and re-encoding with two privacy masks burned
  in (:func:`csu_wall.services.export_media.masked`), of ``--masked-minutes`` of video.

Printed side by side as × real time (seconds of video per second of wall time), with the CPU
seconds used. The hashing, signing and ZIP of the folder are not counted (they depend on the
destination drive).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

from csu_wall.benchmark._clips import encode_clip, to_annexb
from csu_wall.core.model import Camera, PrivacyMask, Recorder
from csu_wall.recorders.dahua import DahuaDriver
from csu_wall.services.export_fetch import fetch_download
from csu_wall.services.export_media import masked

FPS = 25
CLIP_SECONDS = 10
START = datetime(2026, 10, 24, 10, 0, 0, tzinfo=timezone.utc)
CRED = ("viewer", "Right-Pass-1")
MASKS = (PrivacyMask(((0.05, 0.05), (0.45, 0.05), (0.45, 0.35), (0.05, 0.35))),
         PrivacyMask(((0.6, 0.6), (0.95, 0.6), (0.95, 0.95))))


def default_vendor_server() -> Path | None:
    candidate = Path(__file__).resolve().parents[2] / "tests" / "recorders" / "vendor_http.py"
    return candidate if candidate.is_file() else None


def load_vendor_server(path: Path) -> ModuleType:
    return load_test_module(path, "_bench_vendor_http")


def load_write_ts(vendor_server: Path) -> Callable[[Path, list[bytes], int], None]:
    """``write_ts`` of ``tests/rtsp/download_store.py`` beside the vendor server's folder: the
    MPEG-TS the recorders' loopback servers send. Its checkout goes on the import path for the
    module's own imports from ``tests``."""
    path = vendor_server.resolve().parents[1] / "rtsp" / "download_store.py"
    if not path.is_file():
        raise SystemExit(f"module de test introuvable : {path}")
    checkout = str(path.parents[2])
    if checkout not in sys.path:
        sys.path.append(checkout)
    write_ts: Callable[[Path, list[bytes], int], None] = load_test_module(
        path, "_bench_download_store").write_ts
    return write_ts


def load_test_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"serveur de test illisible : {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def make_recording(folder: Path, minutes: float,
                   write_ts: Callable[[Path, list[bytes], int], None]) -> Path:
    """``minutes`` of 1080p as MPEG-TS (the 10 s clip repeated; every repeat starts at an IDR
    with its parameter sets, so the stream decodes as one), written by the loopback servers'
    ``write_ts``."""
    ts = folder / f"recording-{minutes:g}min.ts"
    if ts.exists():
        return ts
    mp4 = folder / "clip-1080p-10s.mp4"
    if not mp4.exists():
        encode_clip(mp4, 1920, 1080, CLIP_SECONDS, seed=18, profile="camera")
    annexb = to_annexb(mp4, folder / "clip-1080p-10s.h264")
    repeats = max(1, round(minutes * 60 / CLIP_SECONDS))
    write_ts(ts, [annexb.read_bytes()] * repeats, FPS)
    return ts


@dataclass
class FileStore:
    """The vendor server's download store: the same file whatever the period."""

    path: Path
    seconds: float

    def file(self, start: float, end: float) -> tuple[Path, float]:
        return self.path, self.seconds


@dataclass(frozen=True)
class Measure:
    video_s: float
    wall_s: float
    cpu_s: float

    @property
    def speed(self) -> float:
        return self.video_s / self.wall_s


def export_once(vendor: ModuleType, recording: Path, minutes: float, work: Path,
                masks: bool) -> Measure:
    seconds = minutes * 60
    store = FileStore(recording, seconds)
    server = vendor.VendorHttpServer(vendor.VendorConfig("dahua", download=store,
                                                         download_fast=True))
    try:
        rec = Recorder("bench", "c", "dahua", "127.0.0.1", http_port=server.port)
        camera = Camera("bench-1", "Banc d'essai", "c", "bench", masks=MASKS if masks else ())
        driver = DahuaDriver(rec, lambda ref: CRED, timeout=30)
        cancel = threading.Event()
        end = START + timedelta(seconds=seconds)
        t0, c0 = time.monotonic(), time.process_time()
        got = fetch_download(driver, camera, START, end, work / f"bench-{masks}.h264",
                             cancel=cancel)
        if masks:
            got = masked(got, camera, cancel, None)
        wall, cpu = time.monotonic() - t0, time.process_time() - c0
        got.path.unlink(missing_ok=True)
        return Measure(got.images / FPS, wall, cpu)
    finally:
        server.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csu_wall.benchmark.export_speed",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="minutes of 1080p exported by stream copy (10; 0: not measured)")
    parser.add_argument("--masked-minutes", type=float, default=10.0,
                        help="minutes of 1080p exported with masks re-encoded (10; 0: not "
                             "measured)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the recording and the files (a temporary one)")
    parser.add_argument("--vendor-server", type=Path, default=default_vendor_server())
    args = parser.parse_args(argv)
    if args.minutes < 0 or args.masked_minutes < 0:
        print("Durée négative : --minutes et --masked-minutes comptent des minutes (0 : "
              "pas de mesure).", file=sys.stderr)
        return 2
    if args.vendor_server is None or not args.vendor_server.is_file():
        print("Serveur de test introuvable (tests/recorders/vendor_http.py) : "
              "--vendor-server CHEMIN.", file=sys.stderr)
        return 2
    vendor = load_vendor_server(args.vendor_server)
    write_ts = load_write_ts(args.vendor_server)
    rows: list[tuple[str, Measure]] = []
    with tempfile.TemporaryDirectory(prefix="csu-export-speed-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for name, minutes, masks in (("stream copy", args.minutes, False),
                                     ("masked re-encoding", args.masked_minutes, True)):
            if minutes > 0:  # a period of no length is no export
                recording = make_recording(work, minutes, write_ts)
                rows.append((name, export_once(vendor, recording, minutes, work, masks=masks)))
    print(f"export of 1080p (camera-like H.264, {FPS} fps, 4 Mbit/s) from the loopback "
          f"Dahua download API, {os.cpu_count()} CPU(s)")
    print(f"{'':24}{'video':>10}{'wall':>10}{'CPU':>10}{'speed':>14}")
    for name, m in rows:
        print(f"{name:24}{m.video_s:>9.0f}s{m.wall_s:>9.1f}s{m.cpu_s:>9.1f}s"
              f"{m.speed:>11.1f} ×RT")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
