"""Operators and habilitations round-trip through the database (CSI L252-2)."""

from __future__ import annotations

from datetime import UTC, datetime

from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.storage.db import Database
from csu_wall.storage.operators import (
    add_habilitation,
    ensure_operator,
    get_operator,
    habilitations_of,
)
from csu_wall.storage.site_repo import apply_site
from tests.storage.sites import make_site


def test_ensure_operator_creates_once(db: Database) -> None:
    assert get_operator(db, "dupont") is None
    op = Operator("dupont", "Jeanne Dupont", Role.SUPERVISOR)
    assert ensure_operator(db, op) == op
    # A second call does not overwrite what is stored.
    assert ensure_operator(db, Operator("dupont", "Autre nom")) == op
    assert get_operator(db, "dupont") == op


def test_habilitations_round_trip(db: Database) -> None:
    apply_site(db, make_site(), file_name="s.toml", sha256="0" * 64, applied_by="admin")
    ensure_operator(db, Operator("dupont", "Jeanne Dupont"))
    h1 = Habilitation("dupont", "tourcoing", "arrêté préfectoral 2025-1", "admin",
                      datetime(2025, 1, 1, tzinfo=UTC))
    h2 = Habilitation("dupont", "roncq", "arrêté préfectoral 2025-2", "admin",
                      datetime(2025, 2, 1, tzinfo=UTC),
                      datetime(2026, 2, 1, tzinfo=UTC), revoked=True)
    add_habilitation(db, h2)
    add_habilitation(db, h1)
    assert habilitations_of(db, "dupont") == [h1, h2]
    assert habilitations_of(db, "personne") == []
