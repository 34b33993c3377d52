"""The wall tables on a real PostgreSQL server: migration 0004 runs there and agrees with the
schema, and layouts, history, conflicts, tours and screens work the same as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from csu_wall.core.layout import Grid, Layout, ScreenAssignment, Tour, TourKind
from csu_wall.services.layouts import LayoutConflict
from csu_wall.services.screens import ScreenService
from csu_wall.storage import db as db_module
from csu_wall.storage.db import Database, make_engine, to_url
from csu_wall.storage.operators import ensure_operator
from csu_wall.storage.site_repo import apply_site
from csu_wall.storage.tables import metadata
from tests.services.auth_helpers import NOW
from tests.services.wall_helpers import ADMIN, SUPERVISOR, TCG1, desk
from tests.storage.pg import private_postgres
from tests.storage.sites import make_site

WALL_TABLES = {"layouts", "layout_versions", "tours", "screen_assignments", "wall_state"}


@pytest.fixture(scope="module")
def pg() -> Iterator[Database]:
    """The database migrated to head by Alembic on a real server (0004 holds the wall
    tables; the site rows written below need the later revisions too)."""
    with private_postgres(fsync=False) as server:
        url = server.create_database("csu")
        engine = make_engine(to_url(url))
        cfg = db_module._alembic_config()
        with engine.connect() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
            connection.commit()
        database = Database(engine)
        apply_site(database, make_site(), file_name="site.toml", sha256="0" * 64,
                   applied_by="admin", now=NOW)
        for op in (SUPERVISOR, ADMIN):
            ensure_operator(database, op, now=NOW)
        yield database
        database.close()


def _wall_diffs(diff: list[object]) -> list[object]:
    return [d for d in diff if any(name in repr(d) for name in WALL_TABLES)]


def test_migration_0004_runs_on_postgresql_and_matches_the_schema(pg: Database) -> None:
    assert pg.dialect == "postgresql" and pg.schema_version() == db_module.SCHEMA_VERSION
    with pg.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert _wall_diffs(diff) == []


def test_layouts_history_and_conflicts_on_postgresql(pg: Database) -> None:
    chef, admin = desk(pg, SUPERVISOR, "pupitre-1"), desk(pg, ADMIN, "pupitre-2")
    first = chef.layouts.save(Layout("PG", Grid.preset("1+5"), (TCG1,) + (None,) * 5))
    theirs = admin.layouts.save(first.with_camera(1, TCG1))
    with pytest.raises(LayoutConflict):
        chef.layouts.save(first.with_camera(2, TCG1))
    restored = chef.layouts.restore(first.id or 0, 1)
    assert restored.version == 3 and restored.cameras == first.cameras
    assert [v.version for v in chef.layouts.history(first.id or 0)] == [3, 2, 1]
    assert admin.layouts.get(first.id or 0) == restored != theirs


def test_tours_and_screens_on_postgresql(pg: Database) -> None:
    chef = desk(pg, SUPERVISOR)
    tour = chef.tours.save(Tour("Nuit", TourKind.TILE, (TCG1, "x"), 12.5))
    assert tour in chef.tours.list_tours()
    layout = chef.layouts.save(Layout("Écran", Grid.uniform(1), (None,)))
    screens = ScreenService(pg, workstation="pupitre-pg")
    screens.save([ScreenAssignment("pupitre-pg", "HDMI-1", layout.id, tour_id=tour.id)])
    screens.save_wall_state({"locked": True, "layouts": {"HDMI-1": layout.id}})
    chef.layouts.delete(layout.id or 0)
    assert screens.load()[0].layout_id is None and screens.load()[0].tour_id == tour.id
    assert screens.load_wall_state() == {"locked": True, "layouts": {"HDMI-1": layout.id}}
