"""Habilitations administered and enforced (issue point 2): grants and revocations audited
first; a revocation or an expiry closes the commune's open tiles within 5 s. Real SQLite, real
WallService and MediaEngine, a real loopback TCP "recorder" counting connections."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from csu_wall.core.errors import AccessDenied
from csu_wall.core.frames import TileState
from csu_wall.core.security import Operator
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.registry import driver_for
from csu_wall.services.access import AccessGate
from csu_wall.services.habilitations import (
    HabilitationError,
    HabilitationService,
    HabilitationWatcher,
)
from csu_wall.services.wall import StateFanout, WallService
from csu_wall.storage import accounts
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.operators import habilitations_of
from csu_wall.storage.site_repo import apply_site
from tests.services.auth_helpers import NOW, BrokenAudit, FakeClock, add_user
from tests.services.test_access import CountingListener, make_site


@pytest.fixture()
def listener() -> Iterator[CountingListener]:
    lst = CountingListener()
    yield lst
    lst.close()


@pytest.fixture()
def db(tmp_path: Path, listener: CountingListener) -> Iterator[Database]:
    database = Database.open(tmp_path / "csu.db", create=True)
    apply_site(database, make_site(listener.port), file_name="t", sha256="0" * 64,
               applied_by="test")
    add_user(database, "agent1")
    yield database
    database.close()


def service(db: Database, clock: FakeClock, audit: object | None = None) -> HabilitationService:
    return HabilitationService(db, audit or DbAuditLog(db), actor="cli:it",  # type: ignore[arg-type]
                               workstation="poste-it", clock=clock)


class Wall:
    """A real wall for agent1, its states collected."""

    def __init__(self, db: Database, port: int, clock: FakeClock | None, tmp_path: Path) -> None:
        site = make_site(port)
        self.gate = AccessGate(site, Operator("agent1", "Agent 1"),
                               habilitations_of(db, "agent1"), DbAuditLog(db),
                               workstation="pupitre-1", clock=clock)
        events = StateFanout()
        self.states: list[tuple[str, int, TileState, str]] = []
        events.add(lambda *s: self.states.append(s))
        engine = MediaEngine(workers=1, on_state=events, open_timeout=2, read_timeout=2)
        self.service = WallService(site, self.gate, engine,
                                   lambda r: driver_for(r, clip_dir=tmp_path / "clips"),
                                   state_events=events)

    def denied(self) -> list[str]:
        return [t for t, _, state, _ in self.states if state is TileState.DENIED]


def test_grant_and_revoke_are_audited_and_listed(db: Database) -> None:
    clock = FakeClock()
    habs = service(db, clock)
    habs.grant("Agent1", "roncq", legal_basis="arrêté préfectoral 2026-01",
               granted_by="Maire de Roncq", valid_until=NOW + timedelta(days=30))
    [record] = habs.list("agent1")
    assert record.habilitation.granted_by == "Maire de Roncq"
    assert record.habilitation.is_valid_at(NOW)
    clock.advance(60)
    assert habs.revoke("agent1", "roncq") == 1
    [record] = habs.list()
    assert record.habilitation.revoked and record.revoked_by == "cli:it"
    assert record.revoked_at == NOW + timedelta(seconds=60)
    trail = [(r.entry.action.value, r.entry.operator_id, r.entry.commune_id)
             for r in entries(db, limit=None) if r.entry.action.value != "site_apply"]
    assert trail == [("habilitation_grant", "cli:it", "roncq"),
                     ("habilitation_revoke", "cli:it", "roncq")]
    with pytest.raises(HabilitationError, match="aucune habilitation en cours"):
        habs.revoke("agent1", "roncq")


@pytest.mark.parametrize(
    ("login", "commune", "kw", "message"),
    [
        ("nobody", "roncq", {}, "Aucun compte"),
        ("agent1", "lille", {}, "inconnue"),
        ("agent1", "comines", {}, "détachée"),
        ("agent1", "roncq", {"legal_basis": " "}, "base légale"),
        ("agent1", "roncq", {"valid_until": NOW - timedelta(days=1)}, "date de fin"),
    ],
)
def test_grant_refusals(db: Database, login: str, commune: str, kw: dict[str, object],
                        message: str) -> None:
    args: dict[str, object] = {"legal_basis": "arrêté", "granted_by": "maire"}
    args.update(kw)
    with pytest.raises(HabilitationError, match=message):
        service(db, FakeClock()).grant(login, commune, **args)  # type: ignore[arg-type]
    assert habilitations_of(db, "agent1") == []


def test_grant_refused_when_the_audit_cannot_be_written(db: Database) -> None:
    with pytest.raises(HabilitationError, match="journal d'audit"):
        service(db, FakeClock(), BrokenAudit()).grant("agent1", "roncq", legal_basis="a",
                                                      granted_by="b")
    assert habilitations_of(db, "agent1") == []


def test_revocation_closes_the_communes_tiles_at_the_next_check(
    db: Database, listener: CountingListener, tmp_path: Path
) -> None:
    clock = FakeClock()
    habs = service(db, clock)
    for commune in ("roncq", "halluin"):
        habs.grant("agent1", commune, legal_basis="arrêté", granted_by="maire",
                   valid_from=NOW - timedelta(days=1))
    wall = Wall(db, listener.port, clock, tmp_path)
    watcher = HabilitationWatcher(db, wall.gate, wall.service, clock=clock)
    try:
        assert watcher.poll() == set()
        wall.service.open_camera("t0", "roncq-001", (320, 180))
        wall.service.open_camera("t1", "halluin-001", (320, 180))
        habs.revoke("agent1", "roncq")
        assert watcher.poll() == {"roncq"}
        assert wall.service.camera_on("t0") is None
        assert wall.service.camera_on("t1") is not None
        assert wall.denied() == ["t0"]
        before = listener.accepted
        with pytest.raises(AccessDenied):  # and the gate refuses it from now on
            wall.service.open_camera("t0", "roncq-001", (320, 180))
        assert listener.accepted == before
    finally:
        wall.service.shutdown()


def test_expiry_closes_the_communes_tiles(
    db: Database, listener: CountingListener, tmp_path: Path
) -> None:
    clock = FakeClock()
    service(db, clock).grant("agent1", "roncq", legal_basis="arrêté", granted_by="maire",
                             valid_from=NOW - timedelta(days=1),
                             valid_until=NOW + timedelta(minutes=10))
    wall = Wall(db, listener.port, clock, tmp_path)
    watcher = HabilitationWatcher(db, wall.gate, wall.service, clock=clock)
    try:
        watcher.poll()
        wall.service.open_camera("t0", "roncq-001", (320, 180))
        clock.advance(599)
        assert watcher.poll() == set()
        clock.advance(1)
        assert watcher.poll() == {"roncq"}
        assert wall.service.camera_on("t0") is None
    finally:
        wall.service.shutdown()


def test_disabling_the_account_closes_every_tile(
    db: Database, listener: CountingListener, tmp_path: Path
) -> None:
    clock = FakeClock()
    service(db, clock).grant("agent1", "roncq", legal_basis="a", granted_by="b",
                             valid_from=NOW - timedelta(days=1))
    wall = Wall(db, listener.port, clock, tmp_path)
    watcher = HabilitationWatcher(db, wall.gate, wall.service, clock=clock)
    try:
        watcher.poll()
        wall.service.open_camera("t0", "roncq-001", (320, 180))
        accounts.set_disabled(db, "agent1", True)
        assert watcher.poll() == {"roncq"}
        assert not wall.gate.may_view("roncq")
    finally:
        wall.service.shutdown()


def test_revocation_closes_tiles_within_5_seconds_in_real_time(
    db: Database, listener: CountingListener, tmp_path: Path
) -> None:
    """Real clock, real watcher thread polling every second."""
    habs = HabilitationService(db, DbAuditLog(db), actor="cli:it", workstation="poste-it")
    habs.grant("agent1", "roncq", legal_basis="arrêté", granted_by="maire")
    wall = Wall(db, listener.port, None, tmp_path)
    watcher = HabilitationWatcher(db, wall.gate, wall.service)
    watcher.start()
    try:
        wall.service.open_camera("t0", "roncq-001", (320, 180))
        revoked_at = time.monotonic()
        habs.revoke("agent1", "roncq")
        closed = threading.Event()
        while time.monotonic() - revoked_at < 5.0:
            if wall.service.camera_on("t0") is None and wall.denied():
                closed.set()
                break
            time.sleep(0.05)
        elapsed = time.monotonic() - revoked_at
        assert closed.is_set(), "tile still open 5 s after the revocation"
        assert elapsed < 5.0
    finally:
        watcher.stop()
        wall.service.shutdown()
