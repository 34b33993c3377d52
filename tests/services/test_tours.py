"""Tours: stored and audited by TourService; played by TourRunner on an
injected clock — no thread, no sleep."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from csu_wall.core.audit import AuditAction
from csu_wall.core.errors import AccessDenied
from csu_wall.core.layout import Grid, Layout, LayoutError, Tour, TourKind
from csu_wall.services.layouts import LayoutNotFound
from csu_wall.services.tours import TourRunner
from csu_wall.storage.db import Database
from tests.services.auth_helpers import FakeClock
from tests.services.wall_helpers import ALICE, BOB, SUPERVISOR, audited, desk, open_db

NIGHT = Tour("Nuit", TourKind.TILE, ("a", "b", "c"), dwell_seconds=10.0)


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_db(tmp_path / "data" / "csu-wall.sqlite3")
    yield database
    database.close()


def test_supervisor_saves_a_shared_tour_audited(db: Database) -> None:
    chef = desk(db, SUPERVISOR)
    saved = chef.tours.save(NIGHT)
    assert saved.id is not None and desk(db, ALICE).tours.list_tours() == [saved]
    changed = chef.tours.save(replace(saved, dwell_seconds=20.0))
    assert chef.tours.get(saved.id) == changed
    chef.tours.delete(saved.id)
    assert chef.tours.list_tours() == []
    with pytest.raises(LayoutNotFound):
        chef.tours.get(saved.id)
    details = [d for _, d, _ in audited(db, AuditAction.LAYOUT_CHANGE)]
    assert details[0].startswith("création de la ronde « Nuit » (3 étape(s), 10 s")
    assert details[1].startswith("modification") and details[2].startswith("suppression")


def test_operator_keeps_private_tours_but_not_shared_ones(db: Database) -> None:
    alice = desk(db, ALICE).tours
    with pytest.raises(AccessDenied, match="superviseurs"):
        alice.save(NIGHT)
    mine = alice.save(replace(NIGHT, owner="alice"))
    assert alice.list_tours() == [mine] and desk(db, BOB).tours.list_tours() == []
    with pytest.raises(LayoutNotFound):
        desk(db, BOB).tours.delete(mine.id or 0)
    assert audited(db, AuditAction.DENIED)[0][:2] == ("alice", "layout_change")


def test_bad_tours_are_refused_before_the_database(db: Database) -> None:
    with pytest.raises(LayoutError) as info:
        desk(db, SUPERVISOR).tours.save(replace(NIGHT, items=()))
    assert info.value.field == "items"
    with pytest.raises(LayoutError) as info:
        Tour("Nuit", TourKind.TILE, ("a",), dwell_seconds=1.0)
    assert info.value.field == "dwell_seconds"


def test_runner_moves_on_after_each_dwell_and_wraps_around() -> None:
    clock = FakeClock()
    runner = TourRunner(NIGHT, clock)
    assert runner.current() == "a" and runner.tick() is None
    clock.advance(9.9)
    assert runner.tick() is None
    seen = []
    for _ in range(4):
        clock.advance(10.0)
        seen.append(runner.tick())
    assert seen == ["b", "c", "a", "b"]
    assert runner.current() == "b"


def test_late_tick_moves_one_item_only() -> None:
    clock = FakeClock()
    runner = TourRunner(NIGHT, clock)
    clock.advance(55.0)  # the GUI was busy for five dwells
    assert runner.tick() == "b" and runner.tick() is None
    clock.advance(10.0)
    assert runner.tick() == "c"


def test_interaction_pauses_the_tour_for_resume_after_seconds() -> None:
    clock = FakeClock()
    runner = TourRunner(NIGHT, clock, resume_after=30.0)
    clock.advance(5.0)
    runner.interact()
    assert runner.paused and not runner.manually_paused
    clock.advance(20.0)
    runner.interact()  # touched again: 30 s from this touch
    clock.advance(29.0)
    assert runner.tick() is None and runner.current() == "a"
    clock.advance(1.0)
    assert not runner.paused
    assert runner.tick() is None  # resumes: the current item gets a full dwell
    clock.advance(9.9)
    assert runner.tick() is None
    clock.advance(0.1)
    assert runner.tick() == "b"


def test_pause_and_resume() -> None:
    clock = FakeClock()
    runner = TourRunner(NIGHT, clock)
    runner.pause()
    clock.advance(100.0)
    assert runner.paused and runner.tick() is None and runner.current() == "a"
    runner.resume()
    assert not runner.paused and runner.tick() is None
    clock.advance(10.0)
    assert runner.tick() == "b"
    assert runner.advance() == "c"  # « suivant »: the dwell restarts
    clock.advance(9.0)
    assert runner.tick() is None


def test_layout_tour_skips_layouts_deleted_meanwhile(db: Database) -> None:
    chef = desk(db, SUPERVISOR)
    ids = [
        chef.layouts.save(Layout(f"Mur {n}", Grid.uniform(1), (None,))).id for n in range(3)
    ]
    tour = chef.tours.save(Tour("Murs", TourKind.LAYOUT, tuple(str(i) for i in ids), 10.0))
    runner = TourRunner(tour, chef.clock, available=lambda item: chef.layouts.exists(int(item)))
    chef.layouts.delete(ids[1] or 0)
    chef.clock.advance(10.0)
    assert runner.tick() == str(ids[2])
    chef.clock.advance(10.0)
    assert runner.tick() == str(ids[0])
    chef.layouts.delete(ids[2] or 0)
    chef.clock.advance(10.0)
    assert runner.tick() is None and runner.current() == str(ids[0])  # the only one left


def test_runner_starts_on_the_first_available_item() -> None:
    runner = TourRunner(NIGHT, FakeClock(), available=lambda item: item != "a")
    assert runner.current() == "b" and runner.index == 1
