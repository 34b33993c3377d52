"""The mayor's statement tells everything about the commune: on-screen views with durations
(an unfinished one said so), access records, denied attempts, bookmarks and their judicial
holds, administrative actions (grants, revocations, credential changes, detach and attach,
site applications), as CSV and PDF, for a commune attached, detached or removed from the site.

Real SQLite, the real services writing the records; the PDF is read back with pdftotext.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.errors import AccessDenied
from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.core.shifts import Severity
from csu_wall.services import audit_export as ex
from csu_wall.services.access import AccessGate
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.services.credentials_admin import CredentialAdmin
from csu_wall.services.habilitations import HabilitationService
from csu_wall.storage import accounts
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.audit_anchor import parse_anchors
from csu_wall.storage.db import Database
from csu_wall.storage.site_key import SiteKey
from csu_wall.storage.site_repo import apply_site
from tests.storage.sites import make_site

HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
KEY = SiteKey("a1b2c3d4e5f60718", "0011223344556677", bytes(range(32)))
ADMIN = Operator("cli:it", "IT", Role.ADMINISTRATOR)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "csu-wall.sqlite3"


@pytest.fixture
def filled(db_path: Path):  # type: ignore[no-untyped-def]
    """Two hours of a real day on Tourcoing (and a denied look at Roncq), then Roncq removed
    from the site file."""
    db = Database.open(db_path, create=True)
    site = make_site()
    log = DbAuditLog(db)
    apply_site(db, site, file_name="site.toml", sha256="0" * 64, applied_by="it", audit=log,
               workstation="poste-it")
    for login in ("alice", "bob"):
        accounts.create_account(db, login, login.title(), Role.OPERATOR, "x" * 12,
                                hasher=HASHER)
    habs = HabilitationService(db, log, actor="cli:it", workstation="poste-it")
    habs.grant("bob", "tourcoing", legal_basis="arrêté 2026-01", granted_by="Maire")
    habs.revoke("bob", "tourcoing")
    CredentialAdmin(db, log, site, operator=ADMIN, workstation="poste-it",
                    site_key=lambda: KEY).set("tcg-nvr1", "viewer", "secret-42")
    since = datetime.now(UTC) - timedelta(days=2)
    alice = AccessGate(site, Operator("alice", "Alice"),
                       [Habilitation("alice", "tourcoing", "arrêté", "Maire", since)], log,
                       workstation="poste-1")
    cam = site.camera("tcg-nvr1-001")
    alice.authorise_live(cam)
    alice.record_on_screen(cam, AuditAction.ON_SCREEN_START, "iv-1")
    alice.record_on_screen(cam, AuditAction.ON_SCREEN_END, "iv-1")
    alice.record_end(cam)
    alice.record_on_screen(site.camera("tcg-nvr1-002"), AuditAction.ON_SCREEN_START, "iv-2")
    with pytest.raises(AccessDenied):
        alice.authorise_live(site.camera("rcq-nvr1-001"))
    bob = AccessGate(site, Operator("bob", "Bob"), [], log, workstation="poste-2")
    with pytest.raises(AccessDenied):
        bob.authorise(cam, AuditAction.PLAYBACK)
    marks = BookmarkService(db, log, alice, workstation="poste-1")
    held = marks.create(cam, datetime.now(UTC), category="rixe", severity=Severity.HIGH,
                        note="bagarre", shift_id=None, snapshot_png=None)
    marks.mark_judicial(held.id, "PV 2026/123")
    for action in (AuditAction.COMMUNE_DETACH, AuditAction.COMMUNE_ATTACH):
        log.append(AuditEntry(datetime.now(UTC), "poste-it", "cli:it", action, "tourcoing",
                              detail=action.value))
    smaller = type(site)(site.name, tuple(c for c in site.communes if c.id != "roncq"),
                         tuple(r for r in site.recorders if r.commune_id != "roncq"),
                         tuple(c for c in site.cameras if c.commune_id != "roncq"))
    apply_site(db, smaller, file_name="site.toml", sha256="1" * 64, applied_by="it",
               audit=log, workstation="poste-it")
    yield db
    db.close()


def _today() -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    return now - timedelta(days=1), now + timedelta(days=1)


def test_statement_lists_views_accesses_denials_bookmarks_and_administration(filled) -> None:  # type: ignore[no-untyped-def]
    st = ex.statement(filled, "Tourcoing", *_today())
    assert st.commune.status == "rattachée"
    views = st.of(ex.VIEW)
    assert len(views) == 2
    assert views[0].duration is not None and views[0].camera == "Caméra 1 tourcoing"
    assert views[1].end is None  # still on screen: shown as not finished
    [access] = st.of(ex.ACCESS)
    assert access.action == "Visionnage en direct" and access.end is not None
    [denied] = st.of(ex.DENIED)  # Bob's playback; Alice's look at Roncq is Roncq's
    assert denied.operator_id == "bob" and "Relecture" in denied.detail
    bookmark_lines = st.of(ex.BOOKMARK)
    assert any("conservation judiciaire : PV 2026/123" in ln.detail for ln in bookmark_lines)
    assert {ln.action for ln in bookmark_lines} >= {"Signet créé", "Signet modifié"}
    admin = {ln.action for ln in st.of(ex.ADMIN)}
    assert admin == {"Habilitation accordée", "Habilitation retirée",
                     "Identifiant d'enregistreur modifié", "Commune détachée",
                     "Commune rattachée", "Fichier de site appliqué"}
    applications = [ln for ln in st.of(ex.ADMIN) if ln.action == "Fichier de site appliqué"]
    assert len(applications) == 2

    text = ex.to_csv(st)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == list(ex.COLUMNS)
    assert [r[0] for r in rows[1:3]] == [ex.VIEW, ex.VIEW]
    assert rows[2][3] == "non terminée"
    assert "secret-42" not in text


def test_statement_of_a_removed_commune(filled) -> None:  # type: ignore[no-untyped-def]
    st = ex.statement(filled, "Roncq", *_today())
    assert (st.commune.id, st.commune.status) == ("roncq", "retirée du fichier de site")
    [denied] = st.of(ex.DENIED)
    assert denied.operator_id == "alice"
    # Both applications listed it (the second one removed it).
    assert len([ln for ln in st.of(ex.ADMIN) if ln.action == "Fichier de site appliqué"]) == 2
    with pytest.raises(ex.StatementError, match="Commune inconnue"):
        ex.resolve_commune(filled, "Lille")


def test_view_begun_before_the_period_is_counted(db_path: Path) -> None:
    db = Database.open(db_path, create=True)
    try:
        log = DbAuditLog(db)
        t = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # 23:30 in Paris, the day before
        for action, at in ((AuditAction.ON_SCREEN_START, t),
                           (AuditAction.ON_SCREEN_END, t + timedelta(hours=1))):
            log.append(AuditEntry(at, "poste-1", "alice", action, "tourcoing", "cam-1",
                                  extra={ex.INTERVAL_KEY: "iv-9"}))
        start = datetime(2026, 3, 2, tzinfo=ex.PARIS)
        st = ex.statement(db, ex.CommuneRef("tourcoing", "Tourcoing", "rattachée"), start,
                          start + timedelta(days=1))
        [view] = st.of(ex.VIEW)
        assert view.duration == timedelta(hours=1)
    finally:
        db.close()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils)")
def test_pdf_statement_of_a_removed_commune_from_the_command_line(filled, db_path: Path,
                                                                  tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "releve-roncq.pdf"
    env = dict(os.environ, PYTHONPATH=str(Path.cwd()))
    today = datetime.now(ex.PARIS).date().isoformat()
    done = subprocess.run(
        ["timeout", "60", sys.executable, "-m", "csu_wall.app", "--data-dir",
         str(db_path.parent), "audit", "export", "--commune", "roncq", "--from", today,
         "--to", today, "--format", "pdf", "--output", str(out)],
        capture_output=True, text=True, env=env, timeout=70, check=False)
    assert done.returncode == 0, done.stderr
    assert "retirée du fichier de site" in done.stdout
    data = out.read_bytes()
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "commune de Roncq (retirée du fichier de site)" in text
    assert "Accès refusé" in text and "Fichier de site appliqué" in text
    [anchor] = parse_anchors(data.decode("latin-1"))
    assert anchor.seq > 0
    # The anchor printed is one ``audit verify --anchor`` accepts.
    check = subprocess.run(
        ["timeout", "60", sys.executable, "-m", "csu_wall.app", "--data-dir",
         str(db_path.parent), "audit", "verify", "--anchor", str(out)],
        capture_output=True, text=True, env=env, timeout=70, check=False)
    assert check.returncode == 0, check.stderr


def test_pdf_writer_pages_and_french_text(tmp_path: Path) -> None:
    from csu_wall.services._pdf import PdfDocument

    doc = PdfDocument("Relevé — essai")
    doc.heading("Relevé « complet » : œuvre, été, 12 €")
    doc.table(("Colonne", "Texte long"), (1, 4),
              [[str(i), "mot " * 60] for i in range(80)])  # several pages
    path = tmp_path / "essai.pdf"
    path.write_bytes(doc.to_bytes())
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils)")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Relevé « complet » : œuvre, été, 12 €" in text
    assert "page 1 / " in text and text.count("Texte long") > 1  # header repeated
