"""The register of extractions as supervisors read it (CSV, PDF), the scanned requisition
attached and hashed, a bookmark under judicial hold linked to its extraction, and the desk the
wall's dialog drives (an export in its own thread: delivered, cancelled, refused). Real
loopback recorder (tests/rtsp), real SQLite."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csu_wall.core.security import Role
from csu_wall.core.shifts import Severity
from csu_wall.services import export_register as register
from csu_wall.services.access import AccessGate
from csu_wall.services.audit_export import ACCESS, ADMIN, CommuneRef, statement
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.services.export import Custody, ExportError
from csu_wall.services.export_desk import CANCELLED, DELIVERED, REFUSED, ExportDesk, ExportJob
from csu_wall.services.export_proof import verify_folder
from csu_wall.storage import extraction_repo as repo
from csu_wall.storage.audit import DbAuditLog
from tests.rtsp.fixture import RtspServer
from tests.rtsp.playback_env import CAMERA, HABILITATION, SITE, at
from tests.services.export_env import OPERATOR, ExportEnv, make_export_env

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(120)]

PDF_SCAN = b"%PDF-1.4\n% requisition scannee\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture()
def env(tmp_path: Path, playback_server: RtspServer) -> Iterator[ExportEnv]:
    e = make_export_env(tmp_path, playback_server)
    yield e
    e.db.close()


def _desk(env: ExportEnv, role: Role = Role.SUPERVISOR) -> ExportDesk:
    op = OPERATOR.__class__(OPERATOR.id, OPERATOR.display_name, role)
    return ExportDesk(env.db, SITE, operator=lambda: op, service_for=lambda _op: env.service,
                      custody_for=lambda o: Custody(env.db, DbAuditLog(env.db), actor=o.id,
                                                    workstation="poste-1"))


def test_scanned_requisition_is_attached_hashed_signed_and_named_in_the_pv(
        env: ExportEnv, tmp_path: Path) -> None:
    scan = tmp_path / "Réquisition 2026-001234.pdf"
    scan.write_bytes(PDF_SCAN)
    request = env.request(at(20), at(21), tmp_path / "out")
    result = env.service.run(request.__class__(**{**request.__dict__,
                                                  "requisition_file": scan}))
    manifest = json.loads((result.folder / "manifest.json").read_bytes())
    attached = manifest["requisition_scan"]
    assert attached["file"] == "requisition-scannee.pdf"
    assert attached["original_name"] == scan.name
    assert (result.folder / attached["file"]).read_bytes() == PDF_SCAN
    assert manifest["files"][attached["file"]] == attached["sha256"]
    assert attached["file"] in (result.folder / "SHA256SUMS").read_text("utf-8")
    assert attached["sha256"] in (result.folder / "proces-verbal.html").read_text("utf-8")
    assert verify_folder(result.folder, result.fingerprint).ok
    (result.folder / attached["file"]).write_bytes(PDF_SCAN + b" ")
    assert not verify_folder(result.folder).ok  # the scan is covered like the videos


def test_a_scan_that_is_not_a_pdf_or_an_image_is_refused_before_any_connection(
        env: ExportEnv, tmp_path: Path, playback_server: RtspServer) -> None:
    scan = tmp_path / "requisition.docx"
    scan.write_bytes(b"PK\x03\x04")
    request = env.request(at(20), at(21), tmp_path / "out")
    with pytest.raises(ExportError, match="Réquisition scannée"):
        env.service.run(request.__class__(**{**request.__dict__, "requisition_file": scan}))
    assert env.driver_calls == [] and playback_server.playback_requests() == []
    assert repo.list_extractions(env.db) == []


def test_register_csv_and_pdf_list_the_export_its_hashes_hand_over_and_bookmark(
        env: ExportEnv, tmp_path: Path) -> None:
    gate = AccessGate(SITE, OPERATOR, [HABILITATION], DbAuditLog(env.db), workstation="poste-1")
    bookmarks = BookmarkService(env.db, DbAuditLog(env.db), gate, workstation="poste-1")
    mark = bookmarks.create(CAMERA, at(20.5), category=bookmarks.categories()[0],
                            severity=Severity.HIGH, shift_id=None, snapshot_png=None)
    other = bookmarks.create(CAMERA, at(20.5), category=bookmarks.categories()[0],
                             severity=Severity.LOW, shift_id=None, snapshot_png=None)
    bookmarks.mark_judicial(other.id, "PV 2025/999")  # another procedure: not linked
    result = env.service.run(env.request(at(20), at(21), tmp_path / "out"))
    desk = _desk(env)
    desk.hold_bookmark(mark, "unused")  # no hold callback here: nothing happens
    bookmarks.mark_judicial(mark.id, " pv 2026/001234 ")  # the procedure, typed differently
    desk.hand_over(result.reference, to_name="Lt Martin", to_service="Commissariat de Roncq",
                   medium="clé USB n° 12")
    records = desk.register()
    assert [r.reference for r in records] == [result.reference]
    assert [b.id for b in desk.bookmarks_of(records[0])] == [mark.id]
    held = [bookmarks.get(mark.id), bookmarks.get(other.id)]
    assert desk.links_of_bookmarks(held) == {mark.id: [result.reference]}

    # the mayor's statement lists the commune's extraction, and its hand-over
    st = statement(env.db, CommuneRef("roncq", "Roncq", "rattachée"),
                   at(0) - timedelta(days=400), datetime.now(UTC) + timedelta(days=1))
    assert [(ln.action, ln.camera) for ln in st.of(ACCESS)] == [("Extraction", "cam-001")]
    assert any(ln.detail.startswith(f"extraction {result.reference} remise à Lt Martin")
               for ln in st.of(ADMIN))

    text = desk.register_csv(records)
    assert text.startswith("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["référence"] == result.reference and row["état"] == "livrée"
    assert row["commune"] == "Roncq" and row["procédure"] == "PV 2026/001234"
    assert row["SHA-256 du manifeste"] == result.manifest_sha256
    assert row["SHA-256 du ZIP"] and row["clé de signature"] == result.fingerprint
    assert (row["remise à"], row["support"]) == ("Lt Martin", "clé USB n° 12")
    assert row["début demandé (Paris)"].endswith("CEST")
    assert row["signets liés"] == f"n°{mark.id}"

    pdf = desk.register_pdf(records)
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    words = pdf_text(pdf)
    for needle in (result.reference, result.manifest_sha256, result.fingerprint, "Lt Martin",
                   f"signets n°{mark.id}", "Registre des extractions", "PV 2026/001234"):
        assert needle.replace(" ", "") in words, needle


def pdf_text(pdf: bytes) -> str:
    """The text the pages draw, joined without spaces (table cells wrap long words)."""
    drawn = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf)
    return "".join(d.replace(b"\\(", b"(").replace(b"\\)", b")").decode("cp1252")
                   for d in drawn).replace(" ", "")


def _wait(job: ExportJob, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not job.done and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.join(10)


def test_desk_runs_an_export_in_its_own_thread_and_cancels_it_without_leaving_a_folder(
        env: ExportEnv, tmp_path: Path) -> None:
    desk = _desk(env, Role.OPERATOR)
    assert not desk.may_read_register and desk.refusal("roncq") is None
    job = desk.start(env.request(at(20), at(21), tmp_path / "out"))
    _wait(job)
    status = job.status()
    assert status.state == DELIVERED, status.message
    assert status.progress is not None and status.progress.total_fraction == 1.0
    assert status.result is not None and status.result.folder.is_dir()

    job = desk.start(env.request(at(5), at(15), tmp_path / "annule"))
    deadline = time.monotonic() + 30
    while (p := job.status().progress) is None or p.camera_fraction < 0.1:
        assert time.monotonic() < deadline and not job.done, job.status()
        time.sleep(0.02)
    job.cancel()
    _wait(job)
    assert job.status().state == CANCELLED
    assert list((tmp_path / "annule").iterdir()) == []


def test_desk_says_the_refusal_and_the_export_is_refused_before_any_connection(
        tmp_path: Path, playback_server: RtspServer) -> None:
    e = make_export_env(tmp_path, playback_server, habilitations=[])
    try:
        desk = _desk(e, Role.OPERATOR)
        assert "habilitation d'extraction" in (desk.refusal("roncq") or "")
        job = desk.start(e.request(at(10), at(12), tmp_path / "out"))
        _wait(job)
        assert job.status().state == REFUSED
        assert "Roncq" in job.status().message
        assert e.driver_calls == [] and playback_server.playback_requests() == []
        assert ("denied", "export") in e.actions()
    finally:
        e.db.close()


def test_register_csv_of_no_extraction_has_its_header_only() -> None:
    text = register.register_csv([], SITE)
    assert text.lstrip("\ufeff").splitlines() == [",".join(register.CSV_COLUMNS)]


def test_closing_the_wall_cancels_an_export_under_way_before_the_database_closes(
        env: ExportEnv, tmp_path: Path) -> None:
    desk = _desk(env, Role.OPERATOR)
    job = desk.start(env.request(at(5), at(15), tmp_path / "ferme"))
    deadline = time.monotonic() + 30
    while job.status().progress is None:
        assert time.monotonic() < deadline and not job.done, job.status()
        time.sleep(0.02)
    started = time.monotonic()
    desk.stop()
    assert job.done and job.status().state == CANCELLED
    assert time.monotonic() - started < 5.0  # the RTSP client checks the cancel every 50 ms
    assert list((tmp_path / "ferme").iterdir()) == []
    [rec] = repo.list_extractions(env.db)
    assert rec.state == repo.CANCELLED
