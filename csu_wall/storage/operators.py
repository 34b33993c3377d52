"""Operators and their habilitations in the database (CSI L252-2, R253-3). Accounts
management (passwords, disabling, revocation) is in storage/accounts.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.storage.db import Database, new_id
from csu_wall.storage.schema import habilitations, operators


def ensure_operator(db: Database, operator: Operator, *, now: datetime | None = None) -> Operator:
    """Create the operator if no account has this id; an existing account is left as it is
    (an administrator's later changes win) and returned."""
    with db.write() as conn:
        row = conn.execute(
            select(operators).where(operators.c.id == operator.id)
        ).mappings().first()
        if row is not None:
            return _operator_of(row)
        conn.execute(
            insert(operators).values(
                id=operator.id,
                display_name=operator.display_name,
                role=Role(operator.role).value,
                password_hash=None,
                disabled=False,
                demo=operator.demo,
                created_at=now or datetime.now(UTC),
            )
        )
    return operator


def get_operator(db: Database, operator_id: str) -> Operator | None:
    with db.read() as conn:
        row = conn.execute(
            select(operators).where(operators.c.id == operator_id)
        ).mappings().first()
    return _operator_of(row) if row is not None else None


def add_habilitation(db: Database, habilitation: Habilitation, *,
                     also: Callable[[Connection], object] | None = None) -> int:
    """Record a habilitation; returns its id. The operator and the commune must exist.
    ``also`` runs in the same transaction (its audit record)."""
    with db.write() as conn:
        if also is not None:
            also(conn)
        result = conn.execute(
            insert(habilitations).values(
                operator_id=habilitation.operator_id,
                commune_id=habilitation.commune_id,
                legal_basis=habilitation.legal_basis,
                granted_by=habilitation.granted_by,
                valid_from=habilitation.valid_from,
                valid_until=habilitation.valid_until,
                revoked=habilitation.revoked,
            )
        )
        return new_id(result)


def habilitations_of(db: Database, operator_id: str) -> list[Habilitation]:
    """Every habilitation of the operator, revoked and expired ones included, oldest first."""
    stmt = (
        select(habilitations)
        .where(habilitations.c.operator_id == operator_id)
        .order_by(habilitations.c.valid_from, habilitations.c.id)
    )
    with db.read() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [
        Habilitation(
            operator_id=r["operator_id"],
            commune_id=r["commune_id"],
            legal_basis=r["legal_basis"],
            granted_by=r["granted_by"],
            valid_from=r["valid_from"],
            valid_until=r["valid_until"],
            revoked=bool(r["revoked"]),
        )
        for r in rows
    ]


def _operator_of(row: Any) -> Operator:
    return Operator(
        id=row["id"], display_name=row["display_name"], role=Role(row["role"]),
        demo=bool(row["demo"]),
    )
