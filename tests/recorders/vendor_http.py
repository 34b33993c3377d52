"""A loopback HTTP(S) server speaking the recorder vendors' HTTP APIs, for the driver tests.

Answers are shaped on the vendors' documented examples: Hikvision ISAPI (XML in the
``http://www.hikvision.com/ver20/XMLSchema`` namespace), Dahua CGI (``table.…=value`` and
``result=`` lines), Axis VAPIX (``root.…=value`` lines, ``date.cgi``), JPEG snapshots and an
MJPEG ``multipart/x-mixed-replace`` stream. Authentication is digest (RFC 7616, MD5, qop=auth,
checked here independently of the client's code) or basic, as configured; TLS uses a
self-signed EC certificate made for the test (tests/recorders/tls_certs.py).
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import cv2
import numpy as np

HIK_NS = "http://www.hikvision.com/ver20/XMLSchema"
REALM = "csu-test"
_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]*))')


def make_jpeg(label: str = "SNAP", width: int = 320, height: int = 180) -> bytes:
    img = np.full((height, width, 3), 90, np.uint8)
    cv2.putText(img, label, (10, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 255, 255), 2)
    ok, data = cv2.imencode(".jpg", img)
    assert ok
    return bytes(data.tobytes())


@dataclass
class VendorConfig:
    family: str  # "hikvision", "dahua", "axis", "mjpeg" or "snapshot"
    user: str = "viewer"
    password: str = "Right-Pass-1"
    auth: str | None = "digest"  # "digest", "basic" or None
    channels: list[tuple[int, str]] = field(default_factory=lambda: [(1, "Entrée"),
                                                                      (2, "Parking")])
    clock_offset: float = 0.0  # the device's clock minus the real one, seconds
    timezone: str = "Europe/Paris"
    mjpeg_fps: float = 10.0
    # Axis edge storage: (recordingid, view, start, stop or None while recording), UTC;
    # None: the device has no edge storage API (404).
    axis_recordings: list[tuple[str, int, datetime, datetime | None]] | None = None
    # Dahua mediaFileFind: (channel, start, end) of each recorded file, UTC; None: no search.
    dahua_files: list[tuple[int, datetime, datetime]] | None = None
    # Hikvision ContentMgmt/search: (track id, start, end) of each segment, UTC; None: 404.
    hik_segments: list[tuple[int, datetime, datetime]] | None = None
    # HTTP download API (Hikvision ``ContentMgmt/download``, Dahua ``loadfile.cgi``): what
    # serves a period as a file (tests/rtsp/download_store.py); None: 404.
    download: DownloadStore | None = None
    download_fast: bool = False  # True: as fast as the client reads; False: real time
    download_cut_after: int = 0  # the first download's TCP is closed after this many bytes


class VendorHttpServer:
    """One vendor device on 127.0.0.1 (``port``); ``requests`` lists (path, had_auth)."""

    host = "127.0.0.1"

    def __init__(self, config: VendorConfig, tls: tuple[Path, Path] | None = None) -> None:
        self.config = config
        self.requests: list[tuple[str, bool]] = []
        self.handshakes = 0
        self.dahua_search: tuple[int, datetime, datetime] | None = None  # mediaFileFind
        self.dahua_calls: list[str] = []
        self.hik_searches: list[str] = []  # ContentMgmt/search bodies
        self.downloads: list[dict[str, object]] = []  # each download asked: period, range
        self.download_cut_done = False
        self.jpeg = make_jpeg(config.family.upper())
        self.stop = threading.Event()
        self.cut = threading.Event()  # set: open MJPEG streams end (the client reconnects)
        self._nonces: set[str] = set()
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"server_ref": self})
        self.httpd = ThreadingHTTPServer((self.host, 0), handler)
        self.httpd.daemon_threads = False
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True,
                                                do_handshake_on_connect=False)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={
            "poll_interval": 0.05}, name=f"vendor-http-{config.family}", daemon=True)
        self.thread.start()

    def serve_certificate(self, cert: tuple[Path, Path]) -> None:
        """From the next handshake on, present ``cert`` (an impostor taking the address)."""
        context = self.httpd.socket.context  # type: ignore[attr-defined]
        context.load_cert_chain(str(cert[0]), str(cert[1]))

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()  # joins the request threads
        self.thread.join(5)

    # -- auth (server side, written independently of csu_wall.recorders.http) --------------

    def new_nonce(self) -> str:
        nonce = os.urandom(12).hex()
        with self._lock:
            self._nonces.add(nonce)
        return nonce

    def authorised(self, header: str | None, method: str, uri: str) -> bool:
        cfg = self.config
        if cfg.auth is None:
            return True
        if not header:
            return False
        scheme, _, rest = header.partition(" ")
        if cfg.auth == "basic":
            if scheme.lower() != "basic":
                return False
            try:
                user, _, pw = base64.b64decode(rest).decode().partition(":")
            except ValueError:
                return False
            return user == cfg.user and pw == cfg.password
        if scheme.lower() != "digest":
            return False
        p = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
             for m in _PARAM.finditer(rest)}
        with self._lock:
            if p.get("nonce") not in self._nonces:
                return False

        def md5(s: str) -> str:
            return hashlib.md5(s.encode()).hexdigest()

        ha1 = md5(f"{p.get('username')}:{REALM}:{cfg.password}")
        ha2 = md5(f"{method}:{p.get('uri')}")
        want = md5(f"{ha1}:{p['nonce']}:{p.get('nc')}:{p.get('cnonce')}:auth:{ha2}")
        return (p.get("username") == cfg.user and p.get("uri") == uri
                and p.get("response") == want)

    def device_now(self) -> datetime:
        zone = ZoneInfo(self.config.timezone)
        return (datetime.now(timezone.utc) + timedelta(seconds=self.config.clock_offset)
                ).astimezone(zone)

    def base(self) -> str:
        scheme = "https" if isinstance(self.httpd.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://{self.host}:{self.port}"


class _Handler(BaseHTTPRequestHandler):
    server_ref: VendorHttpServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the test reads ``requests``

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(5)
            try:
                self.request.do_handshake()
            except (ssl.SSLError, OSError):
                self.request.close()
                raise
            self.server_ref.handshakes += 1
        super().setup()

    def _send(self, status: int, body: bytes, ctype: str = "text/plain",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        """Hikvision's ContentMgmt/search only (the other APIs are read with GET)."""
        srv = self.server_ref
        size = int(self.headers.get("Content-Length", "0") or 0)
        data = self.rfile.read(size).decode("utf-8", "replace")
        header = self.headers.get("Authorization")
        srv.requests.append((self.path, header is not None))
        if not srv.authorised(header, "POST", self.path):
            challenge = (f'Digest realm="{REALM}", qop="auth", nonce="{srv.new_nonce()}", '
                         'algorithm=MD5, opaque="0a1b"')
            self._send(401, b"Unauthorized", extra={"WWW-Authenticate": challenge})
            return
        segments = srv.config.hik_segments
        if self.path != "/ISAPI/ContentMgmt/search" or segments is None:
            self._send(404, b"Not Found")
            return
        srv.hik_searches.append(data)
        self._send(200, _hik_search(data, segments), "application/xml; charset=UTF-8")

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date:`` header on the device's clock (``clock_offset``)."""
        now = self.server_ref.device_now().timestamp() if timestamp is None else timestamp
        return formatdate(now, usegmt=True)

    def do_GET(self) -> None:  # noqa: N802
        srv = self.server_ref
        header = self.headers.get("Authorization")
        size = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(size).decode("utf-8", "replace") if size else ""
        srv.requests.append((self.path, header is not None))
        if not srv.authorised(header, "GET", self.path):
            if srv.config.auth == "basic":
                challenge = f'Basic realm="{REALM}"'
            else:
                challenge = (f'Digest realm="{REALM}", qop="auth", nonce="{srv.new_nonce()}", '
                             'algorithm=MD5, opaque="0a1b"')
            self._send(401, b"Unauthorized", extra={"WWW-Authenticate": challenge})
            return
        if srv.config.download is not None:
            period = _download_period(srv, self.path, body)
            if period is not None:
                self._download(srv.config.download, *period)
                return
        routes = {"hikvision": self._hikvision, "dahua": self._dahua, "axis": self._axis,
                  "mjpeg": self._encoder, "snapshot": self._encoder}
        answer = routes[srv.config.family](self.path)
        if answer is None:
            self._send(404, b"Not Found")
        elif isinstance(answer, str):
            self._mjpeg()
        else:
            body, ctype = answer
            self._send(200, body, ctype)

    # -- download APIs ----------------------------------------------------------------------

    def _download(self, store: DownloadStore, start: float, end: float) -> None:
        """The period's file, from the asked byte on (``Range: bytes=N-``: 206), in real time
        or as fast as the client reads; the first one cut once when ``download_cut_after``."""
        srv = self.server_ref
        path, seconds = store.file(start, end)
        size = path.stat().st_size
        m = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", "").strip())
        first = int(m.group(1)) if m and int(m.group(1)) < size else 0
        srv.downloads.append({"start": start, "end": end, "from": first, "size": size})
        self.send_response(206 if first else 200)
        self.send_header("Content-Type", "video/mp2t")
        self.send_header("Content-Length", str(size - first))
        if first:
            self.send_header("Content-Range", f"bytes {first}-{size - 1}/{size}")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        rate = size / max(seconds, 1e-3)  # bytes per second of video
        began, sent = time.monotonic(), 0
        with open(path, "rb") as f:
            f.seek(first)
            try:
                while not srv.stop.is_set():
                    chunk = f.read(64 * 1024 if srv.config.download_fast
                                   else max(512, int(rate / 25)))  # real time: an image's worth
                    if not chunk:
                        return
                    cut = srv.config.download_cut_after
                    if cut and not srv.download_cut_done and first + sent + len(chunk) > cut:
                        self.wfile.write(chunk[:max(0, cut - first - sent)])
                        self.wfile.flush()
                        srv.download_cut_done = True
                        self.connection.shutdown(socket.SHUT_RDWR)  # the network drops it
                        return
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    if not srv.config.download_fast:
                        srv.stop.wait(max(0.0, began + sent / rate - time.monotonic()))
            except OSError:
                pass  # the client went away

    # -- Hikvision ISAPI --------------------------------------------------------------------

    def _hikvision(self, path: str) -> tuple[bytes, str] | str | None:
        srv = self.server_ref
        xml = "application/xml; charset=UTF-8"
        if path == "/ISAPI/ContentMgmt/InputProxy/channels":
            items = "".join(
                f'<InputProxyChannel version="2.0"><id>{n}</id><name>{name}</name>'
                "<sourceInputPortDescriptor><proxyProtocol>HIKVISION</proxyProtocol>"
                "<addressingFormatType>ipaddress</addressingFormatType>"
                f"<ipAddress>192.168.254.{n + 1}</ipAddress><managePortNo>8000</managePortNo>"
                "<srcInputPort>1</srcInputPort><userName>admin</userName>"
                "<streamType>auto</streamType></sourceInputPortDescriptor>"
                "<enableAnr>false</enableAnr></InputProxyChannel>"
                for n, name in srv.config.channels)
            return (f'<?xml version="1.0" encoding="UTF-8"?><InputProxyChannelList version="2.0" '
                    f'xmlns="{HIK_NS}">{items}</InputProxyChannelList>').encode(), xml
        if path == "/ISAPI/System/deviceInfo":
            return (f'<?xml version="1.0" encoding="UTF-8"?><DeviceInfo version="2.0" '
                    f'xmlns="{HIK_NS}"><deviceName>Network Video Recorder</deviceName>'
                    "<deviceID>48443030-3637-3534-3837-c42f90d7a8e4</deviceID>"
                    "<model>DS-7608NI-K2</model><serialNumber>DS-7608NI-K20820190101</serialNumber>"
                    "<macAddress>c4:2f:90:d7:a8:e4</macAddress>"
                    "<firmwareVersion>V4.30.085</firmwareVersion>"
                    "<firmwareReleasedDate>build 200916</firmwareReleasedDate>"
                    "<deviceType>NVR</deviceType></DeviceInfo>").encode(), xml
        if path == "/ISAPI/System/time":
            local = srv.device_now().replace(microsecond=0).isoformat()
            return (f'<?xml version="1.0" encoding="UTF-8"?><Time version="2.0" '
                    f'xmlns="{HIK_NS}"><timeMode>NTP</timeMode><localTime>{local}</localTime>'
                    "<timeZone>CST-1:00:00DST-2:00:00,M3.5.0/02:00:00,M10.5.0/03:00:00"
                    "</timeZone></Time>").encode(), xml
        m = re.fullmatch(r"/ISAPI/Streaming/channels/(\d+)01/picture", path)
        if m and int(m.group(1)) in dict(srv.config.channels):
            return srv.jpeg, "image/jpeg"
        return None

    # -- Dahua CGI --------------------------------------------------------------------------

    def _dahua(self, path: str) -> tuple[bytes, str] | str | None:
        srv = self.server_ref
        if path == "/cgi-bin/configManager.cgi?action=getConfig&name=ChannelTitle":
            lines = [f"table.ChannelTitle[{n - 1}].Name={name}" for n, name in srv.config.channels]
            return ("\r\n".join(lines) + "\r\n").encode(), "text/plain;charset=utf-8"
        if path == "/cgi-bin/global.cgi?action=getCurrentTime":
            now = srv.device_now().strftime("%Y-%m-%d %H:%M:%S")
            return f"result={now}\r\n".encode(), "text/plain"
        if path == "/cgi-bin/magicBox.cgi?action=getDeviceType":
            return b"type=DHI-NVR4104HS-P-4KS2\r\n", "text/plain"
        if path == "/cgi-bin/magicBox.cgi?action=getSoftwareVersion":
            return b"version=4.001.0000000.0.R,build:2020-06-15\r\n", "text/plain"
        m = re.fullmatch(r"/cgi-bin/snapshot\.cgi\?channel=(\d+)", path)
        if m and int(m.group(1)) in dict(srv.config.channels):
            return srv.jpeg, "image/jpeg"
        if path.startswith("/cgi-bin/mediaFileFind.cgi?") and srv.config.dahua_files is not None:
            return _dahua_find(srv, path), "text/plain"
        return None

    # -- Axis VAPIX -------------------------------------------------------------------------

    def _axis(self, path: str) -> tuple[bytes, str] | str | None:
        srv = self.server_ref
        if path == "/axis-cgi/param.cgi?action=list&group=root.Image":
            lines = []
            for n, name in srv.config.channels:
                lines += [f"root.Image.I{n - 1}.Enabled=yes", f"root.Image.I{n - 1}.Name={name}",
                          f"root.Image.I{n - 1}.Appearance.Resolution=1280x720"]
            return ("\n".join(lines) + "\n").encode(), "text/plain"
        if path == "/axis-cgi/param.cgi?action=list&group=root.Brand":
            return (b"root.Brand.Brand=AXIS\nroot.Brand.ProdFullName=AXIS P7304 Video Encoder\n"
                    b"root.Brand.ProdNbr=P7304\n"), "text/plain"
        if path == "/axis-cgi/param.cgi?action=list&group=root.Properties.Firmware":
            return b"root.Properties.Firmware.Version=5.51.7.4\n", "text/plain"
        if path == "/axis-cgi/date.cgi?action=get":
            now = srv.device_now()
            months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
            text = f"{months[now.month - 1]} {now.day:02d}, {now.year} {now:%H:%M:%S}\r\n"
            return text.encode(), "text/plain"
        if path == "/axis-cgi/record/list.cgi?recordingid=all" \
                and srv.config.axis_recordings is not None:
            return _axis_recordings(srv.config.axis_recordings), "text/xml"
        m = re.fullmatch(r"/axis-cgi/jpg/image\.cgi\?camera=(\d+)", path)
        if m:
            if int(m.group(1)) in dict(srv.config.channels):
                return srv.jpeg, "image/jpeg"
            return b"Error: Invalid camera", "text/plain"
        return None

    # -- old encoders: MJPEG and snapshots --------------------------------------------------

    def _mjpeg(self) -> None:
        srv = self.server_ref
        self.send_response(200)
        self.send_header("Content-Type", "multipart/x-mixed-replace;boundary=myboundary")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        period = 1.0 / srv.config.mjpeg_fps
        try:
            while not srv.stop.is_set() and not srv.cut.is_set():
                self.wfile.write(b"--myboundary\r\nContent-Type: image/jpeg\r\n"
                                 + f"Content-Length: {len(srv.jpeg)}\r\n\r\n".encode()
                                 + srv.jpeg + b"\r\n")
                self.wfile.flush()
                time.sleep(period)
        except OSError:
            pass  # the client went away

    def _encoder(self, path: str) -> tuple[bytes, str] | str | None:
        srv = self.server_ref
        known = dict(srv.config.channels)
        m = re.fullmatch(r"/snapshot(\d+)\.jpg", path)
        if m and int(m.group(1)) in known:
            return srv.jpeg, "image/jpeg"
        m = re.fullmatch(r"/video(\d+)\.mjpg", path)
        if m and int(m.group(1)) in known:
            return "mjpeg"
        if path == "/":
            return b"<html>encoder</html>", "text/html"
        return None


class DownloadStore(Protocol):
    def file(self, start: float, end: float) -> tuple[Path, float]:
        """The file the recorder sends for ``[start, end]`` (epoch s) and its seconds of
        video."""
        ...


def _download_period(srv: VendorHttpServer, path: str, body: str
                     ) -> tuple[float, float] | None:
    """Hikvision: ``GET /ISAPI/ContentMgmt/download`` with a ``downloadRequest`` whose
    ``playbackURI`` carries ``starttime``/``endtime`` (UTC). Dahua:
    ``/cgi-bin/loadfile.cgi?action=startLoad&channel=N&startTime=…&endTime=…`` on the
    device's wall clock (an end not after the start is the repeated hour's second pass)."""
    if srv.config.family == "hikvision" and path == "/ISAPI/ContentMgmt/download":
        m = re.search(r"<playbackURI>(.*?)</playbackURI>", body, re.S)
        if m is None:
            return None
        q = {k: v[0] for k, v in parse_qs(urlsplit(html.unescape(m.group(1))).query).items()}

        def utc(text: str) -> float:
            return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=timezone.utc).timestamp()

        return utc(q["starttime"]), utc(q["endtime"])
    if srv.config.family == "dahua" and path.startswith("/cgi-bin/loadfile.cgi?"):
        q = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
        if q.get("action") != "startLoad":
            return None
        zone = ZoneInfo(srv.config.timezone)

        def local(text: str, fold: int) -> float:
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=zone, fold=fold).timestamp()

        start, end = local(q["startTime"], 0), local(q["endTime"], 0)
        return start, end if end > start else local(q["endTime"], 1)
    return None


def _hik_search(body: str, segments: list[tuple[int, datetime, datetime]]) -> bytes:
    """ISAPI ``CMSearchResult``: the track's segments crossing the asked span, ``maxResults``
    at a time from ``searchResultPostion`` (``MORE`` while some are left)."""
    def get(tag: str) -> str:
        m = re.search(rf"<{tag}>([^<]*)</{tag}>", body)
        return m.group(1) if m else ""

    def parse(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    def iso(t: datetime) -> str:
        return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    track, lo, hi = int(get("trackID")), parse(get("startTime")), parse(get("endTime"))
    first, count = int(get("searchResultPostion") or 0), int(get("maxResults") or 40)
    matches = [(a, b) for t, a, b in segments if t == track and a < hi and b > lo]
    page = matches[first:first + count]
    status = "MORE" if first + count < len(matches) else ("OK" if matches else "NO MATCHES")
    items = "".join(
        f"<searchMatchItem><sourceID>{{0000}}</sourceID><trackID>{track}</trackID>"
        f"<timeSpan><startTime>{iso(a)}</startTime><endTime>{iso(b)}</endTime></timeSpan>"
        "<mediaSegmentDescriptor><contentType>video</contentType><codecType>H.264-BP"
        f"</codecType><playbackURI>rtsp://127.0.0.1/Streaming/tracks/{track}/?starttime="
        f"{a:%Y%m%dT%H%M%SZ}</playbackURI></mediaSegmentDescriptor></searchMatchItem>"
        for a, b in page)
    return (f'<?xml version="1.0" encoding="UTF-8"?><CMSearchResult version="2.0" '
            f'xmlns="{HIK_NS}"><searchID>{get("searchID")}</searchID><responseStatus>true'
            f"</responseStatus><responseStatusStrg>{status}</responseStatusStrg>"
            f"<numOfMatches>{len(page)}</numOfMatches><matchList>{items}</matchList>"
            "</CMSearchResult>").encode()


def _dahua_find(srv: VendorHttpServer, path: str) -> bytes:
    """``mediaFileFind.cgi``: factory.create, findFile (the channel and the wall-clock window
    kept), findNextFile (every file of the channel crossing the window, once), close,
    destroy."""
    q = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
    zone = ZoneInfo(srv.config.timezone)
    action = q.get("action", "")
    if action == "factory.create":
        return b"result=08137\r\n"
    if action == "findFile":
        def local(text: str) -> datetime:
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)

        srv.dahua_search = (int(q["condition.Channel"]), local(q["condition.StartTime"]),
                            local(q["condition.EndTime"]))
        srv.dahua_calls.append(path)
        return b"OK\r\n"
    if action == "findNextFile":
        search, srv.dahua_search = srv.dahua_search, None
        if search is None:
            return b"found=0\r\n"
        channel, lo, hi = search
        files = [(a, b) for c, a, b in srv.config.dahua_files or [] if c == channel
                 and a < hi and b > lo]
        lines = [f"found={len(files)}"]
        for i, (a, b) in enumerate(files):
            lines += [f"items[{i}].Channel={channel - 1}",
                      f"items[{i}].StartTime={a.astimezone(zone):%Y-%m-%d %H:%M:%S}",
                      f"items[{i}].EndTime={b.astimezone(zone):%Y-%m-%d %H:%M:%S}",
                      f"items[{i}].Type=dav", f"items[{i}].FilePath=/mnt/dvr/{i}.dav"]
        return ("\r\n".join(lines) + "\r\n").encode()
    return b"OK\r\n"


def _axis_recordings(recs: list[tuple[str, int, datetime, datetime | None]]) -> bytes:
    """VAPIX edge storage ``record/list.cgi``: one ``recording`` element per recording."""
    def iso(t: datetime) -> str:
        return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    items = "".join(
        f'<recording diskid="SD_DISK" recordingid="{rid}" starttime="{iso(start)}" '
        f'stoptime="{iso(stop) if stop else ""}" recordingtype="continuous" '
        f'recordingstatus="{"completed" if stop else "recording"}" source="{view}" '
        'locked="No"><video mimetype="video/x-h264" width="320" height="192" '
        'framerate="25:1" resolution="320x192"/></recording>'
        for rid, view, start, stop in recs)
    return (f'<?xml version="1.0" encoding="UTF-8"?><root><recordings totalnumberofrecordings='
            f'"{len(recs)}" numberofrecordings="{len(recs)}">{items}</recordings></root>'
            ).encode()


class SilentHttpServer:
    """Accepts TCP connections and never answers (a hung recorder)."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((self.host, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def close(self) -> None:
        self.sock.close()
