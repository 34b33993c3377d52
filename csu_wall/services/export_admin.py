"""Extraction habilitations as administered: grant, revoke, list (DESIGN §7, "Evidence
export"). Separate from viewing habilitations: an operator may view a commune's images and
still not extract them. Each change and its audit record are one transaction."""

from __future__ import annotations

from datetime import datetime

from csu_wall.core.audit import AuditAction
from csu_wall.services._habilitation_admin import HabilitationAdmin, HabilitationError
from csu_wall.storage import accounts, extraction_repo
from csu_wall.storage.extraction_repo import ExtractionHabilitationRecord

EXTRACTION = "extraction"  # the audit records' extra["habilitation"]


class ExtractionHabilitations(HabilitationAdmin):
    def grant(self, login: str, commune_id: str, *, legal_basis: str, granted_by: str,
              valid_from: datetime | None = None, valid_until: datetime | None = None) -> int:
        hab = self._checked(login, commune_id, legal_basis=legal_basis, granted_by=granted_by,
                            valid_from=valid_from, valid_until=valid_until,
                            detached=f"La commune « {commune_id} » est détachée : aucune "
                                     "habilitation d'extraction ne peut lui être accordée.")
        until = valid_until.isoformat() if valid_until else "révocation"
        return extraction_repo.grant_extraction(
            self._db, hab, now=self._clock.now_utc(),
            also=self._record(AuditAction.HABILITATION_GRANT, commune_id,
                              f"extraction : {hab.operator_id} ; base : {hab.legal_basis} ; "
                              f"par : {hab.granted_by} ; du {hab.valid_from.isoformat()} "
                              f"jusqu'à {until}", {"habilitation": EXTRACTION}))

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
                              f"extraction : {login}", {"habilitation": EXTRACTION}))

    def list(self, login: str | None = None) -> list[ExtractionHabilitationRecord]:
        who = accounts.normalise_login(login) if login else None
        return extraction_repo.extraction_habilitations_of(self._db, who)
