"""Verifying the audit chain, and anchoring its head (``csu-wall audit verify|anchor``).

Each entry must chain to the previous one and carry the right hash: an HMAC under the audit key
when this workstation holds the site key, plain SHA-256 for entries written before the site was
enrolled; once one entry is signed, every later one must be (a workstation not enrolled
cannot append). A changed byte, a deleted, swapped or inserted
entry breaks the chain at the first record concerned. Deleting the *tail* leaves a valid
chain, so heads are also recorded apart (:func:`anchor`, shift handovers): the log must still
hold every anchored head.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select

from csu_wall.storage.audit import GENESIS_HASH, AuditRecord, DbAuditLog, chain_hash, entries
from csu_wall.storage.db import Database
from csu_wall.storage.schema import audit_anchors

_BATCH = 1000


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    signed: int  # entries whose HMAC was checked with the site key
    unsigned: int  # plain SHA-256 entries (before enrolment, or by a workstation not enrolled)
    first_bad: int | None = None
    reason: str = ""
    keyed: bool = False  # whether a site key was available to this check
    anchors: int = 0

    def message(self) -> str:
        if not self.ok:
            return f"premier enregistrement altéré : n° {self.first_bad} ({self.reason})"
        text = (f"journal d'audit intègre : {self.checked} enregistrements ({self.signed} "
                f"signés, {self.unsigned} non signés), {self.anchors} ancre(s) vérifiée(s).")
        if not self.keyed:
            text += (" Ce poste n'a pas de clé de site : chaîne vérifiée sans clé (SHA-256) ; "
                     "les enregistrements signés ne peuvent pas l'être ici.")
        return text


def _matches(rec: AuditRecord, prev: str, key: bytes | None) -> str | None:
    """'signed', 'unsigned' or None when the hash is wrong."""
    if key is not None and rec.entry_hash == chain_hash(rec.entry, prev, key):
        return "signed"
    if rec.entry_hash == chain_hash(rec.entry, prev, None):
        return "unsigned"
    return None


def verify(db: Database, key: bytes | None = None) -> VerifyReport:
    """Check the whole chain and every anchor; the report names the first bad record."""
    prev, prev_id, after = GENESIS_HASH, 0, 0
    signed = unsigned = 0
    heads: dict[int, str] = {}
    anchors = _anchors(db)
    wanted = {a[0] for a in anchors}
    while True:
        batch = entries(db, limit=_BATCH, after_id=after)
        for rec in batch:
            if rec.prev_hash != prev:
                if rec.id != prev_id + 1:
                    bad, why = prev_id + 1, "supprimé (le suivant ne s'y enchaîne plus)"
                else:
                    bad, why = rec.id, "chaînage rompu : déplacé, inséré ou précédent supprimé"
                return _bad(bad, why, signed, unsigned, key)
            kind = _matches(rec, prev, key)
            if kind is None:
                why = "contenu modifié" if key is not None or not signed else \
                    "contenu modifié ou signé avec une autre clé"
                return _bad(rec.id, why, signed, unsigned, key)
            if kind == "signed":
                signed += 1
            elif signed:
                # Every writer signs once the site has a key (storage.site_key.audit_log): a
                # plain SHA-256 entry after a signed one was rewritten by someone without it.
                return _bad(rec.id, "non signé après un enregistrement signé : réécrit sans la "
                            "clé de site", signed, unsigned, key)
            else:
                unsigned += 1
            if rec.id in wanted:
                heads[rec.id] = rec.entry_hash
            prev, prev_id = rec.entry_hash, rec.id
        if len(batch) < _BATCH:
            break
        after = batch[-1].id
    for head_id, head_hash in anchors:
        if head_id == 0:
            continue
        if head_id > prev_id or head_id not in heads:
            first = prev_id + 1 if head_id > prev_id else head_id
            return _bad(first, f"fin du journal tronquée : l'ancre n° {head_id} n'y est plus",
                        signed, unsigned, key)
        if heads[head_id] != head_hash:
            return _bad(head_id, "ne correspond plus à l'ancre enregistrée", signed, unsigned, key)
    return VerifyReport(True, signed + unsigned, signed, unsigned, keyed=key is not None,
                        anchors=len(anchors))


def _bad(first: int, reason: str, signed: int, unsigned: int, key: bytes | None) -> VerifyReport:
    return VerifyReport(False, signed + unsigned, signed, unsigned, first, reason,
                        keyed=key is not None)


def _anchors(db: Database) -> list[tuple[int, str]]:
    with db.read() as conn:
        rows = conn.execute(select(audit_anchors.c.head_id, audit_anchors.c.head_hash)
                            .order_by(audit_anchors.c.id)).all()
    return [(int(r[0]), str(r[1])) for r in rows]


def anchor(db: Database, *, anchored_by: str, workstation: str,
           now: datetime | None = None) -> tuple[int, str]:
    """Record the current head apart from the log; returns (id, hash) of the head."""
    head_id, head_hash = DbAuditLog(db).head()
    with db.write() as conn:
        conn.execute(insert(audit_anchors).values(
            head_id=head_id, head_hash=head_hash, anchored_at=now or datetime.now(UTC),
            anchored_by=anchored_by[:64], workstation=workstation[:200]))
    return head_id, head_hash
