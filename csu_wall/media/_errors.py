"""FFmpeg/PyAV exceptions translated, in this one place, into csu-wall's error family.

The French messages are what an operator reads on the tile: what happened and what to do.
Developer detail (redacted) goes into the exception's ``__cause__`` chain and the logs only.
"""

from __future__ import annotations

import av.error

from csu_wall.core.errors import (
    CsuWallError,
    RecorderAuthError,
    RecorderUnreachable,
    StreamError,
)
from csu_wall.media.redact import redact

MSG_AUTH = ("L'enregistreur refuse l'identifiant ou le mot de passe : faites corriger les "
            "identifiants de l'enregistreur par l'administrateur. Aucune nouvelle tentative.")
MSG_UNREACHABLE = ("L'enregistreur ne répond pas : vérifiez qu'il est allumé et joignable sur "
                   "le réseau. Nouvelle tentative automatique.")
MSG_TIMEOUT = ("L'enregistreur ne répond pas dans le délai : le réseau ou l'enregistreur est "
               "surchargé. Nouvelle tentative automatique.")
MSG_NOT_FOUND = ("Le flux demandé n'existe pas sur l'enregistreur : vérifiez le chemin du flux "
                 "de la caméra dans le fichier de site. Nouvelle tentative automatique.")
MSG_BUSY = ("L'enregistreur est occupé (trop de flux ouverts ?) : nouvelle tentative "
            "automatique dans quelques secondes.")
MSG_STREAM = ("Le flux vidéo est illisible ou interrompu : nouvelle tentative automatique. "
              "Si cela persiste, signalez la caméra au support.")
MSG_NO_VIDEO = ("Le flux ne contient pas de vidéo : vérifiez le chemin du flux de la caméra "
                "dans le fichier de site.")

_NETWORK_WORDS = ("connection refused", "no route to host", "network is unreachable",
                  "name or service not known", "temporary failure in name resolution",
                  "host is down", "connection timed out")


def describe(exc: BaseException) -> str:
    """A redacted one-line developer description of ``exc`` (safe for logs)."""
    return redact(f"{type(exc).__name__}: {exc}")


def is_auth_failure(exc: BaseException) -> bool:
    text = str(exc).lower()
    return (isinstance(exc, (av.error.HTTPUnauthorizedError, PermissionError))
            or "401 unauthorized" in text or "401 unauthorised" in text)


def is_terminal(exc: BaseException) -> bool:
    """An error no retry can cure until the site changes (e.g. the recorders' certificate
    errors, which media cannot import: they say so with a ``terminal`` attribute)."""
    return getattr(exc, "terminal", False) is True


def translate(exc: BaseException, *, timed_out: bool = False) -> CsuWallError:
    """Map any exception raised by PyAV while opening or reading a stream to
    RecorderAuthError, RecorderUnreachable or StreamError (French message).

    ``timed_out``: the caller measured that the call ran into its own timeout (FFmpeg reports
    an interrupted call with various codes, so the elapsed time is the reliable sign).
    """
    if isinstance(exc, CsuWallError):
        return exc
    text = str(exc).lower()
    result: CsuWallError
    if is_auth_failure(exc):
        result = RecorderAuthError(MSG_AUTH)
    elif timed_out or isinstance(exc, (TimeoutError, av.error.ExitError)):
        result = RecorderUnreachable(MSG_TIMEOUT)
    elif isinstance(exc, av.error.HTTPNotFoundError) or "404 not found" in text:
        result = RecorderUnreachable(MSG_NOT_FOUND)
    elif isinstance(exc, FileNotFoundError):
        result = RecorderUnreachable(MSG_NOT_FOUND)
    elif "503" in text or "service unavailable" in text or "453" in text:
        result = RecorderUnreachable(MSG_BUSY)
    elif isinstance(exc, ConnectionError) or any(w in text for w in _NETWORK_WORDS):
        result = RecorderUnreachable(MSG_UNREACHABLE)
    elif isinstance(exc, OSError) and not isinstance(exc, av.error.FFmpegError):
        result = RecorderUnreachable(MSG_UNREACHABLE)
    else:
        result = StreamError(MSG_STREAM)
    result.__cause__ = _Detail(describe(exc))
    return result


class _Detail(Exception):
    """The redacted developer text of the original error: chained instead of the original,
    whose message may hold a URL with credentials."""
