"""Headless writer of audited state changes for the SIGKILL atomicity test.

``python audit_writer.py --zygote DB`` imports everything once, then forks a fresh writer for
each ``go`` line read on stdin and prints ``PID <pid>`` before it writes. Each writer loops
over every kind of audited change — bookmark created or edited, account created or its
password changed, habilitation granted or revoked, recorder credential set, layout created,
site applied — through the real services, with the audit log in the same SQLite database, and
prints ``OK <kind>`` once each change returned (committed). Runs as a script (no package
import of tests): the repository root is put on sys.path.
"""

from __future__ import annotations

import os
import random
import signal
import sys
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from argon2 import PasswordHasher, Type  # noqa: E402

from csu_wall.core.model import Camera, Commune, Recorder, Site  # noqa: E402
from csu_wall.core.security import Habilitation, Operator, Role  # noqa: E402
from csu_wall.core.shifts import Severity  # noqa: E402
from csu_wall.services.access import AccessGate  # noqa: E402
from csu_wall.services.bookmarks import BookmarkService  # noqa: E402
from csu_wall.services.credentials_admin import CredentialAdmin  # noqa: E402
from csu_wall.services.habilitations import HabilitationService  # noqa: E402
from csu_wall.services.layouts import LayoutService  # noqa: E402
from csu_wall.storage import accounts  # noqa: E402
from csu_wall.storage.audit import DbAuditLog  # noqa: E402
from csu_wall.storage.db import Database  # noqa: E402
from csu_wall.storage.site_key import SiteKey  # noqa: E402
from csu_wall.storage.site_repo import apply_site  # noqa: E402

KEY = SiteKey("a1b2c3d4e5f60718", "0011223344556677", bytes(range(32)))
SITE = Site.of("Atomicité", [Commune("tourcoing", "Tourcoing", "59599")],
               [Recorder("nvr", "tourcoing", "rtsp", "127.0.0.1")],
               [Camera("cam-1", "Caméra 1", "tourcoing", "nvr")])
HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)  # fast: a test
ADMIN = Operator("admin", "Admin", Role.ADMINISTRATOR)


def prepare(db_path: str) -> None:
    """The site and the writers' operator, before any writer starts."""
    db = Database.open(db_path, create=True)
    try:
        log = DbAuditLog(db)
        apply_site(db, SITE, file_name="site.toml", sha256="0" * 64, applied_by="test",
                   audit=log, workstation="test")
        accounts.create_account(db, "writer", "Writer", Role.OPERATOR, "x" * 12, hasher=HASHER,
                                record=accounts.ChangeRecord(log, "test", "test"))
    finally:
        db.close()


def write_forever(db_path: str) -> None:
    pid = os.getpid()
    ws = f"writer-{pid}"
    rng = random.Random(pid)
    db = Database.open(db_path)
    audit = DbAuditLog(db)
    since = datetime.now(UTC) - timedelta(days=1)
    gate = AccessGate(SITE, Operator("writer", "Writer"),
                      [Habilitation("writer", "tourcoing", "test", "test", since)], audit,
                      workstation=ws)
    marks = BookmarkService(db, audit, gate, workstation=ws)
    habs = HabilitationService(db, audit, actor="cli:test", workstation=ws)
    creds = CredentialAdmin(db, audit, SITE, operator=ADMIN, workstation=ws,
                            site_key=lambda: KEY)
    layouts = LayoutService(db, audit, operator=ADMIN, workstation=ws)
    record = accounts.ChangeRecord(audit, "cli:test", ws)
    camera = SITE.camera("cam-1")
    mine: list[int] = []
    logins: list[str] = []
    for n in count():
        kind = rng.choice(("bookmark", "bookmark_edit", "account", "password", "grant",
                           "credential", "layout", "site"))
        if kind == "bookmark" or (kind == "bookmark_edit" and not mine):
            b = marks.create(camera, datetime.now(UTC), category="rixe",
                             severity=Severity.MEDIUM, note="0", shift_id=None,
                             snapshot_png=None)
            mine.append(b.id)
            kind = "bookmark"
        elif kind == "bookmark_edit":
            # The note counts the edits: each must have exactly one bookmark_change record.
            current = marks.get(rng.choice(mine))
            marks.update(current.id, note=str(int(current.note) + 1))
        elif kind == "account" or (kind in ("password", "grant") and not logins):
            login = f"op-{pid}-{n}"
            accounts.create_account(db, login, "Op", Role.OPERATOR, "y" * 12, hasher=HASHER,
                                    record=record)
            logins.append(login)
            kind = "account"
        elif kind == "password":
            accounts.set_password(db, rng.choice(logins), "z" * 12 + str(n), hasher=HASHER,
                                  record=record)
        elif kind == "grant":
            login = logins.pop()  # one grant, then one revocation, per account
            habs.grant(login, "tourcoing", legal_basis="arrêté", granted_by="maire")
            os.write(1, b"OK grant\n")
            habs.revoke(login, "tourcoing")
            kind = "revoke"
        elif kind == "credential":
            creds.set("nvr", f"user-{pid}-{n}", "secret")
        elif kind == "layout":
            layouts.save(layouts.new_layout(f"Disposition {pid}-{n}", "2x2"))
        else:
            apply_site(db, SITE, file_name="site.toml", sha256=f"{n:064d}",
                       applied_by="test", audit=audit, workstation=ws)
        os.write(1, f"OK {kind}\n".encode())  # one write: never interleaved or torn


def zygote(db_path: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    for line in sys.stdin:
        if line.strip() != "go":
            break
        pid = os.fork()
        if pid == 0:
            try:
                write_forever(db_path)
            finally:
                os._exit(1)
        os.write(1, f"PID {pid}\n".encode())


if __name__ == "__main__":
    if sys.argv[1] == "--prepare":
        prepare(sys.argv[2])
    elif sys.argv[1] == "--zygote":
        zygote(sys.argv[2])
    else:
        write_forever(sys.argv[1])
