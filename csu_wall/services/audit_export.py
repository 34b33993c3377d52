"""The statement a commune's mayor receives: everything the audit log says about the commune.

Built from the audit log and the bookmarks (``csu-wall audit export``), for any commune that
ever existed in the site — attached, detached, or since removed from the site file (found by
its id or name in the site applications recorded in the log). Sections, in one table:

- *Vue à l'écran*: on-screen intervals (``on_screen_start`` … ``on_screen_end``, paired by
  ``extra["interval"]``) that overlap the period, with their duration; an interval without an
  end is shown as not finished.
- *Accès*: the access records the gate wrote before any connection (``live_view`` up to its
  ``live_view_end`` when there is one, ``playback``, ``snapshot``, ``export``).
- *Refus*: denied attempts on the commune's cameras.
- *Signet*: bookmarks of the period and every bookmark under a judicial hold, then the
  bookmark records of the period (creation, edits, hold, deletion at the end of retention).
- *Administration*: grants, revocations, credential changes, detach and attach, channel
  imports, certificates, layouts of the commune, and every site application that listed it.

CSV (semicolon-separated), HTML and PDF (:mod:`csu_wall.services._pdf`, without Qt). Each
carries the audit chain's head as an anchor line (``csu-wall audit verify --anchor``). Times
are shown in Europe/Paris.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.errors import CsuWallError
from csu_wall.core.shifts import BookmarkStatus
from csu_wall.services._pdf import PdfDocument
from csu_wall.services.handover_report import STATUS_FR
from csu_wall.storage.audit import entries
from csu_wall.storage.audit_anchor import Anchor
from csu_wall.storage.db import Database
from csu_wall.storage.schema import audit_log, cameras, operators
from csu_wall.storage.schema_shifts import bookmarks
from csu_wall.storage.site_repo import load_site

PARIS = ZoneInfo("Europe/Paris")
INTERVAL_KEY = "interval"  # the extra key pairing an on-screen interval's two records
COLUMNS = ("Rubrique", "Début", "Fin", "Durée", "Opérateur", "Identifiant", "Poste",
           "Caméra", "Action", "Détail")
VIEW, ACCESS, DENIED, BOOKMARK, ADMIN = ("Vue à l'écran", "Accès", "Refus", "Signet",
                                         "Administration")
SECTIONS = (VIEW, ACCESS, DENIED, BOOKMARK, ADMIN)
_ACCESS = {AuditAction.LIVE_VIEW: "Visionnage en direct", AuditAction.PLAYBACK: "Relecture",
           AuditAction.SNAPSHOT: "Capture d'image", AuditAction.EXPORT: "Extraction"}
_ADMIN = {AuditAction.HABILITATION_GRANT: "Habilitation accordée",
          AuditAction.HABILITATION_REVOKE: "Habilitation retirée",
          AuditAction.CREDENTIAL_CHANGE: "Identifiant d'enregistreur modifié",
          AuditAction.COMMUNE_DETACH: "Commune détachée",
          AuditAction.COMMUNE_ATTACH: "Commune rattachée",
          AuditAction.SITE_APPLY: "Fichier de site appliqué",
          AuditAction.CHANNEL_IMPORT: "Caméras importées de l'enregistreur",
          AuditAction.CERT_TRUST: "Certificat d'enregistreur approuvé",
          AuditAction.LAYOUT_CHANGE: "Disposition modifiée",
          AuditAction.EXPORT_STATE: "Registre des extractions"}
_BOOKMARK = {AuditAction.BOOKMARK: "Signet créé", AuditAction.BOOKMARK_CHANGE: "Signet modifié"}
# Not about the commune even when a commune is named (sessions, shifts).
_NOT_ADMIN = {AuditAction.LOGIN, AuditAction.LOGOUT, AuditAction.LOCK, AuditAction.UNLOCK,
              AuditAction.LOGIN_FAILED, AuditAction.SHIFT_OPEN, AuditAction.SHIFT_JOIN,
              AuditAction.SHIFT_CLOSE, AuditAction.HANDOVER, AuditAction.HANDOVER_ACK,
              AuditAction.LIVE_VIEW_END, AuditAction.ON_SCREEN_END, AuditAction.SITE_KEY}


class StatementError(CsuWallError):
    """The statement cannot be produced; the message (French) says why."""


@dataclass(frozen=True)
class CommuneRef:
    id: str
    name: str
    status: str  # "rattachée", "détachée", "retirée du fichier de site"


@dataclass(frozen=True)
class Line:
    section: str
    start: datetime  # UTC
    end: datetime | None  # UTC; None: not finished (views), or no duration
    operator_id: str
    operator_name: str
    workstation: str
    camera: str
    action: str
    detail: str = ""
    has_duration: bool = False

    @property
    def duration(self) -> timedelta | None:
        return None if self.end is None else self.end - self.start


@dataclass
class Statement:
    commune: CommuneRef
    start: datetime
    end: datetime
    lines: list[Line] = field(default_factory=list)
    anchor: Anchor | None = None

    def of(self, section: str) -> list[Line]:
        return [ln for ln in self.lines if ln.section == section]


def resolve_commune(db: Database, wanted: str) -> CommuneRef:
    """A commune of the site now, or one the site ever had (by id or name, case-insensitive;
    INSEE code for a commune of the current site)."""
    key = wanted.strip().casefold()
    site = load_site(db)
    if site is not None:
        for c in site.communes:
            if key in (c.id.casefold(), c.name.casefold(), c.insee):
                return CommuneRef(c.id, c.name, "rattachée" if c.attached else "détachée")
    known: dict[str, str] = {}
    with db.read() as conn:
        for extra in conn.execute(select(audit_log.c.extra).where(
                audit_log.c.action == AuditAction.SITE_APPLY.value)).scalars():
            try:
                known.update(json.loads(dict(extra).get("communes", "{}")))
            except (TypeError, ValueError):
                continue
        used = set(conn.execute(select(audit_log.c.commune_id).distinct()
                                .where(audit_log.c.commune_id.is_not(None))).scalars())
        used |= set(conn.execute(select(bookmarks.c.commune_id).distinct()).scalars())
    for cid, name in known.items():
        if key in (cid.casefold(), str(name).casefold()):
            return CommuneRef(cid, str(name), "retirée du fichier de site")
    for cid in used:
        if key == str(cid).casefold():
            return CommuneRef(str(cid), str(cid), "retirée du fichier de site")
    raise StatementError(
        f"Commune inconnue : « {wanted} ». Donnez son identifiant, son nom ou son code INSEE "
        "(pour une commune retirée du fichier de site : son identifiant ou son nom).")


def statement(db: Database, commune: CommuneRef | str, start: datetime,
              end: datetime) -> Statement:
    """Everything about the commune in [start, end) (aware datetimes)."""
    ref = commune if isinstance(commune, CommuneRef) else resolve_commune(db, commune)
    with db.read() as conn:
        names = {str(k): str(v) for k, v in
                 conn.execute(select(operators.c.id, operators.c.display_name)).all()}
        cams = {str(k): str(v) for k, v in conn.execute(select(cameras.c.id, cameras.c.name))}
        marks = conn.execute(
            select(bookmarks).where(bookmarks.c.commune_id == ref.id).where(or_(
                bookmarks.c.judicial_ref.is_not(None),
                (bookmarks.c.at_utc >= start) & (bookmarks.c.at_utc < end)))
            .order_by(bookmarks.c.at_utc, bookmarks.c.id)).mappings().all()
    builder = _StatementLines(Statement(ref, start, end), names, cams)
    for rec in entries(db, limit=None):
        e = rec.entry
        if e.commune_id == ref.id or _site_apply_names(e, ref.id):
            builder.add(e)
    builder.finish(marks)
    out = builder.out
    order = {s: i for i, s in enumerate(SECTIONS)}
    out.lines.sort(key=lambda ln: (order[ln.section], ln.start))
    return out


class _StatementLines:
    """The statement's lines, entry by entry in the audit log's order: an on-screen interval
    is one line from its start to its end, a live access one line until it ends (a main/sub
    switch inside it adds none), the other records one line each."""

    def __init__(self, out: Statement, names: dict[str, str], cams: dict[str, str]) -> None:
        self.out = out
        self._names = names
        self._cams = cams
        self._in_period = _period(out.start, out.end)
        self._open_views: dict[str, int] = {}  # interval id -> index in lines (in period)
        self._pending: dict[str, AuditEntry] = {}  # started before the period, not ended
        self._open_access: dict[tuple[str, str, str], int] = {}

    def line(self, section: str, e: AuditEntry, action: str, *,
             end_at: datetime | None = None, has_duration: bool = False,
             detail: str | None = None) -> Line:
        return Line(section, e.ts_utc, end_at, e.operator_id,
                    self._names.get(e.operator_id, e.operator_id), e.workstation,
                    self._cams.get(e.camera_id, e.camera_id) if e.camera_id else "", action,
                    e.detail if detail is None else detail, has_duration)

    def add(self, e: AuditEntry) -> None:
        if e.action in (AuditAction.ON_SCREEN_START, AuditAction.ON_SCREEN_END):
            self._on_screen(e)
            return
        key = (e.workstation, e.operator_id, e.camera_id or "")
        lines = self.out.lines
        if e.action is AuditAction.LIVE_VIEW_END:
            if key in self._open_access:
                i = self._open_access.pop(key)
                lines[i] = _ended(lines[i], e.ts_utc)
            return
        if not self._in_period(e.ts_utc):
            return
        if e.action in _ACCESS:
            if e.action is AuditAction.LIVE_VIEW:
                if key in self._open_access:
                    return  # a main/sub switch of an access already open
                self._open_access[key] = len(lines)
            lines.append(self.line(ACCESS, e, _ACCESS[e.action],
                                   has_duration=e.action is AuditAction.LIVE_VIEW, detail=""))
        elif e.action is AuditAction.DENIED:
            tried_action = _action(e.detail)
            tried = (_ACCESS.get(tried_action, e.detail) if tried_action is not None
                     else e.detail or "accès")
            lines.append(self.line(DENIED, e, "Accès refusé", detail=f"tentative : {tried}"))
        elif e.action in _BOOKMARK:
            lines.append(self.line(BOOKMARK, e, _BOOKMARK[e.action]))
        elif e.action not in _NOT_ADMIN:
            lines.append(self.line(ADMIN, e, _ADMIN.get(e.action, e.action.value)))

    def _on_screen(self, e: AuditEntry) -> None:
        interval = e.extra.get(INTERVAL_KEY, "")
        lines = self.out.lines
        if e.action is AuditAction.ON_SCREEN_START:
            if e.ts_utc < self.out.end:
                if self._in_period(e.ts_utc):
                    self._open_views[interval] = len(lines)
                    lines.append(self.line(VIEW, e, "Caméra affichée", has_duration=True,
                                           detail=""))
                else:
                    self._pending[interval] = e
        elif interval in self._open_views:
            i = self._open_views.pop(interval)
            lines[i] = _ended(lines[i], e.ts_utc)
        elif interval in self._pending:
            started = self._pending.pop(interval)
            if e.ts_utc >= self.out.start:  # began before the period, still on screen in it
                lines.append(_ended(self.line(VIEW, started, "Caméra affichée",
                                              has_duration=True, detail=""), e.ts_utc))

    def finish(self, marks: Sequence[Mapping[Any, Any]]) -> None:
        """The intervals that never ended, then the commune's bookmarks."""
        lines = self.out.lines
        for started in self._pending.values():  # began before the period and never ended
            lines.append(self.line(VIEW, started, "Caméra affichée", has_duration=True,
                                   detail=""))
        names, cams = self._names, self._cams
        for m in marks:
            hold = (f" ; conservation judiciaire : {m['judicial_ref']}" if m["judicial_ref"]
                    else "")
            lines.append(Line(
                BOOKMARK, m["at_utc"], None, str(m["operator_id"]),
                names.get(str(m["operator_id"]), str(m["operator_id"])),
                str(m["workstation"] or ""),
                cams.get(m["camera_id"], m["camera_id"]), f"Signet n° {m['id']}",
                f"{m['category']} ; statut : {STATUS_FR[BookmarkStatus(m['status'])]}{hold}"
                + (f" ; note : {m['note']}" if m["note"] else "")))


def _period(start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    return lambda t: start <= t < end


def _action(value: str) -> AuditAction | None:
    try:
        return AuditAction(value)
    except ValueError:
        return None


def _site_apply_names(e: AuditEntry, commune_id: str) -> bool:
    """A site application that listed, added or removed the commune (an application recorded
    without that detail concerns every commune)."""
    if e.action is not AuditAction.SITE_APPLY:
        return False
    if "communes" not in e.extra:
        return True
    try:
        listed = set(json.loads(e.extra["communes"]))
    except ValueError:
        listed = set()
    changed = set(e.extra.get("removed", "").split(",")) | set(e.extra.get("added", "")
                                                              .split(","))
    return commune_id in listed or commune_id in changed


def _ended(ln: Line, end: datetime) -> Line:
    return Line(ln.section, ln.start, end, ln.operator_id, ln.operator_name, ln.workstation,
                ln.camera, ln.action, ln.detail, ln.has_duration)


def _paris(t: datetime | None) -> str:
    return "" if t is None else t.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")


def _duration(ln: Line) -> str:
    if not ln.has_duration:
        return ""
    d = ln.duration
    if d is None:
        return "non terminée" if ln.section == VIEW else "fin non enregistrée"
    seconds = int(d.total_seconds())
    return f"{seconds // 3600:d} h {seconds // 60 % 60:02d} min {seconds % 60:02d} s"


def rows(st: Statement) -> list[list[str]]:
    return [[ln.section, _paris(ln.start), _paris(ln.end) if ln.has_duration else "",
             _duration(ln), ln.operator_name, ln.operator_id, ln.workstation, ln.camera,
             ln.action, ln.detail] for ln in st.lines]


def _title(st: Statement) -> str:
    return (f"Relevé du journal d'audit — commune de {st.commune.name} "
            f"({st.commune.status}), du {_paris(st.start)[:10]} au "
            f"{_paris(st.end - timedelta(seconds=1))[:10]}")


def _summary(st: Statement) -> str:
    counts = ", ".join(f"{s} : {len(st.of(s))}" for s in SECTIONS)
    return f"{counts}. Heures de Paris. Source : journal d'audit csu-wall."


def _anchor_text(st: Statement) -> str:
    if st.anchor is None:
        return ""
    return ("Ancre du journal d'audit (à conserver ; `csu-wall audit verify --anchor` vérifie "
            "que la base contient toujours cet enregistrement) : " + st.anchor.line())


def to_csv(st: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")  # the French default
    writer.writerow(COLUMNS)
    writer.writerows([[_csv_safe(v) for v in r] for r in rows(st)])
    if st.anchor is not None:
        writer.writerow([])
        writer.writerow(["Ancre du journal d'audit", st.anchor.line()])
    return out.getvalue()


def to_html(st: Statement) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>\n"
                   for r in rows(st))
    title = _title(st)
    anchor = (f"<p><code>{html.escape(_anchor_text(st))}</code></p>\n"
              if st.anchor is not None else "")
    return (f"<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>"
            f"{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>\n"
            f"<p>{html.escape(_summary(st))}</p>\n"
            f"<table border=\"1\"><tr>{head}</tr>\n{body}</table>\n{anchor}</body></html>\n")


def to_pdf(st: Statement) -> bytes:
    doc = PdfDocument(_title(st))
    doc.heading(_title(st))
    doc.paragraph(_summary(st))
    widths = (0.95, 1.15, 1.15, 0.9, 1.1, 0.8, 0.8, 1.2, 1.9, 2.6)
    for section in SECTIONS:
        lines = st.of(section)
        doc.heading(f"{section} ({len(lines)})", size=11)
        if not lines:
            doc.paragraph("Aucun enregistrement.")
            continue
        doc.table(COLUMNS, widths, [r for r, ln in zip(rows(st), st.lines, strict=True)
                                    if ln.section == section])
    if st.anchor is not None:
        doc.heading("Ancre du journal d'audit", size=11)
        doc.paragraph("À conserver : `csu-wall audit verify --anchor` vérifie que la base "
                      "contient toujours cet enregistrement avec cette empreinte.")
        doc.line(st.anchor.line())
    return doc.to_bytes()


def _csv_safe(value: str) -> str:
    # A value starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
