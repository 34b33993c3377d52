"""Removing a commune from the site file while it still has bookmarks (one under judicial
hold) or habilitations, in force or revoked, is refused with the counts and the commands that
resolve it; ``attached = false`` keeps it (detached) instead. ``habilitation purge`` deletes
the revoked ones, audited. Through ``csu_wall.app.main`` on a real SQLite database."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from csu_wall import app
from csu_wall.storage.audit import entries
from csu_wall.storage.db import Database
from csu_wall.storage.schema import communes, habilitations
from csu_wall.storage.schema_shifts import bookmarks

HEAD = '[site]\nname = "CSU"\n'
HALLUIN = '[[commune]]\nid = "halluin"\nname = "Halluin"\ninsee = "59279"\n'
RONCQ = '[[commune]]\nid = "roncq"\nname = "Roncq"\ninsee = "59508"\n'
CAMERAS = ('[[recorder]]\nid = "hal-nvr"\ncommune = "halluin"\ndriver = "rtsp"\n'
           'host = "10.0.0.1"\n[[camera]]\nid = "hal-1"\nname = "Mairie"\n'
           'commune = "halluin"\nrecorder = "hal-nvr"\n')
PASSWORD = "Une-Phrase-De-Passe-Longue-2026\n"


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: Path,
        *argv: str, stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = app.main(["--data-dir", str(data), *argv])
    out, err = capsys.readouterr()
    return code, out + err


def _bookmark(db: Database, *, hold: str | None) -> None:
    now = datetime.now(UTC)
    with db.write() as conn:
        conn.execute(insert(bookmarks).values(
            camera_id="hal-1", commune_id="halluin", at_utc=now, pre_seconds=10,
            post_seconds=10, category="rixe", severity=2, note="", status="ouvert",
            shift_id=None, operator_id="agent", workstation="poste-1", created_utc=now,
            updated_utc=now, judicial_ref=hold))


def test_removing_a_commune_with_history_is_refused_with_counts_and_commands(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    full, without = tmp_path / "site.toml", tmp_path / "sans-halluin.toml"
    full.write_text(HEAD + HALLUIN + RONCQ + CAMERAS, encoding="utf-8")
    without.write_text(HEAD + RONCQ, encoding="utf-8")

    def cli(*argv: str, stdin: str = "") -> tuple[int, str]:
        return run(capsys, monkeypatch, data, *argv, stdin=stdin)

    assert cli("site", "apply", str(full))[0] == 0
    assert cli("user", "add", "agent", "--name", "A. Gent", stdin=PASSWORD)[0] == 0
    grant = ("habilitation", "grant", "agent", "halluin", "--basis", "arrêté", "--by", "préfet")
    assert cli(*grant)[0] == 0
    assert cli("habilitation", "revoke", "agent", "halluin")[0] == 0
    assert cli(*grant)[0] == 0
    with Database.open(data / "csu-wall.sqlite3") as db:
        _bookmark(db, hold="PV 2026/123")
        _bookmark(db, hold=None)

    code, text = cli("site", "apply", str(without))
    assert code == 1
    assert "« halluin » : 2 signet(s) dont 1 sous réquisition judiciaire" in text
    assert "1 habilitation(s) en cours (à retirer : csu-wall habilitation revoke LOGIN halluin)" \
        in text
    assert "1 habilitation(s) retirée(s) (à effacer ensuite : csu-wall habilitation purge " \
           "halluin)" in text
    assert "attached = false" in text and "attached: false" not in text
    assert "Traceback" not in text

    # purge: only the revoked one goes, and the purge is audited
    assert cli("habilitation", "revoke", "agent", "halluin")[0] == 0
    code, text = cli("habilitation", "purge", "halluin")
    assert code == 0 and "2 habilitation(s) retirée(s) effacée(s)" in text
    code, text = cli("habilitation", "purge", "halluin")
    assert code == 1 and "rien à effacer" in text
    with Database.open(data / "csu-wall.sqlite3") as db:
        with db.read() as conn:
            assert conn.execute(select(func.count()).select_from(habilitations)).scalar() == 0
        purge = [r.entry for r in entries(db, limit=None)
                 if "effacement de 2 habilitation(s)" in r.entry.detail]
        assert len(purge) == 1 and purge[0].commune_id == "halluin"

    # bookmarks are still there: still refused, and the database is unchanged
    code, text = cli("site", "apply", str(without))
    assert code == 1 and "2 signet(s)" in text and "habilitation" not in text.split("—")[1]
    with Database.open(data / "csu-wall.sqlite3") as db, db.read() as conn:
        assert conn.execute(select(communes.c.id).order_by(communes.c.id)).scalars().all() \
            == ["halluin", "roncq"]

    # what the message advises works: the commune stays, detached
    detached = tmp_path / "halluin-detachee.toml"
    detached.write_text(HEAD + HALLUIN.replace('insee = "59279"\n',
                                               'insee = "59279"\nattached = false\n')
                        + RONCQ + CAMERAS, encoding="utf-8")
    assert cli("site", "apply", str(detached))[0] == 0
