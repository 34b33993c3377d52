"""A small RTSP/1.0 client for recorded video: RTP over the RTSP TCP connection (interleaved),
H.264 depacketised into Annex-B access units, any request header the recorder wants.

FFmpeg hard-codes its RTSP requests, so it can send neither ONVIF replay's ``Range: clock=``
with ``Require: onvif-replay`` nor ``Scale:`` (PEERS). aiortsp can, but it is asyncio-only and
this layer reads each stream on its own thread; this client is small and blocking,
with a deadline on every call and a stop event checked every 50 ms.
"""

from __future__ import annotations

import base64
import calendar
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from csu_wall.core.digest import Authenticator, parse_challenges
from csu_wall.core.errors import (
    RecorderAuthError,
    RecorderBadAnswer,
    RecorderNotSupported,
    RecorderUnreachable,
)
from csu_wall.core.frames import TileState

POLL = 0.05  # s: how often a blocked call looks at the stop event
_START = b"\x00\x00\x00\x01"
_ONVIF_EXT = 0xABAC  # ONVIF replay RTP header extension (NTP time of the frame, flags)
# The flags byte of that extension (ONVIF Streaming Specification, replay chapter).
FLAG_C = 0x80  # clean point: the access unit starts at a keyframe
FLAG_E = 0x40  # the last access unit of a contiguous section (a gap follows)
FLAG_D = 0x20  # a discontinuity (a gap or a jump) precedes this access unit
FLAG_T = 0x10  # the end of the recording: the last packet the server sends
_RTCP_BYE = 203
_NTP_EPOCH = 2208988800  # seconds from 1900 to 1970

MSG_UNREACHABLE = "L'enregistreur ne répond pas : vérifiez qu'il est allumé et joignable."
MSG_AUTH = ("L'enregistreur refuse les identifiants : faites-les corriger dans "
            "l'administration.")
MSG_SCHEME = ("La relecture par RTSPS (RTSP chiffré) n'est pas prise en charge : configurez "
              "l'enregistreur en RTSP.")
MSG_BAD = "L'enregistreur a refusé la lecture de l'enregistrement ({status})."
MSG_REFUSED = ("L'enregistreur a refusé la demande de relecture ({status}). Aucune nouvelle "
               "tentative : choisissez une autre heure, ou signalez-le au support.")
MSG_NO_ONVIF = ("L'enregistreur refuse la relecture ONVIF ({status}) : la relecture de cet "
                "enregistreur est impossible par ONVIF. Aucune nouvelle tentative.")


class Stopped(Exception):
    """The caller's stop event was set during a blocking call."""


class ReplayRefused(RecorderBadAnswer):
    """The recorder answered the request with a refusal no retry cures (a 4xx other than 401,
    or ``551`` to ONVIF replay even without ``Require``): terminal for this request."""

    terminal = True
    state = TileState.REFUSED


@dataclass(frozen=True)
class AccessUnit:
    data: bytes  # Annex-B
    key: bool  # holds an IDR
    rtp_ts: int
    ntp_utc: float | None = None  # epoch s, from the ONVIF replay extension when present
    flags: int = 0  # the extension's C/E/D/T bits (FLAG_*), over the unit's packets


@dataclass
class Response:
    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Sdp:
    control: str  # the video track's URL (SETUP)
    aggregate: str  # the session's URL (PLAY, PAUSE, TEARDOWN)
    payload_type: int
    clock_rate: int
    sps_pps: tuple[bytes, ...]


def split_url(url: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without userinfo, and the credentials it carried (never logged)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    return urlunsplit(parts._replace(netloc=host)), (unquote(user), unquote(password))


def parse_sdp(text: str, base: str) -> Sdp:
    control, pt, rate, session_control = "", -1, 90000, "*"
    sps_pps: tuple[bytes, ...] = ()
    in_video = seen_media = False
    for line in text.splitlines():
        line = line.strip()
        if not seen_media and line.startswith("a=control:"):
            session_control = line[len("a=control:"):]
        if line.startswith("m="):
            seen_media = True
            in_video = line.startswith("m=video") and pt < 0
            if in_video:
                pt = int(line.split()[3])
        elif in_video and line.startswith("a=control:"):
            control = line[len("a=control:"):]
        elif in_video and line.startswith("a=rtpmap:"):
            codec = line.split(None, 1)[1]
            if not codec.upper().startswith("H264"):
                raise RecorderBadAnswer("L'enregistreur envoie une vidéo autre que H.264, "
                                        "non prise en charge en relecture.")
            if "/" in codec:
                rate = int(codec.split("/")[1])
        elif in_video and "sprop-parameter-sets=" in line:
            value = line.split("sprop-parameter-sets=", 1)[1].split(";")[0]
            sps_pps = tuple(base64.b64decode(p) for p in value.split(",") if p)
    if pt < 0:
        raise RecorderBadAnswer("L'enregistreur ne propose aucune vidéo pour cette période.")
    aggregate = _join(base, session_control)
    if aggregate == base and base.endswith("/"):
        aggregate = base[:-1]
    return Sdp(_join(base, control), aggregate, pt, rate, sps_pps)


def _join(base: str, control: str) -> str:
    """The track's URL: a relative control goes after the path, before any query (vendors'
    playback URLs carry the time in the query)."""
    if not control or control == "*":
        return base
    if "://" in control:
        return control
    parts = urlsplit(base)
    query = parts.query.rstrip("/")
    path = parts.path.rstrip("/") + "/" + control
    return urlunsplit(parts._replace(path=path, query=query))


class RtspClient:
    """One RTSP session over one TCP connection. Not thread-safe: its reader thread only."""

    def __init__(self, url: str, *, timeout: float = 5.0,
                 credentials: tuple[str, str] | None = None,
                 stop: threading.Event | None = None,
                 always: dict[str, str] | None = None) -> None:
        self.url, in_url = split_url(url)
        # Sent with every request (ONVIF replay wants ``Require: onvif-replay`` on all).
        self.always = dict(always or {})
        self._cred = credentials or in_url
        self.timeout = timeout
        self.stop = stop or threading.Event()
        self._sock: socket.socket | None = None
        self._buf = bytearray()
        self._cseq = 0
        self._session: str | None = None
        self._auth: Authenticator | None = None  # answers the server's challenge
        self.sdp: Sdp | None = None
        self.rtp: deque[bytes] = deque()  # RTP packets read while waiting for a reply
        self._fu: bytearray | None = None
        self._au: list[bytes] = []
        self._au_ts: int | None = None
        self._au_ntp: float | None = None
        self._last_seq: int | None = None
        self._au_flags = 0
        self.bye = False  # an RTCP BYE came since the last PLAY: the server sends no more
        self.tag_refused = False  # ``551`` to ``Require: onvif-replay``: asked again without
        self._play_cseq = 0  # the CSeq of the last PLAY, and of the one before (stale video)
        self._stale_cseq: int | None = None

    # -- connection -----------------------------------------------------------------------

    def connect(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme.lower() != "rtsp":  # no RTSPS here: never send credentials unchecked
            raise RecorderNotSupported(MSG_SCHEME)
        host, port = parts.hostname or "127.0.0.1", parts.port or 554
        deadline = time.monotonic() + self.timeout
        try:
            sock = socket.create_connection((host, port), timeout=min(self.timeout, 5.0))
        except OSError as exc:
            raise RecorderUnreachable(MSG_UNREACHABLE) from exc
        sock.settimeout(POLL)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        if time.monotonic() > deadline:
            raise RecorderUnreachable(MSG_UNREACHABLE)

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def teardown(self) -> None:
        """Polite end (best effort, short deadline), then close."""
        if self._sock is not None and self._session is not None:
            try:
                self._send("TEARDOWN", self._aggregate(), {})
            except (OSError, Stopped):
                pass
        self.close()

    # -- requests -------------------------------------------------------------------------

    def describe(self) -> Sdp:
        resp = self.request("DESCRIBE", self.url, {"Accept": "application/sdp"})
        base = resp.header("content-base") or self.url
        self.sdp = parse_sdp(resp.body.decode("utf-8", "replace"), base)
        return self.sdp

    def setup(self) -> None:
        assert self.sdp is not None
        resp = self.request("SETUP", self.sdp.control,
                            {"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1"})
        session = resp.header("session")
        if not session:
            raise RecorderBadAnswer(MSG_BAD.format(status="pas de session"))
        self._session = session.split(";")[0].strip()

    def play(self, headers: dict[str, str] | None = None) -> Response:
        """A PLAY; video read before it was sent belongs to the previous one and is dropped,
        video arriving before its answer is kept (servers may send it first), video still
        marked with the previous PLAY's CSeq (ONVIF extension) is dropped when it comes."""
        self._reset_depacketiser()
        self.rtp.clear()
        self.bye = False
        self._stale_cseq = self._play_cseq & 0xFF if self._play_cseq else None
        self._play_cseq = self._cseq + 1
        return self.request("PLAY", self._aggregate(), dict(headers or {}))

    def pause(self) -> Response:
        return self.request("PAUSE", self._aggregate(), {})

    def _aggregate(self) -> str:
        return self.sdp.aggregate if self.sdp is not None else self.url

    def request(self, method: str, url: str, headers: dict[str, str]) -> Response:
        try:
            resp = self._exchange(method, url, headers)
            if resp.status == 401 and self._cred is not None and self._auth is None:
                self._auth = Authenticator.answering(
                    parse_challenges([resp.header("www-authenticate") or ""]), *self._cred)
                resp = self._exchange(method, url, headers)
            if resp.status == 551 and "onvif-replay" in (resp.header("unsupported") or "") \
                    and "Require" in self.always:
                # A server that does not declare the tag may still replay: asked once more
                # without it (and never again on this connection).
                self.always.pop("Require")
                self.tag_refused = True
                if method == "PLAY":
                    self._play_cseq = self._cseq + 1
                resp = self._exchange(method, url, headers)
        except (TimeoutError, EOFError) as exc:
            raise RecorderUnreachable(MSG_UNREACHABLE) from exc
        status = f"{resp.status} {resp.reason}".strip()
        if resp.status == 401:
            raise RecorderAuthError(MSG_AUTH)
        if self.tag_refused and resp.status >= 400:
            raise ReplayRefused(MSG_NO_ONVIF.format(status=status))
        if 400 <= resp.status < 500:
            raise ReplayRefused(MSG_REFUSED.format(status=status))
        if resp.status >= 300:
            raise RecorderBadAnswer(MSG_BAD.format(status=status))
        return resp

    def _exchange(self, method: str, url: str, headers: dict[str, str]) -> Response:
        cseq = self._send(method, url, headers)
        deadline = time.monotonic() + self.timeout
        while True:
            kind, value = self._message(deadline)
            if kind == "rtp":
                self.rtp.append(value)  # type: ignore[arg-type]
                continue
            if not isinstance(value, Response):
                continue  # an RTCP BYE (noted in ``bye``)
            if value.header("cseq") in (None, str(cseq)):
                return value

    def _send(self, method: str, url: str, headers: dict[str, str]) -> int:
        self._cseq += 1
        lines = [f"{method} {url} RTSP/1.0", f"CSeq: {self._cseq}", "User-Agent: csu-wall"]
        if self._session:
            lines.append(f"Session: {self._session}")
        if self._auth is not None:
            lines.append("Authorization: " + self._auth.authorization(method, url))
        lines += [f"{k}: {v}" for k, v in {**self.always, **headers}.items()]
        self._sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return self._cseq

    # -- media ----------------------------------------------------------------------------

    def read_access_unit(self, timeout: float) -> AccessUnit | None:
        """The next complete H.264 access unit; None when nothing came within ``timeout``.
        RTSP messages arriving meanwhile (keep-alive answers) are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            if self.rtp:
                au = self._depacketise(self.rtp.popleft())
                if au is not None:
                    return au
                continue
            if self.bye:
                return None
            try:
                kind, value = self._message(deadline)
            except TimeoutError:
                return None
            if kind == "rtp":
                self.rtp.append(value)  # type: ignore[arg-type]

    def keepalive(self) -> None:
        """GET_PARAMETER, its answer read later with the media (servers time sessions out)."""
        self._send("GET_PARAMETER", self._aggregate(), {})

    def _reset_depacketiser(self) -> None:
        self._fu, self._au, self._au_ts, self._au_ntp, self._last_seq = None, [], None, None, None
        self._au_flags = 0

    def _depacketise(self, pkt: bytes) -> AccessUnit | None:
        if len(pkt) < 12 or pkt[0] >> 6 != 2:
            return None
        cc, marker, pt = pkt[0] & 0x0F, bool(pkt[1] & 0x80), pkt[1] & 0x7F
        if self.sdp is not None and pt != self.sdp.payload_type:
            return None
        seq = int.from_bytes(pkt[2:4], "big")
        ts = int.from_bytes(pkt[4:8], "big")
        off = 12 + 4 * cc
        ntp = None
        flags = 0
        if pkt[0] & 0x10 and len(pkt) >= off + 4:  # header extension
            profile = int.from_bytes(pkt[off:off + 2], "big")
            words = int.from_bytes(pkt[off + 2:off + 4], "big")
            if profile == _ONVIF_EXT and words >= 2 and len(pkt) >= off + 12:
                secs = int.from_bytes(pkt[off + 4:off + 8], "big")
                frac = int.from_bytes(pkt[off + 8:off + 12], "big")
                ntp = secs - _NTP_EPOCH + frac / 2**32
                if words >= 3 and len(pkt) >= off + 14:
                    flags = pkt[off + 12] & 0xF0
                    if self._stale_cseq is not None and pkt[off + 13] == self._stale_cseq:
                        return None  # sent for the previous PLAY, still in flight
            off += 4 + 4 * words
        end = len(pkt) - (pkt[-1] if pkt[0] & 0x20 else 0)
        payload = pkt[off:end]
        if self._last_seq is not None and seq != (self._last_seq + 1) & 0xFFFF:
            self._fu = None  # a lost packet: the fragment being joined is unusable
        self._last_seq = seq
        done = None
        if self._au_ts is not None and ts != self._au_ts and self._au:
            done = self._finish()
        self._au_ts = ts
        if ntp is not None:
            self._au_ntp = ntp
        self._au_flags |= flags
        if payload:
            self._add_payload(payload)
        if marker and self._au:
            return done or self._finish()
        return done

    def _add_payload(self, payload: bytes) -> None:
        nal_type = payload[0] & 0x1F
        if 1 <= nal_type <= 23:
            self._au.append(payload)
        elif nal_type == 24:  # STAP-A
            i = 1
            while i + 2 <= len(payload):
                size = int.from_bytes(payload[i:i + 2], "big")
                if size and i + 2 + size <= len(payload):
                    self._au.append(payload[i + 2:i + 2 + size])
                i += 2 + size
        elif nal_type == 28 and len(payload) > 2:  # FU-A
            fu = payload[1]
            if fu & 0x80:
                self._fu = bytearray([(payload[0] & 0xE0) | (fu & 0x1F)]) + payload[2:]
            elif self._fu is not None:
                self._fu += payload[2:]
            if fu & 0x40 and self._fu is not None:
                self._au.append(bytes(self._fu))
                self._fu = None

    def _finish(self) -> AccessUnit:
        nals, self._au = self._au, []
        flags, self._au_flags = self._au_flags, 0
        types = {n[0] & 0x1F for n in nals}
        key = 5 in types
        if key and 7 not in types and self.sdp is not None and self.sdp.sps_pps:
            nals = [*self.sdp.sps_pps, *nals]  # a decoder joining here needs the headers
        ts = self._au_ts or 0
        return AccessUnit(b"".join(_START + n for n in nals), key, ts, self._au_ntp, flags)

    # -- wire -----------------------------------------------------------------------------

    def _sendall(self, data: bytes) -> None:
        sock = self._require_sock()
        deadline = time.monotonic() + self.timeout
        view = memoryview(data)
        while view:
            self._check(deadline)
            try:
                sent = sock.send(view)
            except TimeoutError:
                continue
            except OSError as exc:
                raise RecorderUnreachable(MSG_UNREACHABLE) from exc
            view = view[sent:]

    def _require_sock(self) -> socket.socket:
        if self._sock is None:
            raise RecorderUnreachable(MSG_UNREACHABLE)
        return self._sock

    def _check(self, deadline: float) -> None:
        if self.stop.is_set():
            raise Stopped()
        if time.monotonic() > deadline:
            raise TimeoutError("RTSP peer silent")

    def _fill(self, deadline: float) -> None:
        sock = self._require_sock()
        while True:
            self._check(deadline)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError as exc:
                raise RecorderUnreachable(MSG_UNREACHABLE) from exc
            if not chunk:
                raise EOFError("RTSP connection closed by the recorder")
            self._buf += chunk
            return

    def _message(self, deadline: float) -> tuple[str, bytes | Response]:
        """The next interleaved RTP packet (channel 0) or RTSP response."""
        while True:
            while len(self._buf) < 4:
                self._fill(deadline)
            if self._buf[0] == 0x24:  # '$'
                channel, size = self._buf[1], int.from_bytes(self._buf[2:4], "big")
                while len(self._buf) < 4 + size:
                    self._fill(deadline)
                data = bytes(self._buf[4:4 + size])
                del self._buf[:4 + size]
                if channel == 0:
                    return "rtp", data
                if _is_bye(data):
                    self.bye = True  # the server's last word on this stream
                    return "bye", data
                continue  # other RTCP: ignored
            head_end = self._buf.find(b"\r\n\r\n")
            if head_end < 0:
                if len(self._buf) > 65536:
                    raise RecorderBadAnswer(MSG_BAD.format(status="réponse illisible"))
                self._fill(deadline)
                continue
            head = bytes(self._buf[:head_end]).decode("utf-8", "replace").split("\r\n")
            headers: dict[str, str] = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            while len(self._buf) < head_end + 4 + length:
                self._fill(deadline)
            body = bytes(self._buf[head_end + 4:head_end + 4 + length])
            del self._buf[:head_end + 4 + length]
            first = head[0].split(" ", 2)
            if not first[0].startswith("RTSP/"):
                continue  # a request from the server (e.g. ANNOUNCE): ignored
            status = int(first[1]) if len(first) > 1 and first[1].isdigit() else 0
            return "rtsp", Response(status, first[2] if len(first) > 2 else "", headers, body)


def _is_bye(data: bytes) -> bool:
    """Whether an RTCP (compound) packet holds a BYE."""
    i = 0
    while i + 4 <= len(data):
        if data[i + 1] == _RTCP_BYE:
            return True
        i += 4 + 4 * int.from_bytes(data[i + 2:i + 4], "big")
    return False


def parse_clock_range(value: str | None) -> tuple[float | None, float | None]:
    """``clock=19990616T115954Z-20000101T000000.500Z`` -> (start, end) epoch seconds;
    (None, None) when absent or not a clock range."""
    if not value:
        return None, None
    text = value.strip()
    if not text.lower().startswith("clock="):
        return None, None
    lo, _, hi = text[6:].split(";")[0].partition("-")
    return _clock(lo), _clock(hi)


def _clock(text: str) -> float | None:
    text = text.strip().rstrip("Zz")
    if not text:
        return None
    frac = 0.0
    if "." in text:
        text, digits = text.split(".", 1)
        frac = float("0." + digits) if digits.isdigit() else 0.0
    try:
        t = time.strptime(text, "%Y%m%dT%H%M%S")
    except ValueError:
        return None
    return calendar.timegm(t) + frac
