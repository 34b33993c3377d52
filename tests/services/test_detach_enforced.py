"""Detach means detached, whichever of its two sources says so (the administrator's
``commune detach``, or ``attached = false`` in the site file): a habilitation grant, recorder
credentials, a layout or a tile tour naming the commune is refused with a French message that
says how to attach it again; operators no longer see it in the camera tree; its history stays
for the administrator. Real SQLite database, the real services and the CLI entry point."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from csu_wall import app
from csu_wall.core.layout import Grid, Layout, Tour, TourKind
from csu_wall.core.security import Operator, Role
from csu_wall.services.communes import CommuneDetached, CommuneService
from csu_wall.services.credentials_admin import CredentialAdmin
from csu_wall.services.habilitations import HabilitationError, HabilitationService
from csu_wall.services.layouts import LayoutService
from csu_wall.services.tours import TourService
from csu_wall.storage import accounts, detach_repo
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.site_key import SiteKey
from csu_wall.storage.site_repo import apply_site, load_site
from tests.services._security_site import make_site, store_site

KEY = SiteKey("site", "kid", os.urandom(32))
ADMIN = Operator("chef", "Chef", Role.ADMINISTRATOR)
ATTACH_HINT = "csu-wall commune attach halluin"


@pytest.fixture()
def db(tmp_path: Path) -> Database:
    database = Database.open(tmp_path / "csu.sqlite3", create=True)
    store_site(database, 8554)
    accounts.create_account(database, "agent1", "Agent 1", Role.OPERATOR,
                            "Une-Phrase-De-Passe-Longue-2026", hasher=accounts.make_hasher())
    yield database
    database.close()


def _detach_by_admin(db: Database, tmp_path: Path) -> None:
    CommuneService(db, DbAuditLog(db), actor="cli:it", workstation="poste-it",
                   cache_dir=tmp_path / "cache").detach("Halluin")


def _detach_by_site_file(db: Database) -> None:
    site = make_site(8554)
    communes = tuple(replace(c, attached=c.id != "halluin") for c in site.communes)
    apply_site(db, replace(site, communes=communes), file_name="t2.toml", sha256="1" * 64,
               applied_by="t")


@pytest.mark.parametrize("how", ["administrator", "site file"])
def test_every_service_refuses_a_detached_commune(db: Database, tmp_path: Path,
                                                  how: str) -> None:
    log = DbAuditLog(db)
    habs = HabilitationService(db, log, actor="cli:it", workstation="poste-it")
    site = load_site(db)
    assert site is not None
    creds = CredentialAdmin(db, log, site, operator=ADMIN, workstation="poste-it",
                            site_key=lambda: KEY)
    layouts = LayoutService(db, log, operator=ADMIN, workstation="poste-it")
    tours = TourService(db, log, operator=ADMIN, workstation="poste-it")
    grid = Grid.preset("2x2")

    # attached: everything works (so the refusals below are the detach's doing)
    habs.grant("agent1", "halluin", legal_basis="arrêté", granted_by="maire")
    creds.set("halluin-nvr", "viewer", "secret-1")
    layouts.save(Layout("Halluin", grid, ("halluin-001", None, None, None)))
    tours.save(Tour("Ronde", TourKind.TILE, ("roncq-001", "halluin-001")))

    _detach_by_admin(db, tmp_path) if how == "administrator" else _detach_by_site_file(db)
    assert detach_repo.is_attached(db, "halluin") is False
    assert detach_repo.is_attached(db, "roncq") is True

    with pytest.raises(HabilitationError) as grant:
        habs.grant("agent1", "halluin", legal_basis="arrêté", granted_by="maire")
    assert "est détachée" in str(grant.value) and ATTACH_HINT in str(grant.value)
    with pytest.raises(CommuneDetached) as cred:
        creds.set("halluin-nvr", "viewer", "secret-2")
    assert "aucun identifiant" in str(cred.value) and ATTACH_HINT in str(cred.value)
    with pytest.raises(CommuneDetached) as lay:
        layouts.save(Layout("Nouvelle", grid, (None, "halluin-001", None, None)))
    assert "la disposition « Nouvelle »" in str(lay.value) and "halluin-001" in str(lay.value)
    with pytest.raises(CommuneDetached) as tour:
        tours.save(Tour("Ronde 2", TourKind.TILE, ("halluin-001",)))
    assert "la ronde « Ronde 2 »" in str(tour.value)

    # the other commune is untouched
    habs.grant("agent1", "roncq", legal_basis="arrêté", granted_by="maire")
    creds.set("roncq-nvr", "viewer", "secret-3")
    layouts.save(Layout("Roncq", grid, ("roncq-001", None, None, None)))

    # its history stays: the audit records of the commune are still there
    assert any(r.entry.commune_id == "halluin" for r in entries(db, limit=None))


def test_cli_grant_and_credentials_on_a_detached_commune(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands as commune IT staff type them: both refused in one line, exit 1."""
    data = tmp_path / "data"
    site = tmp_path / "site.toml"
    site.write_text(
        '[site]\nname = "CSU"\n[[commune]]\nid = "halluin"\nname = "Halluin"\n'
        'insee = "59279"\n[[recorder]]\nid = "hal-nvr"\ncommune = "halluin"\n'
        'driver = "rtsp"\nhost = "10.0.0.1"\n[[camera]]\nid = "hal-1"\nname = "Mairie"\n'
        'commune = "halluin"\nrecorder = "hal-nvr"\n', encoding="utf-8")

    def cli(*argv: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = app.main(["--data-dir", str(data), *argv])
        out, err = capsys.readouterr()
        return code, out + err

    assert cli("site", "apply", str(site))[0] == 0
    assert cli("user", "add", "agent", "--name", "A. Gent",
               stdin="Une-Phrase-De-Passe-Longue-2026\n")[0] == 0
    assert cli("commune", "detach", "Halluin")[0] == 0
    code, text = cli("habilitation", "grant", "agent", "halluin", "--basis", "arrêté",
                     "--by", "préfet")
    assert code == 1 and "est détachée" in text and ATTACH_HINT in text
    code, text = cli("credentials", "set", "hal-nvr", stdin="secret\n")
    assert code == 1 and "est détachée" in text and "Traceback" not in text
