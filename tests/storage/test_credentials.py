"""Recorder credentials under the site key, with a real OS keyring (issue "security", 4)."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from csu_wall.storage import credentials as creds
from csu_wall.storage import keystore, site_key
from csu_wall.storage.db import Database
from csu_wall.storage.keystore import SecretStoreError
from csu_wall.storage.schema import recorder_credentials
from csu_wall.storage.site_repo import apply_site
from tests.keyring_env import needs_secret_service
from tests.storage.sites import make_site

PASSWORD = "Canari#42:@/x"


@pytest.fixture
def site_db(db: Database) -> Database:
    apply_site(db, make_site(), file_name="site.toml", sha256="0" * 64, applied_by="test")
    return db


@pytest.fixture
def fail_keyring() -> object:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def test_fail_backend_is_refused(site_db: Database, fail_keyring: object) -> None:
    with pytest.raises(SecretStoreError, match="Aucun trousseau sécurisé") as exc:
        site_key.create_site_key(site_db, created_by="it")
    assert "keyring.backends.fail" in str(exc.value)
    assert site_key.site_id_of(site_db) is None  # nothing written


def test_plaintext_backends_are_not_secure() -> None:
    class PlaintextKeyring:  # stands for keyrings.alt.file.PlaintextKeyring (not installed)
        priority = 0.5

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    assert not keystore.is_secure(PlaintextKeyring())
    assert not keystore.is_secure(fail.Keyring())


@needs_secret_service
def test_encrypt_store_decrypt_under_the_enrolled_key(site_db: Database, db_path: Path) -> None:
    key, code = site_key.create_site_key(site_db, created_by="it")
    assert len(code.replace("-", "")) == 25
    assert site_key.load_site_key(site_db) == key  # read back from the OS keyring
    creds.set_credential(site_db, key, "tcg-nvr1", creds.RecorderCredential("viewer", PASSWORD))
    got = creds.get_credential(site_db, key, "tcg-nvr1")
    assert got == creds.RecorderCredential("viewer", PASSWORD)
    assert PASSWORD not in repr(got)
    site_db.close()
    assert PASSWORD.encode() not in db_path.read_bytes()
    # The row holds only a nonce, a ciphertext and the key's public id.
    with site_db.read() as conn:
        row = conn.execute(recorder_credentials.select()).mappings().one()
    assert len(row["nonce"]) == 12 and row["key_id"] == key.key_id


@needs_secret_service
def test_row_moved_to_another_recorder_does_not_decrypt(site_db: Database) -> None:
    key, _ = site_key.create_site_key(site_db, created_by="it")
    creds.set_credential(site_db, key, "tcg-nvr1", creds.RecorderCredential("u", PASSWORD))
    with site_db.write() as conn:
        row = dict(conn.execute(recorder_credentials.select()).mappings().one())
        row["recorder_id"] = "rcq-nvr1"
        conn.execute(recorder_credentials.insert().values(**row))
    with pytest.raises(SecretStoreError, match="ne peut pas être déchiffré") as exc:
        creds.get_credential(site_db, key, "rcq-nvr1")
    assert PASSWORD not in str(exc.value)


@needs_secret_service
def test_second_enrolment_with_the_code(site_db: Database) -> None:
    key, code = site_key.create_site_key(site_db, created_by="it")
    keystore.delete_site_key(key.site_id)  # as if this were another workstation
    with pytest.raises(SecretStoreError, match="pas enrôlé"):
        site_key.load_site_key(site_db)
    with pytest.raises(SecretStoreError, match="Code d'enrôlement incorrect"):
        site_key.enrol(site_db, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")
    assert site_key.enrol(site_db, code.lower().replace("-", " ")) == key
    assert site_key.load_site_key(site_db) == key
    with pytest.raises(SecretStoreError, match="déjà une clé de site"):
        site_key.create_site_key(site_db, created_by="it")


def test_unknown_recorder_refused(site_db: Database) -> None:
    key = site_key.SiteKey("s", "k", bytes(32))
    with pytest.raises(SecretStoreError, match="Enregistreur inconnu"):
        creds.set_credential(site_db, key, "nope", creds.RecorderCredential("u", "p"))
