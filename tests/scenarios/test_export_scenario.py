"""A requisition answered at the desk, through the real window: the export dialog opened from a
bookmark's context menu (and from the playback bar and the File menu), filled in French, run to
the end against the loopback Hikvision-shaped recorder (tests/rtsp) with its progress bars,
the signed folder in the destination (its MP4 opened with PyAV), the bookmark put under the
procedure's hold and linked to its extraction, the supervisor's register listing it with its
hand-over and leaving as CSV and PDF; an operator without the extraction habilitation reads
the refusal before anything is asked of the recorder; a cancel leaves no folder. Real SQLite,
real widgets offscreen, the French catalogue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.core.shifts import Severity
from csu_wall.gui.bookmark_panel import BookmarkPanel
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.export_dialog import ExportDialog, utc_text
from csu_wall.gui.export_features import ExportFeatures, install_export
from csu_wall.gui.extraction_register import RegisterDialog
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.playback_bar import install_playback, to_qt
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.services.export import Custody
from csu_wall.services.export_desk import ExportDesk
from csu_wall.services.export_proof import verify_folder
from csu_wall.storage import extraction_repo as repo
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from tests.gui.conftest import french  # noqa: F401 - the fixture
from tests.recorders.vendor_http import VendorHttpServer
from tests.rtsp.fixture import RtspServer
from tests.rtsp.playback_env import CAMERA, SITE, TILE, Env, at, make_env
from tests.scenarios._playback_desk import (  # noqa: F401 - the fixtures
    OPERATOR,
    close_desk,
    open_desk,
    recent_recording,
    recorder_http,
    recorder_server,
)
from tests.services.export_env import ExportEnv, make_export_env

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(180)]

PDF_SCAN = b"%PDF-1.4\n% requisition\ntrailer << >>\n%%EOF\n"


@dataclass
class Desk:
    export: ExportEnv
    wall: Env
    window: MainWindow
    panel: BookmarkPanel
    bookmarks: BookmarkService
    features: ExportFeatures
    picked: dict[str, Path]


def _desk(qtbot: QtBot, tmp_path: Path, server: RtspServer,
          habilitations: list[Habilitation] | None = None) -> Iterator[Desk]:
    export = make_export_env(tmp_path, server, habilitations=habilitations)
    wall = make_env(tmp_path, server, open_tile=False)
    window = MainWindow(wall.wall, demo=False, bridge=StateBridge())
    qtbot.addWidget(window)
    bar = install_playback(window, wall.playback)
    bookmarks = BookmarkService(export.db, DbAuditLog(export.db), wall.gate,
                                workstation="poste-1")
    panel = BookmarkPanel(bookmarks, SITE, open_at=lambda _c, _t: None,
                          may_view=wall.gate.may_view, current_shift=lambda: None)
    window.add_side_panel("bookmarks", "Signets", panel)
    chief = Operator("agent1", "Agent Un", Role.SUPERVISOR)
    desk = ExportDesk(export.db, SITE, operator=lambda: chief,
                      service_for=lambda _op: export.service,
                      custody_for=lambda op: Custody(export.db, DbAuditLog(export.db),
                                                     actor=op.id, workstation="poste-1"),
                      hold=bookmarks.mark_judicial)
    features = install_export(window, desk, SITE, file_menu=window.file_menu, playback=bar,
                              bookmarks=panel)
    picked: dict[str, Path] = {}
    features.pick_path = lambda _parent, kind: picked.get(kind)
    features.pick_save = lambda _parent, kind: picked.get(kind)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield Desk(export, wall, window, panel, bookmarks, features, picked)
    finally:
        for dialog in features.dialogs:
            if isinstance(dialog, ExportDialog) and dialog.job is not None:
                dialog.job.cancel()
                dialog.job.join()
        window.close()
        wall.wall.shutdown()
        wall.db.close()
        export.db.close()


@pytest.fixture()
def desk(qtbot: QtBot, tmp_path: Path, playback_server: RtspServer,
         french: object) -> Iterator[Desk]:  # noqa: F811
    yield from _desk(qtbot, tmp_path, playback_server)


def _fill(dialog: ExportDialog, desk: Desk, dest: Path) -> None:
    dialog.procedure.setText("PV 2026/001234")
    dialog.opj_name.setText("Martin")
    dialog.opj_rank.setText("Lieutenant")
    dialog.opj_service.setText("Commissariat de Roncq")
    dialog.legal_basis.setCurrentIndex(1)
    dialog.note.setPlainText("Vol à l'arraché, parvis de la mairie")
    desk.picked["folder"] = dest
    dialog.findChild(QPushButton, "exportDestinationPick").click()


def _button(dialog: ExportDialog, name: str) -> QPushButton:
    button = dialog.findChild(QPushButton, name)
    assert button is not None, name
    return button


def test_export_from_a_bookmark_runs_to_the_end_and_the_register_lists_it(
        qtbot: QtBot, desk: Desk, tmp_path: Path, playback_server: RtspServer) -> None:
    mark = desk.bookmarks.create(CAMERA, at(20.5), category=desk.bookmarks.categories()[0],
                                 severity=Severity.HIGH, pre_seconds=1, post_seconds=1,
                                 shift_id=None, snapshot_png=None)
    desk.panel.refresh()
    qtbot.waitUntil(lambda: not desk.panel.loading, timeout=5_000)  # read off the GUI thread
    desk.panel.select(mark.id)
    # the bookmark list's context menu: « Extraction pour réquisition… »
    desk.panel.table.customContextMenuRequested.emit(QPoint(5, 5))
    menu = desk.features.bookmark_menu
    assert menu is not None
    [action] = menu.actions()
    assert action.text() == "Extraction pour réquisition…"
    action.trigger()
    menu.close()
    dialog = desk.features.dialogs[-1]
    assert isinstance(dialog, ExportDialog)
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Extraction pour réquisition"
    assert dialog.commune_box.currentText() == "Roncq" and dialog.cameras() == [CAMERA.id]
    start, end = dialog.period()
    assert abs(start - at(19.5)) < timedelta(seconds=1) and abs(end - at(21.5)) < timedelta(
        seconds=1)
    assert dialog.utc_label.text() == f"En UTC : du {utc_text(start)} au {utc_text(end)}"
    assert "00:59:" in dialog.utc_label.text()  # 02:59 in Paris (CEST) on 25 October
    assert dialog.refusal_label.isHidden()

    # nothing filled in: each missing field is named
    _button(dialog, "exportStartButton").click()
    errors = dialog.error_label.text().splitlines()
    assert "N° de procédure ou de PV : obligatoire." in errors
    assert "OPJ requérant (nom) : obligatoire." in errors
    assert "Dossier de destination : obligatoire." in errors
    assert dialog.job is None and playback_server.playback_requests() == []

    dest = tmp_path / "cle-usb"
    _fill(dialog, desk, dest)
    scan = tmp_path / "requisition.pdf"
    scan.write_bytes(PDF_SCAN)
    desk.picked["scan"] = scan
    _button(dialog, "exportScanPick").click()
    assert dialog.scan.text() == str(scan)
    seen: list[int] = []
    dialog.total_bar.valueChanged.connect(seen.append)
    assert not dialog.caption.isChecked()  # off unless asked
    dialog.caption.setChecked(True)
    _button(dialog, "exportStartButton").click()
    assert dialog.job is not None and dialog.error_label.isHidden()
    assert dialog.job.request.caption  # burned in if a camera needs re-encoding
    assert _button(dialog, "exportCancelButton").isEnabled()
    qtbot.waitUntil(lambda: _finished(dialog), timeout=90_000)
    assert dialog.total_bar.value() == 100 and seen[-1] == 100
    bar = dialog.findChild(type(dialog.total_bar), f"exportCameraBar-{CAMERA.id}")
    assert bar is not None and bar.value() == 100
    assert dialog.done_label.isVisible()
    assert "livrée dans" in dialog.done_label.text()
    status = dialog.job.status()
    assert status.result is not None
    ref = status.result.reference
    assert status.result.fingerprint in dialog.done_label.text()

    # what is in the destination
    folder = dest / f"extraction-{ref}"
    names = {p.name for p in folder.iterdir()}
    assert {"manifest.json", "SHA256SUMS", "manifest.json.sig", "proces-verbal.pdf",
            "requisition-scannee.pdf"} <= names
    assert sorted(p.name for p in dest.iterdir()) == [folder.name, folder.name + ".zip"]
    assert verify_folder(folder, status.result.fingerprint).ok
    manifest = json.loads((folder / "manifest.json").read_bytes())
    assert manifest["requisition"]["opj_name"] == "Martin"
    assert manifest["requisition"]["legal_basis"].startswith(
        "Code de procédure pénale, art. 77-1-1")
    with av.open(str(folder / manifest["cameras"][0]["file"])) as video:
        frames = sum(1 for _ in video.decode(video.streams.video[0]))
    assert frames >= 25  # two seconds of 25 images/s, from the keyframe before

    # the bookmark is now held under the procedure, and the panel shows its extraction
    assert desk.bookmarks.get(mark.id).judicial_ref == "PV 2026/001234"
    desk.panel.refresh()
    qtbot.waitUntil(lambda: not desk.panel.loading, timeout=5_000)  # read off the GUI thread
    row = [b.id for b in desk.panel.shown()].index(mark.id)
    assert desk.panel.table.item(row, 8).text() == f"PV 2026/001234 — extraction {ref}"

    # the register, for the supervisor
    assert desk.features.register_action is not None
    assert desk.features.register_action.text() == "&Registre des extractions…"
    desk.features.register_action.trigger()
    register = desk.features.dialogs[-1]
    assert isinstance(register, RegisterDialog)
    qtbot.waitExposed(register)
    qtbot.waitUntil(lambda: register.table.rowCount() == 1, timeout=5_000)
    cells = [register.table.item(0, c).text() for c in range(register.table.columnCount())]
    assert cells[0] == ref and cells[1] == "livrée" and cells[3] == "PV 2026/001234"
    assert cells[8] == status.result.manifest_sha256 and cells[10] == "non remise"
    assert cells[11] == f"n°{mark.id}"
    register.select(ref)
    form = register.hand_over()
    assert form is not None
    form.to_name.setText("Lt Martin")
    form.to_service.setText("Commissariat de Roncq")
    form.medium.setText("clé USB n° 12")
    form.accept()  # recorded off the GUI thread
    qtbot.waitUntil(lambda: not register.hand_over_call.busy, timeout=5_000)
    assert register.info.text() == f"Remise de l'extraction {ref} enregistrée."
    qtbot.waitUntil(lambda: not register.loading, timeout=5_000)
    assert register.table.item(0, 10).text().startswith(
        "Lt Martin (Commissariat de Roncq), clé USB n° 12, ")
    desk.picked["csv"] = tmp_path / "registre.csv"
    desk.picked["pdf"] = tmp_path / "registre.pdf"
    _button(register, "registerCsv").click()
    qtbot.waitUntil(lambda: register.info.text() == (
        f"Registre écrit dans {tmp_path / 'registre.csv'}."), timeout=10_000)
    text = (tmp_path / "registre.csv").read_text("utf-8-sig")
    assert ref in text and "Lt Martin" in text and status.result.manifest_sha256 in text
    _button(register, "registerPdf").click()
    qtbot.waitUntil(lambda: not register.loading, timeout=10_000)
    assert (tmp_path / "registre.pdf").read_bytes().startswith(b"%PDF")
    register.close()
    dialog.close()


def test_export_dialog_opens_from_the_playback_bar_and_the_file_menu(
        qtbot: QtBot, desk: Desk) -> None:
    assert desk.features.export_action is not None
    assert desk.features.export_action in desk.window.file_menu.actions()
    assert desk.features.export_action.text() == "E&xtraction pour réquisition…"
    desk.features.export_action.trigger()
    from_menu = desk.features.dialogs[-1]
    assert isinstance(from_menu, ExportDialog) and from_menu.cameras() == []
    from_menu.close()
    bar = desk.wall.playback
    assert desk.features.playback_button is not None
    assert desk.features.playback_button.text() == "Extraire pour réquisition…"
    playback_bar = desk.features.playback_button.parentWidget()
    playback_bar.set_tile(TILE, CAMERA)  # type: ignore[attr-defined]
    playback_bar.when.setDateTime(  # type: ignore[attr-defined]
        to_qt(at(30)))
    desk.features.playback_button.click()
    from_bar = desk.features.dialogs[-1]
    assert isinstance(from_bar, ExportDialog) and from_bar.cameras() == [CAMERA.id]
    assert from_bar.period() == (at(30) - timedelta(minutes=2), at(30) + timedelta(minutes=3))
    assert bar.state(TILE) is None  # opening the dialog asked nothing of the recorder
    from_bar.close()


@pytest.fixture()
def unhabilitated(qtbot: QtBot, tmp_path: Path, playback_server: RtspServer,
                  french: object) -> Iterator[Desk]:  # noqa: F811
    yield from _desk(qtbot, tmp_path, playback_server, habilitations=[])


def _finished(dialog: ExportDialog) -> bool:
    return dialog.job is not None and dialog.job.done and not dialog.timer.isActive()


def test_operator_without_extraction_habilitation_reads_the_refusal_and_nothing_is_asked(
        qtbot: QtBot, unhabilitated: Desk, tmp_path: Path,
        playback_server: RtspServer) -> None:
    desk = unhabilitated
    desk.features.export_action.trigger()  # type: ignore[union-attr]
    dialog = desk.features.dialogs[-1]
    assert isinstance(dialog, ExportDialog)
    refusal = ("Extraction refusée : vous n'avez pas d'habilitation d'extraction en cours "
               "de validité pour la commune « Roncq ».")
    assert dialog.refusal_label.isVisible() and dialog.refusal_label.text() == refusal
    dialog.camera_list.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.start_edit.setDateTime(to_qt(at(10)))
    dialog.end_edit.setDateTime(to_qt(at(12)))
    dest = tmp_path / "out"
    _fill(dialog, desk, dest)
    _button(dialog, "exportStartButton").click()
    qtbot.waitUntil(lambda: _finished(dialog), timeout=30_000)
    assert dialog.refusal_label.text() == refusal and dialog.done_label.isHidden()
    assert desk.export.driver_calls == [] and playback_server.playback_requests() == []
    assert ("denied", "export") in desk.export.actions()
    assert not dest.exists() or list(dest.iterdir()) == []
    assert repo.list_extractions(desk.export.db) == []
    dialog.close()


def test_cancel_in_the_dialog_leaves_no_complete_looking_folder(
        qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    desk.features.export_action.trigger()  # type: ignore[union-attr]
    dialog = desk.features.dialogs[-1]
    assert isinstance(dialog, ExportDialog)
    dialog.camera_list.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.start_edit.setDateTime(to_qt(at(5)))
    dialog.end_edit.setDateTime(to_qt(at(15)))
    dest = tmp_path / "annule"
    _fill(dialog, desk, dest)
    _button(dialog, "exportStartButton").click()
    qtbot.waitUntil(lambda: dialog.total_bar.value() >= 10, timeout=30_000)
    assert "temps réel" in dialog.speed_label.text()
    _button(dialog, "exportCancelButton").click()
    qtbot.waitUntil(lambda: _finished(dialog), timeout=30_000)
    assert dialog.speed_label.text() == (
        "Extraction annulée : aucun dossier n'a été laissé dans la destination.")
    assert list(dest.iterdir()) == []
    [rec] = repo.list_extractions(desk.export.db)
    assert rec.state == repo.CANCELLED
    dialog.close()


def test_the_application_wires_the_export_into_the_signed_in_window(
        qtbot: QtBot, tmp_path: Path, recorder_server: RtspServer,  # noqa: F811
        recorder_http: VendorHttpServer, french: object) -> None:  # noqa: F811
    """As the application composes it (AppLauncher.decorate_window): the operator's File
    menu, playback bar and bookmark panel open the dialog; no register for an operator. This
    workstation was never enrolled (no site key, so nothing could be signed): the dialog says
    so at once, and « Extraire » asks nothing of the recorder. (Enrolment needs the desktop
    keyring; the export itself runs to the end in the tests above.)"""
    desk = open_desk(qtbot, tmp_path, recorder_server, recorder_http)
    try:
        export = desk.installed.export
        assert export is not None and export.register_action is None  # an operator
        assert export.export_action in desk.window.file_menu.actions()
        assert export.playback_button is not None and export.bookmark_button is not None
        with Database.open(tmp_path / "data" / "csu-wall.sqlite3") as db:
            repo.grant_extraction(db, Habilitation(
                OPERATOR, "roncq", "arrêté préfectoral", "maire",
                datetime(2020, 1, 1, tzinfo=UTC)))
        picked = {"folder": tmp_path / "out"}
        export.pick_path = lambda _parent, kind: picked.get(kind)
        assert export.export_action is not None
        export.export_action.trigger()
        dialog = export.dialogs[-1]
        assert isinstance(dialog, ExportDialog)
        no_key = ("Ce site n'a pas de clé : les exports ne peuvent pas être signés. Enrôlez le "
                  "poste (`csu-wall workstation enroll --new-site`).")
        assert dialog.refusal_label.isVisible() and dialog.refusal_label.text() == no_key
        dialog.camera_list.item(0).setCheckState(Qt.CheckState.Checked)
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=90)
        dialog.start_edit.setDateTime(to_qt(start))
        dialog.end_edit.setDateTime(to_qt(start + timedelta(seconds=2)))
        dialog.procedure.setText("PV 2026/7")
        dialog.opj_name.setText("Durand")
        dialog.opj_rank.setText("Brigadier")
        dialog.opj_service.setText("Police municipale")
        _button(dialog, "exportDestinationPick").click()
        _button(dialog, "exportStartButton").click()
        assert dialog.job is None and dialog.error_label.text() == no_key
        assert recorder_server.playback_requests() == []
        assert not (tmp_path / "out").exists()
        dialog.close()
    finally:
        close_desk(desk)
