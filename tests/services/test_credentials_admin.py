"""Recorder credentials entered by an administrator (issue "security", point 4): audited as
CREDENTIAL_CHANGE without the password, refused to anyone else, encrypted under the site key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from csu_wall.core.audit import AuditAction
from csu_wall.core.errors import AccessDenied, CsuWallError
from csu_wall.core.security import Operator, Role
from csu_wall.services.credentials_admin import CredentialAdmin
from csu_wall.storage import credentials as creds
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.site_key import SiteKey
from tests.services._security_site import store_site

KEY = SiteKey(site_id="s", key_id="k", key=os.urandom(32))
CANARY = "Canari#42:@/x"


def _admin(db: Database, role: Role = Role.ADMINISTRATOR) -> CredentialAdmin:
    site = store_site(db, 8554)
    return CredentialAdmin(db, DbAuditLog(db), site, operator=Operator("chef", "Chef", role),
                           workstation="poste-1", site_key=lambda: KEY)


def test_set_is_audited_without_the_password_and_encrypted(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "db.sqlite3", create=True)
    admin = _admin(db)
    admin.set("roncq-nvr", "viewer", CANARY)
    got = creds.get_credential(db, KEY, "roncq-nvr")
    assert got is not None and (got.user, got.password) == ("viewer", CANARY)
    rec = [r.entry for r in entries(db, limit=None)][-1]
    assert rec.action is AuditAction.CREDENTIAL_CHANGE and rec.commune_id == "roncq"
    assert rec.operator_id == "chef" and "viewer" in rec.detail and CANARY not in rec.detail
    assert [r.has_credential for r in admin.recorders()] == [False, True]  # halluin, roncq
    assert CANARY.encode() not in (tmp_path / "db.sqlite3").read_bytes()
    assert admin.delete("roncq-nvr") is True
    assert creds.get_credential(db, KEY, "roncq-nvr") is None
    assert [r.entry.action for r in entries(db, limit=None)][-2:] == [
        AuditAction.CREDENTIAL_CHANGE, AuditAction.CREDENTIAL_CHANGE]
    db.close()


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR])
def test_only_an_administrator_may_enter_credentials(tmp_path: Path, role: Role) -> None:
    db = Database.open(tmp_path / "db.sqlite3", create=True)
    admin = _admin(db, role)
    with pytest.raises(AccessDenied, match="administrateur"):
        admin.set("roncq-nvr", "viewer", CANARY)
    assert creds.get_credential(db, KEY, "roncq-nvr") is None
    db.close()


def test_bad_input_is_refused_with_a_french_message(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "db.sqlite3", create=True)
    admin = _admin(db)
    with pytest.raises(CsuWallError, match="inconnu"):
        admin.set("nope", "viewer", CANARY)
    with pytest.raises(CsuWallError, match="nom d'utilisateur"):
        admin.set("roncq-nvr", " ", CANARY)
    with pytest.raises(CsuWallError, match="mot de passe"):
        admin.set("roncq-nvr", "viewer", "")
    assert not [r for r in entries(db, limit=None)
                if r.entry.action is AuditAction.CREDENTIAL_CHANGE]
    db.close()
