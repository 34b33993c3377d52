"""Snapshot-only cameras (older analog encoders): a JPEG URL polled at ``poll_hz``.

Each JPEG goes to the decoder pool as one MJPEG packet (every one a keyframe). HTTP auth is
digest or basic, as the device asks (urllib's handlers answer the challenge); every request has
a timeout and the wait between polls ends at once when the session stops.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from fractions import Fraction

import av

from csu_wall.core.errors import (
    RecorderAuthError,
    RecorderBadAnswer,
    RecorderNotSupported,
    RecorderUnreachable,
)
from csu_wall.core.ports import StreamSource
from csu_wall.media.decode import DecoderSpec
from csu_wall.media.pool import Decoder
from csu_wall.media.replay import PacketReader

DEFAULT_HZ = 1.0
_TIME_BASE = Fraction(1, 1000)
MSG_AUTH = ("La caméra refuse les identifiants : faites-les corriger dans "
            "l'administration.")
MSG_UNREACHABLE = "La caméra ne répond pas : vérifiez qu'elle est allumée et joignable."
MSG_PINNED = ("Les instantanés HTTPS à certificat épinglé ne sont pas encore pris en charge : "
              "utilisez le flux RTSP ou MJPEG de cette caméra.")
MSG_NOT_JPEG = "La caméra n'a pas renvoyé d'image JPEG : vérifiez l'adresse de l'instantané."


class SnapshotReader(PacketReader):
    def __init__(self, source: StreamSource, credentials: tuple[str, str] | None, *,
                 open_timeout: float, read_timeout: float, stop: threading.Event) -> None:
        self.source = source
        self.timeout = max(0.2, min(open_timeout, read_timeout))
        self.stop = stop
        self.period = 1.0 / (source.poll_hz if source.poll_hz > 0 else DEFAULT_HZ)
        handlers: list[urllib.request.BaseHandler] = []
        if credentials is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, source.url, credentials[0], credentials[1])
            handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                         urllib.request.HTTPBasicAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)
        self._first: bytes | None = None
        self._t0 = time.monotonic()
        self.polls = 0

    def fetch(self) -> bytes:
        """One JPEG, or a typed error (French message, no credential in it)."""
        self.polls += 1
        try:
            with self._opener.open(self.source.url, timeout=self.timeout) as resp:
                data: bytes = resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise RecorderAuthError(MSG_AUTH) from None
            raise RecorderBadAnswer(MSG_NOT_JPEG) from None
        except (urllib.error.URLError, OSError) as exc:
            raise RecorderUnreachable(MSG_UNREACHABLE) from exc
        if not data.startswith(b"\xff\xd8"):
            raise RecorderBadAnswer(MSG_NOT_JPEG)
        return data

    def open(self) -> None:
        if self.source.url.lower().startswith("https:") and self.source.tls_pin:
            # Certificate pinning lives with the recorder drivers; never send a credential
            # over TLS that was not checked against the pin.
            raise RecorderNotSupported(MSG_PINNED)
        self._first = self.fetch()  # wrong credentials or a dead camera show at once

    def close(self) -> None:
        self._opener.close()

    def pump(self, decoder: Decoder, seen: Callable[[], None]) -> str:
        spec = DecoderSpec(codec="mjpeg", extradata=None, width=0, height=0,
                           time_base=_TIME_BASE)
        decoder.new_connection()
        next_at = time.monotonic()
        while not self.stop.is_set():
            data, self._first = (self._first, None) if self._first else (self.fetch(), None)
            seen()
            packet = av.Packet(data)
            packet.pts = int((time.monotonic() - self._t0) * 1000)
            packet.is_keyframe = True
            decoder.push(spec, packet)
            next_at += self.period
            delay = next_at - time.monotonic()
            if delay < -self.period:  # a slow camera: no burst to catch up
                next_at = time.monotonic()
            elif self.stop.wait(max(0.0, delay)):
                break
        return "stopped"
