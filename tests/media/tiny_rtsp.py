"""A tiny RTSP server (RFC 2326, RTP over the RTSP connection, RFC 2326 §10.12) for faults the
GStreamer server cannot stage:

- ``silent``: answers OPTIONS, DESCRIBE (an H.264 SDP with real SPS/PPS), SETUP and PLAY,
  then sends nothing at all, keeping the connection open;
- ``garbage``: the same handshake, then RTP packets of H.264 slices no decoder can use (they
  name a parameter set that does not exist; the rest is random bytes): the demuxer hands
  packets on, no picture ever comes. For ``garbage_s`` seconds, then it hangs up.

It records when each connection arrived and when it answered PLAY, so tests can measure from
the last byte it sent. Threads only, stopped by :meth:`close`.
"""

from __future__ import annotations

import base64
import os
import random
import socket
import struct
import threading
import time
from pathlib import Path

from csu_wall.recorders.clips import encode_h264

_SESSION = "4242"


def sprop_from_clip(folder: Path, width: int = 320, height: int = 180) -> tuple[str, str]:
    """SPS and PPS (base64) of a real 1-frame clip: ``sprop-parameter-sets`` of the SDP."""
    import numpy as np

    path = encode_h264(folder / f"sprop-{width}x{height}.h264",
                       [np.zeros((height, width, 3), np.uint8)], width, height)
    data = path.read_bytes()
    nals = [n.lstrip(b"\x00") for n in data.split(b"\x00\x00\x01") if n.strip(b"\x00")]
    sps = next(n for n in nals if n[0] & 0x1F == 7).rstrip(b"\x00")
    pps = next(n for n in nals if n[0] & 0x1F == 8).rstrip(b"\x00")
    return base64.b64encode(sps).decode(), base64.b64encode(pps).decode()


class TinyRtspServer:
    host = "127.0.0.1"

    def __init__(self, folder: Path, mode: str = "silent", garbage_s: float = 0.5) -> None:
        if mode not in ("silent", "garbage"):
            raise ValueError(mode)
        self.mode = mode
        self.garbage_s = garbage_s
        self.sps, self.pps = sprop_from_clip(folder)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((self.host, 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)  # the accept loop sees close() within 0.1 s
        self.port: int = self.sock.getsockname()[1]
        self._lock = threading.Lock()
        self.connections: list[float] = []  # monotonic time each connection was accepted
        self.played: list[float] = []  # monotonic time each PLAY answer was sent
        self.rtp_packets = 0
        self._closed = threading.Event()
        self._clients: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._serve, name="tiny-rtsp", daemon=True)
        self._accept.start()

    def url(self, mount: str = "cam") -> str:
        return f"rtsp://{self.host}:{self.port}/{mount}"

    def close(self) -> None:
        self._closed.set()
        self._accept.join(5)
        self.sock.close()
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            try:
                client.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            client.close()
        for t in list(self._threads):
            t.join(5)

    # -- internals ---------------------------------------------------------------------------

    def _serve(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self._lock:
                self.connections.append(time.monotonic())
                self._clients.append(client)
            t = threading.Thread(target=self._client, args=(client,), name="tiny-rtsp-client",
                                 daemon=True)
            self._threads.append(t)
            t.start()

    def _sdp(self) -> bytes:
        return (
            "v=0\r\n"
            f"o=- 1 1 IN IP4 {self.host}\r\n"
            "s=tiny\r\n"
            "c=IN IP4 0.0.0.0\r\n"
            "t=0 0\r\n"
            "m=video 0 RTP/AVP 96\r\n"
            "a=rtpmap:96 H264/90000\r\n"
            f"a=fmtp:96 packetization-mode=1;sprop-parameter-sets={self.sps},{self.pps}\r\n"
            "a=control:track1\r\n"
        ).encode()

    def _client(self, client: socket.socket) -> None:
        buf = b""
        try:
            while not self._closed.is_set():
                while b"\r\n\r\n" not in buf:
                    chunk = client.recv(4096)
                    if not chunk:
                        return
                    buf += chunk
                head, buf = buf.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                method, uri = lines[0].split(" ")[:2]
                headers = {k.strip().lower(): v.strip() for k, _, v in
                           (line.partition(":") for line in lines[1:])}
                length = int(headers.get("content-length", "0"))
                while len(buf) < length:
                    buf += client.recv(4096)
                buf = buf[length:]
                cseq = headers.get("cseq", "0")
                if method == "OPTIONS":
                    self._reply(client, cseq, "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN")
                elif method == "DESCRIBE":
                    sdp = self._sdp()
                    self._reply(client, cseq, f"Content-Base: {uri}/\r\nContent-Type: "
                                f"application/sdp\r\nContent-Length: {len(sdp)}", sdp)
                elif method == "SETUP":
                    asked = headers.get("transport", "")
                    if "TCP" in asked or self.mode == "garbage":
                        transport = "RTP/AVP/TCP;unicast;interleaved=0-1"
                    else:  # UDP (silent only): the ports are answered, nothing is ever sent
                        transport = f"{asked.split(',')[0]};server_port=40000-40001"
                    self._reply(client, cseq, f"Session: {_SESSION};timeout=60\r\n"
                                f"Transport: {transport}")
                elif method == "PLAY":
                    self._reply(client, cseq, f"Session: {_SESSION}\r\nRTP-Info: url={uri}/"
                                "track1;seq=1;rtptime=0")
                    with self._lock:
                        self.played.append(time.monotonic())
                    if self.mode == "garbage":
                        self._garbage(client)
                        return
                    # silent: keep the connection open, read (and ignore) what comes
                elif method == "TEARDOWN":
                    self._reply(client, cseq, f"Session: {_SESSION}")
                    return
                else:
                    self._reply(client, cseq, "", status="405 Method Not Allowed")
        except (OSError, ValueError):
            return
        finally:
            client.close()
            with self._lock:
                if client in self._clients:
                    self._clients.remove(client)

    @staticmethod
    def _reply(client: socket.socket, cseq: str, headers: str, body: bytes = b"",
               status: str = "200 OK") -> None:
        extra = f"{headers}\r\n" if headers else ""
        client.sendall(f"RTSP/1.0 {status}\r\nCSeq: {cseq}\r\n{extra}\r\n".encode() + body)

    def _garbage(self, client: socket.socket) -> None:
        """25 frames a second of one random NAL unit each (marker bit set), over channel 0."""
        rng = random.Random(os.getpid())
        seq, start = 1, time.monotonic()
        frame = 0
        while not self._closed.is_set() and time.monotonic() - start < self.garbage_s:
            nal_type = 5 if frame % 25 == 0 else 1
            # A slice header naming a picture parameter set the SDP never gave (pps_id 5):
            # the parser cuts a packet per slice (first_mb_in_slice 0), the decoder drops
            # each one whole, so no error concealment ever makes a picture of it. No zero
            # byte follows, so no start code appears inside.
            header_bits = bytes([0x88, 0x30 | rng.randrange(8)])  # ue: 0, 7 (I), 5 (pps_id)
            payload = (bytes([0x60 | nal_type]) + header_bits
                       + rng.randbytes(800).replace(b"\x00", b"\x01"))
            header = struct.pack("!BBHII", 0x80, 0x80 | 96, seq & 0xFFFF, frame * 3600, 0x1234)
            packet = header + payload
            client.sendall(b"$\x00" + struct.pack("!H", len(packet)) + packet)
            with self._lock:
                self.rtp_packets += 1
            seq += 1
            frame += 1
            self._closed.wait(0.04)
