"""Tables of evidence export (DESIGN §7, "Evidence export"): extraction habilitations, the
register of extractions and the site's signing key.

Registered on :data:`csu_wall.storage.schema.metadata`; migration 0007 creates them.
No foreign keys to communes or cameras: an extraction's record outlives a camera or a commune
removed from the site file (it is kept as long as the audit log).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, LargeBinary, String, Table, Text

from csu_wall.storage.schema import ID, UtcDateTime, metadata

# An operator's right to EXTRACT one commune's recordings (a réquisition), separate from the
# right to view them (``habilitations``): dated, on a legal basis, granted by an authority.
# Revoking is a flag with its time and author, never a deletion.
extraction_habilitations = Table(
    "extraction_habilitations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("operator_id", String(ID), nullable=False),
    Column("commune_id", String(ID), nullable=False),
    Column("legal_basis", String(500), nullable=False),
    Column("granted_by", String(200), nullable=False),
    Column("valid_from", UtcDateTime, nullable=False),
    Column("valid_until", UtcDateTime, nullable=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("revoked_by", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)
Index("ix_extraction_habilitations_operator_id", extraction_habilitations.c.operator_id)

# The register: one row per extraction, from the request to its end (delivered, cancelled,
# failed), with the requisition's fields and the hashes of what was delivered.
extractions = Table(
    "extractions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(64), nullable=False, unique=True),
    Column("state", String(16), nullable=False),
    Column("commune_id", String(ID), nullable=False),
    Column("operator_id", String(ID), nullable=False),
    Column("workstation", String(200), nullable=False),
    Column("cameras", JSON, nullable=False),
    Column("requested_start", UtcDateTime, nullable=False),
    Column("requested_end", UtcDateTime, nullable=False),
    Column("requisition", JSON, nullable=False),
    Column("folder", Text, nullable=False),
    Column("delivered", JSON, nullable=False),  # per camera: period, gaps, file, sha256
    Column("manifest_sha256", String(64), nullable=True),
    Column("signing_key", String(64), nullable=True),  # SHA-256 of the public key (DER)
    Column("detail", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("manifest", Text, nullable=True),  # the signed manifest's text, kept after delivery
    # The hand-over: to whom (name, service), when, on which medium, by whom; and when the
    # workstation's copy was deleted (only the register, the manifest and the hashes remain).
    Column("handover", JSON, nullable=True),
    Column("local_deleted_at", UtcDateTime, nullable=True),
)
Index("ix_extractions_commune_id", extractions.c.commune_id)

# The site's Ed25519 signing key: its private half sealed under the site key (AES-256-GCM,
# like recorder credentials), its public half in clear (PEM) for anyone to check a signature.
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("fingerprint", String(64), primary_key=True),
    Column("site_id", String(64), nullable=False),
    Column("key_id", String(32), nullable=False),  # the site key that sealed it
    Column("nonce", LargeBinary, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("public_pem", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
