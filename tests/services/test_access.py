"""The access gate on the frame path, against real SQLite and a real socket.

The recorder is a plain TCP listener on 127.0.0.1 that counts accepted connections: it proves
that a refused camera opens no connection at all, and that an allowed one does.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from csu_wall.core.errors import AccessDenied
from csu_wall.core.model import Camera, Commune, Recorder, Site, StreamProfile
from csu_wall.core.security import Habilitation, Operator
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.registry import driver_for
from csu_wall.services.access import AccessGate
from csu_wall.services.wall import StateFanout, WallService
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def monotonic(self) -> float:
        return 0.0

    def now_utc(self) -> datetime:
        return self.now


class CountingListener:
    """Accepts TCP connections on 127.0.0.1 and counts them (never answers)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._run, name="counting-listener", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            self._conns.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for c in self._conns:
            c.close()
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[CountingListener]:
    lst = CountingListener()
    yield lst
    lst.close()


def make_site(port: int) -> Site:
    communes = [Commune("roncq", "Roncq", "59508"), Commune("halluin", "Halluin", "59279"),
                Commune("comines", "Comines", "59152", attached=False)]
    recorders = [Recorder(f"{c.id}-nvr", c.id, "rtsp", "127.0.0.1", rtsp_port=port)
                 for c in communes]
    cameras = [Camera(f"{c.id}-001", f"Mairie de {c.name}", c.id, f"{c.id}-nvr",
                      sub=StreamProfile(path="/cam1", width=640, height=360, fps=25))
               for c in communes]
    return Site("test", tuple(communes), tuple(recorders), tuple(cameras))


def habilitation(commune: str, **kw: object) -> Habilitation:
    values: dict[str, object] = dict(
        operator_id="agent1", commune_id=commune, legal_basis="arrêté préfectoral",
        granted_by="maire", valid_from=NOW - timedelta(days=1),
    )
    values.update(kw)
    return Habilitation(**values)  # type: ignore[arg-type]


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "csu.db", create=True)
    yield database
    database.close()


def make_wall(site: Site, habs: list[Habilitation], db: Database, tmp_path: Path,
              clock: FixedClock | None = None) -> WallService:
    gate = AccessGate(site, Operator("agent1", "Agent 1"), habs, DbAuditLog(db),
                      workstation="poste-1", clock=clock or FixedClock(NOW))
    events = StateFanout()
    engine = MediaEngine(workers=1, on_state=events, open_timeout=2, read_timeout=2)
    return WallService(site, gate, engine,
                       lambda r: driver_for(r, clip_dir=tmp_path / "clips"),
                       state_events=events)


def _actions(db: Database) -> list[tuple[str, str | None]]:
    from csu_wall.storage.audit import entries

    return [(r.entry.action.value, r.entry.camera_id) for r in entries(db, limit=1000)]


def test_not_habilitated_camera_opens_no_connection_and_is_audited(
    listener: CountingListener, db: Database, tmp_path: Path
) -> None:
    site = make_site(listener.port)
    wall = make_wall(site, [habilitation("roncq")], db, tmp_path)
    try:
        with pytest.raises(AccessDenied) as denied:
            wall.open_camera("t0", "halluin-001", (320, 180))
        assert "Halluin" in str(denied.value)
        assert listener.accepted == 0
        assert ("denied", "halluin-001") in _actions(db)
    finally:
        wall.shutdown()
    assert listener.accepted == 0


def test_habilitated_camera_is_audited_before_connecting(
    listener: CountingListener, db: Database, tmp_path: Path
) -> None:
    site = make_site(listener.port)
    wall = make_wall(site, [habilitation("roncq")], db, tmp_path)
    try:
        wall.open_camera("t0", "roncq-001", (320, 180))
        assert ("live_view", "roncq-001") in _actions(db)
        deadline = threading.Event()
        for _ in range(100):
            if listener.accepted:
                break
            deadline.wait(0.05)
        assert listener.accepted >= 1
    finally:
        wall.shutdown()
    assert ("live_view_end", "roncq-001") in _actions(db)


def test_detached_commune_is_refused_even_with_habilitation(
    listener: CountingListener, db: Database, tmp_path: Path
) -> None:
    site = make_site(listener.port)
    wall = make_wall(site, [habilitation("comines")], db, tmp_path)
    try:
        with pytest.raises(AccessDenied):
            wall.open_camera("t0", "comines-001", (320, 180))
    finally:
        wall.shutdown()
    assert listener.accepted == 0


@pytest.mark.parametrize(
    "hab",
    [
        habilitation("roncq", valid_until=NOW - timedelta(minutes=1)),  # expired
        habilitation("roncq", valid_from=NOW + timedelta(days=1)),  # not yet valid
        habilitation("roncq", revoked=True),
        habilitation("roncq", operator_id="someone-else"),
    ],
    ids=["expired", "not-yet-valid", "revoked", "other-operator"],
)
def test_invalid_habilitations_are_refused(
    hab: Habilitation, listener: CountingListener, db: Database, tmp_path: Path
) -> None:
    wall = make_wall(make_site(listener.port), [hab], db, tmp_path)
    try:
        with pytest.raises(AccessDenied):
            wall.open_camera("t0", "roncq-001", (320, 180))
    finally:
        wall.shutdown()
    assert listener.accepted == 0


def test_audit_log_is_append_only_chain(db: Database, tmp_path: Path,
                                        listener: CountingListener) -> None:
    from csu_wall.storage.audit import DbAuditLog

    wall = make_wall(make_site(listener.port), [], db, tmp_path)
    try:
        for _ in range(3):
            with pytest.raises(AccessDenied):
                wall.open_camera("t0", "roncq-001", (320, 180))
    finally:
        wall.shutdown()
    ok, bad = DbAuditLog(db).verify_chain()
    assert ok and bad is None
