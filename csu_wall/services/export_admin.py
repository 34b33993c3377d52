"""Extraction habilitations as administered: grant, revoke, list (DESIGN §7, "Evidence
export"). Separate from viewing habilitations: an operator may view a commune's images and
still not extract them. Each change and its audit record are one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.core.security import Habilitation
from csu_wall.services.habilitations import HabilitationError
from csu_wall.storage import accounts, extraction_repo, habilitation_repo
from csu_wall.storage.audit import append_in
from csu_wall.storage.db import Database
from csu_wall.storage.extraction_repo import ExtractionHabilitationRecord

EXTRACTION = "extraction"  # the audit records' extra["habilitation"]


class ExtractionHabilitations:
    def __init__(self, db: Database, audit: AuditSink, *, actor: str, workstation: str,
                 clock: Clock | None = None) -> None:
        self._db = db
        self._audit = audit
        self._actor = actor
        self._workstation = workstation
        self._clock = clock or SystemClock()

    def grant(self, login: str, commune_id: str, *, legal_basis: str, granted_by: str,
              valid_from: datetime | None = None, valid_until: datetime | None = None) -> int:
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
            raise HabilitationError(f"La commune « {commune_id} » est détachée : aucune "
                                    "habilitation d'extraction ne peut lui être accordée.")
        if not legal_basis.strip() or not granted_by.strip():
            raise HabilitationError(
                "Indiquez la base légale (--basis) et l'autorité qui accorde (--by).")
        start = valid_from or self._clock.now_utc()
        if valid_until is not None and valid_until <= start:
            raise HabilitationError("La date de fin doit suivre la date de début.")
        hab = Habilitation(login, commune_id, legal_basis.strip(), granted_by.strip(), start,
                           valid_until)
        until = valid_until.isoformat() if valid_until else "révocation"
        return extraction_repo.grant_extraction(
            self._db, hab, now=self._clock.now_utc(),
            also=self._record(AuditAction.HABILITATION_GRANT, commune_id,
                              f"extraction : {login} ; base : {hab.legal_basis} ; par : "
                              f"{hab.granted_by} ; du {start.isoformat()} jusqu'à {until}"))

    def revoke(self, login: str, commune_id: str) -> int:
        login = accounts.normalise_login(login)
        active = [r for r in extraction_repo.extraction_habilitations_of(self._db, login)
                  if r.habilitation.commune_id == commune_id and not r.habilitation.revoked]
        if not active:
            raise HabilitationError(f"« {login} » n'a aucune habilitation d'extraction en cours "
                                    f"pour « {commune_id} ».")
        return extraction_repo.revoke_extraction(
            self._db, login, commune_id, at=self._clock.now_utc(), by=self._actor,
            also=self._record(AuditAction.HABILITATION_REVOKE, commune_id,
                              f"extraction : {login}"))

    def list(self, login: str | None = None) -> list[ExtractionHabilitationRecord]:
        who = accounts.normalise_login(login) if login else None
        return extraction_repo.extraction_habilitations_of(self._db, who)

    def _record(self, action: AuditAction, commune_id: str,
                detail: str) -> Callable[[Connection], None]:
        entry = AuditEntry(ts_utc=self._clock.now_utc(), workstation=self._workstation,
                           operator_id=self._actor[:64], action=action, commune_id=commune_id,
                           detail=detail, extra={"habilitation": EXTRACTION})

        def write(conn: Connection) -> None:
            try:
                append_in(self._audit, conn, entry)
            except Exception as exc:
                raise HabilitationError(
                    "Modification refusée : le journal d'audit ne peut pas être écrit. "
                    "Vérifiez la base de données.") from exc

        return write
