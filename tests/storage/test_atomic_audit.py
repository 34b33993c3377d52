"""One transaction for every state change and its audit record: SIGKILL writers in a loop.

Writers (tests/storage/audit_writer.py, forked by a zygote started under ``timeout``) create
and edit bookmarks, create accounts and change passwords, grant and revoke habilitations, set
a recorder credential, create layouts and apply the site, through the real services, on a
real SQLite file. After every kill, for every kind: no change without its audit record and no
record without its change; the chain verifies. Also: ``user add`` with a password that is not
UTF-8 leaves no audit record.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from csu_wall.core.audit import AuditAction
from csu_wall.storage import credentials as creds
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.schema import habilitations, operators, site_applications
from csu_wall.storage.schema_shifts import bookmarks
from csu_wall.storage.schema_wall import layouts
from tests.storage.audit_writer import KEY

WRITER = Path(__file__).with_name("audit_writer.py")
KILLS = 200


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.timeout(240)
def test_sigkill_leaves_no_change_without_record_nor_record_without_change(
        tmp_path: Path) -> None:
    db_path = tmp_path / "csu.sqlite3"
    subprocess.run([sys.executable, str(WRITER), "--prepare", str(db_path)], check=True,
                   timeout=60)
    rng = random.Random(16)
    zygote = subprocess.Popen(
        ["timeout", "200", sys.executable, str(WRITER), "--zygote", str(db_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    assert zygote.stdin is not None and zygote.stdout is not None
    done: Counter[str] = Counter()
    child = 0
    started = time.monotonic()
    try:
        for round_no in range(KILLS):
            zygote.stdin.write("go\n")
            zygote.stdin.flush()
            while True:  # OK lines of the previous (dead) writer may come first
                line = zygote.stdout.readline()
                assert line, "zygote exited"
                if line.startswith("PID "):
                    child = int(line.split()[1])
                    break
                done[line.split()[1]] += 1
            if round_no % 3:
                for _ in range(rng.randint(1, 4)):
                    line = zygote.stdout.readline()
                    assert line.startswith("OK "), line
                    done[line.split()[1]] += 1
            time.sleep(rng.uniform(0.0, 0.030))
            os.kill(child, signal.SIGKILL)
            while _alive(child):
                time.sleep(0.001)
            child = 0
            _check(db_path)
        zygote.stdin.close()
        for line in zygote.stdout:
            done[line.split()[1]] += 1
        _check(db_path)
    finally:
        if child and _alive(child):
            os.kill(child, signal.SIGKILL)
        if zygote.poll() is None:
            zygote.kill()
        zygote.wait(timeout=30)
    print(f"\n{KILLS} SIGKILLs in {time.monotonic() - started:.1f} s; confirmed changes: "
          + ", ".join(f"{k} {v}" for k, v in sorted(done.items())))
    # Every kind was exercised (and killed around) many times.
    for kind in ("bookmark", "bookmark_edit", "account", "password", "grant", "revoke",
                 "credential", "layout", "site"):
        assert done[kind] >= 5, (kind, done)


def _check(db_path: Path) -> None:
    with Database.open(db_path) as db:
        assert DbAuditLog(db).verify_chain() == (True, None)
        recs = [r.entry for r in entries(db, limit=None)]
        with db.read() as conn:
            marks = {int(r[0]): r[1] for r in conn.execute(select(bookmarks.c.id,
                                                                  bookmarks.c.note))}
            accounts = {str(r[0]): r[1] for r in conn.execute(
                select(operators.c.id, operators.c.password_changed_at))}
            habs = conn.execute(select(habilitations.c.revoked)).scalars().all()
            layout_ids = set(conn.execute(select(layouts.c.id)).scalars())
            applications = len(conn.execute(select(site_applications.c.id)).all())
        cred = creds.get_credential(db, KEY, "nvr")

    def of(action: AuditAction) -> list:  # type: ignore[type-arg]
        return [e for e in recs if e.action is action]

    # Bookmarks: one "bookmark" record per bookmark; one "bookmark_change" per edit (the note
    # counts the edits).
    assert {int(e.extra["bookmark_id"]) for e in of(AuditAction.BOOKMARK)} == set(marks)
    edits = Counter(int(e.extra["bookmark_id"]) for e in of(AuditAction.BOOKMARK_CHANGE))
    assert {b: int(note) for b, note in marks.items() if int(note)} == dict(edits)
    # Accounts: a creation record per account; the last record's time is the password's.
    changes = of(AuditAction.USER_CHANGE)
    created = {e.detail.split(" : ")[0] for e in changes if "création" in e.detail}
    assert created == set(accounts)
    for login, changed_at in accounts.items():
        last = max(e.ts_utc for e in changes if e.detail.startswith(f"{login} : "))
        assert _same_instant(last, changed_at), login
    # Habilitations: a grant record per row, a revocation record per revoked row.
    assert len(of(AuditAction.HABILITATION_GRANT)) == len(habs)
    assert len(of(AuditAction.HABILITATION_REVOKE)) == sum(1 for r in habs if r)
    # The credential stored is the one the last record names.
    cred_records = of(AuditAction.CREDENTIAL_CHANGE)
    if cred is None:
        assert not cred_records
    else:
        assert f"« {cred.user} »" in cred_records[-1].detail
    # Layouts and site applications.
    assert {int(e.extra["layout_id"]) for e in of(AuditAction.LAYOUT_CHANGE)} == layout_ids
    assert len(of(AuditAction.SITE_APPLY)) == applications
    assert all(json.loads(e.extra["communes"]) == {"tourcoing": "Tourcoing"}
               for e in of(AuditAction.SITE_APPLY))


def _same_instant(a, b) -> bool:  # type: ignore[no-untyped-def]
    if b.tzinfo is None:
        a = a.replace(tzinfo=None)
    return bool(a == b)


def test_user_add_with_a_non_utf8_password_leaves_no_record(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = dict(os.environ, PYTHONPATH=str(Path.cwd()))
    done = subprocess.run(
        ["timeout", "60", sys.executable, "-m", "csu_wall.app", "--data-dir", str(data),
         "user", "add", "dupont", "--name", "J. Dupont"],
        input=b"mot-de-passe-\xff\xfe-long\n", capture_output=True, env=env, timeout=70,
        check=False)
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr and b"UTF-8" in done.stderr
    with Database.open(data / "csu-wall.sqlite3") as db:
        assert entries(db, limit=None) == []
        with db.read() as conn:
            assert conn.execute(select(operators.c.id)).all() == []


def test_spooled_records_join_the_next_change_and_stay_if_it_rolls_back(tmp_path: Path) -> None:
    """Records spooled while the database was away are replayed, in order, inside the next
    state change's transaction; the spool forgets them only once that transaction commits."""
    from datetime import UTC, datetime

    from csu_wall.core.audit import AuditEntry
    from csu_wall.storage.audit import append_in
    from csu_wall.storage.audit_spool import SpoolingAuditLog

    db = Database.open(tmp_path / "csu.sqlite3", create=True)
    try:
        spool = SpoolingAuditLog(DbAuditLog(db), tmp_path / "audit-spool.jsonl",
                                 workstation="poste-1")
        away = AuditEntry(datetime.now(UTC), "poste-1", "alice", AuditAction.LIVE_VIEW,
                          "tourcoing", "cam-1")
        spool._spool(away)  # as when the database did not answer
        change = AuditEntry(datetime.now(UTC), "poste-1", "alice", AuditAction.BOOKMARK,
                            "tourcoing", "cam-1", extra={"bookmark_id": "1"})
        with pytest.raises(RuntimeError), db.write() as conn:
            append_in(spool, conn, change)
            raise RuntimeError("the change fails after its record")
        assert entries(db, limit=None) == [] and spool.pending() == 1
        with db.write() as conn:
            append_in(spool, conn, change)
        recs = [r.entry for r in entries(db, limit=None)]
        assert [e.action for e in recs] == [AuditAction.LIVE_VIEW, AuditAction.BOOKMARK]
        assert recs[0].extra["spool"] == "poste-1#1" and spool.pending() == 0
        assert DbAuditLog(db).verify_chain() == (True, None)
    finally:
        db.close()
