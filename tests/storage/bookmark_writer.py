"""Headless bookmark writer for the SIGKILL durability test.

``python bookmark_writer.py DB`` saves bookmarks through :class:`BookmarkService` forever and
prints ``OK <id>`` once each save is confirmed (``create`` returned: committed).

``python bookmark_writer.py --zygote DB`` imports everything once, then forks a fresh writer
process for each ``go`` line read on stdin and prints ``PID <pid>`` before it writes: the test
kills writers hundreds of times without paying Python's start-up each time. Each writer is a
real process with its own SQLite connection, so a SIGKILL hits it exactly as it would hit a
client. Runs as a script (no package import of tests): the repository root is put on sys.path.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from csu_wall.core.model import Camera, Commune, Recorder, Site  # noqa: E402
from csu_wall.core.security import Habilitation, Operator  # noqa: E402
from csu_wall.core.shifts import Severity  # noqa: E402
from csu_wall.services.access import AccessGate  # noqa: E402
from csu_wall.services.bookmarks import BookmarkService  # noqa: E402
from csu_wall.storage.audit import DbAuditLog  # noqa: E402
from csu_wall.storage.db import Database  # noqa: E402

SNAPSHOT = b"\x89PNG\r\n\x1a\n" + os.urandom(1024)
SITE = Site.of("Durabilité", [Commune("tourcoing", "Tourcoing", "59599")],
               [Recorder("nvr", "tourcoing", "rtsp", "127.0.0.1")],
               [Camera("cam-1", "Caméra 1", "tourcoing", "nvr")])


def write_forever(db_path: str) -> None:
    db = Database.open(db_path)
    audit = DbAuditLog(db)
    since = datetime.now(timezone.utc) - timedelta(days=1)
    gate = AccessGate(SITE, Operator("writer", "Writer"),
                      [Habilitation("writer", "tourcoing", "test", "test", since)], audit,
                      workstation=f"writer-{os.getpid()}")
    svc = BookmarkService(db, audit, gate, workstation=f"writer-{os.getpid()}")
    camera = SITE.camera("cam-1")
    for n in count():
        b = svc.create(camera, datetime.now(timezone.utc), category="rixe",
                       severity=Severity.MEDIUM, note=f"incident {os.getpid()}-{n}",
                       shift_id=None, snapshot_png=SNAPSHOT)
        os.write(1, f"OK {b.id}\n".encode())  # one write: never interleaved or torn


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
    if sys.argv[1] == "--zygote":
        zygote(sys.argv[2])
    else:
        write_forever(sys.argv[1])
