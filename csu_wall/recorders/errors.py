"""Recorder errors the port's four families do not name on their own.

Both subclass RecorderBadAnswer so that callers knowing only the core family still catch them
(candidates for csu_wall/core/errors.py).
"""

from __future__ import annotations

from csu_wall.core.errors import RecorderBadAnswer


class RecorderCertificateError(RecorderBadAnswer):
    """The recorder's TLS certificate is not the pinned one, or none was approved yet.
    Raised before any credential is sent.

    ``terminal`` (read by media's sessions without importing this module): a wrong or
    unapproved certificate is not retried until the site changes (an administrator approves
    the new one, ``csu-wall recorder trust ID``); a failed handshake (``terminal=False``) is.
    """

    def __init__(self, message: str, *, terminal: bool = True) -> None:
        super().__init__(message)
        self.terminal = terminal


class UnknownChannel(RecorderBadAnswer):
    """The recorder has no such channel (camera)."""


def unknown_channel(recorder_id: str, camera_id: str, channel: int | str) -> UnknownChannel:
    return UnknownChannel(
        f"L'enregistreur {recorder_id} n'a pas de canal {channel} (caméra {camera_id}) : "
        "vérifiez le numéro de canal de la caméra dans le fichier de site, ou importez les "
        "canaux de l'enregistreur (csu-wall site import).")
