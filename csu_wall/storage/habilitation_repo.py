"""Habilitations as administered: listing with their ids, revoking (CSI L252-2, R253-3).

Creation and the per-operator read used by the access gate stay in :mod:`operators`.
A revocation is a flag with its time and author, never a deletion: the record of who could
see what, on which legal basis, is kept — until an administrator purges the revoked ones of a
commune (:func:`purge_revoked`, audited), typically before the commune leaves the site file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from csu_wall.core.security import Habilitation
from csu_wall.storage.db import Database
from csu_wall.storage.detach_repo import is_attached
from csu_wall.storage.schema import habilitations


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


def count_revoked(db: Database, commune_id: str, operator_id: str | None = None) -> int:
    stmt = select(func.count()).where(habilitations.c.commune_id == commune_id,
                                      habilitations.c.revoked.is_(True))
    if operator_id is not None:
        stmt = stmt.where(habilitations.c.operator_id == operator_id)
    with db.read() as conn:
        return int(conn.execute(stmt).scalar_one())


def purge_revoked(db: Database, commune_id: str, operator_id: str | None = None, *,
                  also: Callable[[Connection], object] | None = None) -> int:
    """Delete the revoked habilitations of a commune (of one operator, or all); returns how
    many. Habilitations in force are never touched. ``also`` runs in the same transaction
    (its audit record)."""
    stmt = delete(habilitations).where(habilitations.c.commune_id == commune_id,
                                       habilitations.c.revoked.is_(True))
    if operator_id is not None:
        stmt = stmt.where(habilitations.c.operator_id == operator_id)
    with db.write() as conn:
        if also is not None:
            also(conn)
        return int(conn.execute(stmt).rowcount or 0)


def commune_state(db: Database, commune_id: str) -> bool | None:
    """True attached, False detached (by the site file or by ``commune detach``), None
    unknown commune: :func:`detach_repo.is_attached`, the one rule."""
    return is_attached(db, commune_id)


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
