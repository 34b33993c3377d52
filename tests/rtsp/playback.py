"""Playback mounts for tests/rtsp/server.py: a recorder's recorded video served by time.

Runs inside server.py (Debian's python3 with python3-gi). A ``playback`` mount spec::

    {"kind": "playback", "path": "clip.h264", "fps": 25, "start": <epoch s of frame 0>,
     "shape": "hikvision" | "dahua" | "onvif", "tz": "Europe/Paris",
     "path_in_url": "Streaming/tracks/101"}

- hikvision: ``?starttime=20261025T005950Z[&endtime=...]`` (UTC);
- dahua: ``?channel=1&starttime=2026_10_25_02_59_50&endtime=...`` in the recorder's local
  time (an ambiguous hour is read as its first occurrence, an end not after its start as the
  second — the only reading that keeps the interval positive);
- onvif: PLAY must carry ``Require: onvif-replay`` (else 551) and ``Range: clock=...``.

Every media is the client's own. Playback starts at the IDR at or before the asked time, runs
at ``Scale:``/``Speed:`` times real time, stops at the end time (or the clip's end), honours
PAUSE and a later PLAY (resume, or a new ``Range: clock=``). Each understood request is kept in
``Replay.requests`` for the tests.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime, timezone
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gst, GstRtsp, GstRtspServer  # noqa: E402

_OK = GstRtsp.RTSPStatusCode.OK


def log(msg: str) -> None:
    print(f"rtsp-server: playback: {msg}", file=sys.stderr, flush=True)


def parse_utc(text: str) -> float:
    """``20261025T005950Z`` or ``20261025T005950.440Z`` -> epoch seconds."""
    text = text.strip().rstrip("Z")
    frac = 0.0
    if "." in text:
        text, f = text.split(".", 1)
        frac = float("0." + f)
    dt = datetime.strptime(text, "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
    return dt.timestamp() + frac


def parse_local(text: str, tz: str, fold: int) -> float:
    dt = datetime.strptime(text, "%Y_%m_%d_%H_%M_%S").replace(tzinfo=ZoneInfo(tz), fold=fold)
    return dt.timestamp()


def _nals(data: bytes) -> list[bytes]:
    parts = data.split(b"\x00\x00\x01")
    return [p.rstrip(b"\x00") for p in parts[1:] if p.rstrip(b"\x00")]


class PlaybackFeeder:
    """Pushes one client's access units, from the asked time, paced by the scale."""

    def __init__(self, mount: object, src: Gst.Element) -> None:
        self.mount = mount
        self.src = src
        self.aus: list[tuple[bytes, bool]] = mount.aus  # type: ignore[attr-defined]
        self.fps: float = mount.fps  # type: ignore[attr-defined]
        self.t0: float = float(mount.spec["start"])  # type: ignore[attr-defined]
        self.idx = 0
        self.end_idx = len(self.aus)
        self.scale = 1.0
        self.asked: tuple[float | None, float | None] = (None, None)  # from the URL
        self.played = False  # the first PLAY re-seeks: frames fed before it reached nobody
        self.playing = threading.Event()
        self.halt = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True, name="replay-feed")

    def start(self) -> None:
        """The media prepares (DESCRIBE) only once caps flowed: send SPS/PPS alone (no
        picture a client could show), then wait for PLAY."""
        first = self.aus[0][0]
        headers = b"".join(b"\x00\x00\x00\x01" + n for n in _nals(first) if n[0] & 0x1F in (7, 8))
        self.src.emit("push-buffer", Gst.Buffer.new_wrapped(headers))
        self.thread.start()

    def seek(self, start: float | None, end: float | None) -> None:
        with self.lock:
            if start is not None:
                i = int((start - self.t0) * self.fps + 1e-6)
                i = max(0, min(i, len(self.aus) - 1))
                while i > 0 and not self.aus[i][1]:
                    i -= 1
                self.idx = i
            if end is not None:
                self.end_idx = max(0, min(len(self.aus), int((end - self.t0) * self.fps
                                                            + 1e-6) + 1))

    def _run(self) -> None:
        next_t = time.monotonic()
        while not self.halt.is_set():
            if not self.playing.wait(0.05):
                next_t = time.monotonic()
                continue
            with self.lock:
                if self.idx >= self.end_idx:
                    data = None
                else:
                    data = self.aus[self.idx][0]
                    self.idx += 1
                period = 1.0 / (self.fps * self.scale)
            if data is None:
                self.src.emit("end-of-stream")
                self.playing.clear()
                continue
            buf = Gst.Buffer.new_wrapped(data)
            buf.duration = int(Gst.SECOND * period)
            self.src.emit("push-buffer", buf)
            next_t += period
            delay = next_t - time.monotonic()
            if delay < -1.0:
                next_t = time.monotonic()
            elif delay > 0:
                self.halt.wait(delay)


class PlaybackFactory(GstRtspServer.RTSPMediaFactory):
    """Remembers each media's URL query (the vendors' ``starttime=``)."""

    def __init__(self, replay: Replay, mount: object) -> None:
        super().__init__()
        self.replay = replay
        self.mount = mount

    def do_create_element(self, url: GstRtsp.RTSPUrl) -> Gst.Element:
        element = GstRtspServer.RTSPMediaFactory.do_create_element(self, url)
        # Keyed by the element's name: the media hands back another Python wrapper.
        self.replay.serial += 1
        key = f"replay{self.replay.serial}"
        element.set_name(key)
        self.replay.queries[key] = url.query or ""
        return element


class Replay:
    """Glue between the server's clients and the playback mounts' feeders."""

    def __init__(self, server: GstRtspServer.RTSPServer) -> None:
        self.queries: dict[str, str] = {}
        self.serial = 0
        self.feeders: dict[int, tuple[object, PlaybackFeeder]] = {}  # hash(media) -> feeder
        self.requests: list[dict[str, object]] = []
        server.connect("client-connected", self._client)

    def factory(self, mount: object, launch: str) -> PlaybackFactory:
        factory = PlaybackFactory(self, mount)
        factory.set_launch(launch)
        factory.set_shared(False)
        factory.connect("media-configure", self._configure)
        return factory

    def _configure(self, factory: PlaybackFactory, media: GstRtspServer.RTSPMedia) -> None:
        bin_ = media.get_element()
        query = self.queries.pop(bin_.get_name(), "")
        mount = factory.mount
        feeder = PlaybackFeeder(mount, bin_.get_by_name("src"))
        spec = mount.spec  # type: ignore[attr-defined]
        shape = spec.get("shape", "hikvision")
        q = {k: v[0] for k, v in parse_qs(query).items()}
        start = end = None
        if shape == "hikvision" and "starttime" in q:
            start = parse_utc(q["starttime"])
            end = parse_utc(q["endtime"]) if "endtime" in q else None
        elif shape == "dahua" and "starttime" in q:
            tz = spec.get("tz", "Europe/Paris")
            start = parse_local(q["starttime"], tz, 0)
            if "endtime" in q:
                end = parse_local(q["endtime"], tz, 0)
                if end <= start:
                    end = parse_local(q["endtime"], tz, 1)
        if start is not None:
            feeder.seek(start, end)
            feeder.asked = (start, end)
            self.requests.append({"mount": mount.name, "how": "url",  # type: ignore[attr-defined]
                                  "start": start, "end": end})
        self.feeders[hash(media)] = (media, feeder)
        feeder.start()

        def unprepared(_m: object) -> None:
            feeder.halt.set()
            self.feeders.pop(hash(media), None)

        media.connect("unprepared", unprepared)

    def _client(self, _server: object, client: GstRtspServer.RTSPClient) -> None:
        client.connect("pre-play-request", self._pre_play)
        client.connect("pre-pause-request", self._pre_pause)
        client.connect("check-requirements", self._requirements)

    @staticmethod
    def _requirements(_client: object, _ctx: object, reqs: list[str]) -> str:
        """The ONVIF replay requirement is the only one understood ("" = all supported)."""
        return ", ".join(r for r in reqs if r != "onvif-replay")

    def _feeder(self, ctx: GstRtspServer.RTSPContext) -> PlaybackFeeder | None:
        media = ctx.media
        entry = self.feeders.get(hash(media)) if media is not None else None
        return entry[1] if entry else None

    def _pre_pause(self, _client: object, ctx: GstRtspServer.RTSPContext) -> GstRtsp.RTSPStatusCode:
        feeder = self._feeder(ctx)
        if feeder is not None:
            feeder.playing.clear()
        return _OK

    def _pre_play(self, _client: object, ctx: GstRtspServer.RTSPContext) -> GstRtsp.RTSPStatusCode:
        feeder = self._feeder(ctx)
        if feeder is None:
            return _OK
        req = ctx.request
        spec = feeder.mount.spec  # type: ignore[attr-defined]

        def header(field: GstRtsp.RTSPHeaderField) -> str | None:
            res, value = req.get_header(field, 0)
            return value if res == GstRtsp.RTSPResult.OK else None

        require = header(GstRtsp.RTSPHeaderField.REQUIRE) or ""
        rng = header(GstRtsp.RTSPHeaderField.RANGE)
        scale = header(GstRtsp.RTSPHeaderField.SCALE) or header(GstRtsp.RTSPHeaderField.SPEED)
        if spec.get("shape") == "onvif" and "onvif-replay" not in require:
            log("PLAY without Require: onvif-replay refused")
            return GstRtsp.RTSPStatusCode.OPTION_NOT_SUPPORTED
        # The server itself must not seek (the media is live-timestamped): we do.
        for field in (GstRtsp.RTSPHeaderField.RANGE, GstRtsp.RTSPHeaderField.SCALE,
                      GstRtsp.RTSPHeaderField.SPEED):
            req.remove_header(field, -1)
        start = end = None
        if rng and rng.strip().startswith("clock="):
            lo, _, hi = rng.strip()[len("clock="):].partition("-")
            start = parse_utc(lo) if lo else None
            end = parse_utc(hi) if hi.strip() else None
        with feeder.lock:
            if scale:
                feeder.scale = max(0.1, abs(float(scale)))
        if start is None and not feeder.played:
            feeder.seek(*feeder.asked)
        feeder.played = True
        if start is not None:
            feeder.seek(start, end)
            self.requests.append({"mount": feeder.mount.name,  # type: ignore[attr-defined]
                                  "how": "clock", "start": start, "end": end,
                                  "scale": feeder.scale})
        elif scale:
            self.requests.append({"mount": feeder.mount.name,  # type: ignore[attr-defined]
                                  "how": "scale", "scale": feeder.scale})
        feeder.playing.set()
        return _OK
