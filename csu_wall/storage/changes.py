"""Live updates between workstations: what changed, told to every other client (DESIGN §6).

A writer calls :func:`publish` inside its writing transaction, so the news goes out exactly when
the change commits (and never when it rolls back). On PostgreSQL that is ``pg_notify`` and a
:class:`ChangeFeed` LISTENs on its own connection; on SQLite it is a row in ``change_log`` and
the feed reads only the rows after the last one it saw — never the changed tables themselves.

Topics are :class:`~csu_wall.core.changes.ChangeTopic` members, in and out. After a lost
connection the feed reports the outage (``on_status(False, message)``), reconnects with a
back-off, then reports it is back and sends ``(ChangeTopic.RESYNC, "")``: notifications sent
while it was away are lost (on PostgreSQL) or may have been pruned (on SQLite), so listeners
reload what they show.

``python -m csu_wall.storage.changes --bench URL`` measures how long a bookmark takes to reach
another workstation.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from csu_wall.core.changes import ChangeTopic, OnChange
from csu_wall.core.errors import StorageError
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.storage.db import Database, shown
from csu_wall.storage.schema_shifts import change_log

log = logging.getLogger(__name__)

CHANNEL = "csu_wall_changes"
# A LISTEN connection only receives: when the link dies without a reset (a cable, a VPN) this
# end would never notice, and the server drops the session — and the notifications — once its
# own TCP gives up. Keepalive probes every few seconds make the socket fail within about
# 25 s (idle 10 s + 3 probes 5 s apart), so the feed reconnects and sends RESYNC; the system
# default waits two hours before the first probe.
_KEEPALIVE = {"keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5",
              "keepalives_count": "3"}
_KEEP_ROWS = 5000  # SQLite change_log rows kept; readers only need the recent tail
_PRUNE_EVERY = 500

OnStatus = Callable[[bool, str], None]


class DatabaseUnreachable(StorageError, ConnectionError):
    """The shared database does not answer; the message (French) says what was not saved."""


def unreachable_message(db: Database, what: str) -> str:
    return (
        f"La base de données partagée ({shown(db.url)}) ne répond pas : {what}. Les images "
        "continuent de s'afficher ; réessayez dans un instant et prévenez l'administrateur si "
        "cela dure. Ce qui a été confirmé avant la coupure est conservé."
    )


@contextmanager
def guarded(db: Database, what: str) -> Iterator[None]:
    """Turn a lost connection into :class:`DatabaseUnreachable` naming ``what`` failed."""
    try:
        yield
    except OperationalError as exc:
        raise DatabaseUnreachable(unreachable_message(db, what)) from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise DatabaseUnreachable(unreachable_message(db, what)) from exc
        raise


def publish(conn: Connection, topic: ChangeTopic, key: str, clock: Clock | None = None) -> None:
    """Announce a change; call it inside the transaction that makes the change."""
    if topic is ChangeTopic.RESYNC:
        raise ValueError("RESYNC is sent by the change feed itself, never published")
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:ch, :payload)"),
                     {"ch": CHANNEL, "payload": f"{topic}:{key}"})
        return
    now = (clock or SystemClock()).now_utc()
    row_id = conn.execute(insert(change_log).values(topic=topic.value, key=key,
                                                    ts_utc=now))
    new = int(row_id.inserted_primary_key[0]) if row_id.inserted_primary_key else 0
    if new % _PRUNE_EVERY == 0:
        conn.execute(delete(change_log).where(change_log.c.id <= new - _KEEP_ROWS))


class ChangeFeed:
    """Calls ``on_change(topic, key)`` from its own thread for every change another client (or
    this one) publishes. ``stop()`` returns within about ``poll_seconds``."""

    def __init__(self, db: Database, on_change: OnChange, clock: Clock | None = None, *,
                 on_status: OnStatus | None = None, poll_seconds: float = 0.2,
                 retry_seconds: float = 1.0) -> None:
        self._db = db
        self._on_change = on_change
        self._on_status = on_status
        self._clock = clock or SystemClock()  # dates the outage in the status message
        self._poll = poll_seconds
        self._retry = retry_seconds
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_id = 0

    def start(self) -> None:
        """Start listening; returns once the feed listens, so no later change is missed."""
        if self._thread is not None:
            return
        if self._db.dialect != "postgresql":
            self._last_id = self._sqlite_tail()
        self._stop.clear()
        self._ready.clear()
        target = self._run_pg if self._db.dialect == "postgresql" else self._run_sqlite
        self._thread = threading.Thread(target=target, name="csu-change-feed", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10.0)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10.0)
            self._thread = None

    def __enter__(self) -> ChangeFeed:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- SQLite: read the new rows of change_log ------------------------------------------

    def _sqlite_tail(self) -> int:
        with self._db.read() as conn:
            return int(conn.execute(select(func.coalesce(func.max(change_log.c.id), 0)))
                       .scalar_one())

    def _run_sqlite(self) -> None:
        self._ready.set()
        up = True
        while not self._stop.wait(self._poll):
            try:
                with self._db.read() as conn:
                    rows = conn.execute(
                        select(change_log.c.id, change_log.c.topic, change_log.c.key)
                        .where(change_log.c.id > self._last_id).order_by(change_log.c.id)
                    ).all()
            except DBAPIError as exc:
                if up:
                    up = False
                    self._status(False, self._outage_message())
                log.warning("change feed: read failed (%s)", type(exc).__name__)
                continue
            if not up:
                up = True
                self._status(True, "")
                self._deliver(ChangeTopic.RESYNC, "")
            for row_id, topic, key in rows:
                self._last_id = int(row_id)
                self._deliver_raw(str(topic), str(key))

    # -- PostgreSQL: LISTEN on a dedicated connection -------------------------------------

    def _connect_pg(self) -> Any:
        import psycopg

        url = self._db.url
        params: dict[str, Any] = {k: v for k, v in url.query.items() if isinstance(v, str)}
        for name, value in (("host", url.host), ("port", url.port), ("dbname", url.database),
                            ("user", url.username), ("password", url.password)):
            if value is not None:
                params[name] = value
        for name, value in _KEEPALIVE.items():
            params.setdefault(name, value)  # the site's URL may say otherwise
        conn = psycopg.connect(autocommit=True, connect_timeout=5, **params)
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def _run_pg(self) -> None:
        import psycopg

        conn: Any = None
        up = True
        first = True
        while not self._stop.is_set():
            try:
                if conn is None:
                    conn = self._connect_pg()
                    if not first:
                        self._status(True, "")
                        self._deliver(ChangeTopic.RESYNC, "")
                    first = False
                    up = True
                    self._ready.set()
                for note in conn.notifies(timeout=self._poll):
                    topic, _, key = note.payload.partition(":")
                    self._deliver_raw(topic, key)
                    if self._stop.is_set():
                        break
            except psycopg.Error as exc:
                log.warning("change feed: connection lost (%s)", type(exc).__name__)
                _close_quietly(conn)
                conn = None
                first = False
                self._ready.set()  # start() must not wait for a server that is down
                if up:
                    up = False
                    self._status(False, self._outage_message())
                self._stop.wait(self._retry)
        _close_quietly(conn)

    def _outage_message(self) -> str:
        since = self._clock.now_utc().astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M:%S")
        return unreachable_message(
            self._db, f"les mises à jour des autres postes sont suspendues depuis {since}")

    # -- delivery -------------------------------------------------------------------------

    def _deliver_raw(self, raw_topic: str, key: str) -> None:
        topic = ChangeTopic.parse(raw_topic)
        if topic is None or topic is ChangeTopic.RESYNC:  # a newer client's topic: not ours
            log.debug("change feed: topic %r ignored", raw_topic)
            return
        self._deliver(topic, key)

    def _deliver(self, topic: ChangeTopic, key: str) -> None:
        try:
            self._on_change(topic, key)
        except Exception:  # a listener's bug must not stop the feed
            log.exception("change feed: listener failed on %s:%s", topic, key)

    def _status(self, up: bool, message: str) -> None:
        if self._on_status is None:
            return
        try:
            self._on_status(up, message)
        except Exception:
            log.exception("change feed: status listener failed")


def _close_quietly(conn: Any) -> None:
    if conn is None:
        return
    try:
        conn.close()
    except Exception:  # already broken: nothing to release
        pass
