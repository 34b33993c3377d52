"""Snapshot-only cameras (older analog encoders): a JPEG URL polled at ``poll_hz``.

Each JPEG goes to the decoder pool as one MJPEG packet (every one a keyframe). HTTP auth is
digest or basic, as the device asks (csu_wall/core/digest.py answers the challenge); every
request has a timeout and the wait between polls ends at once when the session stops. HTTPS
with a pinned certificate (``StreamSource.tls_pin``): every poll's connection compares the
certificate's SHA-256 with the pin right after the handshake, before any byte of the request
(and so any credential) is sent; a mismatch is terminal.
"""

from __future__ import annotations

import hashlib
import http.client
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import Message
from fractions import Fraction

import av

from csu_wall.core.digest import Authenticator, parse_challenges
from csu_wall.core.errors import (
    RecorderAuthError,
    RecorderBadAnswer,
    RecorderUnreachable,
    StreamError,
)
from csu_wall.core.frames import TileState
from csu_wall.core.ports import StreamSource
from csu_wall.media.decode import DecoderSpec
from csu_wall.media.packet_reader import PacketReader
from csu_wall.media.pool import Decoder

DEFAULT_HZ = 1.0
_TIME_BASE = Fraction(1, 1000)
MSG_AUTH = ("La caméra refuse les identifiants : faites-les corriger dans "
            "l'administration.")
MSG_UNREACHABLE = "La caméra ne répond pas : vérifiez qu'elle est allumée et joignable."
MSG_PIN = ("Le certificat de la caméra n'est pas celui qui a été approuvé : connexion "
           "interrompue avant tout envoi d'identifiants. Si la caméra a changé de certificat, "
           "faites-le approuver par un administrateur ; sinon, signalez-le : quelqu'un peut se "
           "faire passer pour elle.")
MSG_NOT_JPEG = "La caméra n'a pas renvoyé d'image JPEG : vérifiez l'adresse de l'instantané."


class CertificateMismatch(StreamError):
    """The camera's certificate is not the pinned one: terminal (no retry, no credential)."""

    terminal = True
    state = TileState.UNAUTHORISED


def fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate as the site file writes pins: ``AB:CD:…``."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


class _ChallengeHandler(urllib.request.BaseHandler):
    """Answers a camera's 401 once, digest or basic as it asks; a second 401 stands."""

    def __init__(self, user: str, password: str) -> None:
        self._user, self._password = user, password

    def http_error_401(self, req: urllib.request.Request, fp: object, code: int, msg: str,
                       headers: Message) -> object:
        if req.get_header("Authorization") is not None:
            return None  # refused with the credentials: urllib raises the HTTPError
        challenges = parse_challenges(headers.get_all("WWW-Authenticate") or [])
        answer = Authenticator.answering(challenges, self._user, self._password)
        if answer is None:
            return None
        req.add_unredirected_header("Authorization",
                                    answer.authorization(req.get_method(), req.selector))
        assert self.parent is not None
        return self.parent.open(req, timeout=req.timeout)


class _PinnedHandler(urllib.request.HTTPSHandler):
    """HTTPS whose trust anchor is the pin (recorders' certificates are self-signed)."""

    def __init__(self, pin: str) -> None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        super().__init__(context=ctx)
        self._ctx = ctx
        self._pin = pin.upper()

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        pin, ctx = self._pin, self._ctx

        class Pinned(http.client.HTTPSConnection):
            def __init__(self, host: str, timeout: float | None = None,
                         **_ignored: object) -> None:
                super().__init__(host, timeout=timeout, context=ctx)

            def connect(self) -> None:
                super().connect()
                assert isinstance(self.sock, ssl.SSLSocket)
                if fingerprint(self.sock.getpeercert(binary_form=True) or b"") != pin:
                    self.close()
                    raise CertificateMismatch(MSG_PIN)

        return self.do_open(Pinned, req)  # type: ignore[arg-type]


class SnapshotReader(PacketReader):
    def __init__(self, source: StreamSource, credentials: tuple[str, str] | None, *,
                 open_timeout: float, read_timeout: float, stop: threading.Event) -> None:
        self.source = source
        self.timeout = max(0.2, min(open_timeout, read_timeout))
        self.stop = stop
        self.period = 1.0 / (source.poll_hz if source.poll_hz > 0 else DEFAULT_HZ)
        handlers: list[urllib.request.BaseHandler] = []
        if credentials is not None:
            handlers.append(_ChallengeHandler(*credentials))
        if source.url.lower().startswith("https:") and source.tls_pin:
            handlers.append(_PinnedHandler(source.tls_pin))
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
        except CertificateMismatch:
            raise
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise RecorderAuthError(MSG_AUTH) from None
            raise RecorderBadAnswer(MSG_NOT_JPEG) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, CertificateMismatch):
                raise exc.reason from None
            raise RecorderUnreachable(MSG_UNREACHABLE) from exc
        except OSError as exc:
            raise RecorderUnreachable(MSG_UNREACHABLE) from exc
        if not data.startswith(b"\xff\xd8"):
            raise RecorderBadAnswer(MSG_NOT_JPEG)
        return data

    def open(self) -> None:
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
