"""The credential vault decrypts only after the access gate authorised (issue "security", 4).

Real SQLite, real keyring, real RTSP server with authentication.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from csu_wall.core.errors import AccessDenied
from csu_wall.core.frames import TileState
from csu_wall.media.redact import redact
from csu_wall.services.vault import CredentialUnavailable
from csu_wall.storage import credentials as creds
from csu_wall.storage import site_key
from csu_wall.storage.db import Database
from tests.keyring_env import needs_secret_service
from tests.services._security_site import habilitation, make_wall, store_site

PASSWORD = "V4ult#pw:@/q"


def _wait(pred, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


@needs_secret_service
def test_vault_withholds_without_grant_and_plays_with_one(tmp_path: Path, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file"}}, auth=("viewer", PASSWORD))
    db = Database.open(tmp_path / "csu.db", create=True)
    site = store_site(db, server.port)
    key, _ = site_key.create_site_key(db, created_by="t")
    for rid in ("roncq-nvr", "halluin-nvr"):
        creds.set_credential(db, key, rid, creds.RecorderCredential("viewer", PASSWORD))
    wall, vault = make_wall(db, site, [habilitation("roncq")], key, tmp_path)
    try:
        # Nothing authorised yet: the vault decrypts nothing.
        with pytest.raises(CredentialUnavailable):
            vault("recorder:roncq-nvr")
        with pytest.raises(AccessDenied):
            wall.open_camera("t1", "halluin-001", (320, 180))
        with pytest.raises(CredentialUnavailable):
            vault("recorder:halluin-nvr")  # a denied access grants nothing
        handle = wall.open_camera("t0", "roncq-001", (320, 180))
        assert _wait(lambda: handle.state is TileState.LIVE), handle.state
        assert vault.granted() == {"roncq-nvr"}
        assert redact(f"rtsp://x/{PASSWORD}") == "rtsp://x/***"  # registered before use
        # The commune is detached: the gate refuses it and the vault withholds again.
        assert wall.detach_commune("roncq") == ["t0"]
        with pytest.raises(CredentialUnavailable):
            vault("recorder:roncq-nvr")
        wall.attach_commune("roncq")
        assert vault("recorder:roncq-nvr") == ("viewer", PASSWORD)
    finally:
        wall.shutdown()
        db.close()


def test_vault_without_site_key_gives_no_credential(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "csu.db", create=True)
    site = store_site(db, 9)
    wall, vault = make_wall(db, site, [habilitation("roncq")], None, tmp_path)
    try:
        wall.access.authorise_live(site.camera("roncq-001"))
        assert vault("recorder:roncq-nvr") is None
        assert vault("other:thing") is None
    finally:
        wall.shutdown()
        db.close()
