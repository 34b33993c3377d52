"""Granting and revoking habilitations, and enforcing a revocation on an open wall.

A grant or a revocation and its audit record are one transaction; if the record cannot be
written the change is refused. :class:`HabilitationWatcher` re-reads the signed-in operator's
habilitations every second and, when one is revoked or expires (or the account is disabled),
gives the access gate the new list and closes that commune's open tiles: within about 1 s
plus the time to stop a stream (about 3 s at worst), under the 5 s of the requirement.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from csu_wall.core.audit import AuditAction
from csu_wall.core.model import Site
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.core.security import Habilitation, Operator
from csu_wall.services._habilitation_admin import HabilitationAdmin
from csu_wall.services._habilitation_admin import HabilitationError as HabilitationError
from csu_wall.services._poller import PollingThread
from csu_wall.services.access import AccessGate
from csu_wall.services.communes import detached_message
from csu_wall.storage import accounts, habilitation_repo
from csu_wall.storage.db import Database
from csu_wall.storage.habilitation_repo import HabilitationRecord
from csu_wall.storage.operators import add_habilitation, habilitations_of

log = logging.getLogger(__name__)

REVOKED_DETAIL = ("Habilitation retirée ou expirée pour cette commune : image fermée. "
                  "Adressez-vous à votre superviseur.")


class HabilitationService(HabilitationAdmin):
    """Administration of viewing habilitations by ``actor`` (the audit names them)."""

    def grant(self, login: str, commune_id: str, *, legal_basis: str, granted_by: str,
              valid_from: datetime | None = None, valid_until: datetime | None = None) -> int:
        hab = self._checked(login, commune_id, legal_basis=legal_basis, granted_by=granted_by,
                            valid_from=valid_from, valid_until=valid_until,
                            detached=detached_message(
                                commune_id, "aucune habilitation ne peut lui être accordée"))
        until = valid_until.isoformat() if valid_until else "révocation"
        record = self._record(AuditAction.HABILITATION_GRANT, commune_id,
                              f"{hab.operator_id} ; base : {hab.legal_basis} ; par : "
                              f"{hab.granted_by} ; du {hab.valid_from.isoformat()} jusqu'à "
                              f"{until}")
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
