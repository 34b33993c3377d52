"""Screens of a workstation and the crash-restore wall state, in a real
SQLite database: per workstation, kept across a restart (the database reopened)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from csu_wall.core.layout import Grid, Layout, LayoutError, ScreenAssignment
from csu_wall.services.screens import ScreenService
from csu_wall.storage.db import Database
from tests.services.auth_helpers import NOW, FakeClock
from tests.services.wall_helpers import SUPERVISOR, TCG1, desk, open_db

STATE: dict[str, object] = {
    "screens": {"HDMI-1": {"geometry": [0, 0, 1920, 1080], "fullscreen": True}},
    "locked": True,
    "maximised": {"HDMI-1": "t3"},
    "layouts": {"HDMI-1": 1, "DP-2": 2},
    "cameras": {"t3": TCG1, "t4": None},
    "zoom": 1.5,
}


@pytest.fixture()
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "csu-wall.sqlite3"


@pytest.fixture()
def db(db_file: Path) -> Iterator[Database]:
    database = open_db(db_file)
    yield database
    database.close()


def _assign(db: Database, workstation: str = "pupitre-1") -> list[ScreenAssignment]:
    chef = desk(db, SUPERVISOR).layouts
    one = chef.save(Layout("Un", Grid.uniform(1), (TCG1,)))
    two = chef.save(Layout("Deux", Grid.preset("1+5"), (None,) * 6))
    return [
        ScreenAssignment(workstation, "HDMI-1", one.id, fullscreen=True),
        ScreenAssignment(workstation, "DP-2", two.id, fullscreen=False, extra={"dpr": "1.5"}),
    ]


def test_screen_assignments_are_restored_after_a_restart(db: Database, db_file: Path) -> None:
    assignments = _assign(db)
    ScreenService(db, workstation="pupitre-1").save(assignments)
    db.close()
    with Database.open(db_file) as reopened:
        loaded = ScreenService(reopened, workstation="pupitre-1").load()
    assert loaded == assignments and loaded[1].extra == {"dpr": "1.5"}


def test_saving_again_replaces_the_assignments(db: Database) -> None:
    service = ScreenService(db, workstation="pupitre-1")
    assignments = _assign(db)
    service.save(assignments)
    service.save(assignments[1:])
    assert service.load() == assignments[1:]
    service.save([])
    assert service.load() == []


def test_another_workstation_does_not_see_the_first_ones_screens_or_state(
    db: Database,
) -> None:
    first = ScreenService(db, workstation="pupitre-1", clock=FakeClock())
    second = ScreenService(db, workstation="mur-2")
    first.save(_assign(db))
    first.save_wall_state(STATE)
    assert second.load() == [] and second.load_wall_state() == {}
    second.save_wall_state({"locked": False})
    assert first.load_wall_state() == STATE and first.wall_state_saved_at() == NOW


def test_wall_state_survives_a_crash(db: Database, db_file: Path) -> None:
    """Written on every change; a new process (reopened database) finds the last one."""
    service = ScreenService(db, workstation="pupitre-1")
    service.save_wall_state({"locked": False})
    service.save_wall_state(STATE)
    db.close()
    with Database.open(db_file) as reopened:
        assert ScreenService(reopened, workstation="pupitre-1").load_wall_state() == STATE


def test_a_deleted_layout_reads_none_on_its_screen(db: Database) -> None:
    service = ScreenService(db, workstation="pupitre-1")
    assignments = _assign(db)
    service.save(assignments)
    desk(db, SUPERVISOR).layouts.delete(assignments[0].layout_id or 0)
    assert [a.layout_id for a in service.load()] == [None, assignments[1].layout_id]


@pytest.mark.parametrize(
    "state", [{"when": NOW}, {"x": float("nan")}, {"screens": {1, 2}}, {1: "x"}]
)
def test_a_state_that_is_not_json_is_refused(db: Database, state: dict[object, object]) -> None:
    service = ScreenService(db, workstation="pupitre-1")
    with pytest.raises(LayoutError) as info:
        service.save_wall_state(state)  # type: ignore[arg-type]
    assert info.value.field == "state" and "État du mur" in str(info.value)
    assert service.load_wall_state() == {}


def test_bad_assignments_are_refused(db: Database) -> None:
    service = ScreenService(db, workstation="pupitre-1")
    with pytest.raises(LayoutError, match="« poste »") as info:
        service.save([ScreenAssignment("pupitre-2", "HDMI-1", None)])
    assert info.value.field == "workstation"
    twice = [ScreenAssignment("pupitre-1", "HDMI-1", None)] * 2
    with pytest.raises(LayoutError, match="deux fois"):
        service.save(twice)
    with pytest.raises(LayoutError):
        ScreenService(db, workstation=" ")
