"""A small control room for the shift and bookmark tests: a real database, real audit log, a
site of two attached communes (and a detached one), operators with habilitations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from csu_wall.core.security import Habilitation, Operator
from csu_wall.services.access import AccessGate
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.services.shifts import ShiftService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from tests.storage.sites import make_site

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=timezone.utc)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # stands for a masked snapshot
HABILITATIONS = {"alice": ("tourcoing", "roncq"), "bob": ("tourcoing", "roncq"),
                 "carol": ("roncq",)}


class FixedClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def monotonic(self) -> float:
        return (self.now - T0).total_seconds()

    def now_utc(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Room:
    db: Database
    audit: DbAuditLog
    clock: FixedClock
    workstation: str = "pupitre-1"

    @property
    def site(self):  # type: ignore[no-untyped-def]
        return make_site()

    def gate(self, operator_id: str) -> AccessGate:
        habs = [Habilitation(operator_id, c, "arrêté préfectoral", "admin", T0 - timedelta(days=1))
                for c in HABILITATIONS.get(operator_id, ())]
        return AccessGate(self.site, Operator(operator_id, operator_id.title()), habs,
                          self.audit, workstation=self.workstation, clock=self.clock)

    def bookmarks(self, operator_id: str, **kw: object) -> BookmarkService:
        return BookmarkService(self.db, self.audit, self.gate(operator_id),
                               workstation=self.workstation, clock=self.clock, **kw)  # type: ignore[arg-type]

    def shifts(self, operator_id: str | None = None) -> ShiftService:
        access = self.gate(operator_id) if operator_id else None
        return ShiftService(self.db, self.audit, workstation=self.workstation,
                            clock=self.clock, access=access)

    def camera(self, camera_id: str):  # type: ignore[no-untyped-def]
        return self.site.camera(camera_id)


def make_room(path: Path | str) -> Room:
    db = Database.open(path, create=True)
    return Room(db, DbAuditLog(db), FixedClock())
