"""What the administration of viewing habilitations (:mod:`csu_wall.services.habilitations`)
and of extraction habilitations (:mod:`csu_wall.services.export_admin`) share: the checks of a
grant, and the audit record written in the change's own transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import CsuWallError
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.core.security import Habilitation
from csu_wall.storage import accounts, habilitation_repo
from csu_wall.storage.audit import append_in
from csu_wall.storage.db import Database


class HabilitationError(CsuWallError, ValueError):
    """A grant or revocation cannot be done; the message (French) says why."""


class HabilitationAdmin:
    """Administration of habilitations by ``actor`` (the audit names them)."""

    def __init__(self, db: Database, audit: AuditSink, *, actor: str, workstation: str,
                 clock: Clock | None = None) -> None:
        self._db = db
        self._audit = audit
        self._actor = actor
        self._workstation = workstation
        self._clock = clock or SystemClock()

    def _checked(self, login: str, commune_id: str, *, legal_basis: str, granted_by: str,
                 valid_from: datetime | None, valid_until: datetime | None,
                 detached: str) -> Habilitation:
        """The habilitation to grant, once the account, the commune (``detached``: the
        refusal when it is detached), the basis and the dates are checked."""
        login = accounts.normalise_login(login)
        account = accounts.get_account(self._db, login)
        if account is None or account.operator.demo:
            raise HabilitationError(f"Aucun compte « {login} » (voir `csu-wall user list`).")
        attached = habilitation_repo.commune_state(self._db, commune_id)
        if attached is None:
            raise HabilitationError(
                f"Commune « {commune_id} » inconnue : vérifiez son identifiant dans le fichier "
                "de site.")
        if not attached:
            raise HabilitationError(detached)
        if not legal_basis.strip() or not granted_by.strip():
            raise HabilitationError(
                "Indiquez la base légale (--basis) et l'autorité qui accorde (--by).")
        start = valid_from or self._clock.now_utc()
        if valid_until is not None and valid_until <= start:
            raise HabilitationError("La date de fin doit suivre la date de début.")
        return Habilitation(login, commune_id, legal_basis.strip(), granted_by.strip(), start,
                            valid_until)

    def _record(self, action: AuditAction, commune_id: str, detail: str,
                extra: dict[str, str] | None = None) -> Callable[[Connection], None]:
        """The audit record, written in the change's own transaction: if it cannot be
        written, the change rolls back with it."""
        entry = AuditEntry(ts_utc=self._clock.now_utc(), workstation=self._workstation,
                           operator_id=self._actor[:64], action=action, commune_id=commune_id,
                           detail=detail, extra=extra or {})

        def write(conn: Connection) -> None:
            try:
                append_in(self._audit, conn, entry)
            except Exception as exc:
                raise HabilitationError(
                    "Modification refusée : le journal d'audit ne peut pas être écrit. "
                    "Vérifiez la base de données.") from exc

        return write
