"""Remove credentials from any text before it reaches a log, an exception or a file.

Two rules: the ``user:password@`` part of URLs (also URL-encoded, as FFmpeg prints it in some
errors), and every secret registered with :func:`register_secret` (also in its URL-encoded
forms). FFmpeg's own log messages go through the same function (:func:`route_ffmpeg_logs`).
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"

# scheme://userinfo@ — greedy up to the last '@' before the path, so a password holding a raw
# '@' (rtsp://admin:p@ss@host) is masked whole.
# Each scheme starts where no scheme character precedes it: without that look-behind the
# search restarts inside every long word and turns quadratic (a 10 kB line took 1 s).
_SCHEME = r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*"
_USERINFO = re.compile(r"(?P<scheme>" + _SCHEME + r"://)(?P<info>[^/\s'\"<>]+)@")
# URL-encoded forms: scheme%3A%2F%2Fuser%3Apass%40host
_USERINFO_ENC = re.compile(
    r"(?P<scheme>" + _SCHEME + r"%3A%2F%2F)(?P<info>(?:(?!%2F|%40)[^/\s'\"<>])+)%40",
    re.IGNORECASE,
)
# An '@'-less user:pass followed by %40 (scheme://user:pass%40host is seen in FFmpeg errors).
_USERINFO_HALF = re.compile(
    r"(?P<scheme>" + _SCHEME + r"://)(?P<info>[^/\s@'\"<>]*(?::|%3A)[^/\s@'\"<>]*?)%40",
    re.IGNORECASE,
)

_lock = threading.Lock()
_secrets: tuple[str, ...] = ()


def _forms(secret: str) -> set[str]:
    forms = {secret, quote(secret, safe=""), quote_plus(secret, safe=""), quote(secret)}
    forms |= {f.lower() for f in forms if "%" in f} | {f.upper() for f in forms if "%" in f}
    return {f for f in forms if f}


def register_secret(secret: str | None) -> None:
    """Remember a secret (e.g. a recorder password once decrypted) so it is masked everywhere.
    Short strings are ignored: masking every "a" would make logs unreadable."""
    global _secrets
    if not secret or len(secret) < 3:
        return
    with _lock:
        # Longest first so a secret containing another one is masked whole.
        _secrets = tuple(sorted(set(_secrets) | _forms(secret), key=len, reverse=True))


def forget_secrets() -> None:
    """Forget every registered secret (tests, or after a commune is detached)."""
    global _secrets
    with _lock:
        _secrets = ()


def redact(text: str) -> str:
    """``text`` with URL credentials and registered secrets replaced by ``***``."""
    if not text:
        return text
    if "://" in text:
        text = _USERINFO.sub(lambda m: m.group("scheme") + MASK + "@", text)
        text = _USERINFO_HALF.sub(lambda m: m.group("scheme") + MASK + "%40", text)
    if "%3a%2f%2f" in text.lower():
        text = _USERINFO_ENC.sub(lambda m: m.group("scheme") + MASK + "%40", text)
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class _FfmpegForwarder(logging.Handler):
    """Receives PyAV's ``libav.*`` records and re-logs them, redacted, under our logger."""

    def __init__(self, target: logging.Logger) -> None:
        super().__init__(logging.DEBUG)
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = redact(record.getMessage())
            self.target.log(record.levelno, "%s: %s", record.name, message)
        except Exception:  # a log line must never break a reader thread
            pass


_routed = False


def route_ffmpeg_logs(level: int = logging.ERROR) -> None:
    """Send FFmpeg's messages (errors only by default) through :func:`redact` into Python
    logging as ``csu_wall.media.ffmpeg``; nothing of FFmpeg reaches stderr directly."""
    global _routed
    import av.logging

    with _lock:
        if _routed:
            return
        _routed = True
    source = logging.getLogger("libav")
    source.propagate = False  # the raw, unredacted record must not reach the root handlers
    source.setLevel(level)
    source.addHandler(_FfmpegForwarder(logging.getLogger("csu_wall.media.ffmpeg")))
    # PyAV installs its Python callback with set_level; FFmpeg's default one prints to stderr.
    av.logging.set_level(av.logging.ERROR if level >= logging.ERROR else av.logging.WARNING)
