"""Habilitations as administered: listing with their ids, revoking (CSI L252-2, R253-3).

Creation and the per-operator read used by the access gate stay in :mod:`operators`.
A revocation is a flag with its time and author, never a deletion: the record of who could
see what, on which legal basis, is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from csu_wall.core.security import Habilitation
from csu_wall.storage.db import Database
from csu_wall.storage.schema import communes, habilitations


@dataclass(frozen=True)
class HabilitationRecord:
    id: int
    habilitation: Habilitation
    revoked_at: datetime | None
    revoked_by: str | None


def list_habilitations(db: Database, operator_id: str | None = None) -> list[HabilitationRecord]:
    """Every habilitation (of one operator, or all), revoked ones included, by operator."""
    stmt = select(habilitations).order_by(
        habilitations.c.operator_id, habilitations.c.commune_id, habilitations.c.id
    )
    if operator_id is not None:
        stmt = stmt.where(habilitations.c.operator_id == operator_id)
    with db.read() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [_record_of(r) for r in rows]


def revoke(db: Database, operator_id: str, commune_id: str, *, at: datetime, by: str,
           also: Callable[[Connection], object] | None = None) -> int:
    """Revoke every not yet revoked habilitation of the operator for the commune; returns
    how many were revoked (0: there was none). ``also`` runs in the same transaction (its
    audit record)."""
    with db.write() as conn:
        if also is not None:
            also(conn)
        result = conn.execute(
            update(habilitations)
            .where(
                habilitations.c.operator_id == operator_id,
                habilitations.c.commune_id == commune_id,
                habilitations.c.revoked.is_(False),
            )
            .values(revoked=True, revoked_at=at, revoked_by=by)
        )
        return int(result.rowcount or 0)


def commune_state(db: Database, commune_id: str) -> bool | None:
    """True attached, False detached, None unknown commune."""
    with db.read() as conn:
        row = conn.execute(
            select(communes.c.attached).where(communes.c.id == commune_id)
        ).first()
    return None if row is None else bool(row[0])


def _record_of(r: Any) -> HabilitationRecord:
    return HabilitationRecord(
        id=int(r["id"]),
        habilitation=Habilitation(
            operator_id=r["operator_id"], commune_id=r["commune_id"],
            legal_basis=r["legal_basis"], granted_by=r["granted_by"],
            valid_from=r["valid_from"], valid_until=r["valid_until"], revoked=bool(r["revoked"]),
        ),
        revoked_at=r["revoked_at"],
        revoked_by=r["revoked_by"],
    )
