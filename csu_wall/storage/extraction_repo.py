"""Evidence export in the database: extraction habilitations, the register of extractions, and
the site's Ed25519 signing key (DESIGN §7, "Evidence export").

The signing key's private half is sealed like recorder credentials (AES-256-GCM under the site
key, the associated data binding it to its fingerprint and to the sealing key); it exists in
clear only in memory, while a manifest is signed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, insert, select, update

from csu_wall.core.security import Habilitation
from csu_wall.storage.db import Database
from csu_wall.storage.keystore import SecretStoreError
from csu_wall.storage.schema_export import extraction_habilitations, extractions, signing_keys
from csu_wall.storage.site_key import SiteKey

STATES = ("demandée", "en cours", "livrée", "annulée", "échouée")
REQUESTED, RUNNING, DELIVERED, CANCELLED, FAILED = STATES

Also = Callable[[Connection], object] | None


# -- extraction habilitations ------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractionHabilitationRecord:
    id: int
    habilitation: Habilitation
    revoked_at: datetime | None
    revoked_by: str | None


def grant_extraction(db: Database, hab: Habilitation, *, now: datetime | None = None,
                     also: Also = None) -> int:
    """Store an extraction habilitation; ``also`` runs in the same transaction (its audit)."""
    with db.write() as conn:
        row = conn.execute(insert(extraction_habilitations).values(
            operator_id=hab.operator_id, commune_id=hab.commune_id,
            legal_basis=hab.legal_basis[:500], granted_by=hab.granted_by[:200],
            valid_from=hab.valid_from, valid_until=hab.valid_until, revoked=False,
            created_at=now or datetime.now(UTC)))
        if also is not None:
            also(conn)
        return int(row.inserted_primary_key[0])  # type: ignore[index]


def revoke_extraction(db: Database, operator_id: str, commune_id: str, *, at: datetime,
                      by: str, also: Also = None) -> int:
    """Revoke the operator's extraction habilitations for the commune; returns how many."""
    with db.write() as conn:
        result = conn.execute(update(extraction_habilitations).where(
            extraction_habilitations.c.operator_id == operator_id,
            extraction_habilitations.c.commune_id == commune_id,
            extraction_habilitations.c.revoked.is_(False),
        ).values(revoked=True, revoked_at=at, revoked_by=by[:200]))
        if also is not None:
            also(conn)
        return int(result.rowcount or 0)


def extraction_habilitations_of(db: Database, operator_id: str | None = None
                                ) -> list[ExtractionHabilitationRecord]:
    stmt = select(extraction_habilitations).order_by(
        extraction_habilitations.c.operator_id, extraction_habilitations.c.commune_id,
        extraction_habilitations.c.id)
    if operator_id is not None:
        stmt = stmt.where(extraction_habilitations.c.operator_id == operator_id)
    with db.read() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [ExtractionHabilitationRecord(
        id=int(r["id"]),
        habilitation=Habilitation(
            operator_id=r["operator_id"], commune_id=r["commune_id"],
            legal_basis=r["legal_basis"], granted_by=r["granted_by"],
            valid_from=r["valid_from"], valid_until=r["valid_until"],
            revoked=bool(r["revoked"])),
        revoked_at=r["revoked_at"], revoked_by=r["revoked_by"]) for r in rows]


# -- the register ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractionRecord:
    id: int
    reference: str
    state: str
    commune_id: str
    operator_id: str
    workstation: str
    cameras: list[str]
    requested_start: datetime
    requested_end: datetime
    requisition: dict[str, str]
    folder: str
    delivered: dict[str, Any]
    manifest_sha256: str | None
    signing_key: str | None
    detail: str
    created_at: datetime
    updated_at: datetime
    manifest: str | None = None
    handover: dict[str, str] | None = None
    local_deleted_at: datetime | None = None


def register_extraction(db: Database, *, reference: str, commune_id: str, operator_id: str,
                        workstation: str, cameras: list[str], start: datetime, end: datetime,
                        requisition: dict[str, str], folder: str,
                        now: datetime | None = None, also: Also = None) -> int:
    when = now or datetime.now(UTC)
    with db.write() as conn:
        row = conn.execute(insert(extractions).values(
            reference=reference, state=REQUESTED, commune_id=commune_id,
            operator_id=operator_id, workstation=workstation[:200], cameras=list(cameras),
            requested_start=start, requested_end=end, requisition=dict(requisition),
            folder=folder, delivered={}, detail="", created_at=when, updated_at=when))
        if also is not None:
            also(conn)
        return int(row.inserted_primary_key[0])  # type: ignore[index]


def set_state(db: Database, reference: str, state: str, *, detail: str = "",
              delivered: dict[str, Any] | None = None, manifest_sha256: str | None = None,
              signing_key: str | None = None, manifest: str | None = None,
              now: datetime | None = None, also: Also = None) -> None:
    if state not in STATES:
        raise ValueError(f"unknown extraction state {state!r}")
    values: dict[str, Any] = {"state": state, "detail": detail,
                              "updated_at": now or datetime.now(UTC)}
    if delivered is not None:
        values["delivered"] = delivered
    if manifest_sha256 is not None:
        values["manifest_sha256"] = manifest_sha256
    if signing_key is not None:
        values["signing_key"] = signing_key
    if manifest is not None:
        values["manifest"] = manifest
    with db.write() as conn:
        conn.execute(update(extractions).where(extractions.c.reference == reference)
                     .values(**values))
        if also is not None:
            also(conn)


def list_extractions(db: Database, commune_id: str | None = None) -> list[ExtractionRecord]:
    stmt = select(extractions).order_by(extractions.c.id)
    if commune_id is not None:
        stmt = stmt.where(extractions.c.commune_id == commune_id)
    with db.read() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [_record(r) for r in rows]


def get_extraction(db: Database, reference: str) -> ExtractionRecord | None:
    with db.read() as conn:
        row = conn.execute(select(extractions).where(
            extractions.c.reference == reference)).mappings().first()
    return _record(row) if row is not None else None


def _record(r: Any) -> ExtractionRecord:
    return ExtractionRecord(
        id=int(r["id"]), reference=r["reference"], state=r["state"], commune_id=r["commune_id"],
        operator_id=r["operator_id"], workstation=r["workstation"], cameras=list(r["cameras"]),
        requested_start=r["requested_start"], requested_end=r["requested_end"],
        requisition=dict(r["requisition"]), folder=r["folder"],
        delivered=dict(r["delivered"]), manifest_sha256=r["manifest_sha256"],
        signing_key=r["signing_key"], detail=r["detail"], created_at=r["created_at"],
        updated_at=r["updated_at"], manifest=r["manifest"],
        handover=dict(r["handover"]) if r["handover"] else None,
        local_deleted_at=r["local_deleted_at"])


def record_handover(db: Database, reference: str, handover: dict[str, str], *,
                    now: datetime | None = None, also: Also = None) -> None:
    when = now or datetime.now(UTC)
    with db.write() as conn:
        conn.execute(update(extractions).where(extractions.c.reference == reference)
                     .values(handover=dict(handover), updated_at=when))
        if also is not None:
            also(conn)


def record_local_deletion(db: Database, reference: str, *, now: datetime | None = None,
                          also: Also = None) -> None:
    when = now or datetime.now(UTC)
    with db.write() as conn:
        conn.execute(update(extractions).where(extractions.c.reference == reference)
                     .values(local_deleted_at=when, updated_at=when))
        if also is not None:
            also(conn)


# -- the site's signing key --------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    fingerprint: str  # SHA-256 of the public key's DER (SubjectPublicKeyInfo), hex
    public_pem: str
    private: Ed25519PrivateKey = field(repr=False)


def public_fingerprint(public_der: bytes) -> str:
    return hashlib.sha256(public_der).hexdigest()


def _aad(site: SiteKey, fingerprint: str) -> bytes:
    return f"csu-wall signing key\0{site.site_id}\0{fingerprint}\0{site.key_id}".encode()


def signing_key(db: Database, site: SiteKey, *, now: datetime | None = None) -> SigningKey:
    """The site's signing key, made (and sealed in the database) the first time."""
    with db.read() as conn:
        row = conn.execute(select(signing_keys).where(signing_keys.c.site_id == site.site_id)
                           .order_by(signing_keys.c.created_at).limit(1)).mappings().first()
    if row is None:
        return _create(db, site, now or datetime.now(UTC))
    try:
        raw = AESGCM(site.key).decrypt(row["nonce"], row["sealed"],
                                       _aad(site, str(row["fingerprint"])))
    except InvalidTag:
        raise SecretStoreError(
            "La clé de signature des exports ne peut pas être déchiffrée (clé de site "
            "différente ou donnée altérée) : aucun export ne peut être signé.") from None
    return SigningKey(str(row["fingerprint"]), str(row["public_pem"]),
                      Ed25519PrivateKey.from_private_bytes(raw))


def _create(db: Database, site: SiteKey, now: datetime) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    pem = public.public_bytes(serialization.Encoding.PEM,
                              serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    fingerprint = public_fingerprint(der)
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    nonce = os.urandom(12)
    sealed = AESGCM(site.key).encrypt(nonce, raw, _aad(site, fingerprint))
    with db.write() as conn:
        existing = conn.execute(select(signing_keys.c.fingerprint).where(
            signing_keys.c.site_id == site.site_id)).first()
        if existing is None:
            conn.execute(insert(signing_keys).values(
                fingerprint=fingerprint, site_id=site.site_id, key_id=site.key_id,
                nonce=nonce, sealed=sealed, public_pem=pem, created_at=now))
    if existing is not None:  # another workstation made it meanwhile: use theirs
        return signing_key(db, site, now=now)
    return SigningKey(fingerprint, pem, private)
