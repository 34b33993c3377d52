"""The site key: 32 random bytes under which recorder credentials are encrypted (DESIGN §7).

Enrolment flow (IT, once per workstation):

1. On the first workstation, ``csu-wall workstation enroll --new-site`` draws the site key and a
   site id, stores the key in this workstation's OS keyring (service ``csu-wall``, entry
   ``site-key:<site id>``), and prints an *enrolment code* once (25 base32 characters, about
   125 bits). The database keeps the site key wrapped under that code (scrypt, then AES-256-GCM
   with the site id as associated data) in ``site_keys``; never the key or the code in clear.
2. On every other workstation (same database, its own keyring), ``csu-wall workstation
   enroll`` reads the code (prompt, or standard input), unwraps the key from the database and
   stores it in that workstation's keyring. A wrong code changes nothing.

IT keeps the code offline (a sealed envelope): whoever holds it and the database can read the
credentials. Without an enrolled key a workstation shows no recorder needing credentials and
signs no audit record; the key also yields the audit chain's HMAC key (HKDF, info "audit").
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import insert, select

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.storage import keystore
from csu_wall.storage.audit import DbAuditLog, chain_hash, entries
from csu_wall.storage.db import Database
from csu_wall.storage.keystore import SecretStoreError
from csu_wall.storage.schema import site_keys

KDF = "scrypt-n16384-r8-p1"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand
_CODE_LEN = 25


@dataclass(frozen=True)
class SiteKey:
    site_id: str
    key_id: str
    key: bytes = field(repr=False)
    # Sequence of the first audit record signed under this key, as this workstation's keyring
    # keeps it (outside the database); None for a key created before it was kept there.
    first_signed: int | None = None

    def audit_key(self) -> bytes:
        """The HMAC key of the audit chain, derived so the site key itself is never reused."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=b"csu-wall audit").derive(self.key)


def key_id_of(key: bytes) -> str:
    """A public fingerprint of a site key (to tell keys apart without revealing them)."""
    return hmac.new(key, b"csu-wall site key id", hashlib.sha256).hexdigest()[:16]


def new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LEN))
    return "-".join(raw[i:i + 5] for i in range(0, _CODE_LEN, 5))


def _normalise(code: str) -> bytes:
    return "".join(ch for ch in code.upper() if ch.isalnum()).encode("ascii", "ignore")


def _wrapping_key(code: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(_normalise(code))


def site_id_of(db: Database) -> str | None:
    """The site id of this database, or None when no workstation was ever enrolled."""
    with db.read() as conn:
        row = conn.execute(select(site_keys.c.site_id).limit(1)).first()
    return str(row[0]) if row is not None else None


def create_site_key(db: Database, *, created_by: str, now: datetime | None = None
                    ) -> tuple[SiteKey, str]:
    """First enrolment: draw the key, keep it wrapped in the database and in this
    workstation's keyring. Returns the key and the enrolment code (shown once)."""
    keystore.secure_backend()  # refuse an insecure keyring before anything is written
    if site_id_of(db) is not None:
        raise SecretStoreError(
            "Cette base a déjà une clé de site : enrôlez ce poste avec le code d'enrôlement "
            "(`csu-wall workstation enroll`, sans --new-site).")
    key = os.urandom(32)
    site = SiteKey(site_id=secrets.token_hex(8), key_id=key_id_of(key), key=key)
    code = new_code()
    salt, nonce = os.urandom(16), os.urandom(12)
    wrapped = AESGCM(_wrapping_key(code, salt)).encrypt(nonce, key, site.site_id.encode())
    signer = SiteKey(site.site_id, site.key_id, key)
    when = now or datetime.now(UTC)
    with db.write() as conn:
        if conn.execute(select(site_keys.c.site_id).limit(1)).first() is not None:
            raise SecretStoreError("Un autre poste vient de créer la clé de site : enrôlez "
                                   "celui-ci avec son code.")
        conn.execute(insert(site_keys).values(
            site_id=site.site_id, key_id=site.key_id, kdf=KDF, salt=salt, nonce=nonce,
            wrapped=wrapped, created_at=when, created_by=created_by[:64]))
        # The first signed record, in the same transaction: from it on every record is signed.
        first = DbAuditLog(db, key=signer.audit_key()).append_in(conn, AuditEntry(
            ts_utc=when, workstation=socket.gethostname()[:200],
            operator_id=created_by[:64], action=AuditAction.SITE_KEY,
            detail="clé de site créée : chaque enregistrement suivant est signé",
            extra={"site_id": site.site_id, "key_id": site.key_id}))
    keystore.set_site_key(site.site_id, key, first)
    return SiteKey(site.site_id, site.key_id, key, first), code


def enrol(db: Database, code: str) -> SiteKey:
    """Enrol this workstation: unwrap the site key with ``code`` and keep it in the keyring."""
    keystore.secure_backend()
    with db.read() as conn:
        row = conn.execute(select(site_keys).limit(1)).mappings().first()
    if row is None:
        raise SecretStoreError(
            "Cette base n'a pas encore de clé de site : enrôlez le premier poste avec "
            "`csu-wall workstation enroll --new-site`.")
    try:
        key = AESGCM(_wrapping_key(code, row["salt"])).decrypt(
            row["nonce"], row["wrapped"], str(row["site_id"]).encode())
    except InvalidTag:
        raise SecretStoreError("Code d'enrôlement incorrect : rien n'a été modifié. Vérifiez "
                               "le code remis lors de l'enrôlement du premier poste.") from None
    if key_id_of(key) != row["key_id"]:  # pragma: no cover - GCM already authenticated it
        raise SecretStoreError("La clé de site de la base est incohérente.")
    site = SiteKey(site_id=str(row["site_id"]), key_id=str(row["key_id"]), key=key)
    first = first_signed_in(db, site)
    keystore.set_site_key(site.site_id, key, first)
    return SiteKey(site.site_id, site.key_id, key, first)


def load_site_key(db: Database) -> SiteKey | None:
    """This workstation's site key for the database, or None when the database has none yet.
    :class:`SecretStoreError` when the database has one but this workstation is not enrolled
    (or its key differs)."""
    with db.read() as conn:
        row = conn.execute(select(site_keys.c.site_id, site_keys.c.key_id).limit(1)).first()
    if row is None:
        return None
    site_id, key_id = str(row[0]), str(row[1])
    entry = keystore.get_site_entry(site_id)
    if entry is None:
        raise SecretStoreError(
            "Ce poste n'est pas enrôlé : les identifiants des enregistreurs ne peuvent pas être "
            "déchiffrés et aucun enregistrement d'audit n'est écrit. Le service informatique "
            "lance `csu-wall workstation enroll` avec le code d'enrôlement.")
    key, first = entry
    if key_id_of(key) != key_id:
        raise SecretStoreError(
            "La clé de site de ce poste ne correspond pas à celle de la base. Réenrôlez le "
            "poste : `csu-wall workstation enroll`.")
    site = SiteKey(site_id=site_id, key_id=key_id, key=key, first_signed=first)
    if first is None:  # an entry from before the sequence was kept: learn it once
        first = first_signed_in(db, site)
        if first is not None:
            keystore.set_site_key(site_id, key, first)
            site = SiteKey(site_id, key_id, key, first)
    return site


def keyring_site_key(site_id: str) -> SiteKey | None:
    """The key this workstation's keyring holds for ``site_id``, whatever the database says
    (``audit verify`` uses it when the database no longer names that site)."""
    entry = keystore.get_site_entry(site_id)
    if entry is None:
        return None
    return SiteKey(site_id, key_id_of(entry[0]), entry[0], entry[1])


def first_signed_in(db: Database, site: SiteKey) -> int | None:
    """The database's first record signed under ``site``'s key: its ``site_key`` record when
    its HMAC holds (the key's creation), else the first record whose HMAC holds (a key created
    before that record existed). None when no record is signed under it."""
    audit_key = site.audit_key()
    fallback: int | None = None
    for rec in entries(db, limit=None):
        if rec.entry_hash != chain_hash(rec.entry, rec.prev_hash, audit_key):
            continue
        if rec.entry.action is AuditAction.SITE_KEY and \
                rec.entry.extra.get("site_id") == site.site_id:
            return rec.id
        if fallback is None:
            fallback = rec.id
    return fallback


def audit_log(db: Database) -> DbAuditLog:
    """The audit log this workstation appends to: signed with the site's audit key as soon as
    the site has one. A workstation that is not enrolled in a keyed site cannot append (it
    would break the signed chain): :class:`SecretStoreError`, and the access waits."""
    key = load_site_key(db)
    if key is None:
        return DbAuditLog(db)
    return DbAuditLog(db, key=key.audit_key(), site_id=key.site_id,
                      first_signed=key.first_signed)
