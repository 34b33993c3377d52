"""Granting and revoking habilitations, and enforcing a revocation on an open wall.

A grant or a revocation and its audit record are one transaction; if the record cannot be
written the change is refused. :class:`HabilitationWatcher` re-reads the signed-in operator's
habilitations every second and, when one is revoked or expires (or the account is disabled),
gives the access gate the new list and closes that commune's open tiles: within about 1 s
plus the time to stop a stream (about 3 s at worst), under the 5 s of the requirement.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import Site
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.core.security import Habilitation, Operator
from csu_wall.services._poller import PollingThread
from csu_wall.services.access import AccessGate
from csu_wall.services.communes import detached_message
from csu_wall.storage import accounts, habilitation_repo
from csu_wall.storage.audit import append_in
from csu_wall.storage.db import Database
from csu_wall.storage.habilitation_repo import HabilitationRecord
from csu_wall.storage.operators import add_habilitation, habilitations_of

log = logging.getLogger(__name__)

REVOKED_DETAIL = ("Habilitation retirée ou expirée pour cette commune : image fermée. "
                  "Adressez-vous à votre superviseur.")


class HabilitationError(CsuWallError, ValueError):
    """A grant or revocation cannot be done; the message (French) says why."""


class HabilitationService:
    """Administration of habilitations by ``actor`` (the audit names them)."""

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
            raise HabilitationError(detached_message(
                commune_id, "aucune habilitation ne peut lui être accordée"))
        if not legal_basis.strip() or not granted_by.strip():
            raise HabilitationError(
                "Indiquez la base légale (--basis) et l'autorité qui accorde (--by).")
        start = valid_from or self._clock.now_utc()
        if valid_until is not None and valid_until <= start:
            raise HabilitationError("La date de fin doit suivre la date de début.")
        hab = Habilitation(login, commune_id, legal_basis.strip(), granted_by.strip(), start,
                           valid_until)
        until = valid_until.isoformat() if valid_until else "révocation"
        record = self._record(AuditAction.HABILITATION_GRANT, commune_id,
                              f"{login} ; base : {hab.legal_basis} ; par : {hab.granted_by} ; "
                              f"du {start.isoformat()} jusqu'à {until}")
        return add_habilitation(self._db, hab, also=record)

    def revoke(self, login: str, commune_id: str) -> int:
        """Revoke the operator's habilitations for the commune; the open wall closes that
        commune's tiles at its next check (≤ 1 s)."""
        login = accounts.normalise_login(login)
        active = [r for r in habilitation_repo.list_habilitations(self._db, login)
                  if r.habilitation.commune_id == commune_id and not r.habilitation.revoked]
        if not active:
            raise HabilitationError(
                f"« {login} » n'a aucune habilitation en cours pour « {commune_id} ».")
        return habilitation_repo.revoke(
            self._db, login, commune_id, at=self._clock.now_utc(), by=self._actor,
            also=self._record(AuditAction.HABILITATION_REVOKE, commune_id, login))

    def purge_revoked(self, commune_id: str, login: str | None = None) -> int:
        """Delete the revoked habilitations of a commune (administrator, audited in the same
        transaction): what keeps a commune from leaving the site file once its grants are
        revoked."""
        who = accounts.normalise_login(login) if login else None
        count = habilitation_repo.count_revoked(self._db, commune_id, who)
        if not count:
            raise HabilitationError(
                f"Aucune habilitation retirée pour « {commune_id} »"
                + (f" et « {who} »" if who else "") + " : rien à effacer.")
        return habilitation_repo.purge_revoked(
            self._db, commune_id, who,
            also=self._record(AuditAction.HABILITATION_REVOKE, commune_id,
                              f"effacement de {count} habilitation(s) retirée(s)"
                              + (f" de {who}" if who else "")))

    def list(self, login: str | None = None) -> list[HabilitationRecord]:
        who = accounts.normalise_login(login) if login else None
        return habilitation_repo.list_habilitations(self._db, who)

    def _record(self, action: AuditAction, commune_id: str,
                detail: str) -> Callable[[Connection], None]:
        """The audit record, written in the change's own transaction: if it cannot be
        written, the change rolls back with it."""
        entry = AuditEntry(ts_utc=self._clock.now_utc(), workstation=self._workstation,
                           operator_id=self._actor[:64], action=action, commune_id=commune_id,
                           detail=detail)

        def write(conn: Connection) -> None:
            try:
                append_in(self._audit, conn, entry)
            except Exception as exc:
                raise HabilitationError(
                    "Modification refusée : le journal d'audit ne peut pas être écrit. "
                    "Vérifiez la base de données.") from exc

        return write


class TileCloser(Protocol):
    """What the watcher needs of the wall (WallService)."""

    site: Site

    def close_commune_tiles(self, commune_id: str, detail: str = ...) -> list[str]: ...


class HabilitationWatcher(PollingThread):
    """Keeps the gate's habilitations current and closes tiles of communes no longer allowed.

    :meth:`poll` does one pass (tests call it with an injected clock); :meth:`start` runs it
    every ``interval`` seconds in one owned thread, stopped by :meth:`stop`.
    """

    thread_name = "habilitation-watcher"

    def __init__(self, db: Database, gate: AccessGate, wall: TileCloser, *,
                 clock: Clock | None = None, interval: float = 1.0) -> None:
        self._db = db
        self._gate = gate
        self._wall = wall
        self._clock = clock or SystemClock()
        super().__init__(interval)
        # Until the first read succeeds, the list the wall was opened with: a database away at
        # the first pass must not take every commune from the operator.
        self._habs: list[Habilitation] = gate.habilitations()
        self._disabled = False
        self._allowed: set[str] | None = None  # None: not known yet, close whatever is denied

    @property
    def operator(self) -> Operator:
        return self._gate.operator

    def poll(self) -> set[str]:
        """Re-read, update the gate, close tiles of communes no longer allowed; returns them.
        If the database cannot be read, the last list is kept and expiry still applies."""
        operator_id = self._gate.operator.id
        try:
            self._habs = habilitations_of(self._db, operator_id)
            account = accounts.get_account(self._db, operator_id)
            self._disabled = account is None or account.disabled
        except Exception as exc:
            log.warning("habilitations of %s not re-read (%s); last known list kept",
                        operator_id, type(exc).__name__)
        habs = [] if self._disabled else list(self._habs)
        now = self._clock.now_utc()
        allowed = {h.commune_id for h in habs if h.operator_id == operator_id
                   and h.is_valid_at(now)}
        self._gate.replace_habilitations(habs)
        before = self._allowed
        self._allowed = allowed
        if before is None:
            lost = {c for c in self._known_communes() if c not in allowed}
        else:
            lost = before - allowed
        closed: set[str] = set()
        for commune_id in sorted(lost):
            if self._wall.close_commune_tiles(commune_id, REVOKED_DETAIL):
                closed.add(commune_id)
                log.info("tiles of commune %s closed: habilitation of %s ended",
                         commune_id, operator_id)
        return closed

    def _known_communes(self) -> set[str]:
        return {h.commune_id for h in self._habs} | {c.id for c in self._wall.site.communes}
