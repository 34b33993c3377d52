"""Entering and deleting recorder credentials (DESIGN §7), for the CLI and the GUI alike.

Only an administrator may do it; the change is audited (``CREDENTIAL_CHANGE``, with the
recorder and the user name, never the password) before it is reported done. The password
passes straight from the caller to :func:`csu_wall.storage.credentials.set_credential`, which
encrypts it under the site key: it is not kept, logged or put in any message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import AccessDenied, CsuWallError
from csu_wall.core.model import Recorder, Site
from csu_wall.core.security import Operator, Role
from csu_wall.services.communes import refuse_if_detached
from csu_wall.storage import credentials as creds
from csu_wall.storage.audit import append_in
from csu_wall.storage.db import Database
from csu_wall.storage.keystore import SecretStoreError
from csu_wall.storage.site_key import SiteKey


@dataclass(frozen=True)
class RecorderRow:
    """One recorder as the credentials screen lists it."""

    recorder: Recorder
    commune_name: str
    has_credential: bool


class CredentialAdmin:
    def __init__(self, db: Database, audit: AuditSink, site: Site, *, operator: Operator,
                 workstation: str, site_key: Callable[[], SiteKey | None],
                 now: Callable[[], datetime] | None = None) -> None:
        self._db = db
        self._audit = audit
        self.site = site
        self.operator = operator
        self.workstation = workstation
        self._site_key = site_key
        self._now = now or (lambda: datetime.now(UTC))

    @property
    def allowed(self) -> bool:
        return self.operator.role is Role.ADMINISTRATOR and not self.operator.demo

    def recorders(self) -> list[RecorderRow]:
        stored = set(creds.recorders_with_credentials(self._db))
        names = {c.id: c.name for c in self.site.communes}
        return [RecorderRow(r, names.get(r.commune_id, r.commune_id), r.id in stored)
                for r in sorted(self.site.recorders, key=lambda r: (r.commune_id, r.id))]

    def set(self, recorder_id: str, user: str, password: str) -> None:
        """Encrypt and store, with its audit record in the same transaction."""
        recorder = self._recorder(recorder_id)
        user = user.strip()
        if not user:
            raise CsuWallError("Saisissez le nom d'utilisateur de l'enregistreur.")
        if not password:
            raise CsuWallError("Saisissez le mot de passe de l'enregistreur.")
        refuse_if_detached(self._db, recorder.commune_id,
                           f"aucun identifiant ne peut être saisi pour ses enregistreurs "
                           f"({recorder.id})")
        key = self._site_key()
        if key is None:
            raise SecretStoreError("Aucune clé de site : enrôlez d'abord ce poste avec "
                                   "`csu-wall workstation enroll --new-site`.")
        creds.set_credential(self._db, key, recorder.id, creds.RecorderCredential(user, password),
                             also=self._record(recorder, "identifiant défini pour "
                                               f"l'utilisateur « {user} »"))

    def delete(self, recorder_id: str) -> bool:
        recorder = self._recorder(recorder_id)
        return creds.delete_credential(self._db, recorder.id,
                                       also=self._record(recorder, "identifiant supprimé"))

    def _recorder(self, recorder_id: str) -> Recorder:
        if not self.allowed:
            raise AccessDenied("Seul un administrateur peut saisir les identifiants des "
                               "enregistreurs.")
        try:
            return self.site.recorder(recorder_id)
        except KeyError:
            raise CsuWallError(f"Enregistreur inconnu : « {recorder_id} ».") from None

    def _record(self, recorder: Recorder, detail: str) -> Callable[[Connection], int]:
        """The audit record, written in the change's own transaction (both, or neither)."""
        entry = AuditEntry(
            ts_utc=self._now(), workstation=self.workstation, operator_id=self.operator.id,
            action=AuditAction.CREDENTIAL_CHANGE, commune_id=recorder.commune_id,
            detail=f"{recorder.id} : {detail}")
        return lambda conn: append_in(self._audit, conn, entry)
