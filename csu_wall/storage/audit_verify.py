"""Verifying the audit chain, and anchoring its head (``csu-wall audit verify|anchor``).

Each entry must chain to the previous one and carry the right hash: an HMAC under the audit key
from the site key's creation on, plain SHA-256 only before it. The sequence of the first signed
record is known outside the database — this workstation's keyring entry, every anchor — so a
database rewritten as plain SHA-256 records from there on, by someone holding the file but not
the key, fails here. A changed byte, a deleted, swapped or inserted entry breaks the chain at
the first record concerned. Deleting the *tail* (or putting back an older copy of the database)
leaves a valid chain: anchors kept elsewhere (:mod:`csu_wall.storage.audit_anchor`: the
workstation's anchor file, handover reports, exports) name heads the log must still hold.

The report says what this check could not prove (no key, no anchor kept outside the database):
DESIGN §7, "Threat model".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select

from csu_wall.core.audit import AuditAction
from csu_wall.storage import site_key as site_keys_mod
from csu_wall.storage.audit import GENESIS_HASH, AuditRecord, DbAuditLog, chain_hash, entries
from csu_wall.storage.audit_anchor import Anchor, AnchorFile
from csu_wall.storage.db import Database
from csu_wall.storage.keystore import SecretStoreError
from csu_wall.storage.schema import audit_anchors, audit_log

_BATCH = 1000


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    signed: int  # entries whose HMAC was checked with the site key
    unsigned: int  # plain SHA-256 entries (before the site key was created)
    first_bad: int | None = None
    reason: str = ""
    keyed: bool = False  # whether a site key was available to this check
    anchors: int = 0
    unverifiable: int = 0  # signed entries this check could not verify (no key)
    limits: tuple[str, ...] = ()  # what this check could not prove

    @property
    def complete(self) -> bool:
        """Nothing altered was found and nothing was left unproven."""
        return self.ok and not self.limits

    def message(self) -> str:
        if not self.ok:
            text = f"premier enregistrement altéré : n° {self.first_bad} ({self.reason})"
        else:
            head = "journal d'audit intègre" if self.complete else \
                "aucune altération décelée, mais tout n'est pas prouvé"
            text = (f"{head} : {self.checked} enregistrements ({self.signed} signés, "
                    f"{self.unsigned} non signés"
                    + (f", {self.unverifiable} signés non vérifiables ici"
                       if self.unverifiable else "")
                    + f"), {self.anchors} ancre(s) vérifiée(s).")
        for limit in self.limits:
            text += f"\n- {limit}"
        return text


def _matches(rec: AuditRecord, prev: str, key: bytes | None) -> str | None:
    """'signed', 'unsigned' or None when the hash is wrong (or signed under another key)."""
    if key is not None and rec.entry_hash == chain_hash(rec.entry, prev, key):
        return "signed"
    if rec.entry_hash == chain_hash(rec.entry, prev, None):
        return "unsigned"
    return None


class _Bad(Exception):
    def __init__(self, first: int, reason: str) -> None:
        super().__init__(reason)
        self.first = first
        self.reason = reason


def verify(db: Database, key: bytes | None = None, *, first_signed: int | None = None,
           anchors: Sequence[Anchor] = (), site_id: str = "",
           limits: Sequence[str] = ()) -> VerifyReport:
    """Check the whole chain and every anchor; the report names the first bad record.

    ``key`` is the audit key; ``first_signed`` the sequence from which every record must be
    signed (None: unknown, then only "nothing unsigned after a signed record" is checked);
    ``anchors`` heads kept outside the database (those of another site are ignored); the
    anchors of the database's own table are checked too. ``limits`` are added to the report.
    """
    counts = {"signed": 0, "unsigned": 0, "unverifiable": 0}
    outside = [a for a in anchors if not a.site_id or not site_id or a.site_id == site_id]
    notes = list(limits)
    try:
        start = _start(db)
        if start[0] > 0:
            notes.append(f"les enregistrements antérieurs au n° {start[0] + 1} ont été purgés "
                         "(durée de conservation), par une purge enregistrée et signée")
            purged = [a for a in outside if 0 < a.seq <= start[0]]
            outside = [a for a in outside if a.seq > start[0]]
            if purged:
                notes.append(f"{len(purged)} ancre(s) antérieure(s) à la purge ignorée(s)")
        last_id, heads = _walk(db, key, first_signed, counts,
                               {a.seq for a in outside} | {a[0] for a in _table_anchors(db)},
                               start)
        if first_signed is not None and last_id < first_signed:
            raise _Bad(last_id + 1, f"fin du journal tronquée : la clé de site date du n° "
                       f"{first_signed}, le journal s'arrête au n° {last_id}")
        checked = 0
        for anchor in outside:
            if key is not None and anchor.sig and not anchor.signature_ok(key):
                notes.append(f"ancre n° {anchor.seq} ignorée : sa signature ne correspond pas "
                             "à la clé de site de ce poste")
                continue
            if anchor.first_signed and first_signed is not None \
                    and anchor.first_signed != first_signed:
                raise _Bad(min(anchor.first_signed, first_signed),
                           f"premier enregistrement signé n° {first_signed} ici, n° "
                           f"{anchor.first_signed} selon une ancre")
            _check_head(anchor.seq, anchor.hash, last_id, heads)
            checked += 1
        for head_id, head_hash in _table_anchors(db):
            if head_id > start[0]:  # older heads went with the purge
                _check_head(head_id, head_hash, last_id, heads)
    except _Bad as bad:
        return VerifyReport(False, counts["signed"] + counts["unsigned"] + counts["unverifiable"],
                            counts["signed"], counts["unsigned"], bad.first, bad.reason,
                            keyed=key is not None, unverifiable=counts["unverifiable"],
                            limits=tuple(notes))
    if key is None:
        notes.append("ce poste ne détient pas la clé de site : les signatures (HMAC) ne sont "
                     "pas vérifiées ici, seuls l'enchaînement et les enregistrements non "
                     "signés le sont")
    if counts["unsigned"]:
        notes.append(f"{counts['unsigned']} enregistrement(s) antérieur(s) à la clé de site, "
                     "non signés : quiconque détient le fichier de la base peut les recalculer ;"
                     " seules les ancres conservées ailleurs les garantissent")
    if not checked:
        notes.append("aucune ancre conservée hors de la base n'a été vérifiée : une fin de "
                     "journal supprimée, ou une copie plus ancienne remise en place, ne peut "
                     "pas être décelée")
    return VerifyReport(True, counts["signed"] + counts["unsigned"] + counts["unverifiable"],
                        counts["signed"], counts["unsigned"], keyed=key is not None,
                        anchors=checked + len(_table_anchors(db)),
                        unverifiable=counts["unverifiable"], limits=tuple(notes))


def _start(db: Database) -> tuple[int, str]:
    """Where the chain starts: (0, genesis), or — after a retention purge — the id before the
    first record kept and the hash it chains to, as the purge record says. A log whose first
    records are gone without such a record was cut."""
    with db.read() as conn:
        first = conn.execute(select(audit_log.c.id, audit_log.c.prev_hash)
                             .order_by(audit_log.c.id).limit(1)).first()
        if first is None or (int(first[0]) == 1 and first[1] == GENESIS_HASH):
            return 0, GENESIS_HASH
        purges = conn.execute(select(audit_log.c.extra).where(
            audit_log.c.action == AuditAction.AUDIT_PURGE.value)).scalars().all()
    first_id, first_prev = int(first[0]), str(first[1])
    for extra in purges:
        extra = extra or {}
        if str(extra.get("first_kept")) == str(first_id) \
                and extra.get("first_kept_prev") == first_prev:
            return first_id - 1, first_prev
    raise _Bad(1, f"début du journal supprimé : le premier enregistrement est le n° {first_id} "
               "et aucune purge enregistrée ne l'explique")


def _walk(db: Database, key: bytes | None, first_signed: int | None, counts: dict[str, int],
          wanted: set[int], start: tuple[int, str] = (0, GENESIS_HASH)
          ) -> tuple[int, dict[int, str]]:
    prev_id, prev = start
    after = prev_id
    heads: dict[int, str] = {}
    while True:
        batch = entries(db, limit=_BATCH, after_id=after)
        for rec in batch:
            if rec.prev_hash != prev:
                if rec.id != prev_id + 1:
                    raise _Bad(prev_id + 1, "supprimé (le suivant ne s'y enchaîne plus)")
                raise _Bad(rec.id, "chaînage rompu : déplacé, inséré ou précédent supprimé")
            counts[_kind(rec, prev, key, first_signed, counts)] += 1
            if rec.id in wanted:
                heads[rec.id] = rec.entry_hash
            prev, prev_id = rec.entry_hash, rec.id
        if len(batch) < _BATCH:
            return prev_id, heads
        after = batch[-1].id


def _kind(rec: AuditRecord, prev: str, key: bytes | None, first_signed: int | None,
          counts: dict[str, int]) -> str:
    kind = _matches(rec, prev, key)
    if first_signed is not None and rec.id >= first_signed:
        if kind == "signed":
            return "signed"
        if kind == "unsigned":
            raise _Bad(rec.id, f"non signé alors que tout enregistrement l'est depuis la "
                       f"création de la clé de site (n° {first_signed}) : réécrit sans la clé")
        if key is None:
            return "unverifiable"
        raise _Bad(rec.id, "contenu modifié ou signé avec une autre clé")
    if kind is None:
        why = "contenu modifié" if key is not None or not counts["signed"] else \
            "contenu modifié ou signé avec une autre clé"
        raise _Bad(rec.id, why)
    if kind == "unsigned" and counts["signed"]:
        # Every writer signs once the site has a key (storage.site_key.audit_log): a plain
        # SHA-256 entry after a signed one was rewritten by someone without it.
        raise _Bad(rec.id, "non signé après un enregistrement signé : réécrit sans la clé de "
                   "site")
    return kind


def _check_head(head_id: int, head_hash: str, last_id: int, heads: dict[int, str]) -> None:
    if head_id == 0:
        return
    if head_id > last_id or head_id not in heads:
        first = last_id + 1 if head_id > last_id else head_id
        raise _Bad(first, f"fin du journal tronquée ou remplacée par une copie plus ancienne : "
                   f"l'ancre n° {head_id} n'y est plus")
    if heads[head_id] != head_hash:
        raise _Bad(head_id, "ne correspond plus à l'ancre enregistrée")


def _table_anchors(db: Database) -> list[tuple[int, str]]:
    with db.read() as conn:
        rows = conn.execute(select(audit_anchors.c.head_id, audit_anchors.c.head_hash)
                            .order_by(audit_anchors.c.id)).all()
    return [(int(r[0]), str(r[1])) for r in rows]


def verify_workstation(db: Database, data_dir: Path,
                       extra_anchors: Sequence[Anchor] = ()) -> VerifyReport:
    """``audit verify`` on this workstation: its keyring's key and first signed sequence, the
    anchors of its data directory and ``extra_anchors`` (from reports or exports). The site
    this workstation knows must still be the database's."""
    local = AnchorFile.in_dir(data_dir)
    known = local.sites()
    db_site = site_keys_mod.site_id_of(db)
    limits: list[str] = []
    site: site_keys_mod.SiteKey | None = None
    try:
        site = site_keys_mod.load_site_key(db)
    except SecretStoreError as exc:
        limits.append(str(exc))
    lost = [s for s in known if s != db_site]
    for other in lost:
        # This workstation knew a site the database no longer names: replaced or removed.
        found = _keyring(other)
        first = found.first_signed if found and found.first_signed else known[other]
        return VerifyReport(False, 0, 0, 0, first or 1,
                            f"la base ne porte plus la clé de site {other} que ce poste a "
                            + ("connue (trousseau et ancres)" if found else "connue (ancres)")
                            + (f" : ses enregistrements sont signés depuis le n° {first}"
                               if first else "")
                            + f" (base remplacée, ou clé de site retirée ; si la base a été "
                            f"recréée volontairement, archivez puis retirez {local.path})",
                            keyed=found is not None, limits=tuple(limits))
    first_signed: int | None = None
    if site is not None and site.first_signed is not None:
        first_signed = site.first_signed
    elif db_site is not None and known.get(db_site):
        first_signed = known[db_site]
        limits.append("premier enregistrement signé connu par les ancres de ce poste "
                      "seulement (pas par son trousseau)")
    elif db_site is not None:
        first_signed = _claimed_first_signed(db)
        limits.append("premier enregistrement signé connu par la base seulement : ce poste "
                      "n'en garde aucune trace hors de la base")
    anchors = local.anchors(db_site or "") + list(extra_anchors)
    key = site.audit_key() if site is not None else None
    report = verify(db, key, first_signed=first_signed, anchors=anchors,
                    site_id=db_site or "", limits=limits)
    if report.ok and key is not None:
        local.remember(DbAuditLog(db, key=key, site_id=site.site_id if site else "",
                                  first_signed=first_signed).anchor())
    return report


def _keyring(site_id: str) -> site_keys_mod.SiteKey | None:
    try:
        return site_keys_mod.keyring_site_key(site_id)
    except SecretStoreError:
        return None


def _claimed_first_signed(db: Database) -> int | None:
    with db.read() as conn:
        value = conn.execute(select(audit_log.c.id)
                             .where(audit_log.c.action == AuditAction.SITE_KEY.value)
                             .order_by(audit_log.c.id).limit(1)).scalar()
    return int(value) if value is not None else None


def anchor(db: Database, *, anchored_by: str, workstation: str,
           now: datetime | None = None, data_dir: Path | None = None,
           key: bytes | None = None, site_id: str = "",
           first_signed: int | None = None) -> Anchor:
    """Record the current head in the database's anchor table and, with ``data_dir``, in this
    workstation's anchor file; returns the anchor."""
    current = DbAuditLog(db, key=key, site_id=site_id, first_signed=first_signed).anchor()
    with db.write() as conn:
        conn.execute(insert(audit_anchors).values(
            head_id=current.seq, head_hash=current.hash, anchored_at=now or datetime.now(UTC),
            anchored_by=anchored_by[:64], workstation=workstation[:200]))
    if data_dir is not None:
        AnchorFile.in_dir(data_dir).remember(current)
    return current
