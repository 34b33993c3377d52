"""The credential vault: the engine's ``credentials`` callback (DESIGN §7).

A recorder's credential is decrypted only for a recorder one of whose cameras the access gate
has just authorised (and audited) on this workstation, and only while the operator may still
view that commune: the check runs again in the reader thread, right before each connection.
The decrypted password is registered with :func:`csu_wall.media.redact.register_secret` before
FFmpeg sees it, so it is masked in every log line and message; it is never cached.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from csu_wall.core.errors import CsuWallError
from csu_wall.media.redact import register_secret
from csu_wall.services.access import AccessGate, AccessGrant
from csu_wall.storage.credentials import get_credential
from csu_wall.storage.db import Database
from csu_wall.storage.site_key import SiteKey

log = logging.getLogger(__name__)

PREFIX = "recorder:"


class CredentialUnavailable(CsuWallError, LookupError):
    """No grant for this recorder (not a PermissionError: the recorder never refused it)."""


class CredentialVault:
    """``vault(credential_ref) -> (user, password) | None``, gated by the access gate."""

    def __init__(self, db: Database, gate: AccessGate, key: Callable[[], SiteKey | None]) -> None:
        self._db = db
        self._gate = gate
        self._key = key
        self._lock = threading.Lock()
        self._granted: set[str] = set()
        gate.add_grant_listener(self._on_grant)

    def _on_grant(self, grant: AccessGrant) -> None:
        try:
            recorder_id = self._gate.site.camera(grant.camera_id).recorder_id
        except KeyError:
            return
        with self._lock:
            self._granted.add(recorder_id)

    def granted(self) -> set[str]:
        with self._lock:
            return set(self._granted)

    def __call__(self, ref: str) -> tuple[str, str] | None:
        if not ref.startswith(PREFIX):
            return None
        recorder_id = ref[len(PREFIX):]
        with self._lock:
            granted = recorder_id in self._granted
        try:
            commune_id = self._gate.site.recorder(recorder_id).commune_id
        except KeyError:
            granted = False
            commune_id = ""
        if not granted or not self._gate.may_view(commune_id):
            log.warning("credential of recorder %s withheld: no current grant", recorder_id)
            raise CredentialUnavailable(
                "Identifiants de l'enregistreur non délivrés : l'accès à cette commune n'est "
                "pas (ou plus) autorisé sur ce poste.")
        key = self._key()
        if key is None:
            return None  # the site has no key yet: no credential can be stored either
        cred = get_credential(self._db, key, recorder_id)
        if cred is None:
            return None
        register_secret(cred.password)  # masked everywhere before FFmpeg ever sees it
        return cred.user, cred.password
