"""Recorded video read with our own RTSP client (``SourceKind.RTSP_REPLAY``).

The session's reader thread runs :class:`ReplayReader`: RTSP PLAY with the headers the
recorder wants (ONVIF replay: ``Require: onvif-replay`` and ``Range: clock=``; speed:
``Scale:``), H.264 access units handed to the decoder pool. The source's
:class:`~csu_wall.core.replay.ReplayControl` (``StreamSource.replay``) lets the playback service
pause (RTSP PAUSE), step one frame, change speed and read the time shown, without reconnecting.

Options of an RTSP_REPLAY source: ``onvif=1`` (ONVIF replay headers, start from
``playback_start``); the speed is ``source.speed``.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import av

from csu_wall.core.ports import StreamSource
from csu_wall.core.replay import ReplayControl
from csu_wall.media.decode import DecoderSpec
from csu_wall.media.pool import StreamDecoder
from csu_wall.media.redact import register_secret
from csu_wall.media.rtsp_client import AccessUnit, RtspClient

KEEPALIVE_S = 20.0  # s between GET_PARAMETERs while paused (RTSP sessions time out at 60 s)
HOLD_S = 20.0  # s of video kept while paused before the recorder is paused (RTSP PAUSE)
_TIME_BASE = Fraction(1, 90000)


# -- the recorders' time formats ---------------------------------------------------------------

def clock_range(start_utc: datetime) -> str:
    """ONVIF ``Range: clock=`` value (UTC, milliseconds)."""
    t = start_utc.astimezone(timezone.utc)
    return "clock=" + t.strftime("%Y%m%dT%H%M%S") + f".{t.microsecond // 1000:03d}Z-"


# The vendors' URL times (Hikvision's ISAPI UTC, Dahua's local wall time) are the drivers'
# business: csu_wall.recorders.hikvision.isapi_time and csu_wall.recorders.dahua, one each.


# -- the readers the session runs instead of FFmpeg ---------------------------------------------

Credentials = Callable[[str], "tuple[str, str] | None"]


class PacketReader(ABC):
    """A source FFmpeg cannot read: the session opens, pumps and closes it on its thread."""

    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def pump(self, decoder: StreamDecoder, seen: Callable[[], None]) -> str:
        """Hand packets to ``decoder`` (calling ``seen`` for each) until stopped ("stopped")
        or the end ("file-end"); raises on a failure, as the session expects."""

    @abstractmethod
    def close(self) -> None: ...


def open_reader(source: StreamSource, credentials: Credentials | None, *, open_timeout: float,
                read_timeout: float, stop: threading.Event) -> PacketReader:
    """The reader for an RTSP_REPLAY or SNAPSHOT source, connected."""
    from csu_wall.core.ports import SourceKind
    from csu_wall.media.snapshot_poll import SnapshotReader

    cred = None
    if source.credential_ref is not None and credentials is not None:
        cred = credentials(source.credential_ref)
        if cred is not None:
            register_secret(cred[1])
    reader: PacketReader
    if source.kind is SourceKind.SNAPSHOT:
        reader = SnapshotReader(source, cred, open_timeout=open_timeout,
                                read_timeout=read_timeout, stop=stop)
    else:
        reader = ReplayReader(source, cred, open_timeout=open_timeout,
                              read_timeout=read_timeout, stop=stop)
    try:
        reader.open()
    except BaseException:
        reader.close()
        raise
    return reader


class ReplayReader(PacketReader):
    """Opened by the session (``open``), pumped by it (``pump``), closed by it."""

    def __init__(self, source: StreamSource, credentials: tuple[str, str] | None, *,
                 open_timeout: float, read_timeout: float, stop: threading.Event) -> None:
        self.source = source
        self.read_timeout = read_timeout
        self.stop = stop
        self.onvif = source.options.get("onvif") == "1"
        always = {"Require": "onvif-replay"} if self.onvif else {}
        self.client = RtspClient(source.url, timeout=open_timeout, credentials=credentials,
                                 stop=stop, always=always)
        self.control = source.replay or ReplayControl(
            source.playback_start or datetime.now(timezone.utc), source.speed)
        self._held: deque[AccessUnit] = deque()
        self._remote_paused = False
        self._first_ts: int | None = None
        self._keyed = False
        self._keepalive_at = time.monotonic()

    def open(self) -> None:
        self.client.connect()
        self.client.describe()
        self.client.setup()
        self.client.play(self._play_headers(self.control.requested, self.control.speed))

    def close(self) -> None:
        self.client.teardown()

    def _play_headers(self, start: datetime | None, speed: float) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.onvif and start is not None:
            headers["Range"] = clock_range(start)
            headers["Rate-Control"] = "yes"
        if speed != 1.0:
            headers["Scale"] = f"{speed:g}"
        return headers

    def _media_time(self, au: AccessUnit) -> datetime:
        if au.ntp_utc is not None:
            return datetime.fromtimestamp(au.ntp_utc, timezone.utc)
        if self._first_ts is None:
            self._first_ts = au.rtp_ts
        elapsed = ((au.rtp_ts - self._first_ts) & 0xFFFFFFFF) / 90000.0
        # Without ONVIF's NTP extension the first access unit is taken for the asked time
        # (it is the IDR before it: at most one GOP early).
        return self.control.requested + timedelta(seconds=elapsed * self.control.speed)

    def pump(self, decoder: StreamDecoder, seen: Callable[[], None]) -> str:
        """Reads the socket into a queue and hands the queue on paced by RTP time: while
        paused the recorder keeps sending and everything is kept, so resume and step go on
        exactly from the image shown (an RTSP PAUSE may lose what is in flight). Past HOLD_S
        of kept video the recorder is paused for real (RTSP PAUSE)."""
        spec = DecoderSpec(codec="h264", extradata=None, width=0, height=0,
                           time_base=_TIME_BASE)
        control, client, held = self.control, self.client, self._held
        decoder.new_connection()
        anchor: tuple[float, int] | None = None  # (monotonic, rtp_ts) of the pacing
        last_rx = time.monotonic()
        eof = False
        while not self.stop.is_set():
            paused, may_push, speed = control.take()
            if speed is not None:
                self._rescale(speed, decoder)
                anchor, last_rx, eof = None, time.monotonic(), False
                continue
            if not paused and self._remote_paused:
                self._resume()
                last_rx = time.monotonic()
            if paused:
                anchor = None
            now = time.monotonic()
            wait = 0.05
            if held and not paused and anchor is not None:
                due = anchor[0] + ((held[0].rtp_ts - anchor[1]) & 0xFFFFFFFF) / 90000.0
                wait = min(wait, max(0.0, due - now))
            if not eof and not self._remote_paused and (wait > 0 or not held):
                try:
                    au = client.read_access_unit(wait if held else min(wait, 0.05))
                except EOFError:
                    au, eof = None, True
                if au is not None:
                    held.append(au)
                    last_rx = time.monotonic()
                    seen()
                    if not self._keyed and not au.key:
                        held.pop()  # a step must show an image: nothing before the IDR
                        continue
                    self._keyed = True
                    if paused and self._span() > HOLD_S:
                        client.pause()
                        self._remote_paused = True
                        self._keepalive_at = time.monotonic()
            if self._remote_paused and time.monotonic() - self._keepalive_at > KEEPALIVE_S:
                client.keepalive()  # servers end idle sessions
                self._keepalive_at = time.monotonic()
            if not held:
                if paused and may_push and self._remote_paused:
                    self._resume()  # a step past what was kept
                    self._keyed = False
                    control.step(1)  # the step is still owed
                    last_rx = time.monotonic()
                elif eof or (not self._remote_paused
                             and time.monotonic() - last_rx > self.read_timeout):
                    if control.frames:
                        return "file-end"  # the recording (or the asked interval) ended
                    raise TimeoutError("no recorded video within the read timeout")
                continue
            if paused and not may_push:
                if self._remote_paused:
                    self.stop.wait(0.05)
                continue
            now = time.monotonic()
            if not paused:
                if anchor is None or now - (anchor[0] + ((held[0].rtp_ts - anchor[1])
                                                         & 0xFFFFFFFF) / 90000.0) > 1.0:
                    anchor = (now, held[0].rtp_ts)  # start, or far behind: no burst
                elif anchor[0] + ((held[0].rtp_ts - anchor[1]) & 0xFFFFFFFF) / 90000.0 > now:
                    continue  # not due yet
            au = held.popleft()
            packet = av.Packet(au.data)
            if self._first_ts is None:
                self._first_ts = au.rtp_ts
            packet.pts = packet.dts = (au.rtp_ts - self._first_ts) & 0xFFFFFFFF
            packet.is_keyframe = au.key
            control.shown = self._media_time(au)
            control.frames += 1
            decoder.push(spec, packet)
        return "stopped"

    def _span(self) -> float:
        held = self._held
        return ((held[-1].rtp_ts - held[0].rtp_ts) & 0xFFFFFFFF) / 90000.0 if held else 0.0

    def _resume(self) -> None:
        """PLAY after a real RTSP PAUSE (frames lost around it: wait for an IDR)."""
        start = None
        if self.onvif:
            start = (self._media_time(self._held[-1]) if self._held else self.control.shown)
            if start is not None:
                start += timedelta(seconds=1 / 90)
        self.client.play(self._play_headers(start, self.control.speed) if start else {})
        self._remote_paused = False

    def _rescale(self, speed: float, decoder: StreamDecoder) -> None:
        """Same position, new speed: recorders take a PLAY with the new ``Scale:``."""
        control = self.control
        self._held.clear()
        self._first_ts = None
        control.requested = control.shown or control.requested
        self.client.play(self._play_headers(control.requested if self.onvif else None, speed)
                         or {"Scale": "1"})
        self._remote_paused = False
        self._keyed = False
        decoder.new_connection()
