"""SIGKILL a bookmark writer at random moments, at least 200 times.

Every bookmark whose save was confirmed (``OK <id>`` printed after ``create`` returned) must be
in the database, and ``PRAGMA integrity_check`` must say ``ok``, after every kill. The writers
are forked by a zygote process (tests/storage/bookmark_writer.py) started under ``timeout``.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database

WRITER = Path(__file__).with_name("bookmark_writer.py")
KILLS = 200


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_point5_sigkill_200_times_loses_no_confirmed_bookmark(tmp_path: Path) -> None:
    db_path = tmp_path / "csu.sqlite3"
    Database.open(db_path, create=True).close()  # writers start on an existing database
    rng = random.Random(6)
    zygote = subprocess.Popen(
        ["timeout", "300", sys.executable, str(WRITER), "--zygote", str(db_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    assert zygote.stdin is not None and zygote.stdout is not None
    confirmed: set[int] = set()
    mid_save = 0
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
                confirmed.add(int(line.split()[1]))
            if round_no % 4 == 0:
                mid_save += 1  # kill without waiting for any confirmation
            else:
                for _ in range(rng.randint(1, 3)):
                    line = zygote.stdout.readline()
                    assert line.startswith("OK "), line
                    confirmed.add(int(line.split()[1]))
            time.sleep(rng.uniform(0.005, 0.060))
            os.kill(child, signal.SIGKILL)
            while _alive(child):  # reaped by the zygote (SIGCHLD ignored)
                time.sleep(0.001)
            child = 0
            _check(db_path, confirmed)
        zygote.stdin.close()
        for line in zygote.stdout:  # the last writer's confirmations
            confirmed.add(int(line.split()[1]))
        _check(db_path, confirmed)
    finally:
        if child and _alive(child):
            os.kill(child, signal.SIGKILL)
        if zygote.poll() is None:
            zygote.kill()
        zygote.wait(timeout=30)
    elapsed = time.monotonic() - started
    print(f"\n{KILLS} SIGKILLs ({mid_save} without waiting for a confirmation), "
          f"{len(confirmed)} confirmed bookmarks, all present; {elapsed:.1f} s")
    assert len(confirmed) >= KILLS  # the writers did save between kills
    with Database.open(db_path) as db:
        assert DbAuditLog(db).verify_chain() == (True, None)


def _check(db_path: Path, confirmed: set[int]) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        present = {row[0] for row in conn.execute("SELECT id FROM bookmarks")}
        with_snapshot = {row[0] for row in conn.execute(
            "SELECT bookmark_id FROM bookmark_snapshots")}
    finally:
        conn.close()
    missing = confirmed - present
    assert not missing, f"confirmed bookmarks lost: {sorted(missing)[:10]}"
    assert present == with_snapshot  # a bookmark and its snapshot commit together
