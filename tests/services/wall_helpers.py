"""Shared by the layout, tour and screen tests: a real SQLite database holding a small site
(tests/storage/sites.py), accounts of each role, and a settable clock."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from csu_wall.core.audit import AuditAction
from csu_wall.core.security import Operator, Role
from csu_wall.services.layouts import LayoutService
from csu_wall.services.tours import TourService
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.operators import ensure_operator
from csu_wall.storage.site_repo import apply_site
from tests.services.auth_helpers import NOW, FakeClock
from tests.storage.sites import make_site

SUPERVISOR = Operator("chef", "Chef de salle", Role.SUPERVISOR)
ADMIN = Operator("admin", "Administrateur", Role.ADMINISTRATOR)
ALICE = Operator("alice", "Alice", Role.OPERATOR)
BOB = Operator("bob", "Bob", Role.OPERATOR)

TCG1, TCG2 = "tcg-nvr1-001", "tcg-nvr1-002"  # Tourcoing
RCQ1, RCQ2 = "rcq-nvr1-001", "rcq-nvr1-002"  # Roncq


def open_db(path: Path) -> Database:
    """The database file at ``path``, created with the site and the accounts if absent."""
    fresh = not path.exists()
    db = Database.open(path, create=True)
    if fresh:
        apply_site(db, make_site(), file_name="site.toml", sha256="0" * 64, applied_by="admin",
                   now=NOW)
        for op in (SUPERVISOR, ADMIN, ALICE, BOB):
            ensure_operator(db, op, now=NOW)
    return db


@dataclass
class Desk:
    """One workstation signed in by one operator."""

    db: Database
    operator: Operator
    clock: FakeClock
    layouts: LayoutService
    tours: TourService
    audit: DbAuditLog


def desk(db: Database, operator: Operator, workstation: str = "pupitre-1",
         clock: FakeClock | None = None) -> Desk:
    clock = clock or FakeClock()
    audit = DbAuditLog(db)
    return Desk(
        db, operator, clock,
        LayoutService(db, audit, operator=operator, workstation=workstation, clock=clock),
        TourService(db, audit, operator=operator, workstation=workstation, clock=clock),
        audit,
    )


def audited(db: Database, action: AuditAction) -> list[tuple[str, str, dict[str, str]]]:
    """(operator, detail, extra) of each audit entry of ``action``, oldest first."""
    return [
        (r.entry.operator_id, r.entry.detail, dict(r.entry.extra))
        for r in entries(db, limit=None) if r.entry.action == action
    ]
