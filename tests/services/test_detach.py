"""Detaching a commune (issue "security", point 3): one action closes its tiles on every
running wall, removes it from the tree, deletes its credentials and cached files; its audit
records stay; attaching again restores it. Real SQLite, real files, real RTSP server.
"""

from __future__ import annotations

import time
from pathlib import Path

from csu_wall.core.audit import AuditAction
from csu_wall.core.frames import TileState
from csu_wall.services.communes import CommuneService, CommuneWatcher, purge_cache
from csu_wall.storage import credentials as creds
from csu_wall.storage.audit import DbAuditLog, entries
from csu_wall.storage.db import Database
from csu_wall.storage.site_key import SiteKey
from tests.services._security_site import habilitation, make_wall, store_site

KEY = SiteKey("site", "kid", bytes(range(32)))


def _wait(pred, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_purge_cache_removes_only_that_commune_files(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    files = [cache / "demo-clips" / "v1-roncq-001-320x180.mp4",
             cache / "thumbnails" / "roncq-001.jpg",
             cache / "snapshots" / "roncq-001" / "2026-03-01.png",
             cache / "demo-clips" / "v1-roncq-0011-320x180.mp4",
             cache / "demo-clips" / "v1-halluin-001-320x180.mp4"]
    for f in files:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"x")
    removed = purge_cache(cache, ["roncq-001"])
    assert sorted(removed) == sorted(files[:3])
    assert files[3].exists() and files[4].exists()
    assert not (cache / "snapshots" / "roncq-001").exists()


def test_detach_closes_tiles_and_removes_everything_but_the_audit(
        tmp_path: Path, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file"}})
    db = Database.open(tmp_path / "csu.db", create=True)
    site = store_site(db, server.port)
    creds.set_credential(db, KEY, "roncq-nvr", creds.RecorderCredential("viewer", "pw-roncq"))
    creds.set_credential(db, KEY, "halluin-nvr", creds.RecorderCredential("viewer", "pw-hal"))
    clip = tmp_path / "cache" / "demo-clips" / "v1-roncq-001-320x180.mp4"
    clip.parent.mkdir(parents=True)
    clip.write_bytes(b"cached frames")
    habs = [habilitation("roncq"), habilitation("halluin")]
    # Two running walls (two workstations' services over the same database).
    wall_a, _ = make_wall(db, site, habs, None, tmp_path)
    wall_b, _ = make_wall(db, site, habs, None, tmp_path)
    watchers = [CommuneWatcher(db, w, cache_dir=tmp_path / "cache") for w in (wall_a, wall_b)]
    try:
        tiles = [wall_a.open_camera("a0", "roncq-001", (320, 180)),
                 wall_b.open_camera("b0", "roncq-001", (320, 180)),
                 wall_b.open_camera("b1", "halluin-001", (320, 180))]
        assert _wait(lambda: all(t.state is TileState.LIVE for t in tiles))
        for w in watchers:
            w.poll()
        service = CommuneService(db, DbAuditLog(db), actor="admin", workstation="poste-9",
                                 cache_dir=tmp_path / "cache")
        commune, n_creds, n_files = service.detach("Roncq")
        assert (commune.id, n_creds, n_files) == ("roncq", 1, 1) and not clip.exists()
        assert creds.recorders_with_credentials(db) == ["halluin-nvr"]
        for w in watchers:
            assert w.poll() == ({"roncq"}, set())
        for wall, tile in ((wall_a, "a0"), (wall_b, "b0")):
            assert wall.camera_on(tile) is None
            assert [c.id for c in wall.visible_communes()] == ["halluin"]
            assert not wall.may_view("roncq")
        assert wall_b.camera_on("b1") is not None and tiles[2].state is TileState.LIVE
        actions = [(r.entry.action, r.entry.camera_id) for r in entries(db, limit=None)]
        assert (AuditAction.COMMUNE_DETACH, None) in actions
        assert (AuditAction.LIVE_VIEW, "roncq-001") in actions  # its audit records stay
        assert actions.index((AuditAction.LIVE_VIEW_END, "roncq-001")) > actions.index(
            (AuditAction.COMMUNE_DETACH, None))

        service.attach("59508")
        for w in watchers:
            assert w.poll() == (set(), {"roncq"})
        assert wall_a.may_view("roncq")
        again = wall_a.open_camera("a0", "roncq-001", (320, 180))
        assert _wait(lambda: again.state is TileState.LIVE)
    finally:
        wall_a.shutdown()
        wall_b.shutdown()
        db.close()
