"""Layouts as supervisors and operators use them, against a real
SQLite database shared by two workstations."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from csu_wall.core.audit import AuditAction
from csu_wall.core.errors import AccessDenied
from csu_wall.core.layout import Grid, Layout
from csu_wall.core.security import Habilitation
from csu_wall.services.access import AccessGate
from csu_wall.services.layouts import LayoutConflict, LayoutEditor, LayoutNotFound
from csu_wall.storage.db import Database
from csu_wall.storage.site_repo import apply_site, load_site
from tests.services.auth_helpers import NOW
from tests.services.wall_helpers import (
    ADMIN,
    ALICE,
    BOB,
    RCQ1,
    SUPERVISOR,
    TCG1,
    TCG2,
    audited,
    desk,
    open_db,
)
from tests.storage.sites import make_site


@pytest.fixture()
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "csu-wall.sqlite3"


@pytest.fixture()
def db(db_file: Path) -> Iterator[Database]:
    database = open_db(db_file)
    yield database
    database.close()


def centre(owner: str | None = None) -> Layout:
    return Layout("Centre-ville", Grid.preset("1+5"), (TCG1, TCG2, None, None, None, None),
                  commune_id="tourcoing", owner=owner)


def test_shared_layout_saved_by_supervisor_is_seen_from_another_workstation(
    db: Database, db_file: Path
) -> None:
    saved = desk(db, SUPERVISOR, "pupitre-1").layouts.save(centre(), "mur du centre")
    assert saved.id is not None and saved.version == 1
    other_db = Database.open(db_file)  # a second workstation: its own engine on the same file
    try:
        other = desk(other_db, ALICE, "pupitre-2").layouts
        assert other.list_layouts() == [saved]
        assert other.get(saved.id) == saved
        before = other.stamp()
        desk(db, SUPERVISOR, "pupitre-1").layouts.save(saved.with_camera(2, RCQ1))
        assert other.stamp() != before and other.get(saved.id).cameras[2] == RCQ1
    finally:
        other_db.close()


def test_operator_cannot_save_a_shared_layout(db: Database) -> None:
    alice = desk(db, ALICE)
    assert not alice.layouts.can_edit_shared()
    with pytest.raises(AccessDenied) as info:
        alice.layouts.save(centre())
    assert "superviseurs" in str(info.value) and "disposition personnelle" in str(info.value)
    assert alice.layouts.list_layouts() == []
    assert audited(db, AuditAction.DENIED)[0][:2] == ("alice", "layout_change")
    assert audited(db, AuditAction.LAYOUT_CHANGE) == []


def test_operator_keeps_private_layouts_that_others_do_not_see(db: Database) -> None:
    alice, bob = desk(db, ALICE).layouts, desk(db, BOB).layouts
    mine = alice.save(centre(owner="alice"))
    assert mine.id is not None and alice.list_layouts() == [mine]
    assert bob.list_layouts() == [] and not bob.exists(mine.id)
    with pytest.raises(LayoutNotFound):
        bob.get(mine.id)
    with pytest.raises(AccessDenied, match="autre opérateur"):
        bob.save(centre(owner="alice"))
    supervisor = desk(db, SUPERVISOR).layouts  # a supervisor may not touch it either
    with pytest.raises(LayoutNotFound):
        supervisor.delete(mine.id)


def test_each_save_is_a_new_version_audited_with_what_changed(db: Database) -> None:
    chef = desk(db, SUPERVISOR)
    first = chef.layouts.save(centre(), "mur du centre")
    chef.clock.advance(60)
    second = chef.layouts.save(first.with_camera(2, RCQ1), "Roncq ajoutée")
    assert second.version == 2
    history = chef.layouts.history(second.id or 0)
    assert [(v.version, v.saved_by) for v in history] == [(2, "chef"), (1, "chef")]
    assert history[0].saved_at == NOW + timedelta(seconds=60)
    assert history[0].change == f"Roncq ajoutée (case 3 : vide → {RCQ1})"
    assert history[1].change.startswith("mur du centre (création de « Centre-ville »")
    changes = audited(db, AuditAction.LAYOUT_CHANGE)
    assert [c[0] for c in changes] == ["chef", "chef"]
    assert changes[1][2]["change"] == history[0].change
    assert changes[1][2]["layout_id"] == str(second.id) and "version 2" in changes[1][1]


def test_saving_over_a_version_saved_meanwhile_is_a_conflict(db: Database) -> None:
    chef, admin = desk(db, SUPERVISOR, "pupitre-1"), desk(db, ADMIN, "pupitre-2")
    opened = chef.layouts.save(centre())
    theirs = admin.layouts.save(opened.with_camera(5, RCQ1), "admin")  # saved first
    mine = opened.swapped(0, 1)
    with pytest.raises(LayoutConflict) as info:
        chef.layouts.save(mine, "échange")
    message = str(info.value)
    assert "modifiée par admin" in message and "ne sont pas perdus" in message
    assert info.value.mine == mine and info.value.theirs == theirs
    assert chef.layouts.get(theirs.id or 0) == theirs  # nothing overwritten
    copy = chef.layouts.save(replace(info.value.mine, id=None, version=0, name="Copie"))
    assert copy.cameras == mine.cameras  # nothing lost either


def test_saving_a_layout_deleted_meanwhile_is_a_conflict(db: Database) -> None:
    chef, admin = desk(db, SUPERVISOR), desk(db, ADMIN)
    opened = chef.layouts.save(centre())
    admin.layouts.delete(opened.id or 0)
    with pytest.raises(LayoutConflict, match="supprimée") as info:
        chef.layouts.save(opened.with_camera(2, RCQ1))
    assert info.value.theirs is None and info.value.mine.cameras[2] == RCQ1


def test_restore_a_previous_version_as_a_new_version(db: Database) -> None:
    chef = desk(db, SUPERVISOR).layouts
    v1 = chef.save(centre())
    v2 = chef.save(v1.regridded(Grid.uniform(2)), "grille 2×2")
    restored = chef.restore(v1.id or 0, 1)
    assert restored.version == 3 and restored.grid == v1.grid and restored.cameras == v1.cameras
    history = chef.history(v1.id or 0)
    assert [v.version for v in history] == [3, 2, 1]
    assert history[0].change.startswith("restauration de la version 1 (grille 2×2 → 1+5")
    assert history[1].layout == v2
    with pytest.raises(LayoutNotFound, match="version 9"):
        chef.restore(v1.id or 0, 9)


def test_delete_is_audited_and_the_layout_is_gone(db: Database) -> None:
    chef = desk(db, SUPERVISOR).layouts
    saved = chef.save(centre())
    with pytest.raises(AccessDenied):
        desk(db, ALICE).layouts.delete(saved.id or 0)
    chef.delete(saved.id or 0)
    assert chef.list_layouts() == [] and not chef.exists(saved.id or 0)
    with pytest.raises(LayoutNotFound, match="n'existe plus"):
        chef.get(saved.id or 0)
    assert "suppression" in audited(db, AuditAction.LAYOUT_CHANGE)[-1][1]


def test_layouts_of_a_commune_the_operator_is_not_habilitated_for_are_still_listed(
    db: Database,
) -> None:
    """Listed and opened; the wall shows those tiles « non habilité »: the gate says no."""
    roncq = Layout("Roncq", Grid.uniform(2), (RCQ1, None, None, None), commune_id="roncq")
    saved = desk(db, SUPERVISOR).layouts.save(roncq)
    alice = desk(db, ALICE)
    assert alice.layouts.list_layouts(commune_id="roncq") == [saved]
    assert alice.layouts.list_layouts(commune_id="tourcoing") == []
    site = load_site(db)
    assert site is not None
    habs = [Habilitation("alice", "tourcoing", "arrêté", "admin", NOW - timedelta(days=1))]
    gate = AccessGate(site, ALICE, habs, alice.audit, workstation="pupitre-1", clock=alice.clock)
    assert gate.may_view("tourcoing") and not gate.may_view("roncq")


def test_camera_removed_from_the_site_comes_back_as_an_empty_cell(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    chef = desk(db, SUPERVISOR).layouts
    # (no camera of the detached Halluin: a layout cannot hold one, test_detach_enforced.py)
    saved = chef.save(Layout("Mixte", Grid.uniform(2), (TCG1, RCQ1, None, None)))
    smaller = make_site(cameras_per_commune=1)
    site = replace(smaller, cameras=tuple(c for c in smaller.cameras if c.id != RCQ1))
    apply_site(db, site, file_name="site-v2.toml", sha256="1" * 64, applied_by="admin", now=NOW)
    with caplog.at_level(logging.WARNING, logger="csu_wall.services.layouts"):
        again = chef.get(saved.id or 0)
        listed = chef.list_layouts()
    assert again.cameras == (TCG1, None, None, None) and listed == [again]
    assert RCQ1 in caplog.text and "no longer in the site" in caplog.text


def test_editor_undo_redo_dirty_and_changes() -> None:
    editor = LayoutEditor(centre())
    assert not editor.dirty and not editor.can_undo and not editor.can_redo
    editor.apply(editor.current.with_camera(2, RCQ1), "Roncq en case 3")
    editor.apply(editor.current.swapped(0, 1), "échange des cases 1 et 2")
    editor.apply(editor.current, "rien")  # no change: not recorded
    assert editor.dirty and editor.changes() == ["Roncq en case 3", "échange des cases 1 et 2"]
    assert editor.undo().cameras[:3] == (TCG1, TCG2, RCQ1)
    assert editor.can_redo and editor.changes() == ["Roncq en case 3"]
    assert editor.undo() == centre() and not editor.dirty and not editor.can_undo
    assert editor.undo() == centre()  # nothing left: unchanged
    assert editor.redo().cameras[2] == RCQ1 and editor.dirty
    editor.apply(editor.current.with_camera(5, TCG1), "cam en case 6")
    assert not editor.can_redo  # a new edit forgets what was undone
    assert editor.summary() == "Roncq en case 3 ; cam en case 6"


def test_editor_changes_become_the_saved_history_entry(db: Database) -> None:
    chef = desk(db, SUPERVISOR).layouts
    editor = LayoutEditor(chef.save(centre()))
    editor.apply(editor.current.with_camera(2, RCQ1), "Roncq en case 3")
    saved = chef.save(editor.current, editor.summary())
    editor.mark_saved(saved)
    assert not editor.dirty and editor.changes() == [] and editor.current.version == 2
    assert chef.history(saved.id or 0)[0].change.startswith("Roncq en case 3 (case 3 : vide")


def test_new_layout_is_shared_for_supervisors_and_private_for_operators(db: Database) -> None:
    chef, alice = desk(db, SUPERVISOR).layouts, desk(db, ALICE).layouts
    assert chef.new_layout("Mur", "1+7").shared
    own = alice.new_layout("Mon mur", Grid.uniform(3), commune_id="tourcoing")
    assert own.owner == "alice" and own.cameras == (None,) * 9
    assert alice.save(own).version == 1
