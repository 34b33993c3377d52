"""Layouts, tours and screens in a real SQLite database."""

from __future__ import annotations

import importlib
import io
from dataclasses import replace
from datetime import timedelta

import pytest
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from csu_wall.core.layout import PRESET_NAMES, Grid, Layout, ScreenAssignment, Tour, TourKind
from csu_wall.storage import layout_repo, screen_repo, tour_repo
from csu_wall.storage.db import Database
from tests.services.auth_helpers import NOW


def _layout(grid: str = "2×2", owner: str | None = None) -> Layout:
    g = Grid.preset(grid)
    cams = tuple(f"cam-{i}" if i % 2 == 0 else None for i in range(len(g.cells)))
    return Layout(f"Disposition {grid}", g, cams, commune_id="tourcoing", owner=owner)


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_layout_document_round_trip(name: str) -> None:
    layout = _layout(name)
    again = layout_repo.layout_of_doc(layout_repo.layout_doc(layout), layout_id=None, version=0)
    assert again == layout


def test_each_save_writes_a_version_with_who_when_what(db: Database) -> None:
    first = layout_repo.create_layout(db, _layout(), by="chef", at=NOW, change="création")
    assert (first.id, first.version) == (1, 1)
    later = NOW + timedelta(minutes=5)
    second = layout_repo.update_layout(db, first.with_camera(1, "cam-9"), by="chef2", at=later,
                                       change="case 2")
    assert second.version == 2
    stored = layout_repo.get_layout(db, 1)
    assert stored is not None and stored.layout == second and stored.updated_by == "chef2"
    history = layout_repo.versions(db, 1)
    assert [(v.version, v.saved_by, v.saved_at, v.change) for v in history] == [
        (2, "chef2", later, "case 2"), (1, "chef", NOW, "création")]
    assert history[1].layout == first


def test_update_from_a_stale_version_writes_nothing(db: Database) -> None:
    first = layout_repo.create_layout(db, _layout(), by="chef", at=NOW, change="")
    mine = layout_repo.update_layout(db, replace(first, name="A"), by="chef", at=NOW, change="")
    with pytest.raises(layout_repo.StaleLayout) as info:
        layout_repo.update_layout(db, replace(first, name="B"), by="bob", at=NOW, change="")
    assert info.value.current is not None and info.value.current.layout == mine
    assert [v.version for v in layout_repo.versions(db, 1)] == [2, 1]


def test_delete_removes_history_and_clears_screen_assignments(db: Database) -> None:
    kept = layout_repo.create_layout(db, _layout(), by="chef", at=NOW, change="")
    gone = layout_repo.create_layout(db, _layout("1+5"), by="chef", at=NOW, change="")
    assert gone.id is not None and kept.id is not None
    screen_repo.replace_assignments(db, "pupitre-1", [
        ScreenAssignment("pupitre-1", "HDMI-1", gone.id), ScreenAssignment("pupitre-1", "DP-2",
                                                                           kept.id)])
    assert layout_repo.delete_layout(db, gone.id)
    assert not layout_repo.delete_layout(db, gone.id)
    assert layout_repo.get_layout(db, gone.id) is None and layout_repo.versions(db, gone.id) == []
    assert [a.layout_id for a in screen_repo.assignments_of(db, "pupitre-1")] == [None, kept.id]


def test_shared_and_own_private_layouts_are_listed(db: Database) -> None:
    layout_repo.create_layout(db, _layout(), by="chef", at=NOW, change="")
    layout_repo.create_layout(db, _layout("1+5", owner="alice"), by="alice", at=NOW, change="")
    layout_repo.create_layout(db, _layout("3×3", owner="bob"), by="bob", at=NOW, change="")
    names = [s.layout.name for s in layout_repo.all_layouts(db, owner="alice")]
    assert names == ["Disposition 1+5", "Disposition 2×2"]
    assert layout_repo.all_layouts(db, owner="alice", commune_id="roncq") == []


def test_tour_round_trip(db: Database) -> None:
    tour = tour_repo.save_tour(db, Tour("Nuit", TourKind.TILE, ("a", "b"), 12.5), by="chef",
                               at=NOW)
    assert tour.id is not None and tour_repo.get_tour(db, tour.id) == tour
    changed = tour_repo.save_tour(db, replace(tour, items=("c",)), by="chef", at=NOW)
    assert tour_repo.all_tours(db, owner="x") == [changed]
    assert tour_repo.delete_tour(db, tour.id)
    with pytest.raises(LookupError):
        tour_repo.save_tour(db, changed, by="chef", at=NOW)


def test_screen_assignments_and_wall_state_per_workstation(db: Database) -> None:
    a = [ScreenAssignment("pupitre-1", "DP-2", None, fullscreen=False, extra={"dpr": "2"}),
         ScreenAssignment("pupitre-1", "HDMI-1", None)]
    screen_repo.replace_assignments(db, "pupitre-1", a)
    loaded = screen_repo.assignments_of(db, "pupitre-1")
    assert loaded == a and loaded[0].extra == {"dpr": "2"}
    assert screen_repo.assignments_of(db, "pupitre-2") == []
    screen_repo.write_state(db, "pupitre-1", {"locked": True}, at=NOW)
    screen_repo.write_state(db, "pupitre-1", {"locked": False}, at=NOW)
    assert screen_repo.read_state(db, "pupitre-1") == ({"locked": False}, NOW)
    assert screen_repo.read_state(db, "pupitre-2") is None


def test_migration_0004_renders_for_postgresql() -> None:
    """The migration as PostgreSQL DDL (offline rendering: no server here for this test)."""
    buffer = io.StringIO()
    context = MigrationContext.configure(
        dialect_name="postgresql", opts={"as_sql": True, "output_buffer": buffer}
    )
    migration = importlib.import_module("csu_wall.storage.migrations.versions.0004_wall_layouts")
    with Operations.context(context):
        migration.upgrade()
    sql = buffer.getvalue()
    for table in ("layouts", "layout_versions", "tours", "screen_assignments", "wall_state"):
        assert f"CREATE TABLE {table}" in sql
    assert "JSON" in sql and "SERIAL" in sql and "ON DELETE SET NULL" in sql
    assert "TIMESTAMP WITH TIME ZONE" in sql
