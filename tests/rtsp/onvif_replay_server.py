"""An ONVIF replay server (the RTSP side of Profile G), written from the replay chapter of the
ONVIF Streaming Specification, not from csu-wall's client, with behaviours the tests switch on.

In-process, pure Python: one thread per RTSP connection, RTP interleaved over it (RTSP/1.0,
RFC 2326 §10.12), H.264 packetised per RFC 6184 (single NAL units, FU-A above 1400 bytes).
What the specification says and this server does:

- every RTP packet carries the replay header extension: profile ``0xABAC``, length 3 words —
  the 64-bit NTP time of the recorded moment, one byte ``C E D T 0000`` (C: the access unit
  is a clean point, E: last of a contiguous section, D: a gap or a jump precedes it, T: the
  end of the recording, the last packet the server sends), the 8-bit CSeq of the PLAY the
  packet answers, 16 bits of padding;
- ``PLAY`` with ``Range: clock=<start>-`` starts at the keyframe at or before the asked time
  and says where in the reply's ``Range``; a time in a hole starts at the next section; a time
  outside the recording is answered ``200 OK`` with ``outside_range`` then an RTCP BYE;
- ``Scale:`` is the speed (answered as ``Scale:``, or as ``Scale: 1.000`` + ``Speed:`` when
  ``speed_reply``); ``Rate-Control: yes`` paces by the recorded times;
- holes in the recording are waited out in real time (divided by the speed);
- ``Require: onvif-replay`` is refused with ``551 Option not supported`` and
  ``Unsupported: onvif-replay`` when ``knows_tag`` is False;
- reverse replay (a negative ``Scale:``): the GOPs are sent in reverse order, from the one
  holding the asked time back to the start of the recording, the frames of each in forward
  order; the first packet of each GOP is a clean point (C) and follows a jump back (D); the
  last packet of the recording's first GOP carries T. Each GOP takes its recorded length
  divided by the speed to send (holes are not waited out backwards). The reply's ``Range``
  runs from the newest frame sent back to the recording's start. ``refuse_reverse`` answers
  a negative ``Scale`` with that status instead; ``reverse_forward`` ignores its sign (a
  recorder without reverse replay that plays forward and says ``Scale: 1.000``).

For a vendor's own playback (``Modes.extension`` False) the server sends plain RTP and also
takes ``Range: npt=`` (seconds from the recording's start, answered the same way).

The modes (:class:`Modes`) are read at each request: a test may change them at run time.
"""

from __future__ import annotations

import base64
import socket
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

NTP_EPOCH = 2208988800
MTU = 1400
PT = 96
SSRC = 0x5EC0DE01


@dataclass
class Modes:
    knows_tag: bool = True  # False: 551 + ``Unsupported: onvif-replay`` to ``Require``
    refuse_play: int | None = None  # every PLAY answered with this status (e.g. 457)
    refuse_reason: str = "Invalid Range"
    speed_reply: bool = False  # answer ``Scale: 1.000`` and ``Speed: <asked>``
    video_first: int = 0  # access units sent before the PLAY reply
    bye_at_end: bool = True  # RTCP BYE after the last packet (T flag)
    outside_range: str = "clock=19000101T000000Z-20000101T000000Z"
    ntp_shift: float = 0.0  # s added to the extension's times (a recorder stamping local time)
    extension: bool = True  # False: plain RTP, no replay extension (a vendor's own playback)
    silent_outside: bool = False  # a time outside: 200 OK without Range, then nothing at all
    cut_after: int = 0  # the first connection is closed (TCP) after this many units, no BYE
    refuse_reverse: int | None = None  # a negative Scale answered with this status (e.g. 551)
    reverse_forward: bool = False  # a negative Scale played forward, answered ``Scale: 1.000``
    scale_in_reply: bool = True  # False: no ``Scale:`` in PLAY replies (the video tells)


@dataclass(frozen=True)
class Unit:
    """One access unit of the recording."""

    t: float  # epoch seconds of the recorded moment
    nals: tuple[bytes, ...]
    key: bool


def split_access_units(data: bytes) -> list[tuple[tuple[bytes, ...], bool]]:
    """Annex-B H.264 -> access units (parameter sets and SEI joined to the next picture)."""
    nals: list[bytes] = []
    i = data.find(b"\x00\x00\x01")
    while i >= 0:
        j = data.find(b"\x00\x00\x01", i + 3)
        nal = data[i + 3:j if j >= 0 else len(data)]
        nals.append(nal.rstrip(b"\x00") if j >= 0 else nal)
        i = j
    units: list[tuple[tuple[bytes, ...], bool]] = []
    pending: list[bytes] = []
    for nal in nals:
        if not nal:
            continue
        kind = nal[0] & 0x1F
        pending.append(nal)
        if kind in (1, 5):
            units.append((tuple(pending), kind == 5))
            pending = []
    return units


def recording_from_clip(path: Path, start: datetime, fps: int,
                        holes: Sequence[tuple[datetime, datetime]] = ()) -> list[Unit]:
    """The clip's access units at their recorded times, without those inside ``holes``
    (``[from, to)``, UTC; the tests put their ends on keyframes)."""
    t0 = start.timestamp()
    spans = [(a.timestamp(), b.timestamp()) for a, b in holes]
    out = []
    for n, (nals, key) in enumerate(split_access_units(path.read_bytes())):
        t = t0 + n / fps
        if any(a - 1e-6 <= t < b - 1e-6 for a, b in spans):
            continue
        out.append(Unit(t, nals, key))
    return out


def clock(t: float) -> str:
    d = datetime.fromtimestamp(t, timezone.utc)
    return d.strftime("%Y%m%dT%H%M%S") + f".{d.microsecond // 1000:03d}Z"


def parse_clock(text: str) -> float:
    text = text.strip().rstrip("Z")
    frac = 0.0
    if "." in text:
        text, f = text.split(".", 1)
        frac = float("0." + f)
    return datetime.strptime(text, "%Y%m%dT%H%M%S").replace(
        tzinfo=timezone.utc).timestamp() + frac


@dataclass
class Request:
    method: str
    url: str
    headers: dict[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _Stream:
    """One connection's RTSP session: the position and the sending thread."""

    def __init__(self, server: ReplayServer, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.wlock = threading.Lock()
        self.idx = 0
        self.speed = 1.0
        self.cseq = 0
        self.jumped = True  # the next packet sent follows a jump (D)
        self.seq = 0
        self.sender: threading.Thread | None = None
        self.halt = threading.Event()
        self.sent_units = threading.Semaphore(0)
        self.closed = False
        self.units_sent = 0
        self.play_clock: tuple[float, float] | None = None  # (RTP ticks, recorded time)

    # -- output ----------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        with self.wlock:
            try:
                self.sock.sendall(data)
            except OSError:
                self.closed = True

    def reply(self, cseq: str, status: int, reason: str, headers: dict[str, str] | None = None,
              body: bytes = b"") -> None:
        lines = [f"RTSP/1.0 {status} {reason}", f"CSeq: {cseq}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def interleaved(self, channel: int, packet: bytes) -> None:
        self.write(struct.pack("!BBH", 0x24, channel, len(packet)) + packet)

    def send_unit(self, unit: Unit, flags: int) -> None:
        """One access unit as RTP packets; flags (C E D T) on each packet, T on the last."""
        rec = self.server.recording
        rtp_ts = int(round((unit.t - rec[0].t) * 90000)) & 0xFFFFFFFF
        if not self.server.modes.extension:
            # Plain RTP (a vendor's playback): timestamps run at the playback rate, as
            # delivered (at ×2 one recorded second takes half a second of RTP time).
            if self.play_clock is None or unit.t < self.play_clock[1]:
                self.play_clock = (self.play_clock[0] + 90000 if self.play_clock else 0.0,
                                   unit.t)
            base, t0 = self.play_clock
            rtp_ts = int(round(base + (unit.t - t0) * 90000 / self.speed)) & 0xFFFFFFFF
            self.play_clock = (base + (unit.t - t0) * 90000 / self.speed, unit.t)
        ntp = unit.t + NTP_EPOCH + self.server.modes.ntp_shift
        secs, frac = int(ntp), int((ntp - int(ntp)) * 2**32) & 0xFFFFFFFF
        payloads: list[bytes] = []
        for nal in unit.nals:
            if len(nal) <= MTU:
                payloads.append(nal)
                continue
            head, body = nal[0], nal[1:]
            for k in range(0, len(body), MTU):
                fu = head & 0x1F
                if k == 0:
                    fu |= 0x80
                if k + MTU >= len(body):
                    fu |= 0x40
                payloads.append(bytes([(head & 0xE0) | 28, fu]) + body[k:k + MTU])
        for n, payload in enumerate(payloads):
            last = n == len(payloads) - 1
            f = flags & ~0x10 | (0x10 if last and flags & 0x10 else 0)
            if not last:
                f &= ~0x40  # E: the last packet of the section
            ext = struct.pack("!HHIIBBH", 0xABAC, 3, secs, frac, f, self.cseq & 0xFF, 0)
            if not self.server.modes.extension:
                ext = b""
            header = struct.pack("!BBHII", 0x90 if ext else 0x80, (0x80 if last else 0) | PT,
                                 self.seq & 0xFFFF, rtp_ts, SSRC)
            self.seq += 1
            self.interleaved(0, header + ext + payload)

    def bye(self) -> None:
        sr = struct.pack("!BBHIIIIII", 0x80, 200, 6, SSRC, 0, 0, 0, 0, 0)
        bye = struct.pack("!BBHI", 0x81, 203, 1, SSRC)
        self.interleaved(1, sr + bye)

    # -- sending ---------------------------------------------------------------------------

    def stop_sending(self) -> None:
        self.halt.set()
        if self.sender is not None and self.sender is not threading.current_thread():
            self.sender.join(5)
        self.sender = None
        self.halt = threading.Event()

    def start_sending(self, outside: bool) -> None:
        halt = self.halt
        self.sender = threading.Thread(target=self._send, args=(halt, outside), daemon=True,
                                       name="onvif-replay-send")
        self.sender.start()

    def _send(self, halt: threading.Event, outside: bool) -> None:
        rec, modes = self.server.recording, self.server.modes
        if self.speed < 0 and not outside:
            self._send_reverse(halt)
            return
        if outside:
            self.sent_units.release(1000)
            if modes.bye_at_end and not modes.silent_outside:
                self.bye()
            return
        anchor: tuple[float, float] | None = None  # (monotonic, recorded time)
        while not halt.is_set() and not self.closed:
            if self.idx >= len(rec):
                return
            unit = rec[self.idx]
            if anchor is not None:
                due = anchor[0] + (unit.t - anchor[1]) / self.speed
                if halt.wait(max(0.0, due - time.monotonic())):
                    return
            else:
                anchor = (time.monotonic(), unit.t)
            nxt = rec[self.idx + 1] if self.idx + 1 < len(rec) else None
            hole = nxt is not None and nxt.t - unit.t > 1.5 / self.server.fps
            flags = (0x80 if unit.key else 0) | (0x20 if self.jumped else 0)
            flags |= 0x40 if hole or nxt is None else 0
            flags |= 0x10 if nxt is None else 0
            self.jumped = False
            self.send_unit(unit, flags)
            self.idx += 1
            self.sent_units.release()
            self.units_sent += 1
            if self._cut():
                return
            self.server.sent.append((self.cseq, unit.t, flags))
            if nxt is None:
                if modes.bye_at_end:
                    self.bye()
                return
            if hole:
                self.jumped = True  # the next unit follows a discontinuity

    def _cut(self) -> bool:
        """``cut_after`` units sent on the first connection: the network drops it."""
        modes = self.server.modes
        if not modes.cut_after or self.server.cut_done or self.units_sent < modes.cut_after:
            return False
        self.server.cut_done = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return True

    def _send_reverse(self, halt: threading.Event) -> None:
        """GOPs in reverse order from the one holding ``idx``, frames forward in each, at
        the speed: each GOP takes its recorded length over the speed."""
        rec, modes = self.server.recording, self.server.modes
        starts = [k for k, u in enumerate(rec) if u.key]
        g = max((n for n, k in enumerate(starts) if k <= self.idx), default=0)
        speed = -self.speed
        anchor, elapsed = time.monotonic(), 0.0
        while g >= 0 and not halt.is_set() and not self.closed:
            a = starts[g]
            b = starts[g + 1] if g + 1 < len(starts) else len(rec)
            gop = rec[a:b]
            for j, unit in enumerate(gop):
                due = anchor + (elapsed + unit.t - gop[0].t) / speed
                if halt.wait(max(0.0, due - time.monotonic())):
                    return
                last = g == 0 and j == len(gop) - 1
                flags = (0x80 if unit.key else 0) | (0x20 if j == 0 else 0)
                flags |= 0x10 if last else 0
                self.send_unit(unit, flags)
                self.server.sent.append((self.cseq, unit.t, flags))
                self.units_sent += 1
                self.sent_units.release()
                if self._cut():
                    return
            elapsed += gop[-1].t - gop[0].t + 1 / self.server.fps
            self.idx = a
            g -= 1
        if g < 0 and modes.bye_at_end:
            self.bye()

    # -- requests --------------------------------------------------------------------------

    def handle(self, req: Request) -> bool:
        cseq = req.header("cseq") or "0"
        modes, server = self.server.modes, self.server
        server.requests.append(req)
        require = req.header("require")
        if require is not None and "onvif-replay" in require and not modes.knows_tag:
            self.reply(cseq, 551, "Option not supported", {"Unsupported": "onvif-replay"})
            return True
        session = {"Session": "4711;timeout=60"}
        if req.method == "OPTIONS":
            self.reply(cseq, 200, "OK", {"Public": "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, "
                                                   "GET_PARAMETER, TEARDOWN"})
        elif req.method == "DESCRIBE":
            self.reply(cseq, 200, "OK", {"Content-Type": "application/sdp",
                                         "Content-Base": req.url.rstrip("/") + "/"},
                       server.sdp().encode())
        elif req.method == "SETUP":
            self.reply(cseq, 200, "OK", {**session, "Transport":
                                         "RTP/AVP/TCP;unicast;interleaved=0-1"})
        elif req.method == "PLAY":
            self.play(req, cseq)
        elif req.method == "PAUSE":
            self.stop_sending()
            self.reply(cseq, 200, "OK", session)
        elif req.method == "GET_PARAMETER":
            self.reply(cseq, 200, "OK", session)
        elif req.method == "TEARDOWN":
            self.stop_sending()
            self.reply(cseq, 200, "OK")
            return False
        else:
            self.reply(cseq, 405, "Method Not Allowed")
        return True

    def play(self, req: Request, cseq: str) -> None:
        modes, rec = self.server.modes, self.server.recording
        if modes.refuse_play is not None:
            self.reply(cseq, modes.refuse_play, modes.refuse_reason)
            return
        self.stop_sending()
        self.cseq = int(cseq)
        headers = {"Session": "4711;timeout=60"}
        scale = req.header("scale") or req.header("speed")
        if scale and float(scale) < 0 and modes.refuse_reverse is not None:
            self.server.plays.append({"asked": req.header("range"), "range": None,
                                      "scale": scale, "cseq": self.cseq})
            self.reply(cseq, modes.refuse_reverse, "Option not supported")
            return
        if scale:
            self.speed = max(0.1, abs(float(scale)))
            if float(scale) < 0 and not modes.reverse_forward:
                self.speed = -self.speed
        rng = req.header("range")
        outside = False
        npt = bool(rng and rng.strip().startswith("npt="))
        if rng and (rng.strip().startswith("clock=") or npt):
            if npt:  # seconds from the recording's start (RFC 2326 §3.6)
                asked = rec[0].t + float(rng.strip()[4:].split("-", 1)[0])
            else:
                asked = parse_clock(rng.strip()[6:].split("-", 1)[0])
            if asked < rec[0].t - 0.5 or asked > rec[-1].t + 0.5:
                outside = True
                if not modes.silent_outside:
                    headers["Range"] = modes.outside_range
            else:
                i = next((k for k, u in enumerate(rec) if u.t > asked + 1e-6), len(rec)) - 1
                i = max(i, 0)
                if i + 1 < len(rec) and rec[i + 1].t - rec[i].t > 1.5 / self.server.fps \
                        and asked > rec[i].t + 1 / self.server.fps - 1e-6:
                    i += 1  # in a hole: the next section
                while i > 0 and not rec[i].key:
                    i -= 1
                self.idx = i
                self.jumped = True
                headers["Range"] = (f"npt={rec[i].t - rec[0].t:.3f}-{rec[-1].t - rec[0].t:.3f}"
                                    if npt else f"clock={clock(rec[i].t)}-{clock(rec[-1].t)}")
                if self.speed < 0:  # from the newest frame sent back to the start
                    j = next((k for k in range(i + 1, len(rec)) if rec[k].key), len(rec)) - 1
                    headers["Range"] = f"clock={clock(rec[j].t)}-{clock(rec[0].t)}"
        elif self.idx < len(rec):
            headers["Range"] = f"clock={clock(rec[self.idx].t)}-{clock(rec[-1].t)}"
        if modes.speed_reply:
            headers["Scale"] = "1.000"
            headers["Speed"] = f"{self.speed:.3f}"
        elif scale and float(scale) < 0 and modes.reverse_forward:
            headers["Scale"] = "1.000"  # played forward whatever the sign asked
        else:
            headers["Scale"] = f"{self.speed:.3f}"
        if not modes.scale_in_reply:
            headers.pop("Scale", None)
        self.server.plays.append({"asked": rng, "range": headers.get("Range"),
                                  "scale": scale, "cseq": self.cseq})
        if modes.video_first and not outside:
            self.sent_units = threading.Semaphore(0)
            self.start_sending(outside)
            for _ in range(modes.video_first):
                self.sent_units.acquire(timeout=5)
            self.reply(cseq, 200, "OK", headers)
            return
        self.reply(cseq, 200, "OK", headers)
        self.start_sending(outside)

    def run(self) -> None:
        buf = b""
        self.sock.settimeout(0.2)
        try:
            while not self.server.closing.is_set():
                while buf[:1] == b"$" and len(buf) >= 4:  # RTCP from the client: skipped
                    size = struct.unpack("!H", buf[2:4])[0]
                    if len(buf) < 4 + size:
                        break
                    buf = buf[4 + size:]
                end = buf.find(b"\r\n\r\n")
                if end >= 0 and buf[:1] != b"$":
                    head, buf = buf[:end].decode("utf-8", "replace"), buf[end + 4:]
                    lines = head.split("\r\n")
                    method, url = (lines[0].split(" ") + ["", ""])[:2]
                    headers = {}
                    for line in lines[1:]:
                        k, _, v = line.partition(":")
                        headers[k.strip().lower()] = v.strip()
                    size = int(headers.get("content-length", "0") or 0)
                    buf = buf[size:]
                    if not self.handle(Request(method, url, headers)):
                        return
                    continue
                try:
                    chunk = self.sock.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                buf += chunk
        finally:
            self.stop_sending()
            self.closed = True
            try:
                self.sock.close()
            except OSError:
                pass


@dataclass
class ReplayServer:
    """``rtsp://127.0.0.1:<port>/onvif/replay/rec1`` serving ``recording``."""

    recording: list[Unit]
    fps: int
    modes: Modes = field(default_factory=Modes)
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    plays: list[dict[str, object]] = field(default_factory=list)
    sent: list[tuple[int, float, int]] = field(default_factory=list)  # (cseq, time, flags)
    closing: threading.Event = field(default_factory=threading.Event)
    cut_done: bool = False

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}/onvif/replay/rec1"

    def sdp(self) -> str:
        first = self.recording[0].nals
        sets = ",".join(base64.b64encode(n).decode() for n in first if n[0] & 0x1F in (7, 8))
        return ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=Recording rec1\r\nt=0 0\r\n"
                "a=control:*\r\na=range:clock=" + clock(self.recording[0].t) + "-"
                + clock(self.recording[-1].t) + "\r\n"
                f"m=video 0 RTP/AVP {PT}\r\na=rtpmap:{PT} H264/90000\r\n"
                f"a=fmtp:{PT} packetization-mode=1;sprop-parameter-sets={sets}\r\n"
                "a=control:track1\r\na=x-onvif-track:VIDEO001\r\n")

    def methods(self, method: str) -> list[Request]:
        return [r for r in list(self.requests) if r.method == method]


@contextmanager
def replay_server(recording: list[Unit], fps: int, modes: Modes | None = None
                  ) -> Iterator[ReplayServer]:
    server = ReplayServer(recording, fps, modes or Modes())
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    server.port = listener.getsockname()[1]
    threads: list[threading.Thread] = []

    def accept() -> None:
        while not server.closing.is_set():
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            t = threading.Thread(target=_Stream(server, sock).run, daemon=True,
                                 name="onvif-replay-conn")
            threads.append(t)
            t.start()

    acceptor = threading.Thread(target=accept, daemon=True, name="onvif-replay-accept")
    acceptor.start()
    try:
        yield server
    finally:
        server.closing.set()
        acceptor.join(5)
        listener.close()
        for t in threads:
            t.join(5)
