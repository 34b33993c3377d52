"""The handover report as a complete French HTML document and the
bookmarks as CSV, built from a full shift walked on a real database."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from csu_wall.core.shifts import BookmarkFilter, BookmarkStatus, Severity
from csu_wall.services.handover_report import CSV_HEADER, bookmarks_csv, fr_time, to_html
from tests.services.shifts_env import PNG, T0, Room, make_room


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Room]:
    r = make_room(tmp_path / "csu.sqlite3")
    yield r
    r.db.close()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _walk_shift(room: Room):  # type: ignore[no-untyped-def]
    """Sign in, bookmark three incidents on two communes, lose a camera, hand over."""
    shifts = room.shifts("alice")
    marks = room.bookmarks("alice")
    shift = shifts.open("alice", ["mur-principal"])
    notes = ["Rixe <b>devant</b> le bar & la gare", "Accident rue Nationale",
             "=Dépôt sauvage; quai"]
    made = []
    for n, (cam, cat) in enumerate([("tcg-nvr1-001", "rixe"), ("tcg-nvr1-002", "accident"),
                                    ("rcq-nvr1-001", "dépôt sauvage")]):
        room.clock.advance(minutes=20)
        made.append(marks.create(room.camera(cam), room.clock.now - timedelta(minutes=1),
                                 category=cat, severity=Severity.MEDIUM, note=notes[n],
                                 shift_id=shift.id, snapshot_png=PNG))
    marks.update(made[1].id, status=BookmarkStatus.CLOSED)
    marks.mark_judicial(made[0].id, "PV 2026/77")
    shifts.record_lost(room.camera("rcq-nvr1-002"), T0 + timedelta(minutes=30))
    room.clock.advance(hours=7)
    report = shifts.close_with_handover(shifts.prepare_handover("Passer au poste de police"))
    return report, made, notes


def test_point4_handover_html_is_a_complete_french_document(room: Room) -> None:
    report, made, notes = _walk_shift(room)
    html = to_html(report, room.site)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert '<html lang="fr">' in html and '<meta charset="utf-8">' in html
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.text)
    assert {"html", "head", "title", "body", "table", "ol"} <= set(parser.tags)
    assert "b" not in parser.tags  # the note's markup is escaped, not rendered
    for heading in ("Signets de la vacation (3)", "Points ouverts à acquitter",
                    "Caméras perdues pendant la vacation (1)",
                    "Consignes de l'opérateur sortant", "Journal d'audit"):
        assert heading in text
    for note in notes:
        assert note in text
    assert "Procédure judiciaire : PV 2026/77" in text
    assert report.audit_head in text and "Passer au poste de police" in text
    assert "Caméra 2 roncq" in text and "toujours perdue" in text
    assert "Tourcoing" in text and "Roncq" in text
    assert fr_time(made[0].at_utc) in text and "07:19" in fr_time(made[0].at_utc)  # Paris
    assert "Relève n°" in text and str(report.id) in text
    # The report lists exactly the shift's three bookmarks.
    assert [b.id for b in report.bookmarks] == [b.id for b in made]
    assert len([k for k in report.open_items if k.kind == "bookmark"]) == 2  # one closed


def test_point4_bookmarks_csv(room: Room) -> None:
    report, made, notes = _walk_shift(room)
    data = bookmarks_csv(report.bookmarks, room.site)
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADER
    assert [int(r[0]) for r in rows[1:]] == [b.id for b in made]
    first = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert first["commune"] == "Tourcoing" and first["catégorie"] == "rixe"
    assert first["note"] == notes[0] and first["référence judiciaire"] == "PV 2026/77"
    assert first["statut"] == "ouvert" and first["instantané"] == "oui"
    assert rows[2][CSV_HEADER.index("statut")] == "clos"
    # A note that a spreadsheet would run as a formula is neutralised.
    assert rows[3][CSV_HEADER.index("note")] == "'" + notes[2]
    # The panel's search exports the same way.
    listed = room.bookmarks("alice").search(BookmarkFilter(shift_id=report.shift.id))
    assert bookmarks_csv(sorted(listed, key=lambda b: b.id), room.site) == data


def test_handover_report_anchor_reads_back_from_the_printed_pdf(room: Room, qapp,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    """The report carries the chain head as an anchor (sequence, hash; no signature on a
    workstation without the site key); its text copy (here pdftotext of Qt's PDF) is what
    ``audit verify --anchor`` reads."""
    import shutil
    import subprocess

    from csu_wall.gui.report_pdf import html_to_pdf
    from csu_wall.storage.audit_anchor import parse_anchors

    report, _made, _notes = _walk_shift(room)
    [anchor] = parse_anchors(report.audit_anchor)
    assert anchor.hash == report.audit_head and anchor.seq > 0 and not anchor.sig
    assert parse_anchors(to_html(report, room.site)) == [anchor]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils)")
    pdf = html_to_pdf(to_html(report, room.site), tmp_path / "releve.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert parse_anchors(text) == [anchor]
