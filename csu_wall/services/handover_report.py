"""The handover report as a French HTML document, and bookmarks as CSV.

The HTML is complete and self-contained (inline style, no external resource) so Qt's printing
turns it into the PDF as it is. Every value is escaped. Times are shown in Europe/Paris.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from csu_wall.core.model import Site
from csu_wall.core.shifts import Bookmark, BookmarkStatus, HandoverReport, Severity
from csu_wall.storage.audit_anchor import parse_anchors

PARIS = ZoneInfo("Europe/Paris")
STATUS_FR = {BookmarkStatus.OPEN: "ouvert", BookmarkStatus.FOLLOWED_UP: "suivi",
             BookmarkStatus.CLOSED: "clos"}
SEVERITY_FR = {Severity.LOW: "faible", Severity.MEDIUM: "moyenne", Severity.HIGH: "élevée",
               Severity.CRITICAL: "critique"}
CSV_HEADER = ("n°", "date (heure de Paris)", "date UTC", "commune", "caméra", "catégorie",
              "gravité", "statut", "note", "opérateur", "vacation", "référence judiciaire",
              "instantané")

# Laid out for A4 portrait by Qt's rich text (QTextDocument): tables take the page's width
# through their width attribute (Qt ignores CSS widths on tables), columns get percentages
# wide enough for their longest word, and dates, times and headers never wrap — so no word
# or date is ever cut ("Commun/e", "04/12/202/6").
_STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 10pt; color: #000;
       background: #fff; }
h1 { font-size: 16pt; margin-bottom: 2pt; }
h2 { font-size: 12pt; margin-top: 14pt; border-bottom: 1px solid #444; }
table { border-collapse: collapse; }
th, td { border: 1px solid #888; padding: 3pt; text-align: left; vertical-align: top;
         font-size: 9pt; }
th { background: #ddd; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.muted { color: #555; }
.mono { font-family: 'DejaVu Sans Mono', monospace; font-size: 8pt; }
.hash { font-family: 'DejaVu Sans Mono', monospace; font-size: 6.5pt; }
"""
_TABLE = '<table width="100%" cellspacing="0" cellpadding="3" border="1">'


def fr_time(value: datetime | None) -> str:
    """``25/11/2026 13:00`` in Europe/Paris; an empty string for None."""
    if value is None:
        return ""
    return value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def to_html(report: HandoverReport, site: Site, names: Mapping[str, str] | None = None,
            thumbnails: Mapping[int, bytes] | None = None) -> str:
    """``names``: operators' display names by login (a login is shown when missing);
    ``thumbnails``: small JPEG pictures of the bookmarks' snapshots, by bookmark id (shown
    after the bookmarks' table, inside the file: it stays whole when copied)."""
    shift = report.shift

    def name(login: str) -> str:
        return (names or {}).get(login, login)

    members = ", ".join(name(m) for m in shift.members) or name(shift.operator_id)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>Relève de la vacation n° {shift.id} — {escape(site.name)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Relève de la vacation n° {shift.id}</h1>",
        f"<p class='muted'>{escape(site.name)} — poste {escape(shift.workstation)} — "
        "heures de Paris</p>",
        _TABLE,
        _row("Opérateur", escape(name(shift.operator_id))),
        _row("Opérateurs de la vacation", escape(members)),
        _row("Murs", escape(", ".join(shift.walls)) or "—"),
        _row("Début", fr_time(shift.started_utc)),
        _row("Fin", fr_time(shift.ended_utc) or "en cours"),
        _row("Rapport établi le", fr_time(report.generated_utc)),
        _row("Relève n°", str(report.id) if report.id is not None else "non enregistrée"),
        _row("Acquittée par", escape(name(report.acknowledged_by) if report.acknowledged_by
                                     else "pas encore acquittée")),
        "</table>",
        f"<h2>Signets de la vacation ({len(report.bookmarks)})</h2>",
        _bookmarks_table(report.bookmarks, site),
        _thumbnails(report, site, thumbnails or {}),
        f"<h2>Points ouverts à acquitter ({len(report.open_items)})</h2>",
    ]
    if report.open_items:
        parts.append("<ol>" + "".join(f"<li>{escape(item_text(i.text, site))}</li>"
                                      for i in report.open_items)
                     + "</ol>")
    else:
        parts.append("<p>Aucun point ouvert.</p>")
    parts.append(f"<h2>Caméras perdues pendant la vacation ({len(report.lost_cameras)})</h2>")
    if report.lost_cameras:
        parts.append(_TABLE + _header(("Caméra", 34), ("Commune", 22), ("Perdue à", 22),
                                      ("Revenue à", 22)))
        for cam in report.lost_cameras:
            parts.append(
                f"<tr><td>{escape(cam.camera_name)}</td>"
                f"<td>{escape(_commune(site, cam.commune_id))}</td>"
                f"<td class='nowrap'>{fr_time(cam.since_utc)}</td>"
                f"<td class='nowrap'>{fr_time(cam.until_utc) or 'toujours perdue'}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>Aucune caméra perdue.</p>")
    notes = escape(report.notes).replace("\n", "<br>") if report.notes.strip() else "Aucune."
    parts += [
        "<h2>Consignes de l'opérateur sortant</h2>", f"<p>{notes}</p>",
        "<h2>Journal d'audit</h2>",
        *_anchor_block(report),
        "</body></html>",
    ]
    return "\n".join(parts)


def _anchor_block(report: HandoverReport) -> list[str]:
    """The chain head at the handover, as an anchor: sequence, hash and signature, then the
    line ``csu-wall audit verify --anchor`` reads back (copied from the report, or its file)."""
    found = parse_anchors(report.audit_anchor)
    if not found:
        return ["<p>Tête de chaîne du journal d'audit au moment de la relève (empreinte) :</p>",
                f"<p class='mono'>{escape(report.audit_head)}</p>"]
    a = found[0]
    return [
        "<p>Ancre du journal d'audit au moment de la relève : la base doit toujours contenir "
        "cet enregistrement, avec cette empreinte (<code>csu-wall audit verify --anchor</code>)."
        "</p>",
        "<table>",
        _row("Enregistrement n°", str(a.seq)),
        _row("Empreinte", f"<span class='hash'>{a.hash}</span>"),
        _row("Signature (clé de site)", f"<span class='hash'>{a.sig}</span>" if a.sig
             else "aucune : poste sans clé de site"),
        _row("Signé depuis le n°", str(a.first_signed) if a.first_signed else "—"),
        "</table>",
        f"<p class='mono'>{escape(a.line())}</p>",
    ]


def item_text(text: str, site: Site) -> str:
    """An open item as a reader wants it: the camera and commune by name, where the stored
    line names them by id ("caméra tcg-001 (tourcoing)" → "caméra « Gare » (Tourcoing)")."""

    def camera(match: re.Match[str]) -> str:
        try:
            return f"caméra « {site.camera(match.group(1)).name} » ("
        except KeyError:
            return match.group(0)

    def commune(match: re.Match[str]) -> str:
        try:
            return f"({site.commune(match.group(1)).name})"
        except KeyError:
            return match.group(0)

    return re.sub(r"\(([\w-]+)\)", commune, re.sub(r"caméra ([\w.-]+) \(", camera, text))


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
    # one-word values (severity, status) never wrap; the category's column takes
    # « stationnement » whole
    out = [_TABLE + _header(("N°", 4), ("Heure", 17), ("Commune", 12), ("Caméra", 13),
                            ("Catégorie", 15), ("Gravité", 9), ("Statut", 8), ("Note", 22))]
    for b in rows:
        judicial = (f"<br><em>Procédure judiciaire : {escape(b.judicial_ref)}</em>"
                    if b.judicial_ref else "")
        out.append(
            f"<tr><td>{b.id}</td><td class='nowrap'>{fr_time(b.at_utc)}</td>"
            f"<td>{escape(_commune(site, b.commune_id))}</td>"
            f"<td>{escape(_camera(site, b.camera_id))}</td><td>{escape(b.category)}</td>"
            f"<td class='nowrap'>{SEVERITY_FR[b.severity]}</td>"
            f"<td class='nowrap'>{STATUS_FR[b.status]}</td>"
            f"<td>{escape(b.note)}{judicial}</td></tr>")
    out.append("</table>")
    return "".join(out)


THUMBS_PER_ROW = 3


def _thumbnails(report: HandoverReport, site: Site, thumbnails: Mapping[int, bytes]) -> str:
    """The snapshots of the report's bookmarks, three a row, each under its number, camera
    and time (a data: URL: Qt's rich text and browsers both read it)."""
    shown = [b for b in report.bookmarks if b.id in thumbnails]
    if not shown:
        return ""
    cells = []
    for b in shown:
        data = base64.b64encode(thumbnails[b.id]).decode("ascii")
        cells.append(
            f"<td width='{100 // THUMBS_PER_ROW}%'><img src='data:image/jpeg;base64,{data}' "
            f"width='200'><br>Signet n° {b.id} — {escape(_camera(site, b.camera_id))}, "
            f"<span class='nowrap'>{fr_time(b.at_utc)}</span></td>")
    rows = ["<tr>" + "".join(cells[i:i + THUMBS_PER_ROW]) + "</tr>"
            for i in range(0, len(cells), THUMBS_PER_ROW)]
    return (f"<h3>Images des signets ({len(shown)})</h3>"
            '<table width="100%" cellspacing="0" cellpadding="4" border="0">'
            + "".join(rows) + "</table>")


def _row(label: str, value: str) -> str:
    return f"<tr><th width='30%'>{escape(label)}</th><td>{value}</td></tr>"


def _header(*columns: tuple[str, int]) -> str:
    """A table's header row: (title, width in % of the page)."""
    return "<tr>" + "".join(f"<th width='{width}%'>{escape(title)}</th>"
                            for title, width in columns) + "</tr>"


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
