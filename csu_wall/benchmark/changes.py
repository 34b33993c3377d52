"""How long a new bookmark takes to reach another workstation through the change feed
(docs/DESIGN.md §6).

``python -m csu_wall.benchmark.changes --bench URL [--count N]``: two "workstations" (two
engines, each with its own :class:`ChangeFeed`) on one database take turns saving a bookmark;
the delay runs from the start of the writer's transaction to the other's feed callback. The
bookmarks it writes are deleted at the end.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from datetime import datetime, timezone

from csu_wall.core.changes import ChangeTopic
from csu_wall.core.shifts import BookmarkStatus, Severity
from csu_wall.storage import bookmark_repo
from csu_wall.storage.changes import ChangeFeed
from csu_wall.storage.db import Database, shown


class _Arrivals:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.cond = threading.Condition()

    def __call__(self, topic: ChangeTopic, key: str) -> None:
        if topic is ChangeTopic.BOOKMARK:
            with self.cond:
                self.times.setdefault(key, time.perf_counter())
                self.cond.notify_all()

    def wait(self, key: str, timeout: float) -> float | None:
        with self.cond:
            self.cond.wait_for(lambda: key in self.times, timeout=timeout)
            return self.times.get(key)


def measure(url: str, count: int = 20) -> list[float]:
    """Delays in seconds, ``count`` bookmarks each way. Raises TimeoutError past 10 s."""
    dbs = [Database.open(url, create=True), Database.open(url)]
    arrivals = [_Arrivals(), _Arrivals()]
    feeds = [ChangeFeed(db, arr, poll_seconds=0.05) for db, arr in zip(dbs, arrivals,
                                                                        strict=True)]
    delays: list[float] = []
    written: list[int] = []
    for feed in feeds:
        feed.start()
    try:
        for n in range(2 * count):
            writer, reader = n % 2, 1 - n % 2
            now = datetime.now(timezone.utc)
            started = time.perf_counter()
            with dbs[writer].write() as conn:
                bookmark_id = bookmark_repo.insert_bookmark(conn, dict(
                    camera_id="bench", commune_id="bench", at_utc=now, pre_seconds=0,
                    post_seconds=0, category="bench", severity=int(Severity.LOW),
                    note="mesure du délai entre postes", status=BookmarkStatus.CLOSED.value,
                    shift_id=None, operator_id="bench", workstation=f"bench-{writer}",
                    created_utc=now, updated_utc=now, judicial_ref=None), None)
            written.append(bookmark_id)
            seen = arrivals[reader].wait(str(bookmark_id), 10.0)
            if seen is None:
                raise TimeoutError(f"bookmark {bookmark_id} not seen by the other "
                                   "workstation within 10 s")
            delays.append(seen - started)
    finally:
        for feed in feeds:
            feed.stop()
        with dbs[0].write() as conn:
            for bookmark_id in written:
                bookmark_repo.delete_bookmark(conn, bookmark_id)
        for db in dbs:
            db.close()
    return delays


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csu_wall.benchmark.changes")
    parser.add_argument("--bench", metavar="URL", required=True,
                        help="database URL (postgresql://… or a SQLite file)")
    parser.add_argument("--count", type=int, default=20, help="bookmarks each way")
    args = parser.parse_args(argv)
    delays = sorted(measure(args.bench, args.count))
    ms = [d * 1000 for d in delays]
    db = Database.open(args.bench)
    where = shown(db.url)
    db.close()
    print(f"{where}: {len(ms)} bookmarks between two workstations — delay median "
          f"{statistics.median(ms):.1f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms, "
          f"max {ms[-1]:.1f} ms")
    return 0


if __name__ == "__main__":  # pragma: no cover - benchmark entry point
    import sys

    sys.exit(main())
