"""Taking the wall at sign-in and the bookmark entry points of
install_shift_features, over the real services and a real MainWindow."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csu_wall.core.audit import AuditAction
from csu_wall.core.shifts import BookmarkFilter
from csu_wall.gui.bookmark_dialog import BookmarkDialog
from csu_wall.gui.shift_dialogs import ShiftStartDialog
from csu_wall.gui.shift_features import install_shift_features
from csu_wall.storage.audit import entries
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401

COMMUNES = {"tourcoing", "roncq"}


def test_second_operator_joins_the_open_shift(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    dupont = shift_env.account("dupont")
    opened = shift_env.shifts().open(dupont.id, ("mur-1",))
    martin = shift_env.account("martin")
    gate = shift_env.gate(martin, COMMUNES)
    window = shift_env.window(gate)
    qtbot.addWidget(window)
    window.show()
    features = install_shift_features(window, shifts=shift_env.shifts(gate),
                                      bookmarks=shift_env.bookmarks(gate), site=shift_env.site,
                                      data_dir=shift_env.data_dir, walls=("mur-2",))
    qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=5_000)  # read off-thread
    dialog = features.gate.dialog
    assert isinstance(dialog, ShiftStartDialog)
    assert dialog.current is not None and dialog.current.id == opened.id
    assert not window.wall.isVisible() and not features.bookmark_action.isEnabled()
    qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: features.shift is not None, timeout=5_000)  # joined off-thread
    assert features.shift is not None and features.shift.id == opened.id
    assert "martin" in features.shift.members
    assert window.wall.isVisible() and features.bookmark_action.isEnabled()
    assert features.handover_action.isEnabled() and not features.start_action.isEnabled()
    joins = [r.entry for r in entries(shift_env.db, limit=None)
             if r.entry.action is AuditAction.SHIFT_JOIN]
    assert [e.operator_id for e in joins] == ["martin"]

    # Signing in again on the same workstation: already in the shift, no dialog.
    again = shift_env.window(gate)
    qtbot.addWidget(again)
    again.show()
    features2 = install_shift_features(again, shifts=shift_env.shifts(gate),
                                       bookmarks=shift_env.bookmarks(gate),
                                       site=shift_env.site, data_dir=shift_env.data_dir)
    qtbot.waitUntil(lambda: features2.shift is not None, timeout=5_000)  # read off the thread
    assert features2.gate.dialog is None and features2.shift is not None
    assert features2.shift.id == opened.id and again.wall.isVisible()
    window.close()
    again.close()


def test_bookmark_needs_a_shift_and_a_camera(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    dupont = shift_env.account("dupont")
    gate = shift_env.gate(dupont, COMMUNES)
    window = shift_env.window(gate)
    qtbot.addWidget(window)
    window.show()
    features = install_shift_features(window, shifts=shift_env.shifts(gate),
                                      bookmarks=shift_env.bookmarks(gate), site=shift_env.site,
                                      data_dir=shift_env.data_dir)
    assert features.bookmark_focused() is None  # no shift yet: nothing to bookmark into
    qtbot.waitUntil(lambda: features.gate.dialog is not None, timeout=5_000)  # read off-thread
    start = features.gate.dialog
    assert isinstance(start, ShiftStartDialog)
    start.confirm()
    qtbot.waitUntil(lambda: features.shift is not None, timeout=5_000)  # opened off-thread
    tile = window.wall.focused_tile()
    window.wall.close_tile(tile.tile_id)
    assert tile.camera is None
    assert features.bookmark_tile(tile) is None
    assert features.bookmark_dialog is None
    window.close()


def test_bookmark_dialog_confirms_only_what_was_committed(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    dupont = shift_env.account("dupont")
    allowed = shift_env.bookmarks(shift_env.gate(dupont, {"tourcoing"}))
    roncq_camera = shift_env.site.camera("rcq-001")
    refused = BookmarkDialog(allowed, roncq_camera, _now(), commune_name="Roncq",
                             shift_id=None, snapshot_png=None)
    qtbot.addWidget(refused)
    refused.show()
    qtbot.waitUntil(lambda: refused.categories.loaded, timeout=5_000)  # read off the GUI thread
    created: list[object] = []
    refused.sig_bookmark_created.connect(created.append)
    refused.category_box.setCurrentIndex(0)
    refused.severity_box.setCurrentIndex(1)
    qtbot.keyClicks(refused.note_edit, "should not be saved")
    qtbot.mouseClick(refused.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not refused.saving, timeout=5_000)  # written off the GUI thread
    assert refused.isVisible() and refused.bookmark is None and created == []
    assert refused.error_label.isVisible() and "habilité" in refused.error_label.text()
    assert allowed.search(BookmarkFilter()) == []
    assert any(r.entry.action is AuditAction.DENIED for r in entries(shift_env.db, limit=None))

    camera = shift_env.site.camera("tcg-004")
    dialog = BookmarkDialog(allowed, camera, _now(), commune_name="Tourcoing", shift_id=None,
                            snapshot_png=None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.categories.loaded, timeout=5_000)  # read off the GUI thread
    assert dialog.category_box.count() == len(allowed.categories())
    dialog.category_box.setCurrentIndex(0)
    dialog.severity_box.setCurrentIndex(1)
    dialog.pre_spin.setValue(20)
    dialog.post_spin.setValue(60)
    with qtbot.waitSignal(dialog.sig_bookmark_created) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    stored = allowed.get(blocker.args[0].id)  # committed: read back from the database
    assert (stored.pre_seconds, stored.post_seconds) == (20, 60)
    assert stored.category == allowed.categories()[0] and not stored.has_snapshot


def _now() -> datetime:
    return datetime.now(UTC)


def test_bookmark_dialog_waits_for_the_snapshot_and_keeps_the_tile_frame_if_it_fails(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    dupont = shift_env.account("dupont")
    service = shift_env.bookmarks(shift_env.gate(dupont, {"tourcoing"}))
    shown_frame = b"\x89PNG tile frame"
    dialog = BookmarkDialog(service, shift_env.site.camera("tcg-001"), _now(),
                            commune_name="Tourcoing", shift_id=None, snapshot_png=shown_frame,
                            snapshot_pending=True)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled() and dialog.save() is None
    qtbot.waitUntil(lambda: dialog.categories.loaded, timeout=5_000)  # read off the GUI thread
    assert not dialog.save_button.isEnabled()  # the snapshot is still awaited
    dialog.set_snapshot(None)  # the full-resolution snapshot failed
    assert dialog.save_button.isEnabled()
    assert (dialog.snapshot_png, dialog.snapshot_source) == (shown_frame, "displayed")
    dialog.set_snapshot(b"\x89PNG full")
    assert dialog.snapshot_source == "snapshot"
    dialog.category_box.setCurrentIndex(0)
    dialog.severity_box.setCurrentIndex(1)
    dialog.save()  # written off the GUI thread
    qtbot.waitUntil(lambda: dialog.bookmark is not None, timeout=5_000)
    saved = dialog.bookmark
    assert saved is not None and saved.has_snapshot
    assert service.snapshot(saved.id) == b"\x89PNG full"
