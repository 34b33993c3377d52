"""Issue "security", Done-when 1: an operator habilitated for Tourcoing only opens a saved
layout holding Halluin and Tourcoing cameras. Halluin tiles say "not habilitated" and the
loopback RTSP server of Halluin sees zero connections; the denied attempts are in the audit
log; Tourcoing tiles play. Real RTSP servers (gst-rtsp-server), each behind a counting TCP
proxy: the Tourcoing proxy's count proves the counting works."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from csu_wall.core.audit import AuditAction
from csu_wall.core.frames import TileState
from csu_wall.core.layout import Grid, Layout
from csu_wall.core.model import Camera, Commune, Recorder, Site, StreamProfile
from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.main_window import MainWindow
from csu_wall.media.engine import MediaEngine
from csu_wall.recorders.registry import driver_for
from csu_wall.services.access import AccessGate
from csu_wall.services.layouts import LayoutService
from csu_wall.services.wall import StateFanout, WallService
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.site_repo import apply_site, load_site


class CountingProxy:
    """Forwards TCP connections from a loopback port to ``target`` and counts them."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.accepted = 0
        self._stop = threading.Event()
        self._socks: list[socket.socket] = []
        self._thread = threading.Thread(target=self._run, name="counting-proxy", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            self._socks += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True,
                                 name="counting-proxy-pipe").start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        src.settimeout(None)
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for s in self._socks:
            s.close()
        self.sock.close()


@pytest.fixture()
def proxies(rtsp_server) -> Iterator[tuple[CountingProxy, CountingProxy]]:  # type: ignore[no-untyped-def]
    tcg = CountingProxy(rtsp_server({"cam1": {"kind": "file"}}).port)
    hal = CountingProxy(rtsp_server({"cam1": {"kind": "file"}}).port)
    yield tcg, hal
    tcg.close()
    hal.close()


def _site(tcg_port: int, hal_port: int) -> Site:
    communes = (Commune("tourcoing", "Tourcoing", "59599"), Commune("halluin", "Halluin", "59279"))
    recorders = (Recorder("tcg-nvr", "tourcoing", "rtsp", "127.0.0.1", rtsp_port=tcg_port),
                 Recorder("hal-nvr", "halluin", "rtsp", "127.0.0.1", rtsp_port=hal_port))
    profile = StreamProfile(path="/cam1", width=320, height=180, fps=25)
    cameras = (Camera("tcg-001", "Grand-Place", "tourcoing", "tcg-nvr", main=profile, sub=profile),
               Camera("hal-001", "Mairie", "halluin", "hal-nvr", main=profile, sub=profile))
    return Site("test", communes, recorders, cameras)


@pytest.mark.rtsp
@pytest.mark.allow_thread_leak  # the proxy's pipe threads end when FFmpeg's socket closes
def test_saved_mixed_layout_for_an_operator_habilitated_for_tourcoing_only(
        qtbot: QtBot, tmp_path: Path, proxies: tuple[CountingProxy, CountingProxy]) -> None:
    tcg, hal = proxies
    db = Database.open(tmp_path / "db.sqlite3", create=True)
    apply_site(db, _site(tcg.port, hal.port), file_name="t.toml", sha256="0" * 64,
               applied_by="t")
    site = load_site(db)
    assert site is not None
    audit = DbAuditLog(db)
    chief = LayoutService(db, audit, operator=Operator("chef", "Chef", Role.SUPERVISOR),
                          workstation="poste-2")
    saved = chief.save(Layout("Frontière", Grid.preset("1x2"), ("hal-001", "tcg-001")), "créée")

    agent = Operator("agent", "Agent", Role.OPERATOR)
    hab = Habilitation("agent", "tourcoing", "arrêté", "maire", datetime(2020, 1, 1, tzinfo=UTC))
    gate = AccessGate(site, agent, [hab], audit, workstation="poste-1")
    bridge = StateBridge()
    events = StateFanout()
    events.add(bridge.post)
    engine = MediaEngine(workers=1, on_state=events, open_timeout=5, read_timeout=5)
    service = WallService(site, gate, engine,
                          lambda r: driver_for(r, clip_dir=tmp_path / "clips"),
                          state_events=events)
    window = MainWindow(service, demo=False, bridge=bridge,
                        layouts=LayoutService(db, audit, operator=agent, workstation="poste-1"))
    qtbot.addWidget(window)
    window.show()
    window.refresh_tabs()
    assert window.tabs.select(window.tabs.index_of(saved.id or -1))

    def tile_of(camera_id: str):  # type: ignore[no-untyped-def]
        return next(t for t in window.wall.tiles if t.camera is not None
                    and t.camera.id == camera_id)

    qtbot.waitUntil(lambda: tile_of("tcg-001").state is TileState.LIVE, timeout=20000)
    halluin = tile_of("hal-001")
    assert halluin.state is TileState.DENIED
    assert "habilit" in halluin.shown_status()
    assert hal.accepted == 0 and tcg.accepted >= 1
    denied = [r.entry for r in entries(db, limit=None) if r.entry.action is AuditAction.DENIED]
    assert any(e.camera_id == "hal-001" and e.operator_id == "agent" for e in denied)
    window.shutdown()
    db.close()
