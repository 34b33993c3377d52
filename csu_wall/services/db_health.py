"""Is the shared database reachable? The wall says so, and replays the audit spool on return.

Open tiles keep playing when the database goes away (their access was audited before they
opened); new accesses wait for the audit to be writable — locally spooled meanwhile (DESIGN §7).
This watcher probes the database every few seconds with one cheap query, tells the GUI when
the state changes (with a French message for the operator), and replays the spool as soon as
the database answers again. The change feed notices a lost link at once (its connection
breaks); :meth:`DatabaseHealth.feed_status` lets it ask for a pass then, so the banner does
not wait for the end of the interval.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from csu_wall.core.errors import CsuWallError
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.services._poller import PollingThread
from csu_wall.storage.audit_spool import SpoolingAuditLog
from csu_wall.storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DbStatus:
    reachable: bool
    since_utc: datetime
    pending_audit: int = 0  # audit records waiting in the local spool


Listener = Callable[[DbStatus], None]


class DatabaseHealth(PollingThread):
    thread_name = "csu-db-health"

    def __init__(self, db: Database, *, spool: SpoolingAuditLog | None = None,
                 interval: float = 3.0, clock: Clock | None = None) -> None:
        super().__init__(interval)
        self._db = db
        self._spool = spool
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._status = DbStatus(True, self._clock.now_utc())

    @property
    def status(self) -> DbStatus:
        with self._lock:
            return self._status

    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def probe(self) -> bool:
        try:
            with self._db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def feed_status(self, _up: bool, _message: str) -> None:
        """A :class:`ChangeFeed` ``on_status`` callback: the feed's connection broke or came
        back, so the watcher probes now, on its own thread (the feed does not wait for it).
        The probe decides what the wall shows."""
        self.wake()

    def poll(self) -> DbStatus:
        """One pass: probe, replay the spool when back, tell listeners about a change."""
        reachable = self.probe()
        pending = 0
        if self._spool is not None:
            if reachable:
                try:
                    replayed = self._spool.replay()
                    if replayed:
                        log.info("audit spool: %d record(s) replayed", replayed)
                except (CsuWallError, SQLAlchemyError, OSError) as exc:
                    log.warning("audit spool not replayed: %s", type(exc).__name__)
            pending = self._spool.pending()
        with self._lock:
            old = self._status
            changed = old.reachable != reachable or old.pending_audit != pending
            since = old.since_utc if old.reachable == reachable else self._clock.now_utc()
            self._status = new = DbStatus(reachable, since, pending)
            listeners = list(self._listeners)
        if changed:
            if reachable:
                log.info("database reachable again")
            else:
                log.warning("database unreachable")
            for listener in listeners:
                listener(new)
        return new
