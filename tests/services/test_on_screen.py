"""What a view is (docs/DESIGN.md, csu_wall/core/viewing.py), at the service level: an access
record before any connection, on-screen intervals from what the wall shows, and nothing new
for a maximise or a quality switch inside them. Real SQLite audit log; the recorder is a
loopback listener that counts connections (no video is needed to test records)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from csu_wall.core.audit import AuditAction
from csu_wall.core.errors import AccessDenied
from csu_wall.core.model import StreamKind
from csu_wall.core.viewing import INTERVAL_KEY
from csu_wall.services.wall import WallService
from csu_wall.storage.audit import entries
from csu_wall.storage.db import Database
from tests.services.test_access import CountingListener, habilitation, make_site, make_wall

pytestmark = pytest.mark.timeout(60)


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "csu.db", create=True)
    yield database
    database.close()


def _records(db: Database) -> list[tuple[AuditAction, str, str]]:
    return [(r.entry.action, r.entry.camera_id or "", r.entry.extra.get(INTERVAL_KEY, ""))
            for r in entries(db, limit=None)]


@pytest.fixture()
def listener() -> Iterator[CountingListener]:
    counting = CountingListener()
    yield counting
    counting.close()


@pytest.fixture()
def wall(listener: CountingListener, db: Database, tmp_path: Path) -> Iterator[WallService]:
    service = make_wall(make_site(listener.port), [habilitation("roncq")], db, tmp_path)
    yield service
    service.shutdown()


def test_an_interval_starts_with_the_first_frame_shown_and_ends_when_hidden(
        wall: WallService, db: Database) -> None:
    wall.open_camera("t0", "roncq-001", (320, 180))
    wall.on_screen.flush()
    assert [a for a, _, _ in _records(db)] == [AuditAction.LIVE_VIEW]  # access, no interval yet
    wall.frame_shown("t0")
    wall.frame_shown("t0")  # every later frame of the same interval: nothing new
    wall.left_screen("t0")  # covered by a maximised tile, tab in the background, …
    wall.left_screen("t0")
    wall.on_screen.flush()
    records = _records(db)
    assert [a for a, _, _ in records] == [AuditAction.LIVE_VIEW, AuditAction.ON_SCREEN_START,
                                          AuditAction.ON_SCREEN_END]
    assert records[1][2] and records[1][2] == records[2][2]  # one interval id pairs them
    wall.frame_shown("t0")  # back on screen: a new interval
    wall.close_tile("t0")  # closing ends it
    wall.on_screen.flush()
    tail = _records(db)[3:]
    assert [a for a, _, _ in tail] == [AuditAction.ON_SCREEN_START, AuditAction.ON_SCREEN_END,
                                       AuditAction.LIVE_VIEW_END]
    assert tail[0][2] == tail[1][2] != records[1][2]


def test_maximise_and_quality_switches_write_no_record_inside_an_interval(
        wall: WallService, db: Database) -> None:
    wall.open_camera("t0", "roncq-001", (320, 180))
    wall.frame_shown("t0")
    wall.on_screen.flush()
    before = len(_records(db))
    wall.set_maximised("t0", True)
    wall.set_tile_stream("t0", StreamKind.MAIN)
    wall.set_maximised("t0", False)
    wall.set_tile_stream("t0", StreamKind.SUB)
    wall.frame_shown("t0")
    wall.on_screen.flush()
    assert _records(db)[before:] == []


def test_a_switch_after_revocation_is_refused_and_audited(
        wall: WallService, db: Database) -> None:
    wall.open_camera("t0", "roncq-001", (320, 180))
    wall.access.replace_habilitations([])
    with pytest.raises(AccessDenied):
        wall.set_tile_stream("t0", StreamKind.MAIN)
    assert _records(db)[-1][:2] == (AuditAction.DENIED, "roncq-001")


def test_the_same_feed_serves_the_tile_across_cameras(wall: WallService) -> None:
    first = wall.open_camera("t0", "roncq-001", (320, 180))
    wall.close_tile("t0")
    assert not first.active
    again = wall.open_camera("t0", "roncq-001", (320, 180))
    assert again is first and first.active and wall.feed("t0") is first
