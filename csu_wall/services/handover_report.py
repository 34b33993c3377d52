"""The handover report as a French HTML document, and bookmarks as CSV.

The HTML is complete and self-contained (inline style, no external resource) so Qt's printing
turns it into the PDF as it is. Every value is escaped. Times are shown in Europe/Paris.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from csu_wall.core.model import Site
from csu_wall.core.shifts import Bookmark, BookmarkStatus, HandoverReport, Severity

PARIS = ZoneInfo("Europe/Paris")
STATUS_FR = {BookmarkStatus.OPEN: "ouvert", BookmarkStatus.FOLLOWED_UP: "suivi",
             BookmarkStatus.CLOSED: "clos"}
SEVERITY_FR = {Severity.LOW: "faible", Severity.MEDIUM: "moyenne", Severity.HIGH: "élevée",
               Severity.CRITICAL: "critique"}
CSV_HEADER = ("n°", "date (heure de Paris)", "date UTC", "commune", "caméra", "catégorie",
              "gravité", "statut", "note", "opérateur", "vacation", "référence judiciaire",
              "instantané")

_STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 10pt; color: #000; }
h1 { font-size: 16pt; margin-bottom: 2pt; }
h2 { font-size: 12pt; margin-top: 14pt; border-bottom: 1px solid #444; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #888; padding: 3pt; text-align: left; vertical-align: top; }
th { background: #ddd; }
.muted { color: #555; }
.mono { font-family: 'DejaVu Sans Mono', monospace; font-size: 8pt; }
"""


def fr_time(value: datetime | None) -> str:
    """``25/11/2026 13:00`` in Europe/Paris; an empty string for None."""
    if value is None:
        return ""
    return value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def to_html(report: HandoverReport, site: Site) -> str:
    shift = report.shift
    members = ", ".join(shift.members) or shift.operator_id
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>Relève de la vacation n° {shift.id} — {escape(site.name)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Relève de la vacation n° {shift.id}</h1>",
        f"<p class='muted'>{escape(site.name)} — poste {escape(shift.workstation)}</p>",
        "<table>",
        _row("Opérateur", escape(shift.operator_id)),
        _row("Opérateurs de la vacation", escape(members)),
        _row("Murs", escape(", ".join(shift.walls)) or "—"),
        _row("Début", fr_time(shift.started_utc)),
        _row("Fin", fr_time(shift.ended_utc) or "en cours"),
        _row("Rapport établi le", fr_time(report.generated_utc)),
        _row("Relève n°", str(report.id) if report.id is not None else "non enregistrée"),
        _row("Acquittée par", escape(report.acknowledged_by or "pas encore acquittée")),
        "</table>",
        f"<h2>Signets de la vacation ({len(report.bookmarks)})</h2>",
        _bookmarks_table(report.bookmarks, site),
        f"<h2>Points ouverts à acquitter ({len(report.open_items)})</h2>",
    ]
    if report.open_items:
        parts.append("<ol>" + "".join(f"<li>{escape(i.text)}</li>" for i in report.open_items)
                     + "</ol>")
    else:
        parts.append("<p>Aucun point ouvert.</p>")
    parts.append(f"<h2>Caméras perdues pendant la vacation ({len(report.lost_cameras)})</h2>")
    if report.lost_cameras:
        parts.append("<table><tr><th>Caméra</th><th>Commune</th><th>Perdue à</th>"
                     "<th>Revenue à</th></tr>")
        for cam in report.lost_cameras:
            parts.append(
                f"<tr><td>{escape(cam.camera_name)}</td>"
                f"<td>{escape(_commune(site, cam.commune_id))}</td>"
                f"<td>{fr_time(cam.since_utc)}</td>"
                f"<td>{fr_time(cam.until_utc) or 'toujours perdue'}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>Aucune caméra perdue.</p>")
    notes = escape(report.notes).replace("\n", "<br>") if report.notes.strip() else "Aucune."
    parts += [
        "<h2>Consignes de l'opérateur sortant</h2>", f"<p>{notes}</p>",
        "<h2>Journal d'audit</h2>",
        "<p>Tête de chaîne du journal d'audit au moment de la relève (empreinte SHA-256) :</p>",
        f"<p class='mono'>{escape(report.audit_head)}</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def bookmarks_csv(bookmarks: Iterable[Bookmark], site: Site) -> str:
    """CSV (semicolon-separated, as French spreadsheets expect) with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for b in bookmarks:
        writer.writerow((
            b.id, fr_time(b.at_utc), b.at_utc.isoformat(timespec="seconds"),
            _commune(site, b.commune_id), _camera(site, b.camera_id), b.category,
            SEVERITY_FR[b.severity], STATUS_FR[b.status], _csv_safe(b.note), b.operator_id,
            b.shift_id if b.shift_id is not None else "", b.judicial_ref or "",
            "oui" if b.has_snapshot else "non",
        ))
    return out.getvalue()


def _bookmarks_table(bookmarks: Iterable[Bookmark], site: Site) -> str:
    rows = list(bookmarks)
    if not rows:
        return "<p>Aucun signet.</p>"
    out = ["<table><tr><th>N°</th><th>Heure</th><th>Commune</th><th>Caméra</th>"
           "<th>Catégorie</th><th>Gravité</th><th>Statut</th><th>Note</th></tr>"]
    for b in rows:
        judicial = (f"<br><em>Procédure judiciaire : {escape(b.judicial_ref)}</em>"
                    if b.judicial_ref else "")
        out.append(
            f"<tr><td>{b.id}</td><td>{fr_time(b.at_utc)}</td>"
            f"<td>{escape(_commune(site, b.commune_id))}</td>"
            f"<td>{escape(_camera(site, b.camera_id))}</td><td>{escape(b.category)}</td>"
            f"<td>{SEVERITY_FR[b.severity]}</td><td>{STATUS_FR[b.status]}</td>"
            f"<td>{escape(b.note)}{judicial}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _row(label: str, value: str) -> str:
    return f"<tr><th>{escape(label)}</th><td>{value}</td></tr>"


def _commune(site: Site, commune_id: str) -> str:
    try:
        return site.commune(commune_id).name
    except KeyError:
        return commune_id


def _camera(site: Site, camera_id: str) -> str:
    try:
        return site.camera(camera_id).name
    except KeyError:
        return camera_id


def _csv_safe(value: str) -> str:
    # A note starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
