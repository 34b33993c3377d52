"""The statement a commune's mayor receives: who viewed which of its cameras, when, how long.

Built from the audit log (``csu-wall audit export``). A live view runs from its ``live_view``
record to the next ``live_view_end`` of the same workstation, operator and camera; further
``live_view`` records in between are stream switches of the same view. A view with no end in
the period says so. Playback, snapshot and export records are listed without a duration.
Times are shown in Europe/Paris.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from csu_wall.core.audit import AuditAction
from csu_wall.storage.audit import entries
from csu_wall.storage.db import Database
from csu_wall.storage.schema import cameras, operators

PARIS = ZoneInfo("Europe/Paris")
COLUMNS = ("Opérateur", "Identifiant", "Poste", "Caméra", "Action", "Début", "Fin", "Durée")
_ACTION = {AuditAction.LIVE_VIEW: "Visionnage en direct", AuditAction.PLAYBACK: "Relecture",
           AuditAction.SNAPSHOT: "Capture d'image", AuditAction.EXPORT: "Extraction"}


@dataclass(frozen=True)
class ViewLine:
    operator_id: str
    operator_name: str
    workstation: str
    camera_id: str
    camera_name: str
    action: AuditAction
    start: datetime  # UTC
    end: datetime | None  # UTC; None: no end recorded in the period

    @property
    def duration(self) -> timedelta | None:
        return None if self.end is None else self.end - self.start


def statement(db: Database, commune_id: str, start: datetime, end: datetime) -> list[ViewLine]:
    """Views of the commune's cameras that started in [start, end) (aware datetimes)."""
    with db.read() as conn:
        names = dict(conn.execute(select(operators.c.id, operators.c.display_name)).all())
        cams = dict(conn.execute(select(cameras.c.id, cameras.c.name)).all())
    lines: list[ViewLine] = []
    open_views: dict[tuple[str, str, str], int] = {}
    for rec in entries(db, limit=None, commune_id=commune_id):
        e = rec.entry
        if not (start <= e.ts_utc < end) or e.camera_id is None:
            continue
        key = (e.workstation, e.operator_id, e.camera_id)
        if e.action is AuditAction.LIVE_VIEW_END:
            index = open_views.pop(key, None)
            if index is not None:
                lines[index] = _with_end(lines[index], e.ts_utc)
            continue
        if e.action not in _ACTION:
            continue
        if e.action is AuditAction.LIVE_VIEW and key in open_views:
            continue  # a main/sub switch of a view already open
        line = ViewLine(e.operator_id, str(names.get(e.operator_id, e.operator_id)),
                        e.workstation, e.camera_id, str(cams.get(e.camera_id, e.camera_id)),
                        e.action, e.ts_utc, e.ts_utc if e.action is not AuditAction.LIVE_VIEW
                        else None)
        if e.action is AuditAction.LIVE_VIEW:
            open_views[key] = len(lines)
        lines.append(line)
    return lines


def _with_end(line: ViewLine, end: datetime) -> ViewLine:
    return ViewLine(line.operator_id, line.operator_name, line.workstation, line.camera_id,
                    line.camera_name, line.action, line.start, end)


def _paris(t: datetime | None) -> str:
    return "" if t is None else t.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")


def _duration(line: ViewLine) -> str:
    if line.action is not AuditAction.LIVE_VIEW:
        return ""
    d = line.duration
    if d is None:
        return "fin non enregistrée"
    seconds = int(d.total_seconds())
    return f"{seconds // 3600:d} h {seconds // 60 % 60:02d} min {seconds % 60:02d} s"


def rows(lines: list[ViewLine]) -> list[list[str]]:
    return [[ln.operator_name, ln.operator_id, ln.workstation, ln.camera_name,
             _ACTION[ln.action], _paris(ln.start),
             _paris(ln.end) if ln.action is AuditAction.LIVE_VIEW else "", _duration(ln)]
            for ln in lines]


def to_csv(lines: list[ViewLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # the French spreadsheet default
    writer.writerow(COLUMNS)
    writer.writerows(rows(lines))
    return out.getvalue()


def to_html(lines: list[ViewLine], commune_name: str, start: datetime, end: datetime) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>\n"
                   for r in rows(lines))
    title = (f"Consultations des caméras de {commune_name} du {_paris(start)[:10]} au "
             f"{_paris(end - timedelta(seconds=1))[:10]}")
    return (f"<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>"
            f"{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>\n"
            f"<table border=\"1\"><tr>{head}</tr>\n{body}</table>\n"
            f"<p>{len(lines)} consultation(s). Heures de Paris. Source : journal d'audit "
            "csu-wall.</p></body></html>\n")
