"""Bookmarks with their snapshot, categories, status, judicial hold,
retention purge; server-side search restricted to the habilitated communes. Real SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csu_wall.core.audit import AuditAction
from csu_wall.core.errors import AccessDenied
from csu_wall.core.shifts import DEFAULT_CATEGORIES, BookmarkFilter, BookmarkStatus, Severity
from csu_wall.storage.audit import entries
from csu_wall.storage.schema_shifts import bookmark_snapshots, bookmarks
from tests.services.shifts_env import PNG, T0, Room, make_room

TCG = "tcg-nvr1-001"
TCG2 = "tcg-nvr1-002"
RCQ = "rcq-nvr1-001"
HAL = "hal-nvr1-001"  # commune detached


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Room]:
    r = make_room(tmp_path / "csu.sqlite3")
    yield r
    r.db.close()


def _actions(room: Room) -> list[AuditAction]:
    return [rec.entry.action for rec in entries(room.db, limit=None)]


def test_point2_bookmark_keeps_its_snapshot_in_the_database_and_is_audited(room: Room) -> None:
    svc = room.bookmarks("alice")
    at = T0 - timedelta(minutes=3)
    b = svc.create(room.camera(TCG), at, category="rixe", severity=Severity.HIGH,
                   note="Rixe devant le bar", shift_id=None, snapshot_png=PNG)
    assert (b.camera_id, b.commune_id, b.at_utc, b.category) == (TCG, "tourcoing", at, "rixe")
    assert (b.pre_seconds, b.post_seconds, b.status) == (10, 30, BookmarkStatus.OPEN)
    assert b.has_snapshot and b.operator_id == "alice" and b.judicial_ref is None
    # Another workstation (another service on the same database) sees the same bytes.
    other = make_room(room.db.url.database or "")
    try:
        assert other.bookmarks("bob").snapshot(b.id) == PNG
    finally:
        other.db.close()
    last = entries(room.db, limit=None)
    assert AuditAction.BOOKMARK in [r.entry.action for r in last]
    assert AuditAction.SNAPSHOT == last[-1].entry.action  # viewing the snapshot is audited
    no_snap = svc.create(room.camera(TCG), at, category="accident", severity=Severity.LOW,
                         shift_id=None, snapshot_png=None)
    assert not no_snap.has_snapshot and svc.snapshot(no_snap.id) is None


def test_point2_categories_are_configurable_for_the_site(room: Room) -> None:
    svc = room.bookmarks("alice")
    assert svc.categories() == list(DEFAULT_CATEGORIES)
    svc.set_categories(["rixe", "feu de poubelle", "rixe", " "])
    assert room.bookmarks("bob").categories() == ["rixe", "feu de poubelle"]
    with pytest.raises(ValueError, match="Catégorie inconnue"):
        svc.create(room.camera(TCG), T0, category="accident", severity=Severity.LOW,
                   shift_id=None, snapshot_png=None)
    with pytest.raises(ValueError, match="vide"):
        svc.set_categories([])


def test_point2_status_edit_and_judicial_hold_are_audited(room: Room) -> None:
    svc = room.bookmarks("alice")
    b = svc.create(room.camera(TCG), T0, category="rixe", severity=Severity.MEDIUM,
                   shift_id=None, snapshot_png=PNG)
    room.clock.advance(minutes=5)
    b2 = svc.update(b.id, status=BookmarkStatus.FOLLOWED_UP, note="Police sur place",
                    severity=Severity.CRITICAL)
    assert (b2.status, b2.note, b2.severity) == (BookmarkStatus.FOLLOWED_UP, "Police sur place",
                                                 Severity.CRITICAL)
    assert b2.updated_utc == T0 + timedelta(minutes=5) and b2.created_utc == T0
    assert svc.update(b.id) == b2  # nothing to change: nothing written
    with pytest.raises(ValueError, match="référence"):
        svc.mark_judicial(b.id, "  ")
    b3 = svc.mark_judicial(b.id, "PV 2026/1234")
    assert b3.judicial_ref == "PV 2026/1234"
    changes = [r.entry for r in entries(room.db, limit=None)
               if r.entry.action is AuditAction.BOOKMARK_CHANGE]
    assert len(changes) == 2 and "PV 2026/1234" in changes[1].detail
    assert changes[0].extra["bookmark_id"] == str(b.id)
    assert svc.update(b.id, status=BookmarkStatus.CLOSED).status is BookmarkStatus.CLOSED


def test_point2_retention_purge_deletes_snapshot_keeps_judicial_and_is_audited(
        room: Room) -> None:
    svc = room.bookmarks("alice")
    old = svc.create(room.camera(TCG), T0, category="rixe", severity=Severity.LOW,
                     shift_id=None, snapshot_png=PNG)
    held = svc.create(room.camera(RCQ), T0, category="intrusion", severity=Severity.LOW,
                      shift_id=None, snapshot_png=PNG)
    svc.mark_judicial(held.id, "Réquisition 42")
    room.clock.advance(days=20)
    recent = svc.create(room.camera(TCG), room.clock.now, category="rixe",
                        severity=Severity.LOW, shift_id=None, snapshot_png=PNG)
    assert svc.purge_expired() == 0  # 20 days: still kept
    room.clock.advance(days=10, seconds=1)  # 30 days and a second after the first two
    assert svc.purge_expired() == 1
    with pytest.raises(LookupError, match="n'existe pas"):
        svc.get(old.id)
    with room.db.read() as conn:
        snaps = set(conn.execute(select(bookmark_snapshots.c.bookmark_id)).scalars())
        count = conn.execute(select(func.count()).select_from(bookmarks)).scalar()
    assert snaps == {held.id, recent.id} and count == 2  # the snapshot went with it
    purge = [r.entry for r in entries(room.db, limit=None)
             if r.entry.action is AuditAction.BOOKMARK_CHANGE and "échéance" in r.entry.detail]
    assert len(purge) == 1 and purge[0].extra["bookmark_id"] == str(old.id)
    # A shorter retention set by the site applies to every workstation.
    svc.set_retention_days(7)
    assert room.bookmarks("bob").retention_days() == 7
    assert room.bookmarks("bob").purge_expired() == 1  # `recent` is 10 days old
    with pytest.raises(ValueError, match="de 1 à 30 jours"):
        svc.set_retention_days(31)
    with pytest.raises(ValueError):
        room.bookmarks("alice", retention_days=45)


def _seed(room: Room) -> dict[str, int]:
    alice = room.bookmarks("alice")
    ids = {}
    ids["rixe"] = alice.create(room.camera(TCG), T0, category="rixe", severity=Severity.HIGH,
                               note="Bagarre près de la gare", shift_id=None,
                               snapshot_png=None).id
    ids["accident"] = alice.create(room.camera(TCG2), T0 + timedelta(hours=1),
                                   category="accident", severity=Severity.MEDIUM,
                                   note="Scooter renversé", shift_id=None, snapshot_png=None).id
    ids["depot"] = alice.create(room.camera(RCQ), T0 + timedelta(hours=2),
                                category="dépôt sauvage", severity=Severity.LOW,
                                note="Matelas 100% abandonné", shift_id=None,
                                snapshot_png=None).id
    alice.update(ids["accident"], status=BookmarkStatus.CLOSED)
    return ids


def test_point3_search_filters_in_sql(room: Room) -> None:
    ids = _seed(room)
    svc = room.bookmarks("alice")

    def found(**kw: object) -> list[int]:
        return [b.id for b in svc.search(BookmarkFilter(**kw))]  # type: ignore[arg-type]

    assert found() == [ids["depot"], ids["accident"], ids["rixe"]]  # newest first
    assert found(commune_id="roncq") == [ids["depot"]]
    assert found(camera_id=TCG2) == [ids["accident"]]
    assert found(category="rixe") == [ids["rixe"]]
    assert found(status=BookmarkStatus.CLOSED) == [ids["accident"]]
    assert found(status=BookmarkStatus.OPEN) == [ids["depot"], ids["rixe"]]
    assert found(start_utc=T0 + timedelta(minutes=30),
                 end_utc=T0 + timedelta(hours=2)) == [ids["accident"]]
    assert found(text="GARE") == [ids["rixe"]]
    assert found(text="100%") == [ids["depot"]]  # LIKE wildcards are literal
    assert found(text="_") == []  # "_" is not "any character"
    assert found(shift_id=999) == []


def test_point3_nobody_lists_or_opens_a_bookmark_of_another_commune(room: Room) -> None:
    ids = _seed(room)
    carol = room.bookmarks("carol")  # habilitated for roncq only
    assert [b.id for b in carol.search(BookmarkFilter())] == [ids["depot"]]
    assert carol.search(BookmarkFilter(commune_id="tourcoing")) == []
    assert carol.search(BookmarkFilter(text="gare")) == []
    before = len(entries(room.db, limit=None))
    with pytest.raises(AccessDenied, match="Tourcoing"):
        carol.get(ids["rixe"])
    with pytest.raises(AccessDenied):
        carol.snapshot(ids["rixe"])
    with pytest.raises(AccessDenied):
        carol.update(ids["rixe"], status=BookmarkStatus.CLOSED)
    with pytest.raises(AccessDenied):
        carol.mark_judicial(ids["rixe"], "PV 1")
    with pytest.raises(AccessDenied):
        carol.create(room.camera(TCG), T0, category="rixe", severity=Severity.LOW,
                     shift_id=None, snapshot_png=None)
    denied = [r.entry for r in entries(room.db, limit=None)[before:]]
    assert [e.action for e in denied] == [AuditAction.DENIED] * 5
    assert all(e.commune_id == "tourcoing" and e.operator_id == "carol" for e in denied)
    # A detached commune is out of reach for everyone, even the habilitated.
    with pytest.raises(AccessDenied):
        room.bookmarks("alice").create(room.camera(HAL), T0, category="rixe",
                                       severity=Severity.LOW, shift_id=None, snapshot_png=None)
    assert room.bookmarks("nobody").search(BookmarkFilter()) == []
