"""What the shift, bookmark and handover GUI tests share: a real SQLite database (migrated),
the real audit log, accounts, access gates, the real ShiftService and BookmarkService, and —
for the tests that need the wall — a real MainWindow over the demo recorders. No mock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from csu_wall.core.model import Site
from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.main_window import MainWindow
from csu_wall.media.engine import MediaEngine
from csu_wall.services.access import AccessGate
from csu_wall.services.auth import AuthService
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.services.shifts import ShiftService
from csu_wall.services.wall import WallService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from tests.services.auth_helpers import FAST, add_user

WS = "pupitre-test"
HAB_START = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class ShiftEnv:
    db: Database
    audit: DbAuditLog
    site: Site
    clip_dir: Path
    data_dir: Path
    services: list[WallService] = field(default_factory=list)

    def account(self, login: str, role: Role = Role.OPERATOR) -> Operator:
        add_user(self.db, login, role)
        return Operator(login, login.title(), role)

    def auth(self) -> AuthService:
        return AuthService(self.db, self.audit, workstation=WS, hasher=FAST)

    def gate(self, operator: Operator, communes: set[str]) -> AccessGate:
        habs = [Habilitation(operator.id, c, "test", "admin", HAB_START) for c in communes]
        return AccessGate(self.site, operator, habs, self.audit, workstation=WS)

    def bookmarks(self, gate: AccessGate) -> BookmarkService:
        return BookmarkService(self.db, self.audit, gate, workstation=WS)

    def shifts(self, gate: AccessGate | None = None) -> ShiftService:
        return ShiftService(self.db, self.audit, workstation=WS, access=gate)

    def wall_service(self, gate: AccessGate, bridge: StateBridge) -> WallService:
        from csu_wall.recorders.registry import driver_for

        engine = MediaEngine(on_state=bridge.post)
        service = WallService(self.site, gate, engine,
                              lambda rec: driver_for(rec, clip_dir=self.clip_dir), demo=True)
        self.services.append(service)
        return service

    def window(self, gate: AccessGate) -> MainWindow:
        bridge = StateBridge()
        return MainWindow(self.wall_service(gate, bridge), demo=False, bridge=bridge)


@pytest.fixture()
def shift_env(tmp_path: Path, demo_site: Site, clip_dir: Path) -> Iterator[ShiftEnv]:
    db = Database.open(tmp_path / "csu.db", create=True)
    env = ShiftEnv(db, DbAuditLog(db), demo_site, clip_dir, tmp_path / "data")
    yield env
    for service in env.services:
        service.shutdown()
    db.close()
