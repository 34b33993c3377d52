"""The register of extractions as supervisors read it: rows, CSV and PDF, and the link between
a bookmark under judicial hold and its extractions.

A bookmark is linked to an extraction when its judicial hold names the extraction's procedure
(the hold's reference *is* the procedure or PV number, :meth:`BookmarkService.mark_judicial`)
and the extraction covers the bookmark's camera. The export dialog opened from a bookmark fills
the procedure with that reference, and puts a bookmark not yet held under that procedure's hold
once the export is delivered, so the link is there without a column of its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from csu_wall.core.model import Site
from csu_wall.core.shifts import Bookmark, BookmarkFilter
from csu_wall.services._pdf import PdfDocument
from csu_wall.services.export import paris
from csu_wall.storage import bookmark_repo
from csu_wall.storage.db import Database
from csu_wall.storage.extraction_repo import ExtractionRecord

CSV_COLUMNS = ["référence", "état", "commune", "opérateur", "poste", "caméras",
               "début demandé (Paris)", "fin demandée (Paris)", "début demandé (UTC)",
               "fin demandée (UTC)", "procédure", "OPJ", "grade", "service",
               "date de réquisition", "base légale", "note", "dossier",
               "SHA-256 du manifeste", "SHA-256 du ZIP", "clé de signature", "créée (UTC)",
               "mise à jour (UTC)", "détail", "remise à", "service destinataire", "support",
               "remise le (Paris)", "copie du poste effacée le (UTC)", "signets liés"]


def same_procedure(a: str | None, b: str | None) -> bool:
    """Two references of one procedure (spaces and case aside)."""
    if not a or not b:
        return False
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def linked(bookmark: Bookmark, record: ExtractionRecord) -> bool:
    return (bookmark.camera_id in record.cameras
            and same_procedure(bookmark.judicial_ref, record.requisition.get("procedure")))


def links_of_bookmarks(bookmarks: Iterable[Bookmark], records: Sequence[ExtractionRecord]
                       ) -> dict[int, list[str]]:
    """Bookmark id -> the references of its extractions (held bookmarks only)."""
    out: dict[int, list[str]] = {}
    for b in bookmarks:
        refs = [r.reference for r in records if linked(b, r)]
        if refs:
            out[b.id] = refs
    return out


def bookmarks_of(db: Database, record: ExtractionRecord) -> list[Bookmark]:
    """The bookmarks under the extraction's judicial hold, on its cameras."""
    procedure = record.requisition.get("procedure", "")
    if not procedure.strip():
        return []
    with db.read() as conn:
        found = bookmark_repo.search(
            conn, BookmarkFilter(commune_id=record.commune_id, text=procedure.strip()),
            [record.commune_id])
    return sorted((b for b in found if linked(b, record)), key=lambda b: b.id)


def _commune(site: Site | None, commune_id: str) -> str:
    if site is None:
        return commune_id
    try:
        return site.commune(commune_id).name
    except KeyError:
        return commune_id


def _iso(t: datetime | None) -> str:
    return t.isoformat() if t is not None else ""


def csv_row(r: ExtractionRecord, site: Site | None, bookmark_ids: Sequence[int] = ()
            ) -> list[str]:
    q, h = r.requisition, r.handover or {}
    return [r.reference, r.state, _commune(site, r.commune_id), r.operator_id, r.workstation,
            " ".join(r.cameras), paris(r.requested_start), paris(r.requested_end),
            _iso(r.requested_start), _iso(r.requested_end), q.get("procedure", ""),
            q.get("opj_name", ""), q.get("opj_rank", ""), q.get("opj_service", ""),
            q.get("date", ""), q.get("legal_basis", ""), q.get("note", ""), r.folder,
            r.manifest_sha256 or "", r.delivered.get("zip", {}).get("sha256", ""),
            r.signing_key or "", _iso(r.created_at), _iso(r.updated_at), r.detail,
            h.get("to", ""), h.get("service", ""), h.get("medium", ""), h.get("at_paris", ""),
            _iso(r.local_deleted_at), " ".join(f"n°{i}" for i in bookmark_ids)]


def register_csv(records: Sequence[ExtractionRecord], site: Site | None = None,
                 links: dict[str, list[int]] | None = None) -> str:
    """The register as CSV (UTF-8 with its BOM, for a spreadsheet), one row per extraction;
    ``links``: reference -> linked bookmark ids."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        writer.writerow(csv_row(r, site, (links or {}).get(r.reference, ())))
    return "\ufeff" + out.getvalue()


def register_pdf(records: Sequence[ExtractionRecord], site: Site | None = None,
                 links: dict[str, list[int]] | None = None, *, printed_at: str = "") -> bytes:
    """The register as a PDF (A4 landscape): one row per extraction with its requisition,
    state, hashes and hand-over."""
    title = "Registre des extractions d'images"
    doc = PdfDocument(title)
    doc.heading(title + (f" — {site.name}" if site is not None else ""))
    doc.paragraph(f"{len(records)} extraction(s)" + (f", édité le {printed_at}"
                                                     if printed_at else "") + ".")
    rows = []
    for r in records:
        q, h = r.requisition, r.handover or {}
        hand = (f"{h.get('to', '')} ({h.get('service', '')}), {h.get('medium', '')}, "
                f"{h.get('at_paris', '')}" if h else "non remise")
        if r.local_deleted_at is not None:
            hand += " ; copie du poste effacée"
        ids = (links or {}).get(r.reference, ())
        rows.append([
            r.reference, r.state, _commune(site, r.commune_id),
            f"{q.get('procedure', '')} — {q.get('opj_rank', '')} {q.get('opj_name', '')}, "
            f"{q.get('opj_service', '')} ; {q.get('date', '')} ; {q.get('legal_basis', '')}",
            f"{paris(r.requested_start)} → {paris(r.requested_end)}",
            f"{r.operator_id} / {' '.join(r.cameras)}",
            f"manifeste {r.manifest_sha256 or '—'} ; clé {r.signing_key or '—'}",
            hand + (" ; signets " + " ".join(f"n°{i}" for i in ids) if ids else "")])
    doc.table(["Référence", "État", "Commune", "Réquisition", "Période (Paris)",
               "Opérateur / caméras", "Empreintes", "Remise"],
              [0.09, 0.05, 0.07, 0.2, 0.14, 0.1, 0.2, 0.15], rows, size=6.5)
    return doc.to_bytes()
