"""Recorder credentials, encrypted in the shared database under the site key (DESIGN §7).

AES-256-GCM with a random 96-bit nonce per write; the associated data binds a ciphertext to its
recorder and to the key that sealed it, so a row copied onto another recorder does not decrypt.
The clear value exists only in memory, in :class:`RecorderCredential`, whose ``repr`` hides the
password. Deleting a row removes the credential for every workstation at once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, delete, insert, select, update

from csu_wall.storage.db import Database
from csu_wall.storage.keystore import SecretStoreError
from csu_wall.storage.schema import recorder_credentials, recorders
from csu_wall.storage.site_key import SiteKey


@dataclass(frozen=True)
class RecorderCredential:
    user: str
    password: str = field(repr=False)


def _aad(recorder_id: str, key_id: str) -> bytes:
    return f"csu-wall recorder credential\0{recorder_id}\0{key_id}".encode()


def set_credential(db: Database, key: SiteKey, recorder_id: str, cred: RecorderCredential,
                   *, now: datetime | None = None,
                   also: Callable[[Connection], object] | None = None) -> None:
    """Encrypt and store (or replace) the recorder's credential; ``also`` runs in the same
    transaction (its audit record)."""
    nonce = os.urandom(12)
    clear = json.dumps({"user": cred.user, "password": cred.password}).encode()
    sealed = AESGCM(key.key).encrypt(nonce, clear, _aad(recorder_id, key.key_id))
    values = {"nonce": nonce, "ciphertext": sealed, "key_id": key.key_id,
              "updated_at": now or datetime.now(UTC)}
    with db.write() as conn:
        if conn.execute(select(recorders.c.id).where(recorders.c.id == recorder_id)).first() \
                is None:
            raise SecretStoreError(
                f"Enregistreur inconnu : « {recorder_id} ». Vérifiez son identifiant dans le "
                "fichier de site appliqué.")
        done = conn.execute(update(recorder_credentials)
                            .where(recorder_credentials.c.recorder_id == recorder_id)
                            .values(**values))
        if done.rowcount == 0:
            conn.execute(insert(recorder_credentials).values(recorder_id=recorder_id, **values))
        if also is not None:
            also(conn)


def get_credential(db: Database, key: SiteKey, recorder_id: str) -> RecorderCredential | None:
    """The decrypted credential, or None when none is stored for the recorder."""
    with db.read() as conn:
        row = conn.execute(select(recorder_credentials).where(
            recorder_credentials.c.recorder_id == recorder_id)).mappings().first()
    if row is None:
        return None
    try:
        clear = AESGCM(key.key).decrypt(row["nonce"], row["ciphertext"],
                                        _aad(recorder_id, str(row["key_id"])))
    except InvalidTag:
        raise SecretStoreError(
            f"L'identifiant de l'enregistreur « {recorder_id} » ne peut pas être déchiffré "
            "(clé de site différente ou donnée altérée). Saisissez-le à nouveau : "
            f"`csu-wall credentials set {recorder_id}`.") from None
    doc = json.loads(clear)
    return RecorderCredential(user=str(doc["user"]), password=str(doc["password"]))


def delete_credential(db: Database, recorder_id: str, *,
                      also: Callable[[Connection], object] | None = None) -> bool:
    with db.write() as conn:
        result = conn.execute(delete(recorder_credentials).where(
            recorder_credentials.c.recorder_id == recorder_id))
        if also is not None:
            also(conn)
    return result.rowcount > 0


def recorders_with_credentials(db: Database) -> list[str]:
    with db.read() as conn:
        return [str(r) for r in conn.execute(
            select(recorder_credentials.c.recorder_id).order_by(
                recorder_credentials.c.recorder_id)).scalars()]

